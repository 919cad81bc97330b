// Order itself is unchanged, but its nested LineItem gained `unit_price` without a default:
// Order's pin covers the whole schema, so Order's build fails.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "nested_type_changed.avsc")]
struct Order {
    id: String,
    items: Vec<LineItem>,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct LineItem {
    sku: String,
    qty: i32,
    unit_price: f64,
}

fn main() {}
