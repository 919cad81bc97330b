use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(alias = "old id")]
    id: i64,
}

fn main() {}
