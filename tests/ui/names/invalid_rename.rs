use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(rename = "order-id")]
    id: i64,
}

fn main() {}
