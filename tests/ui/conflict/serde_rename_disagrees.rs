use serde::Serialize;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize)]
struct Order {
    #[serde(rename = "orderId")]
    #[stream_schema(rename = "order_id")]
    id: i64,
}

fn main() {}
