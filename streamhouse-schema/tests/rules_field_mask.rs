//! A producer's `CEL_FIELD` transforms that do not read `message` (a mask: `'XXX'`, or one
//! that reads the field's value, on every field tagged `PII`) are run field by field and
//! spliced into the frame instead of run by the interpreter on the decoded message. The
//! frames must be the ones the interpreter's run sends, byte for byte: the same sends through a producer whose `CEL_FIELD` executor is registered by hand (which
//! keeps the interpreter's path) give the same bytes, and a consumer reads the masked
//! values. A frame the splice cannot walk gets the interpreter's error.
#![cfg(feature = "rules")]

use std::collections::BTreeSet;
use std::sync::Arc;

use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::rules::{CelFieldExecutor, RuleRegistry};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// One order line with a tagged field.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "com.acme.mask")]
struct Line {
    sku: String,
    secret: String,
    qty: i32,
}

/// An order with tagged fields at the top and in its lines.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "masked-orders", namespace = "com.acme.mask")]
struct Order {
    id: String,
    ssn: String,
    amount: f64,
    note: Option<String>,
    lines: Vec<Line>,
    pin: i64,
}

fn order(i: usize) -> Order {
    Order {
        id: format!("o-{i}"),
        ssn: format!("{i:03}-45-6789"),
        amount: 1.5 * i as f64,
        note: i.is_multiple_of(2).then(|| format!("note {i}")),
        lines: (0..i % 4)
            .map(|j| Line {
                sku: format!("sku-{j}"),
                secret: "é".repeat(j * 40),
                qty: j as i32,
            })
            .collect(),
        pin: i as i64 * 1_000_003,
    }
}

fn masked(mut order: Order) -> Order {
    order.ssn = "XXX".into();
    for line in &mut order.lines {
        line.secret = "XXX".into();
    }
    order
}

async fn register(url: &str) -> i32 {
    register_mask(url, "typeName == 'STRING' ; 'XXX'").await
}

async fn register_mask(url: &str, expr: &str) -> i32 {
    let schema = Schema::avro(Order::avro_schema_json())
        .with_metadata(
            Metadata::default()
                .with_tags("com.acme.mask.Order.ssn", ["PII"])
                .with_tags("com.acme.mask.Order.pin", ["PII"])
                .with_tags("com.acme.mask.Line.secret", ["PII"]),
        )
        .with_rule_set(RuleSet {
            domain_rules: vec![Rule {
                tags: BTreeSet::from(["PII".to_string()]),
                ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                    .with_expr(expr)
            }],
            ..RuleSet::default()
        });
    SchemaRegistryClient::try_new(url)
        .unwrap()
        .register("masked-orders-value", &schema)
        .await
        .unwrap()
}

async fn producer(url: &str, log: &Arc<dyn Transport>, interpreter: bool) -> Producer {
    let mut builder = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(log));
    if interpreter {
        // An executor registered by hand: the producer cannot know it is the built-in one.
        let mut registry = RuleRegistry::with_defaults();
        registry.register_field_executor(CelFieldExecutor::new());
        builder = builder.rule_registry(registry);
    }
    builder.build().await.unwrap()
}

async fn values(log: &Arc<dyn Transport>, n: usize) -> Vec<Vec<u8>> {
    let records = log.fetch("masked-orders", 0, 0, n).await.unwrap();
    assert_eq!(records.len(), n);
    records.into_iter().map(|r| r.value.to_vec()).collect()
}

#[tokio::test]
async fn spliced_masks_are_the_interpreters_bytes() {
    let url = "mock://rules-field-mask";
    let id = register(url).await;
    let spliced_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let interpreted_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let spliced = producer(url, &spliced_log, false).await;
    let interpreted = producer(url, &interpreted_log, true).await;
    let n = 40;
    for i in 0..n {
        spliced.send_typed(&order(i)).await.unwrap();
        interpreted.send_typed(&order(i)).await.unwrap();
    }
    let (a, b) = (
        values(&spliced_log, n).await,
        values(&interpreted_log, n).await,
    );
    for (i, (a, b)) in a.iter().zip(&b).enumerate() {
        assert_eq!(a, b, "record {i}");
        assert_eq!(a[..5], [0, 0, 0, 0, id as u8]);
        let read = Order::decode_value(&a[5..]).unwrap();
        assert_eq!(read, masked(order(i)));
    }
}

#[tokio::test]
async fn a_frame_the_splice_cannot_walk_gets_the_interpreters_error() {
    let url = "mock://rules-field-mask-damaged";
    let id = register(url).await;
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let spliced = producer(url, &log, false).await;
    let interpreted = producer(url, &log, true).await;
    let mut payload = Vec::new();
    order(3).encode_value(&mut payload).unwrap();
    // Truncated, then with a byte too many.
    let mut trailing = payload.clone();
    trailing.push(0);
    for bad in [&payload[..payload.len() - 3], &trailing[..]] {
        let send = |p: &Producer| {
            let p = p.clone();
            let bad = bad.to_vec();
            async move {
                p.send_with_schema_id("masked-orders", None, &bad, id, None)
                    .await
            }
        };
        let (a, b) = (send(&spliced).await, send(&interpreted).await);
        match (a, b) {
            (Err(ClientError::Rule(a)), Err(ClientError::Rule(b))) => {
                assert_eq!(a.to_string(), b.to_string());
            }
            (Ok(_), Ok(_)) => {
                let sent = values(&log, 2).await;
                assert_eq!(sent[0], sent[1]);
            }
            (a, b) => panic!("the two paths differ: {a:?} / {b:?}"),
        }
    }
}

/// A mask that reads the value (`substring`, which fails on the strings too short for it):
/// run on each field alone by the splice, on the whole message by the interpreter; the same
/// bytes, or the same failure.
#[tokio::test]
async fn masks_that_read_the_value_are_the_interpreters_bytes_or_failure() {
    let url = "mock://rules-field-mask-value";
    register_mask(url, "typeName == 'STRING' ; 'XXX-XX-' + value.substring(7)").await;
    let spliced_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let interpreted_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let spliced = producer(url, &spliced_log, false).await;
    let interpreted = producer(url, &interpreted_log, true).await;
    let (mut sent, mut refused) = (0, 0);
    for i in 0..40 {
        let a = spliced.send_typed(&order(i)).await;
        let b = interpreted.send_typed(&order(i)).await;
        match (a, b) {
            (Ok(_), Ok(_)) => sent += 1,
            (Err(ClientError::Rule(a)), Err(ClientError::Rule(b))) => {
                assert_eq!(a.to_string(), b.to_string());
                refused += 1;
            }
            (a, b) => panic!("order {i}: the two paths differ: {a:?} / {b:?}"),
        }
    }
    // Lines 1..3 hold secrets of 40 characters and more; line 0 an empty one, too short.
    assert_eq!((sent, refused), (10, 30));
    let (a, b) = (
        values(&spliced_log, sent).await,
        values(&interpreted_log, sent).await,
    );
    assert_eq!(a, b);
    let first = Order::decode_value(&a[0][5..]).unwrap();
    assert_eq!(first.ssn, "XXX-XX-6789");
}
