//! The clients' metrics through the `metrics` facade (`streamhouse_schema::telemetry`):
//! registry requests by operation and outcome, cache hits and misses, sends and send
//! errors, consumed and invalid records, read with metrics-util's debugging recorder.

use std::sync::Arc;
use std::time::Duration;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use streamhouse_schema::telemetry::*;
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{ClientError, Consumer, Producer, StreamSchema};

#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(topic = "metered", namespace = "com.acme.metrics")]
struct Reading {
    #[stream_schema(key)]
    id: String,
    value: f64,
}

/// Every counter's value by `name{label=value,...}` (labels sorted), and every histogram's
/// number of samples.
fn snapshot(recorder: &metrics_util::debugging::Snapshotter) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = recorder
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let key = key.key();
            let mut labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            labels.sort();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            let value = match value {
                DebugValue::Counter(n) => n,
                DebugValue::Histogram(samples) => samples.len() as u64,
                DebugValue::Gauge(g) => g.into_inner() as u64,
            };
            (name, value)
        })
        .collect();
    all.sort();
    all
}

fn value(all: &[(String, u64)], name: &str) -> u64 {
    all.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no {name} in {all:#?}"))
}

#[test]
fn sends_reads_and_registry_calls_are_counted() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    metrics::with_local_recorder(&recorder, || {
        runtime.block_on(async {
            let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
            let producer = Producer::builder()
                .schema_registry("mock://client-metrics")
                .transport(Arc::clone(&log))
                .build()
                .await
                .expect("producer");
            for n in 0..3 {
                let reading = Reading {
                    id: format!("r-{n}"),
                    value: f64::from(n),
                };
                producer.send_typed(&reading).await.expect("sent");
            }
            // A send that fails: no registry for the raw schema send.
            let bare = Producer::builder()
                .transport(Arc::clone(&log))
                .build()
                .await
                .expect("producer");
            let failed = bare
                .send_with_schema(
                    "metered",
                    None,
                    b"x",
                    "\"string\"",
                    streamhouse_schema::SchemaFormat::Avro,
                    None,
                )
                .await;
            assert!(matches!(failed, Err(ClientError::ConfigError(_))));
            // Not a frame: an invalid record for the consumer.
            bare.send("metered", None, b"not a frame", None)
                .await
                .expect("raw send");

            let mut consumer = Consumer::builder()
                .schema_registry("mock://client-metrics")
                .transport(Arc::clone(&log))
                .subscribe("metered")
                .build()
                .await
                .expect("consumer");
            for _ in 0..3 {
                consumer
                    .poll_typed::<Reading>(Duration::from_millis(50))
                    .await
                    .expect("a reading");
            }
            let invalid = consumer.poll(Duration::from_millis(50)).await;
            assert!(
                matches!(invalid, Err(ClientError::InvalidRecord(_))),
                "{invalid:?}"
            );
        });
    });
    let all = snapshot(&snapshotter);
    // Three typed sends and one raw send succeeded; the schema send without a registry failed.
    assert_eq!(value(&all, &format!("{PRODUCER_SENDS}{{}}")), 4);
    assert_eq!(value(&all, &format!("{PRODUCER_SEND_ERRORS}{{}}")), 1);
    // One registration reached the registry (the first send); later sends used the memo.
    assert_eq!(
        value(
            &all,
            &format!("{REGISTRY_REQUESTS}{{operation=register,outcome=ok}}")
        ),
        1
    );
    assert_eq!(
        value(
            &all,
            &format!("{REGISTRY_REQUEST_DURATION}{{operation=register}}")
        ),
        1
    );
    assert_eq!(
        value(&all, &format!("{REGISTRY_CACHE_MISSES}{{cache=ids}}")),
        1
    );
    // The consumer fetched the writer schema once (its own cache answers the rest); the
    // producer learnt the stored schema's rules from the registration's answer.
    assert_eq!(
        value(
            &all,
            &format!("{REGISTRY_REQUESTS}{{operation=get_schema_by_id,outcome=ok}}")
        ),
        1
    );
    assert_eq!(value(&all, &format!("{CONSUMER_RECORDS}{{}}")), 4);
    assert_eq!(value(&all, &format!("{CONSUMER_INVALID_RECORDS}{{}}")), 1);
}

/// Rule runs are counted by type, mode and outcome.
#[cfg(feature = "rules")]
#[test]
fn rule_outcomes_are_counted() {
    use apache_avro::types::Value as AvroValue;
    use streamhouse_schema::registry::Schema;
    use streamhouse_schema::rules::{execute_rules, Message, RuleRegistry, RuleRun, RuleSchema};
    use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};

    const READING: &str =
        r#"{"type":"record","name":"Reading","fields":[{"name":"value","type":"double"}]}"#;
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let positive = Rule {
        on_failure: Some("NONE".into()),
        ..Rule::new("positive", RuleKind::Condition, RuleMode::Write, "CEL")
            .with_expr("message.value > 0.0")
    };
    let schema =
        Schema::new(READING, streamhouse_schema::SchemaFormat::Avro).with_rule_set(RuleSet {
            domain_rules: vec![positive],
            ..RuleSet::default()
        });
    let schema = RuleSchema::parse(Arc::new(schema)).expect("schema");
    let rules = RuleRegistry::with_defaults();
    let run = RuleRun {
        subject: "metered-value",
        topic: "metered",
        is_key: false,
        schema_id: 1,
        target: &schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    let reading = |value: f64| {
        Message::Avro(AvroValue::Record(vec![(
            "value".into(),
            AvroValue::Double(value),
        )]))
    };
    metrics::with_local_recorder(&recorder, || {
        runtime.block_on(async {
            for value in [1.0, 2.0, -1.0] {
                // onFailure NONE: the failing record goes on, and is counted as a failure.
                execute_rules(&rules, &run, RuleMode::Write, reading(value))
                    .await
                    .expect("NONE lets the record go on");
            }
        })
    });
    let all = snapshot(&snapshotter);
    assert_eq!(
        value(
            &all,
            "streamhouse_rules_total{mode=WRITE,outcome=success,type=CEL}"
        ),
        2
    );
    assert_eq!(
        value(
            &all,
            "streamhouse_rules_total{mode=WRITE,outcome=failure,type=CEL}"
        ),
        1
    );
}
