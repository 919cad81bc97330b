// serde attributes that agree with stream_schema ones (or stand alone) are honoured.
use serde::{Deserialize, Serialize};
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[stream_schema(rename_all = "camelCase", namespace = "com.example")]
struct Order {
    #[serde(rename = "id")]
    #[stream_schema(rename = "id")]
    order_id: i64,
    customer_name: String,
    #[serde(skip, default)]
    cache: Vec<u8>,
    #[serde(alias = "remark")]
    note: Option<String>,
}

fn main() {
    let json = Order::avro_schema_json();
    assert!(json.contains("\"name\":\"id\""), "{json}");
    assert!(json.contains("\"name\":\"customerName\""), "{json}");
    assert!(!json.contains("cache"), "{json}");
    assert!(json.contains("\"aliases\":[\"remark\"]"), "{json}");
}
