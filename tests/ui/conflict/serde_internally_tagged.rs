use serde::Serialize;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize)]
#[serde(tag = "type")]
enum Event {
    Created { id: i64 },
    Deleted { id: i64 },
}

fn main() {}
