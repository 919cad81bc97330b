// v1's record `shop.Order` was renamed to `shop.Purchase` without an alias.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "renamed_type_without_alias.avsc")]
struct Purchase {
    id: String,
}

fn main() {}
