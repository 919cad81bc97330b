//! The generated JSON codec against serde_json's derive on the same `Order` (the struct
//! derives both), in the same run:
//!
//! ```sh
//! cargo bench --bench json
//! ```

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use streamhouse_schema::{JsonDecode, JsonEncode, StreamSchema};

#[derive(StreamSchema, Serialize, Deserialize, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme.shop")]
struct LineItem {
    sku: String,
    quantity: i32,
    unit_price: f64,
}

/// An order placed in the shop.
#[derive(StreamSchema, Serialize, Deserialize, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme.shop")]
struct Order {
    id: String,
    customer_id: i64,
    amount: f64,
    currency: String,
    created_at: DateTime<Utc>,
    note: Option<String>,
    items: Vec<LineItem>,
}

fn order() -> Order {
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

fn bench(c: &mut Criterion) {
    let order = order();
    let ours = order.to_json_vec().expect("encodes");
    let theirs = serde_json::to_vec(&order).expect("serde_json encodes");
    // Both read both texts (serde's chrono writes fewer fraction digits when it can).
    assert_eq!(Order::decode_json(&theirs).as_ref(), Ok(&order));
    assert_eq!(
        serde_json::from_slice::<Order>(&ours).ok().as_ref(),
        Some(&order)
    );

    let mut g = c.benchmark_group("json/encode");
    let mut buf = Vec::with_capacity(512);
    g.bench_function("streamhouse", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&order).encode_json(&mut buf).expect("encodes");
            black_box(buf.len())
        })
    });
    g.bench_function("serde_json", |b| {
        b.iter(|| {
            buf.clear();
            serde_json::to_writer(&mut buf, black_box(&order)).expect("encodes");
            black_box(buf.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("json/decode");
    g.bench_function("streamhouse", |b| {
        b.iter(|| Order::decode_json(black_box(&ours)).expect("decodes"))
    });
    g.bench_function("serde_json", |b| {
        b.iter(|| serde_json::from_slice::<Order>(black_box(&ours)).expect("decodes"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
