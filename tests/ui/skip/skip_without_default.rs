use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Session {
    id: i64,
    #[stream_schema(skip)]
    cache_hits: i64,
}

fn main() {}
