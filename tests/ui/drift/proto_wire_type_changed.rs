// `sku` changed from string (length-delimited) to int64 (varint): not wire-compatible.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "proto_wire_type_changed.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    sku: i64,
}

fn main() {}
