//! Data-contract rules at run time over the `mock://` registry and over the registry
//! server: the producer runs the WRITE rules of the registered schema (a failing CEL
//! condition sends nothing; a CEL_FIELD transform changes what is sent), the consumer the
//! READ rules of the writer schema before decoding (a CEL_FIELD masking transform), DLQ
//! actions write the record with Confluent's `__rule.*` headers.
#![cfg(all(feature = "rules", feature = "server"))]

mod server_common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use server_common::{Backend, TestRegistry};
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::rules::{DlqAction, RuleError, RuleRegistry};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::{MemoryLog, StartOffset, Transport};
use streamhouse_schema::StreamSchema;

/// A shop order with a social security number.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "com.acme.shop")]
struct Order {
    #[stream_schema(key)]
    id: String,
    amount: f64,
    ssn: String,
}

fn order(id: &str, amount: f64) -> Order {
    Order {
        id: id.to_string(),
        amount,
        ssn: "123-45-6789".to_string(),
    }
}

fn condition() -> Rule {
    Rule::new(
        "positive_amount",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL",
    )
    .with_expr("message.amount > 0.0 && size(message.id) > 0")
}

fn mask_on_read() -> Rule {
    Rule {
        tags: BTreeSet::from(["PII".to_string()]),
        ..Rule::new("mask_pii", RuleKind::Transform, RuleMode::Read, "CEL_FIELD")
            .with_expr("typeName == 'STRING' ; 'XXX-XX-' + value.substring(7)")
    }
}

/// The Order's schema as the type registers it, with a rule set and the ssn tagged PII.
async fn register(client: &SchemaRegistryClient, rules: Vec<Rule>) -> i32 {
    let schema = Schema::avro(Order::avro_schema_json())
        .with_metadata(Metadata::default().with_tags("com.acme.shop.Order.ssn", ["PII"]))
        .with_rule_set(RuleSet {
            domain_rules: rules,
            ..RuleSet::default()
        });
    client.register("orders-value", &schema).await.unwrap()
}

struct Pair {
    log: Arc<dyn Transport>,
    producer: Producer,
    consumer: Consumer,
}

async fn pair(url: &str, read_rules: Option<RuleRegistry>) -> Pair {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .build()
        .await
        .unwrap();
    let mut consumer = Consumer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .subscribe("orders")
        .start_offset(StartOffset::Earliest);
    if let Some(registry) = read_rules {
        consumer = consumer.rule_registry(registry);
    }
    Pair {
        log,
        producer,
        consumer: consumer.build().await.unwrap(),
    }
}

fn rule_failure(error: ClientError) -> streamhouse_schema::rules::RuleFailure {
    match error {
        ClientError::Rule(failure) => *failure,
        other => panic!("expected a rule failure, got {other:?}"),
    }
}

/// The whole scenario on one registry.
async fn scenario(url: &str) {
    let client = SchemaRegistryClient::try_new(url).unwrap();
    let id = register(&client, vec![condition(), mask_on_read()]).await;
    let mut p = pair(url, None).await;

    // WRITE: the condition holds → sent; it does not → a typed error, nothing sent.
    p.producer.send_typed(&order("o-1", 5.0)).await.unwrap();
    let failure = rule_failure(
        p.producer
            .send_typed(&order("o-2", -1.0))
            .await
            .unwrap_err(),
    );
    assert_eq!(failure.rule_name, "positive_amount");
    assert_eq!(failure.rule_type, "CEL");
    assert_eq!(failure.mode, RuleMode::Write);
    assert_eq!(failure.field, None);
    assert_eq!(
        failure.reason,
        RuleError::Condition {
            message: "Rule expr failed: message.amount > 0.0 && size(message.id) > 0".into(),
            field: None,
        }
    );
    let failure = rule_failure(
        p.producer
            .send_typed_to("orders", None::<&String>, &order("", 1.0))
            .await
            .unwrap_err(),
    );
    assert_eq!(failure.rule_name, "positive_amount");
    assert_eq!(
        p.log.watermarks("orders", 0).await.unwrap().high,
        1,
        "only o-1 was sent"
    );

    // READ: the consumer masks the PII field before the typed decode.
    let typed = p
        .consumer
        .poll_typed::<Order>(Duration::from_millis(200))
        .await
        .unwrap()
        .expect("o-1");
    assert_eq!(typed.record.schema_id, Some(id));
    assert_eq!(
        typed.value,
        Order {
            id: "o-1".into(),
            amount: 5.0,
            ssn: "XXX-XX-6789".into(),
        }
    );
    // The generic view reads the masked payload too.
    let generic = p.consumer.deserialize_avro(&typed.record).unwrap();
    assert!(
        format!("{generic:?}").contains("XXX-XX-6789"),
        "{generic:?}"
    );

    // A consumer with the rule switched off reads what was written.
    let mut off = RuleRegistry::with_defaults();
    off.disable_rule("mask_pii");
    let mut plain = pair(url, Some(off)).await;
    plain.producer.send_typed(&order("o-3", 2.0)).await.unwrap();
    let typed = plain
        .consumer
        .poll_typed::<Order>(Duration::from_millis(200))
        .await
        .unwrap()
        .expect("o-3");
    assert_eq!(typed.value, order("o-3", 2.0));
}

