use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(untagged)]
struct Order {
    id: i64,
}

fn main() {}
