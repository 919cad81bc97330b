//! Protobuf encode/decode of the `Order` record: our derived codec vs prost-derive on the
//! same message (same field numbers and types, so the same bytes).
//!
//! Decoding through `decode_proto` takes the slice path (`codec::proto::slice`): the
//! payload is one contiguous slice read with a local cursor and inlined varints.
//!
//! `decode/streamhouse_borrowed` reads the same bytes into `proto_order::borrowed::Order`,
//! which borrows its strings from the payload (`ProtoBorrowDecode`).
//!
//! Run: `cargo bench -p streamhouse-suite --bench proto -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prost::Message as _;
use streamhouse_schema::{ProtoBorrowDecode, StreamSchema};

#[path = "support/proto_order.rs"]
mod proto_order;
use proto_order::{order, prost_order, Order, ProstOrder};

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
    assert_eq!(Order::decode_proto(&ours_bytes).as_ref(), Ok(&ours));
    assert!(
        proto_order::borrowed::Order::from_proto_borrowed(&ours_bytes)
            .is_ok_and(|b| proto_order::borrowed::same(&b, &ours))
    );
    assert_eq!(
        ProstOrder::decode(ours_bytes.as_slice()).as_ref(),
        Ok(&theirs)
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
    g.bench_function("decode/streamhouse_borrowed", |b| {
        b.iter(|| proto_order::borrowed::Order::from_proto_borrowed(black_box(&ours_bytes)))
    });
    g.bench_function("decode/prost", |b| {
        b.iter(|| ProstOrder::decode(black_box(theirs_bytes.as_slice())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
