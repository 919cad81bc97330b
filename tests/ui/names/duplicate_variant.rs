use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Status {
    Open,
    #[stream_schema(rename = "Open")]
    Reopened,
}

fn main() {}
