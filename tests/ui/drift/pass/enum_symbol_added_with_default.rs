// v1's Status had NEW and PAID with NEW as its default; SHIPPED was added (FULL: old
// readers map it to their default, new readers read every old symbol).
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "enum_symbol_added_with_default.avsc", compatibility = "FULL")]
struct Order {
    id: String,
    status: Status,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", rename_all = "UPPERCASE")]
enum Status {
    #[stream_schema(default)]
    New,
    Paid,
    Shipped,
}

fn main() {}
