use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(topic = "orders", format = "proto")]
struct Order {
    id: i64,
}

fn main() {}
