use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(renmae = "order_id")]
    id: i64,
}

fn main() {}
