// v1's `customer` became `customer_id`, and the record `Order` became `Purchase`; both
// keep their old names as aliases.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", alias = "shop.Order", pin = "rename_with_alias.avsc")]
struct Purchase {
    id: String,
    #[stream_schema(alias = "customer")]
    customer_id: String,
}

fn main() {}
