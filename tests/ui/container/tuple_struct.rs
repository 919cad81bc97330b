use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Point(i32, i32);

fn main() {}
