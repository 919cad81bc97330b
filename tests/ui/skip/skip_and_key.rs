use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(topic = "sessions")]
struct Session {
    #[stream_schema(skip, default, key)]
    id: i64,
    user: String,
}

fn main() {}
