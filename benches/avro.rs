//! Avro encode/decode of a realistic `Order` (3 line items), in one run:
//! - `streamhouse` — the code `#[derive(StreamSchema)]` generates, into a reused `Vec`;
//! - `streamhouse_borrowed` (decode) — the same schema into `support/avro_order.rs`'s
//!   `borrowed::Order`, whose strings borrow from the input (zero-copy);
//! - `hand_written` — an encoder and decoder written by hand for this one struct (the floor,
//!   in `support/avro_order.rs`: the decoder keeps its cursor in a local and inlines its
//!   varints, one-byte case first);
//! - `serde_avro_fast` — serde with a schema-driven serializer;
//! - `apache_avro` — `GenericDatumWriter::write_ser` (the serde path) and, for decoding,
//!   `GenericDatumReader::read_deser` and `read_value` + `from_value`.
//!
//! Then `decode_items/N`: the same order with N = 1, 10, 100 and 1,000 line items, generated
//! against hand-written.
//!
//! Run: `cargo bench --bench avro -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use criterion::{criterion_group, criterion_main, Criterion};
use streamhouse_schema::codec::avro::resolve::Resolution;
use streamhouse_schema::{AvroBorrowDecode, AvroDecode, AvroEncode, StreamSchema};

#[path = "support/avro_order.rs"]
mod avro_order;
use avro_order::{hand, sample, Order};

fn bench(c: &mut Criterion) {
    let order = sample();
    let schema = Order::avro_schema();
    let fast_schema: serde_avro_fast::Schema = Order::avro_schema_json()
        .parse()
        .expect("serde_avro_fast parses our schema");
    let apache_writer = GenericDatumWriter::builder(schema)
        .build()
        .expect("apache writer");
    let apache_reader = GenericDatumReader::builder(schema)
        .build()
        .expect("apache reader");

    // Every contender writes and reads the same bytes.
    let mut ours = Vec::new();
    order.encode_avro(&mut ours).expect("encodes");
    let mut by_hand = Vec::new();
    hand::encode(&order, &mut by_hand);
    assert_eq!(ours, by_hand, "hand-written encoder differs");
    let mut fast_config = serde_avro_fast::ser::SerializerConfig::new(&fast_schema);
    let fast = serde_avro_fast::to_datum(&order, Vec::new(), &mut fast_config).expect("fast");
    assert_eq!(ours, fast, "serde_avro_fast differs");
    let mut apache = Vec::new();
    apache_writer
        .write_ser(&mut apache, &order)
        .expect("apache write_ser");
    assert_eq!(ours, apache, "apache-avro differs");
    assert!(hand::decode(&ours).ok() == Some(order.clone()));
    println!("Order payload: {} bytes", ours.len());

    let mut g = c.benchmark_group("encode");
    let mut buf = Vec::with_capacity(256);
    g.bench_function("streamhouse", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&order).encode_avro(&mut buf).expect("encodes");
            black_box(buf.len())
        })
    });
    g.bench_function("hand_written", |b| {
        b.iter(|| {
            buf.clear();
            hand::encode(black_box(&order), &mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("serde_avro_fast", |b| {
        b.iter(|| {
            buf.clear();
            serde_avro_fast::to_datum(black_box(&order), &mut buf, &mut fast_config)
                .expect("encodes");
            black_box(buf.len())
        })
    });
    g.bench_function("apache_avro_write_ser", |b| {
        b.iter(|| {
            buf.clear();
            apache_writer
                .write_ser(&mut buf, black_box(&order))
                .expect("encodes");
            black_box(buf.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("decode");
    g.bench_function("streamhouse", |b| {
        b.iter(|| Order::decode_avro(&mut black_box(ours.as_slice())).expect("decodes"))
    });
    // v1 bytes read as v2 (a field added with a default, int widened to long) through the
    // cached resolution plan: what a consumer pays when writer and reader differ.
    let plan = Resolution::new(
        Order::avro_schema_json(),
        avro_order::v2::Order::avro_schema_json(),
    )
    .expect("v1 resolves to v2");
    let mut scratch = Vec::with_capacity(256);
    g.bench_function("streamhouse_resolved_v1_as_v2", |b| {
        b.iter(|| {
            plan.decode::<avro_order::v2::Order>(black_box(&ours), &mut scratch)
                .expect("decodes")
        })
    });
    // The same order as v2 bytes read as v2: the reader type's own decode, the floor of the
    // resolved read above (it builds the same value, `channel` included).
    let mut ours_v2 = Vec::new();
    plan.decode::<avro_order::v2::Order>(&ours, &mut scratch)
        .expect("decodes")
        .encode_avro(&mut ours_v2)
        .expect("encodes");
    g.bench_function("streamhouse_v2", |b| {
        b.iter(|| {
            avro_order::v2::Order::decode_avro(&mut black_box(ours_v2.as_slice())).expect("decodes")
        })
    });
    g.bench_function("hand_written", |b| {
        b.iter(|| {
            hand::decode(black_box(&ours))
                .ok()
                .expect("hand-written decodes")
        })
    });
    // Zero-copy: the same schema into a type whose strings borrow from the input.
    assert!(avro_order::borrowed::same(
        &avro_order::borrowed::Order::from_avro_borrowed(&ours).expect("decodes"),
        &order
    ));
    g.bench_function("streamhouse_borrowed", |b| {
        b.iter(|| {
            avro_order::borrowed::Order::from_avro_borrowed(black_box(ours.as_slice()))
                .expect("decodes")
        })
    });
    g.bench_function("serde_avro_fast", |b| {
        b.iter(|| {
            serde_avro_fast::from_datum_slice::<Order>(black_box(&ours), &fast_schema)
                .expect("decodes")
        })
    });
    g.bench_function("apache_avro_read_deser", |b| {
        b.iter(|| {
            apache_reader
                .read_deser::<Order>(&mut black_box(ours.as_slice()))
                .expect("decodes")
        })
    });
    g.bench_function("apache_avro_read_value_from_value", |b| {
        b.iter(|| {
            let v = apache_reader
                .read_value(&mut black_box(ours.as_slice()))
                .expect("reads");
            apache_avro::from_value::<Order>(&v).expect("decodes")
        })
    });
    g.finish();

    // The same record with 1, 10, 100 and 1,000 line items: the per-item loop against the
    // hand-written one.
    for n in [1usize, 10, 100, 1000] {
        let order = avro_order::sample_with_items(n);
        let mut bytes = Vec::new();
        order.encode_avro(&mut bytes).expect("encodes");
        let mut by_hand = Vec::new();
        hand::encode(&order, &mut by_hand);
        assert_eq!(bytes, by_hand, "hand-written encoder differs");
        assert!(hand::decode(&bytes).ok() == Some(order.clone()));
        assert_eq!(Order::decode_avro(&mut bytes.as_slice()), Ok(order));
        let mut g = c.benchmark_group(format!("decode_items/{n}"));
        g.bench_function("streamhouse", |b| {
            b.iter(|| Order::decode_avro(&mut black_box(bytes.as_slice())).expect("decodes"))
        });
        g.bench_function("hand_written", |b| {
            b.iter(|| {
                hand::decode(black_box(&bytes))
                    .ok()
                    .expect("hand-written decodes")
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
