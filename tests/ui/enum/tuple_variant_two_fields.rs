use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Shape {
    Rect(f64, f64),
    Circle { radius: f64 },
}

fn main() {}
