use serde::Serialize;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize)]
#[serde(rename_all = "camelCase")]
#[stream_schema(rename_all = "snake_case")]
struct Order {
    order_id: i64,
}

fn main() {}
