use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Settings {
    #[stream_schema(default = "\"ten\"")]
    retries: i32,
}

fn main() {}
