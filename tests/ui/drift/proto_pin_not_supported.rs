// Protobuf pins are not built yet: the attribute says so instead of silently passing.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "order.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
}

fn main() {}
