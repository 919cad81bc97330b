use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Settings {
    #[stream_schema(default = "{not json")]
    label: String,
}

fn main() {}
