// A new required field: consumers built with this Order could not read the records already
// on the topic (they have no `coupon`). Fix: `coupon: Option<String>`, or a default.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(
    namespace = "com.acme.orders",
    // Trybuild compiles this file outside the crate, so the path is relative to this file.
    pin = "../../schemas/orders-value.avsc",
    compatibility = "BACKWARD"
)]
pub struct Order {
    pub id: String,
    pub customer_id: String,
    pub items: Vec<LineItem>,
    pub status: Status,
    pub note: Option<String>,
    pub coupon: String,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme.orders")]
pub struct LineItem {
    pub sku: String,
    pub qty: i32,
    pub unit_price_cents: i64,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme.orders", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    #[stream_schema(default)]
    Placed,
    Paid,
    Shipped,
}

fn main() {}
