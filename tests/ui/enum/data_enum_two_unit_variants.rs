use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Shape {
    Empty,
    Unknown,
    Circle { radius: f64 },
}

fn main() {}
