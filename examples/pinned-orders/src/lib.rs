//! The `orders` topic's value type, pinned to the committed `schemas/orders-value.avsc`.
//!
//! Every build checks `Order` (with `LineItem` and `Status`) against that file with the
//! registry's BACKWARD rules: a change that would stop new consumers from reading records
//! already on the topic fails to compile. After a compatible change, refresh the file with
//! `STREAMHOUSE_SCHEMA_UPDATE=1 cargo build -p pinned-orders` and commit it.
#![warn(missing_docs)]

use streamhouse_schema::StreamSchema;

/// An order as written to the `orders` topic.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(
    namespace = "com.acme.orders",
    topic = "orders",
    pin = "schemas/orders-value.avsc",
    compatibility = "BACKWARD"
)]
pub struct Order {
    /// The order id.
    pub id: String,
    /// Who placed it.
    pub customer_id: String,
    /// What was ordered.
    pub items: Vec<LineItem>,
    /// Where it is in its life cycle.
    pub status: Status,
    /// A note for the packer. Added after v1: an `Option` defaults to null, so new
    /// consumers still read v1 records.
    pub note: Option<String>,
}

/// One line of an order.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "com.acme.orders")]
pub struct LineItem {
    /// The article.
    pub sku: String,
    /// How many.
    pub qty: i32,
    /// Price of one, in cents.
    pub unit_price_cents: i64,
}

/// The life cycle of an order.
#[derive(StreamSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[stream_schema(namespace = "com.acme.orders", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Placed, not paid yet; also what readers map unknown statuses to.
    #[stream_schema(default)]
    Placed,
    /// Paid.
    Paid,
    /// On its way.
    Shipped,
}
