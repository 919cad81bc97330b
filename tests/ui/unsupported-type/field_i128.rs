use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Reading {
    id: i32,
    value: i128,
}

fn main() {}
