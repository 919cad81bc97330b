use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Session {
    id: i64,
    #[stream_schema(skip, default = 0)]
    cache_hits: i64,
}

fn main() {}
