use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(topic = "sessions")]
struct Session {
    #[stream_schema(key)]
    id: i64,
    #[stream_schema(key)]
    user: String,
}

fn main() {}
