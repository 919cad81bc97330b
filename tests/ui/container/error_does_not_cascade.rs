// The type is used as a stream message after the derive failed: only the derive's own
// message is reported, not "StreamSchema is not implemented" at every use.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Reading {
    value: u64,
}

#[derive(StreamSchema)]
struct Batch {
    readings: Vec<Reading>,
    latest: Option<Reading>,
}

fn schema_of<T: StreamSchema>() -> &'static str {
    T::avro_schema_json()
}

fn main() {
    let _ = schema_of::<Reading>();
    let _ = schema_of::<Batch>();
}