/// Rules whose actions are DLQ, and a transform on WRITE.
async fn dlq_scenario(url: &str) {
    let client = SchemaRegistryClient::try_new(url).unwrap();
    let mut write_check = condition();
    write_check.on_failure = Some("DLQ".into());
    write_check
        .params
        .insert("dlq.topic".into(), "orders-dlq".into());
    let shout = Rule {
        tags: BTreeSet::from(["PII".to_string()]),
        ..Rule::new(
            "redact_on_write",
            RuleKind::Transform,
            RuleMode::Write,
            "CEL_FIELD",
        )
        .with_expr("'redacted'")
    };
    let mut read_check = Rule::new("small_amount", RuleKind::Condition, RuleMode::Read, "CEL")
        .with_expr("message.amount < 100.0");
    read_check.on_failure = Some("DLQ".into());
    read_check
        .params
        .insert("dlq.topic".into(), "orders-read-dlq".into());
    register(&client, vec![write_check, shout, read_check]).await;

    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let mut read_rules = RuleRegistry::with_defaults();
    read_rules.register_action(DlqAction::new(Arc::clone(&log)));
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .build()
        .await
        .unwrap();
    let mut consumer = Consumer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .subscribe("orders")
        .rule_registry(read_rules)
        .build()
        .await
        .unwrap();

    // WRITE failure with DLQ: the send fails, the DLQ holds the message as JSON.
    let failure = rule_failure(producer.send_typed(&order("o-9", -3.0)).await.unwrap_err());
    assert_eq!(failure.action, "DLQ");
    let dlq = log.fetch("orders-dlq", 0, 0, 10).await.unwrap();
    assert_eq!(dlq.len(), 1);
    assert_eq!(dlq[0].key.as_deref(), Some(&b"o-9"[..]));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&dlq[0].value).unwrap(),
        serde_json::json!({"id": "o-9", "amount": -3.0, "ssn": "123-45-6789"})
    );
    let header = |name: &str| {
        dlq[0]
            .headers
            .iter()
            .find(|h| h.key == name)
            .map(|h| String::from_utf8_lossy(&h.value).to_string())
    };
    assert_eq!(header("__rule.name").as_deref(), Some("positive_amount"));
    assert_eq!(header("__rule.mode").as_deref(), Some("WRITE"));
    assert_eq!(header("__rule.subject").as_deref(), Some("orders-value"));
    assert_eq!(header("__rule.topic").as_deref(), Some("orders"));

    // WRITE transform: what is sent is the redacted record.
    producer.send_typed(&order("o-10", 1.0)).await.unwrap();
    producer.send_typed(&order("o-11", 500.0)).await.unwrap();
    let first = consumer
        .poll_typed::<Order>(Duration::from_millis(200))
        .await
        .unwrap()
        .expect("o-10");
    assert_eq!(first.value.ssn, "redacted");
    // READ failure with DLQ: the record's wire bytes go to the DLQ, the poll fails.
    let failure = rule_failure(
        consumer
            .poll_typed::<Order>(Duration::from_millis(200))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (failure.rule_name.as_str(), failure.action.as_str()),
        ("small_amount", "DLQ")
    );
    let read_dlq = log.fetch("orders-read-dlq", 0, 0, 10).await.unwrap();
    let original = log.fetch("orders", 0, 1, 1).await.unwrap();
    assert_eq!(read_dlq.len(), 1);
    assert_eq!(
        read_dlq[0].value, original[0].value,
        "the wire bytes as read"
    );
    assert!(read_dlq[0]
        .headers
        .iter()
        .any(|h| h.key == "__rule.mode" && &h.value[..] == b"READ"));
}

/// Untyped sends with a schema (or a schema id) run the rules too; a JSON schema's rules
/// run on the JSON document.
async fn untyped_scenario(url: &str) {
    let client = SchemaRegistryClient::try_new(url).unwrap();
    let schema = r#"{"type":"object","properties":{"amount":{"type":"number"},"ssn":{"type":"string","confluent:tags":["PII"]}}}"#;
    let with_rules = Schema::new(schema, SchemaFormat::Json).with_rule_set(RuleSet {
        domain_rules: vec![
            Rule::new("positive", RuleKind::Condition, RuleMode::Write, "CEL")
                .with_expr("message.amount > 0.0"),
            Rule {
                tags: BTreeSet::from(["PII".to_string()]),
                ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                    .with_expr("'***'")
            },
        ],
        ..RuleSet::default()
    });
    let id = client
        .register("payments-value", &with_rules)
        .await
        .unwrap();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .build()
        .await
        .unwrap();
    let bad = br#"{"amount":-1.0,"ssn":"1"}"#;
    let failure = rule_failure(
        producer
            .send_with_schema("payments", None, bad, schema, SchemaFormat::Json, None)
            .await
            .unwrap_err(),
    );
    assert_eq!(failure.rule_name, "positive");
    let failure = rule_failure(
        producer
            .send_with_schema_id("payments", None, bad, id, None)
            .await
            .unwrap_err(),
    );
    assert_eq!(failure.rule_name, "positive");
    producer
        .send_with_schema_id("payments", None, br#"{"amount":2.5,"ssn":"1"}"#, id, None)
        .await
        .unwrap();
    let sent = log.fetch("payments", 0, 0, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(&sent[0].value[..5], &[0, 0, 0, 0, id as u8][..]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent[0].value[5..]).unwrap(),
        serde_json::json!({"amount": 2.5, "ssn": "***"})
    );
}

#[tokio::test]
async fn rules_over_the_mock_registry() {
    scenario("mock://rules-cel-scenario").await;
}

#[tokio::test]
async fn dlq_over_the_mock_registry() {
    dlq_scenario("mock://rules-cel-dlq").await;
}

#[tokio::test]
async fn untyped_sends_over_the_mock_registry() {
    untyped_scenario("mock://rules-cel-untyped").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_over_the_registry_server() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    scenario(&r.url).await;
    dlq_scenario(&format!("{}/", r.url.trim_end_matches('/'))).await;
    r.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untyped_sends_over_the_registry_server() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    untyped_scenario(&r.url).await;
    r.finish().await;
}
