// v1 had `amount: i64` (Avro long); it became an i32 (int): long does not narrow to int.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "type_not_promotable.avsc")]
struct Order {
    id: String,
    amount: i32,
}

fn main() {}
