use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(nmaespace = "com.example")]
struct Order {
    id: i64,
}

fn main() {}
