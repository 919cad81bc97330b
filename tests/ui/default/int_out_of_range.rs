use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Settings {
    #[stream_schema(default = 300)]
    level: i8,
}

fn main() {}
