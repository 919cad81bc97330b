use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(topic = "orders", format = "json")]
#[stream_schema(format = "avro")]
struct Order {
    id: i64,
}

fn main() {}
