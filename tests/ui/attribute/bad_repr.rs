use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Counter {
    #[stream_schema(repr = "int")]
    total: u64,
}

fn main() {}
