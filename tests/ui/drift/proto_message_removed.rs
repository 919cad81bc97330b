// Order is unchanged, but its nested LineItem dropped `discount`, so the pinned file's
// `Discount` message is gone from Order's schema: Order's pin covers the whole file.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "proto_message_removed.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    items: Vec<LineItem>,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct LineItem {
    #[stream_schema(tag = 1)]
    sku: String,
}

fn main() {}
