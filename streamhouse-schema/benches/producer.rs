//! The producer's and consumer's own cost on top of the codecs (issue 5):
//!
//! - `send_typed/<format>`: a cached `send_typed` on the embedded log (id from the cache,
//!   frame built in the arena, appended to the log) next to `encode/<format>`, the generated
//!   encoder alone into a reused buffer, measured in the same run. The difference is the
//!   producer's overhead per message.
//! - `transport/append`: the embedded log's own `send` of a ready frame (a clone of one
//!   `Bytes`), the part of `send_typed` that is not the producer's.
//! - `decode/same_schema` vs `decode/resolved`: `Consumer::decode` of a record whose writer
//!   schema is the reader type's, and of one written with v1 and read as v2 through the
//!   cached resolution plan. `decode/resolved_changed_items` reads it as v3, where every
//!   line item changes (a promoted number and an added field) and a field is removed.
//!   `decode/same_schema_v2` reads a v2 record as v2: the reader type's own decode cost,
//!   without resolution.
//!
//! - `decode_bytes/<size>/*`: a record with a `bytes` field of 1,000 and of 65,536 bytes
//!   (issue 15, zero-copy `Bytes`): `codec_copy` reads it from the payload as a plain
//!   `&[u8]` (the field is copied), `codec_sliced` from the payload's `Bytes`
//!   (`from_avro_bytes`: the field is a slice of it); `consumer_owned_copy` is
//!   `Consumer::decode` into the owned twin, `consumer_borrowed_sliced` is
//!   `Consumer::decode_borrowed`.
//!
//! Run: `cargo bench -p streamhouse-schema --bench producer -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use streamhouse_schema::consumer::{ConsumedRecord, Consumer};
use streamhouse_schema::producer::{Json, Producer, Protobuf};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{AvroBorrowDecode, AvroDecode, JsonDecode, JsonEncode, StreamSchema};
use tokio::runtime::Runtime;

/// One order line.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", protobuf)]
struct LineItem {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    quantity: i32,
    #[stream_schema(tag = 3)]
    unit_price: f64,
}

/// An order (the shape the codec benchmarks use, without the timestamp).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "orders", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    customer_id: String,
    #[stream_schema(tag = 3)]
    amount: f64,
    #[stream_schema(tag = 4)]
    currency: String,
    #[stream_schema(tag = 5)]
    note: Option<String>,
    #[stream_schema(tag = 6)]
    items: Vec<LineItem>,
}

/// v2 of the order for the consumer: `quantity` count widened, a field added with a default.
mod v2 {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "LineItem", namespace = "bench.shop")]
    pub struct LineItem {
        pub sku: String,
        pub quantity: i64,
        pub unit_price: f64,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "bench.shop")]
    pub struct Order {
        pub id: String,
        pub customer_id: String,
        pub amount: f64,
        pub currency: String,
        pub note: Option<String>,
        pub items: Vec<LineItem>,
        #[stream_schema(default = "\"web\"")]
        pub channel: String,
    }
}

/// v3 of the order for the consumer: every line item changed (`quantity` an int read as a
/// double, a field added), `note` removed, a field added: nothing is read unchanged.
mod v3 {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "LineItem", namespace = "bench.shop")]
    pub struct LineItem {
        pub sku: String,
        pub quantity: f64,
        pub unit_price: f64,
        #[stream_schema(default = "0.0")]
        pub discount: f64,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "bench.shop")]
    pub struct Order {
        pub id: String,
        pub customer_id: String,
        pub amount: f64,
        pub currency: String,
        pub items: Vec<LineItem>,
        #[stream_schema(default = "\"web\"")]
        pub channel: String,
    }
}

fn order() -> Order {
    Order {
        id: "ord-1001".to_string(),
        customer_id: "cust-42".to_string(),
        amount: 59.97,
        currency: "EUR".to_string(),
        note: Some("leave at the door".to_string()),
        items: (0..3)
            .map(|i| LineItem {
                sku: format!("SKU-{i:03}"),
                quantity: i + 1,
                unit_price: 9.99 + f64::from(i),
            })
            .collect(),
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// An embedded log that keeps the last 100k records per partition, so long runs do not
/// grow memory without bound.
fn log() -> Arc<dyn Transport> {
    let retain = NonZeroUsize::new(100_000).expect("non-zero");
    Arc::new(
        MemoryLog::builder()
            .retain_records(retain)
            .build()
            .expect("log"),
    )
}

/// Times `iters` cached `send_typed` calls (the type's own topic) inside one `block_on`,
/// so the runtime's entry cost is not part of each message.
fn time_sends(rt: &Runtime, producer: &Producer, value: &Order, iters: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let sent = producer.send_typed(black_box(value)).await;
            black_box(sent.expect("send"));
        }
        start.elapsed()
    })
}

/// The same with `send_typed_to` and an explicit topic: ids from the producer's shared
/// cache instead of the type's memo.
fn time_sends_to(rt: &Runtime, producer: &Producer, value: &Order, iters: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let sent = producer
                .send_typed_to("orders", None::<&String>, black_box(value))
                .await;
            black_box(sent.expect("send"));
        }
        start.elapsed()
    })
}

