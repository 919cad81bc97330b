//! The Protobuf `Order` the benchmarks measure, derived by us and written for prost-derive
//! (same field numbers and types, so the same bytes): shared by `benches/proto.rs`
//! (criterion) and `examples/codec_instructions.rs` (instruction counts under callgrind).

use chrono::{DateTime, Utc};
use streamhouse_schema::StreamSchema;

/// An order line.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.v1", protobuf)]
pub struct LineItem {
    #[stream_schema(tag = 1)]
    pub sku: String,
    #[stream_schema(tag = 2)]
    pub qty: u32,
    #[stream_schema(tag = 3)]
    pub price: f64,
}

/// An order with three line items and a timestamp.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.v1", protobuf)]
pub struct Order {
    #[stream_schema(tag = 1)]
    pub id: String,
    #[stream_schema(tag = 2)]
    pub customer_id: i64,
    #[stream_schema(tag = 3)]
    pub amount: f64,
    #[stream_schema(tag = 4)]
    pub currency: String,
    #[stream_schema(tag = 5)]
    pub created_at: DateTime<Utc>,
    #[stream_schema(tag = 6)]
    pub note: Option<String>,
    #[stream_schema(tag = 7)]
    pub items: Vec<LineItem>,
}

/// The same order borrowing its strings from the payload (zero-copy decode): the same
/// messages, read through `ProtoBorrowDecode` instead of allocating a `String` per string.
pub mod borrowed {
    use chrono::{DateTime, Utc};
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "LineItem", namespace = "bench.v1", protobuf)]
    pub struct LineItem<'a> {
        #[stream_schema(tag = 1)]
        pub sku: &'a str,
        #[stream_schema(tag = 2)]
        pub qty: u32,
        #[stream_schema(tag = 3)]
        pub price: f64,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "bench.v1", protobuf)]
    pub struct Order<'a> {
        #[stream_schema(tag = 1)]
        pub id: &'a str,
        #[stream_schema(tag = 2)]
        pub customer_id: i64,
        #[stream_schema(tag = 3)]
        pub amount: f64,
        #[stream_schema(tag = 4)]
        pub currency: &'a str,
        #[stream_schema(tag = 5)]
        pub created_at: DateTime<Utc>,
        #[stream_schema(tag = 6)]
        pub note: Option<&'a str>,
        #[stream_schema(tag = 7)]
        pub items: Vec<LineItem<'a>>,
    }

    /// Whether `b` holds the values of `o`.
    pub fn same(b: &Order<'_>, o: &super::Order) -> bool {
        b.id == o.id
            && b.customer_id == o.customer_id
            && b.amount == o.amount
            && b.currency == o.currency
            && b.created_at == o.created_at
            && b.note == o.note.as_deref()
            && b.items.len() == o.items.len()
            && b.items
                .iter()
                .zip(&o.items)
                .all(|(b, o)| b.sku == o.sku && b.qty == o.qty && b.price == o.price)
    }
}

/// The order line written for prost-derive.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProstLineItem {
    #[prost(string, tag = "1")]
    pub sku: String,
    #[prost(uint32, tag = "2")]
    pub qty: u32,
    #[prost(double, tag = "3")]
    pub price: f64,
}

/// The order written for prost-derive.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProstOrder {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(int64, tag = "2")]
    pub customer_id: i64,
    #[prost(double, tag = "3")]
    pub amount: f64,
    #[prost(string, tag = "4")]
    pub currency: String,
    #[prost(message, optional, tag = "5")]
    pub created_at: Option<prost_types::Timestamp>,
    #[prost(string, optional, tag = "6")]
    pub note: Option<String>,
    #[prost(message, repeated, tag = "7")]
    pub items: Vec<ProstLineItem>,
}

/// The sample order.
pub fn order() -> Order {
    Order {
        id: "ord-2024-000123".into(),
        customer_id: 987_654_321,
        amount: 149.97,
        currency: "EUR".into(),
        created_at: DateTime::from_timestamp(1_706_704_496, 789_000_000).unwrap_or_default(),
        note: Some("leave at the door".into()),
        items: (1..=3)
            .map(|i| LineItem {
                sku: format!("SKU-{i:05}"),
                qty: i,
                price: 49.99,
            })
            .collect(),
    }
}

/// The same order as prost's type.
pub fn prost_order(o: &Order) -> ProstOrder {
    ProstOrder {
        id: o.id.clone(),
        customer_id: o.customer_id,
        amount: o.amount,
        currency: o.currency.clone(),
        created_at: Some(prost_types::Timestamp {
            seconds: o.created_at.timestamp(),
            nanos: o.created_at.timestamp_subsec_nanos() as i32,
        }),
        note: o.note.clone(),
        items: o
            .items
            .iter()
            .map(|i| ProstLineItem {
                sku: i.sku.clone(),
                qty: i.qty,
                price: i.price,
            })
            .collect(),
    }
}
