//! Protobuf encode/decode of the `Order` record: our derived codec vs prost-derive on the
//! same message (same field numbers and types, so the same bytes).
//!
//! Run: `cargo bench -p streamhouse-suite --bench proto`

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use prost::Message as _;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.v1", protobuf)]
struct LineItem {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: u32,
    #[stream_schema(tag = 3)]
    price: f64,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.v1", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    customer_id: i64,
    #[stream_schema(tag = 3)]
    amount: f64,
    #[stream_schema(tag = 4)]
    currency: String,
    #[stream_schema(tag = 5)]
    created_at: DateTime<Utc>,
    #[stream_schema(tag = 6)]
    note: Option<String>,
    #[stream_schema(tag = 7)]
    items: Vec<LineItem>,
}

/// The same message written for prost-derive.
#[derive(Clone, PartialEq, prost::Message)]
struct ProstLineItem {
    #[prost(string, tag = "1")]
    sku: String,
    #[prost(uint32, tag = "2")]
    qty: u32,
    #[prost(double, tag = "3")]
    price: f64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ProstOrder {
    #[prost(string, tag = "1")]
    id: String,
    #[prost(int64, tag = "2")]
    customer_id: i64,
    #[prost(double, tag = "3")]
    amount: f64,
    #[prost(string, tag = "4")]
    currency: String,
    #[prost(message, optional, tag = "5")]
    created_at: Option<prost_types::Timestamp>,
    #[prost(string, optional, tag = "6")]
    note: Option<String>,
    #[prost(message, repeated, tag = "7")]
    items: Vec<ProstLineItem>,
}

fn order() -> Order {
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

fn prost_order(o: &Order) -> ProstOrder {
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

fn bench(c: &mut Criterion) {
    let ours = order();
    let theirs = prost_order(&ours);
    let mut ours_bytes = Vec::new();
    ours.encode_proto(&mut ours_bytes);
    let theirs_bytes = theirs.encode_to_vec();
    assert_eq!(
        ours_bytes, theirs_bytes,
        "both codecs must write the same bytes"
    );

    let mut g = c.benchmark_group("proto_order");
    let mut buf = Vec::with_capacity(256);
    g.bench_function("encode/streamhouse", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&ours).encode_proto(&mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("encode/prost", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&theirs).encode_raw(&mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("decode/streamhouse", |b| {
        b.iter(|| Order::decode_proto(black_box(&ours_bytes)))
    });
    g.bench_function("decode/prost", |b| {
        b.iter(|| ProstOrder::decode(black_box(theirs_bytes.as_slice())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
