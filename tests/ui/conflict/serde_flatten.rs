use serde::Serialize;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize)]
struct Inner {
    a: i32,
}

#[derive(StreamSchema, Serialize)]
struct Outer {
    #[serde(flatten)]
    inner: Inner,
}

fn main() {}
