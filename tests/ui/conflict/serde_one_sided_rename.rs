use serde::Serialize;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize)]
struct Order {
    #[serde(rename(serialize = "orderId"))]
    id: i64,
}

fn main() {}
