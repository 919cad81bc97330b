// v1 was `shop.Order`; the namespace became `shop.v2` without an alias.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop.v2", pin = "namespace_changed.avsc")]
struct Order {
    id: String,
    amount: i64,
}

fn main() {}
