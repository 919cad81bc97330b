use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Point {
    coords: (i32, i32),
}

fn main() {}
