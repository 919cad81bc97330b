use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "com.example..orders")]
struct Order {
    id: i64,
}

fn main() {}
