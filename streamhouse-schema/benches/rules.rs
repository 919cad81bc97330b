//! The cost of data-contract rules on the producer (issue 14), beside the plain send:
//!
//! - `send_typed/plain`: a cached `send_typed` of the Order whose schema has no rules (the
//!   producer built with the `rules` feature: one flag read on the send path).
//! - `send_typed/cel_condition`: the same Order, its schema carrying a CEL CONDITION
//!   `message.amount > 0.0 && size(message.id) > 0` on WRITE.
//! - `send_typed/cel_field_mask`: its schema carrying a CEL_FIELD TRANSFORM on WRITE that
//!   masks the field tagged `PII` (`customer_id`) with a constant, spliced into each frame
//!   (`rules/avro_splice.rs`).
//! - `send_typed/cel_field_mask_value`: the same field masked with a result that reads its
//!   value (`'XXX-' + value.substring(5)`), run on the field alone in the splice.
//! - `send_typed/plain_beside_rules`: a type without rules (`PlainOrder`, the Order's
//!   fields under another name and topic) sent by the producer of `cel_condition`, which
//!   runs rules for the Order: what a type without rules pays on a producer with rules.
//! - `send_typed/cel_condition_compiled`: the same condition declared on the type
//!   (`DeclaredOrder`, the Order's fields): the derive compiles it to Rust and the send
//!   evaluates it on the value, without the interpreter.
//! - `encode/avro`: the generated encoder alone.
//!
//! Run: `cargo bench -p streamhouse-schema --bench rules -- --warm-up-time 1 --measurement-time 3`.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;
use tokio::runtime::Runtime;

/// One order line.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop")]
struct LineItem {
    sku: String,
    quantity: i32,
    unit_price: f64,
}

/// The order of the producer benchmark.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "orders")]
struct Order {
    id: String,
    customer_id: String,
    amount: f64,
    currency: String,
    note: Option<String>,
    items: Vec<LineItem>,
}

/// The Order's fields as another type, registered without rules.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "plain-orders")]
struct PlainOrder {
    id: String,
    customer_id: String,
    amount: f64,
    currency: String,
    note: Option<String>,
    items: Vec<LineItem>,
}

/// The Order's fields with the condition declared on the type: the derive compiles it, and
/// `send_typed` evaluates it on the value instead of decoding the bytes for the interpreter.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "declared-orders")]
#[stream_schema(rule(
    name = "positive",
    expr = "message.amount > 0.0 && size(message.id) > 0"
))]
struct DeclaredOrder {
    id: String,
    customer_id: String,
    amount: f64,
    currency: String,
    note: Option<String>,
    items: Vec<LineItem>,
}

fn declared_order() -> DeclaredOrder {
    let Order {
        id,
        customer_id,
        amount,
        currency,
        note,
        items,
    } = order();
    DeclaredOrder {
        id,
        customer_id,
        amount,
        currency,
        note,
        items,
    }
}

fn plain_order() -> PlainOrder {
    let Order {
        id,
        customer_id,
        amount,
        currency,
        note,
        items,
    } = order();
    PlainOrder {
        id,
        customer_id,
        amount,
        currency,
        note,
        items,
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

fn log() -> Arc<dyn Transport> {
    let retain = NonZeroUsize::new(100_000).expect("non-zero");
    Arc::new(
        MemoryLog::builder()
            .retain_records(retain)
            .build()
            .expect("log"),
    )
}

/// A producer on registry `url` whose `orders-value` subject holds the Order with `rules`.
async fn producer(url: &str, rules: Vec<Rule>) -> Producer {
    if !rules.is_empty() {
        let client = SchemaRegistryClient::try_new(url).expect("client");
        let schema = Schema::avro(Order::avro_schema_json())
            .with_metadata(Metadata::default().with_tags("bench.shop.Order.customer_id", ["PII"]))
            .with_rule_set(RuleSet {
                domain_rules: rules,
                ..RuleSet::default()
            });
        client
            .register("orders-value", &schema)
            .await
            .expect("register");
    }
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(log())
        .build()
        .await
        .expect("producer");
    producer.send_typed(&order()).await.expect("first send");
    producer
}

fn time_sends<T>(rt: &Runtime, producer: &Producer, value: &T, iters: u64) -> Duration
where
    T: streamhouse_schema::Topic + streamhouse_schema::JsonEncode + 'static,
    T::Key: streamhouse_schema::JsonEncode + 'static,
{
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let sent = producer.send_typed(black_box(value)).await;
            black_box(sent.expect("send"));
        }
        start.elapsed()
    })
}

fn rules(c: &mut Criterion) {
    let rt = runtime();
    let value = order();
    let producers = rt.block_on(async {
        let plain = producer("mock://bench-rules-plain", Vec::new()).await;
        let condition = producer(
            "mock://bench-rules-condition",
            vec![
                Rule::new("positive", RuleKind::Condition, RuleMode::Write, "CEL")
                    .with_expr("message.amount > 0.0 && size(message.id) > 0"),
            ],
        )
        .await;
        let mask = producer(
            "mock://bench-rules-mask",
            vec![Rule {
                tags: BTreeSet::from(["PII".to_string()]),
                ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                    .with_expr("'XXX'")
            }],
        )
        .await;
        let mask_value = producer(
            "mock://bench-rules-mask-value",
            vec![Rule {
                tags: BTreeSet::from(["PII".to_string()]),
                ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                    .with_expr("'XXX-' + value.substring(5)")
            }],
        )
        .await;
        [
            ("plain", plain),
            ("cel_condition", condition),
            ("cel_field_mask", mask),
            ("cel_field_mask_value", mask_value),
        ]
    });
    let mut group = c.benchmark_group("rules");
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    group.bench_function("encode/avro", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&value).encode_value(&mut buf).expect("encode");
            black_box(buf.len())
        })
    });
    for (name, producer) in &producers {
        group.bench_function(format!("send_typed/{name}"), |b| {
            b.iter_custom(|iters| time_sends(&rt, producer, &value, iters))
        });
    }
    let plain = plain_order();
    let beside = &producers[1].1;
    rt.block_on(beside.send_typed(&plain))
        .expect("first plain send");
    group.bench_function("send_typed/plain_beside_rules", |b| {
        b.iter_custom(|iters| time_sends(&rt, beside, &plain, iters))
    });
    let declared = declared_order();
    let compiled = rt.block_on(async {
        let producer = Producer::builder()
            .schema_registry("mock://bench-rules-compiled")
            .transport(log())
            .build()
            .await
            .expect("producer");
        producer.send_typed(&declared).await.expect("first send");
        producer
    });
    group.bench_function("send_typed/cel_condition_compiled", |b| {
        b.iter_custom(|iters| time_sends(&rt, &compiled, &declared, iters))
    });
    group.finish();
}

criterion_group!(benches, rules);
criterion_main!(benches);
