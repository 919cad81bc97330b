use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Event {
    #[stream_schema(unit = "millis")]
    at: i64,
}

fn main() {}
