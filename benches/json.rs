//! The generated JSON codec against serde_json's derive, and for decoding also `sonic-rs`
//! and `simd-json` (both through their serde derive), in the same run, on two records:
//! - `order`: `Order`, whose `created_at` is a chrono `DateTime<Utc>` (an RFC 3339 string;
//!   serde's chrono path is slow, which flatters every comparison against serde);
//! - `plain`: `PlainOrder`, the same fields with `created_at_micros: i64`, no chrono: the
//!   fair comparison of the JSON readers themselves; `json/decode/plain/streamhouse_borrowed`
//!   reads it into its borrowing twin (strings as `&str`, zero-copy).
//!
//! simd-json parses in place, so each of its iterations first copies the input into a
//! reused buffer (a memcpy of ~300 bytes, part of what its API costs).
//!
//! ```sh
//! cargo bench --bench json -- --warm-up-time 1 --measurement-time 3
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use serde::de::DeserializeOwned;
use std::hint::black_box;
use streamhouse_schema::{JsonBorrowDecode, JsonDecode, JsonEncode};

#[path = "support/json_order.rs"]
mod json_order;
use json_order::{order, plain_order, Order, PlainOrder};

/// Every decoder reads `text` back to `value`.
fn check<T>(value: &T, text: &[u8])
where
    T: JsonDecode + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(T::decode_json(text).as_ref(), Ok(value));
    assert_eq!(serde_json::from_slice::<T>(text).ok().as_ref(), Some(value));
    assert_eq!(sonic_rs::from_slice::<T>(text).ok().as_ref(), Some(value));
    let mut copy = text.to_vec();
    assert_eq!(
        simd_json::serde::from_slice::<T>(&mut copy).ok().as_ref(),
        Some(value)
    );
}

fn decoders<T>(c: &mut Criterion, name: &str, text: &[u8])
where
    T: JsonDecode + DeserializeOwned,
{
    let mut g = c.benchmark_group(format!("json/decode/{name}"));
    g.bench_function("streamhouse", |b| {
        b.iter(|| T::decode_json(black_box(text)).expect("decodes"))
    });
    g.bench_function("serde_json", |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(text)).expect("decodes"))
    });
    g.bench_function("sonic_rs", |b| {
        b.iter(|| sonic_rs::from_slice::<T>(black_box(text)).expect("decodes"))
    });
    let mut scratch = Vec::with_capacity(text.len());
    g.bench_function("simd_json", |b| {
        b.iter(|| {
            scratch.clear();
            scratch.extend_from_slice(black_box(text));
            simd_json::serde::from_slice::<T>(&mut scratch).expect("decodes")
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let order = order();
    let ours = order.to_json_vec().expect("encodes");
    let theirs = serde_json::to_vec(&order).expect("serde_json encodes");
    // Both read both texts (serde's chrono writes fewer fraction digits when it can).
    assert_eq!(Order::decode_json(&theirs).as_ref(), Ok(&order));
    check(&order, &ours);
    let plain = plain_order();
    let plain_text = plain.to_json_vec().expect("encodes");
    assert_eq!(
        plain_text,
        serde_json::to_vec(&plain).expect("serde_json encodes"),
        "both write the same plain text"
    );
    check(&plain, &plain_text);

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

    decoders::<PlainOrder>(c, "plain", &plain_text);
    decoders::<Order>(c, "order", &ours);

    // Zero-copy: the plain order into its borrowing twin (strings as `&str`).
    assert!(json_order::borrowed::same(
        &json_order::borrowed::PlainOrder::decode_json_borrowed(&plain_text).expect("decodes"),
        &plain
    ));
    let mut g = c.benchmark_group("json/decode/plain");
    g.bench_function("streamhouse_borrowed", |b| {
        b.iter(|| {
            json_order::borrowed::PlainOrder::decode_json_borrowed(black_box(&plain_text))
                .expect("decodes")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
