// The fingerprint was taken when LineItem's `qty` was an i32; it is now an i64. Any change,
// however deep, changes the fingerprint.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", fingerprint = "0x0e6290d34b2dcb15")]
struct Order {
    id: String,
    items: Vec<LineItem>,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct LineItem {
    sku: String,
    qty: i64,
}

fn main() {}
