use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Reading {
    id: i32,
    value: u128,
}

fn main() {}
