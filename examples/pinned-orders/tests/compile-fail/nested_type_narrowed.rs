// Order is untouched, but its nested LineItem's price went from i64 (Avro long) to i32
// (int): long does not narrow to int, so Order's pin fails.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(
    namespace = "com.acme.orders",
    pin = "../../schemas/orders-value.avsc",
    compatibility = "BACKWARD"
)]
pub struct Order {
    pub id: String,
    pub customer_id: String,
    pub items: Vec<LineItem>,
    pub status: Status,
    pub note: Option<String>,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme.orders")]
pub struct LineItem {
    pub sku: String,
    pub qty: i32,
    pub unit_price_cents: i32,
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