fn send_typed(c: &mut Criterion) {
    let rt = runtime();
    let value = order();
    let producers = rt.block_on(async {
        let build = |registry: &str| {
            Producer::builder()
                .schema_registry(registry)
                .transport(log())
        };
        let avro = build("mock://bench-avro").build().await.expect("producer");
        let json = build("mock://bench-json")
            .format_for::<Order>(Json)
            .build()
            .await
            .expect("producer");
        let proto = build("mock://bench-proto")
            .format_for::<Order>(Protobuf)
            .build()
            .await
            .expect("producer");
        for producer in [&avro, &json, &proto] {
            // Registers the schema and fills the id cache (and the type's memo).
            producer.send_typed(&value).await.expect("first send");
        }
        [("avro", avro), ("json", json), ("protobuf", proto)]
    });

    let mut group = c.benchmark_group("producer");
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    group.bench_function("encode/avro", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&value).encode_value(&mut buf).expect("encode");
            black_box(buf.len())
        })
    });
    group.bench_function("encode/json", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&value).encode_json(&mut buf).expect("encode");
            black_box(buf.len())
        })
    });
    group.bench_function("encode/protobuf", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&value).encode_proto(&mut buf);
            black_box(buf.len())
        })
    });
    // The same encoders writing into a `BytesMut`, the buffer type frames are built in.
    let mut bytes_buf = bytes::BytesMut::with_capacity(256);
    group.bench_function("encode_bytesmut/avro", |b| {
        b.iter(|| {
            bytes_buf.clear();
            black_box(&value)
                .encode_value(&mut bytes_buf)
                .expect("encode");
            black_box(bytes_buf.len())
        })
    });
    group.bench_function("encode_bytesmut/json", |b| {
        b.iter(|| {
            bytes_buf.clear();
            black_box(&value)
                .encode_json(&mut bytes_buf)
                .expect("encode");
            black_box(bytes_buf.len())
        })
    });
    group.bench_function("encode_bytesmut/protobuf", |b| {
        b.iter(|| {
            bytes_buf.clear();
            black_box(&value).encode_proto(&mut bytes_buf);
            black_box(bytes_buf.len())
        })
    });
    for (name, producer) in &producers {
        group.bench_function(format!("send_typed/{name}"), |b| {
            b.iter_custom(|iters| time_sends(&rt, producer, &value, iters))
        });
        group.bench_function(format!("send_typed_to/{name}"), |b| {
            b.iter_custom(|iters| time_sends_to(&rt, producer, &value, iters))
        });
    }
    let transport = log();
    let mut frame = vec![0, 0, 0, 0, 1];
    value.encode_value(&mut frame).expect("encode");
    let frame = bytes::Bytes::from(frame);
    group.bench_function("transport/append", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let sent = transport
                        .send("orders", None, None, frame.clone(), Vec::new())
                        .await;
                    black_box(sent.expect("append"));
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// A consumer holding one record written with `Order` (v1), and one written with v2.
fn consumed(rt: &Runtime) -> (Consumer, ConsumedRecord, ConsumedRecord) {
    rt.block_on(async {
        let log = log();
        let producer = Producer::builder()
            .schema_registry("mock://bench-consumer")
            .transport(Arc::clone(&log))
            .build()
            .await
            .expect("producer");
        producer
            .send_typed_to("orders", None::<&String>, &order())
            .await
            .expect("send");
        producer
            .send_typed_to("orders-v2", None::<&String>, &order_v2())
            .await
            .expect("send v2");
        let mut consumer = Consumer::builder()
            .schema_registry("mock://bench-consumer")
            .transport(log)
            .subscribe("orders")
            .subscribe("orders-v2")
            .build()
            .await
            .expect("consumer");
        let mut v1 = None;
        let mut v2 = None;
        while v1.is_none() || v2.is_none() {
            let record = consumer
                .poll(Duration::from_secs(1))
                .await
                .expect("poll")
                .expect("the records sent");
            if record.topic == "orders" {
                v1 = Some(record);
            } else {
                v2 = Some(record);
            }
        }
        (
            consumer,
            v1.expect("the v1 record"),
            v2.expect("the v2 record"),
        )
    })
}

/// The v1 order as v2 writes it (with v2's default channel).
fn order_v2() -> v2::Order {
    let o = order();
    v2::Order {
        id: o.id,
        customer_id: o.customer_id,
        amount: o.amount,
        currency: o.currency,
        note: o.note,
        items: o
            .items
            .into_iter()
            .map(|i| v2::LineItem {
                sku: i.sku,
                quantity: i64::from(i.quantity),
                unit_price: i.unit_price,
            })
            .collect(),
        channel: "web".to_string(),
    }
}

fn decode(c: &mut Criterion) {
    let rt = runtime();
    let (consumer, record, record_v2) = consumed(&rt);
    // Both decode what was sent (the resolved one with v2's default), and the plan is
    // built here, before timing.
    assert_eq!(consumer.decode::<Order>(&record).ok(), Some(order()));
    let resolved = consumer
        .decode::<v2::Order>(&record)
        .expect("resolved decode");
    assert_eq!(resolved.channel, "web");
    assert_eq!(resolved.items.len(), 3);
    assert_eq!(resolved, order_v2());
    assert_eq!(
        consumer.decode::<v2::Order>(&record_v2).ok(),
        Some(order_v2())
    );
    let nested = consumer
        .decode::<v3::Order>(&record)
        .expect("resolved decode of changed line items");
    assert_eq!(nested.items[2].quantity, 3.0);
    assert_eq!(nested.items[2].discount, 0.0);

    let mut group = c.benchmark_group("consumer");
    bench_decode::<Order>(&mut group, "decode/same_schema", &consumer, &record);
    // The reader's own cost without resolution: a v2 record read as v2 (one string more
    // than v1 to allocate and free).
    bench_decode::<v2::Order>(&mut group, "decode/same_schema_v2", &consumer, &record_v2);
    bench_decode::<v2::Order>(&mut group, "decode/resolved", &consumer, &record);
    bench_decode::<v3::Order>(
        &mut group,
        "decode/resolved_changed_items",
        &consumer,
        &record,
    );
    group.finish();
}

/// Times `consumer.decode::<T>(record)` (writer schema from the record's id, plan cached).
fn bench_decode<T: StreamSchema + AvroDecode + JsonDecode + 'static>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    consumer: &Consumer,
    record: &ConsumedRecord,
) {
    group.bench_function(name, |b| {
        b.iter(|| black_box(consumer.decode::<T>(black_box(record)).expect("decode")))
    });
}

