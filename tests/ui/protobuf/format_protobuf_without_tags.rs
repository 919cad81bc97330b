use streamhouse_schema::StreamSchema;

// `format = "protobuf"` makes the type a Protobuf message, as `protobuf` does: every field
// needs its number.
#[derive(StreamSchema)]
#[stream_schema(topic = "orders", format = "protobuf")]
struct Order {
    id: i64,
}

fn main() {}
