//! The generated JSON codec against serde_json's derive on the same `Order` (the struct
//! derives both), in the same run:
//!
//! ```sh
//! cargo bench --bench json
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use streamhouse_schema::{JsonDecode, JsonEncode};

#[path = "support/json_order.rs"]
mod json_order;
use json_order::{order, Order};

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
