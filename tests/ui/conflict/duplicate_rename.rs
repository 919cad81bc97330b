use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(rename = "a")]
    #[stream_schema(rename = "b")]
    id: i64,
}

fn main() {}
