// v1's `customer` was renamed to `customer_id` without recording the old name.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "renamed_field_without_alias.avsc")]
struct Order {
    id: String,
    customer_id: String,
}

fn main() {}
