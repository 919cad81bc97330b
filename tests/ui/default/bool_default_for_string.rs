use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Settings {
    #[stream_schema(default = true)]
    label: String,
}

fn main() {}
