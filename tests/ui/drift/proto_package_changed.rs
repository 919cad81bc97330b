// The namespace is the Protobuf package: moving the type to `store` changes every message's
// full name, which readers of the pinned `shop` package do not know.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "store", pin = "proto_package_changed.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
}

fn main() {}
