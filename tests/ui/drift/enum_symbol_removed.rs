// v1's Status had NEW, PAID and SHIPPED and no default; SHIPPED was removed.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "enum_symbol_removed.avsc")]
struct Order {
    id: String,
    status: Status,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", rename_all = "UPPERCASE")]
enum Status {
    New,
    Paid,
}

fn main() {}
