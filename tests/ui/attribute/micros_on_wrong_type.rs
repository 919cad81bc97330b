// `unit = "micros"` is the default mapping, but on a non-temporal type it is still a mistake.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Event {
    #[stream_schema(unit = "micros")]
    at: i64,
}

fn main() {}