/// A record carrying a 1,000-byte blob, owned (its bytes copied out of any input).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Blob", namespace = "bench.blob", topic = "blobs")]
struct Blob {
    id: i64,
    kind: String,
    payload: Bytes,
}

/// The same schema, borrowing: `kind` points into the payload, `payload` is a slice of it
/// when read from a `Bytes`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Blob", namespace = "bench.blob", topic = "blobs")]
struct BlobRef<'a> {
    id: i64,
    kind: &'a str,
    payload: Bytes,
}

fn blob(size: usize) -> Blob {
    Blob {
        id: 7,
        kind: "image/png".to_string(),
        payload: Bytes::from((0..size).map(|i| (i % 251) as u8).collect::<Vec<u8>>()),
    }
}

/// The consumer and a polled `Blob` record with a `size`-byte payload.
fn consumed_blob(rt: &Runtime, size: usize) -> (Consumer, ConsumedRecord) {
    let registry = format!("mock://bench-blob-{size}");
    rt.block_on(async {
        let log = log();
        let producer = Producer::builder()
            .schema_registry(&registry)
            .transport(Arc::clone(&log))
            .build()
            .await
            .expect("producer");
        producer.send_typed(&blob(size)).await.expect("send");
        let mut consumer = Consumer::builder()
            .schema_registry(&registry)
            .transport(log)
            .subscribe("blobs")
            .build()
            .await
            .expect("consumer");
        let record = consumer
            .poll(Duration::from_secs(1))
            .await
            .expect("poll")
            .expect("the record sent");
        (consumer, record)
    })
}

fn decode_bytes(c: &mut Criterion) {
    for size in [1000, 65536] {
        decode_bytes_of(c, size);
    }
}

fn decode_bytes_of(c: &mut Criterion, size: usize) {
    let rt = runtime();
    let (consumer, record) = consumed_blob(&rt, size);
    let frame = &record.value;
    let inside = |b: &Bytes| frame.as_ptr_range().contains(&b.as_ptr());
    // Every row decodes the blob sent; the sliced ones share the payload, the others copy.
    let copied = BlobRef::from_avro_borrowed(frame).expect("decodes");
    let sliced = BlobRef::from_avro_bytes(frame).expect("decodes");
    let owned = consumer.decode::<Blob>(&record).expect("decodes");
    let borrowed = consumer
        .decode_borrowed::<BlobRef>(&record)
        .expect("decodes");
    let want = blob(size);
    assert_eq!(owned, want);
    for b in [&copied, &sliced, &borrowed] {
        assert_eq!((b.id, b.kind, &b.payload), (7, "image/png", &want.payload));
    }
    assert!(!inside(&copied.payload) && !inside(&owned.payload));
    assert!(inside(&sliced.payload) && inside(&borrowed.payload));

    let mut group = c.benchmark_group(format!("decode_bytes/{size}"));
    group.bench_function("codec_copy", |b| {
        b.iter(|| BlobRef::from_avro_borrowed(black_box(frame)).expect("decode"))
    });
    group.bench_function("codec_sliced", |b| {
        b.iter(|| BlobRef::from_avro_bytes(black_box(frame)).expect("decode"))
    });
    bench_decode::<Blob>(&mut group, "consumer_owned_copy", &consumer, &record);
    group.bench_function("consumer_borrowed_sliced", |b| {
        b.iter(|| {
            consumer
                .decode_borrowed::<BlobRef>(black_box(&record))
                .expect("decode")
        })
    });
    group.finish();
}

criterion_group!(benches, send_typed, decode, decode_bytes);
criterion_main!(benches);
