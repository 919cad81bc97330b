use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Shape {
    #[stream_schema(default)]
    Empty,
    Circle { radius: f64 },
}

fn main() {}
