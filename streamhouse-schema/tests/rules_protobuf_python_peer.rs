//! Confluent's Python Protobuf serde with its CEL, CEL_FIELD and ENCRYPT executors
//! (`tests/python/rules_peer_protobuf.py`) as the peer of our rule engine on Protobuf
//! records, over our registry server. The rule set: a CEL condition and a CEL_FIELD
//! transform on WRITE, deterministic encryption (AES256_SIV, local KMS) of the
//! `(confluent.field_meta)`-tagged `PII` field on WRITE and READ, a CEL condition on READ.
//! Python reads our records to the values our rules made; our consumer reads Python's;
//! both write the same bytes for the same record; a failing condition is refused on both
//! sides, on writing and on reading.
//!
//! Needs `scripts/setup-python.sh` (the venv at `<repo>/.venv`, or `STREAMHOUSE_PYTHON`);
//! without it the test fails and says so.
#![cfg(all(feature = "encryption", feature = "server"))]

mod encryption_common;
mod python_peer;
mod rules_peer_common;

use std::sync::Arc;

use encryption_common::{encrypt_pii_rule, rules_with_encryption};
use python_peer::{python, run_with_input_file};
use rules_peer_common::{
    python_read_ours, python_records, read_through_read_rules, send_through_write_rules,
};
use serde_json::json;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

const SECRET: &str = "proto-peer-secret";

/// An order whose social security number is personal data.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "peer.protorules", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    amount: f64,
    #[stream_schema(tag = 3, tags("PII"))]
    ssn: String,
    #[stream_schema(tag = 4)]
    note: String,
}

fn order(id: &str, amount: f64, ssn: &str, note: &str) -> Order {
    Order {
        id: id.into(),
        amount,
        ssn: ssn.into(),
        note: note.into(),
    }
}

/// The rule set: expressions both CEL implementations (cel-rust here, cel-python there)
/// evaluate alike.
fn rule_set() -> RuleSet {
    let encrypt = encrypt_pii_rule("proto-peer-kek", "proto-peer-key", "AES256_SIV");
    RuleSet {
        domain_rules: vec![
            Rule::new(
                "positive_amount",
                RuleKind::Condition,
                RuleMode::Write,
                "CEL",
            )
            .with_expr("message.amount > 0.0"),
            Rule::new(
                "mark_note",
                RuleKind::Transform,
                RuleMode::Write,
                "CEL_FIELD",
            )
            .with_expr("name == 'note' ; value + ' (checked)'"),
            encrypt,
            Rule::new("below_limit", RuleKind::Condition, RuleMode::Read, "CEL")
                .with_expr("message.amount < 1000.0"),
        ],
        ..RuleSet::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_and_rust_run_the_same_rules_on_each_others_protobuf_records() {
    let python = python();
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let client = SchemaRegistryClient::try_new(url.clone()).unwrap();
    let schema = Schema::new(Order::proto_text(), SchemaFormat::Protobuf).with_rule_set(rule_set());
    let id = client.register("orders-value", &schema).await.unwrap();

    // Our producer: the registered schema's WRITE rules run.
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&log))
        .default_format(SchemaFormat::Protobuf)
        .rule_registry(rules_with_encryption(&url, SECRET))
        .build()
        .await
        .unwrap();
    let orders = [
        order("o-1", 5.0, "123-45-6789", "n1"),
        order("o-big", 5000.0, "1", "n2"),
        order("o-neg", -1.0, "1", "n3"),
    ];
    let frames = send_through_write_rules(&producer, &log, orders).await;
    for frame in &frames {
        assert_eq!(frame[..6], [0, 0, 0, 0, id as u8, 0x00]);
        assert!(!frame.windows(11).any(|w| w == b"123-45-6789"));
        assert!(frame.windows(10).any(|w| w == b" (checked)"));
    }

    let input = json!({
        "topic": "orders",
        "message": "peer.protorules.Order",
        "secret": SECRET,
        "frames": frames.iter().map(hex::encode).collect::<Vec<_>>(),
        "records": std::iter::once(json!({"id": "o-1", "amount": 5.0, "ssn": "123-45-6789", "note": "n1"}))
            .chain(python_records())
            .collect::<Vec<_>>(),
    });
    let answer = run_with_input_file(python, "rules_peer_protobuf.py", &url, &input)
        .await
        .json();

    // Python read our record through its READ rules: decrypted, marked on our WRITE.
    python_read_ours(
        &answer,
        json!({"id": "o-1", "amount": 5.0, "ssn": "123-45-6789", "note": "n1 (checked)"}),
        "Rule expr failed: message.amount < 1000.0",
    );

    // Python's serializer ran the WRITE rules: the same record, the same bytes (AES-SIV
    // is deterministic and both sides use the DEK in the registry); the negative amount
    // refused there.
    let written = |i: usize| {
        hex::decode(answer["written"][i]["frame_hex"].as_str().expect("a frame")).unwrap()
    };
    assert_eq!(written(0), frames[0]);
    let refused = answer["written"][2]["error"].as_str().unwrap_or_default();
    assert!(
        refused.contains("Rule expr failed: message.amount > 0.0"),
        "{refused}"
    );

    // Our consumer reads Python's records through the READ rules.
    read_through_read_rules(
        &url,
        &[written(1), written(3)],
        Some(rules_with_encryption(&url, SECRET)),
        order("p-1", 7.0, "987-65-4321", "pn (checked)"),
    )
    .await;
    server.shutdown().await.expect("shutdown");
}
