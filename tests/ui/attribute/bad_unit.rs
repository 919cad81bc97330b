use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Event {
    #[stream_schema(unit = "nanos")]
    at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
