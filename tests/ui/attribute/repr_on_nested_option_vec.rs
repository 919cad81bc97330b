use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Counters {
    #[stream_schema(repr = "long")]
    totals: Option<Vec<u64>>,
}

fn main() {}
