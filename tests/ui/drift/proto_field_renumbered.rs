// `qty` moved from number 2 to 3: the registry accepts it (one field removed, one added),
// but readers drop every `qty` written under the other number, so the pin refuses it.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "proto_field_renumbered.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 3)]
    qty: i32,
}

fn main() {}
