use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Status {
    #[stream_schema(default)]
    New,
    #[stream_schema(default)]
    Unknown,
}

fn main() {}
