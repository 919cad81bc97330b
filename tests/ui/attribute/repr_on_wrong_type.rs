use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Counter {
    #[stream_schema(repr = "long")]
    total: i32,
}

fn main() {}
