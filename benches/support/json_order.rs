//! The `Order` the JSON benchmarks measure: shared by `benches/json.rs` (criterion) and
//! `examples/codec_instructions.rs` (instruction counts under callgrind).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Serialize, Deserialize, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme.shop")]
pub struct LineItem {
    pub sku: String,
    pub quantity: i32,
    pub unit_price: f64,
}

/// An order placed in the shop.
#[derive(StreamSchema, Serialize, Deserialize, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme.shop")]
pub struct Order {
    pub id: String,
    pub customer_id: i64,
    pub amount: f64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub note: Option<String>,
    pub items: Vec<LineItem>,
}

/// A realistic order.
pub fn order() -> Order {
    Order {
        id: "ord-2024-000123".into(),
        customer_id: 987_654_321,
        amount: 149.97,
        currency: "EUR".into(),
        created_at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap_or_default(),
        note: Some("leave at the door".into()),
        items: (0..3)
            .map(|i| LineItem {
                sku: format!("SKU-{i:05}"),
                quantity: i + 1,
                unit_price: 49.99,
            })
            .collect(),
    }
}

/// The same order without chrono: `created_at` as microseconds since the epoch, so that
/// neither side pays for a date-time parser (serde's chrono path is slow and would flatter
/// the comparison).
#[derive(StreamSchema, Serialize, Deserialize, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme.shop")]
pub struct PlainOrder {
    pub id: String,
    pub customer_id: i64,
    pub amount: f64,
    pub currency: String,
    pub created_at_micros: i64,
    pub note: Option<String>,
    pub items: Vec<LineItem>,
}

/// [`order`] as a [`PlainOrder`].
pub fn plain_order() -> PlainOrder {
    let o = order();
    PlainOrder {
        id: o.id,
        customer_id: o.customer_id,
        amount: o.amount,
        currency: o.currency,
        created_at_micros: o.created_at.timestamp_micros(),
        note: o.note,
        items: o.items,
    }
}

/// [`PlainOrder`] borrowing its strings from the document (zero-copy decode): the same
/// JSON Schema, read through `JsonBorrowDecode`.
pub mod borrowed {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(name = "LineItem", namespace = "com.acme.shop")]
    pub struct LineItem<'a> {
        pub sku: &'a str,
        pub quantity: i32,
        pub unit_price: f64,
    }

    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(name = "PlainOrder", namespace = "com.acme.shop")]
    pub struct PlainOrder<'a> {
        pub id: &'a str,
        pub customer_id: i64,
        pub amount: f64,
        pub currency: &'a str,
        pub created_at_micros: i64,
        pub note: Option<&'a str>,
        pub items: Vec<LineItem<'a>>,
    }

    /// Whether `b` holds the values of `o`.
    pub fn same(b: &PlainOrder<'_>, o: &super::PlainOrder) -> bool {
        b.id == o.id
            && b.customer_id == o.customer_id
            && b.amount == o.amount
            && b.currency == o.currency
            && b.created_at_micros == o.created_at_micros
            && b.note == o.note.as_deref()
            && b.items.len() == o.items.len()
            && b.items.iter().zip(&o.items).all(|(b, o)| {
                b.sku == o.sku && b.quantity == o.quantity && b.unit_price == o.unit_price
            })
    }
}
