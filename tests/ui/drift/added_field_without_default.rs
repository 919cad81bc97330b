// v1 had `id` and `amount`; `note` was added without a default.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "added_field_without_default.avsc")]
struct Order {
    id: String,
    amount: i64,
    note: String,
}

fn main() {}
