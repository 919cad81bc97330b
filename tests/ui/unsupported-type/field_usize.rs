use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Reading {
    id: i32,
    value: usize,
}

fn main() {}
