// v1 had `qty: i32` (Avro int); it became an i64 (long): int promotes to long.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "int_to_long.avsc")]
struct Order {
    id: String,
    qty: i64,
}

fn main() {}
