//! Confluent's Python serde with its CEL executors (`tests/python/rules_peer.py`) as the
//! peer of our rule engine, over our registry server: a rule set with a CEL condition and
//! a CEL_FIELD masking transform on WRITE, a CEL condition and a CEL_FIELD transform on
//! READ. Records Python's `AvroSerializer` writes are read by our consumer to the values
//! Python's rules made of them; records our producer writes are read by Python's
//! `AvroDeserializer` to the values our rules made; a failing condition is refused on both
//! sides, on writing and on reading.
//!
//! Needs `scripts/setup-python.sh` (the venv at `<repo>/.venv`, or `STREAMHOUSE_PYTHON`);
//! without it the test fails and says so.
#![cfg(all(feature = "rules", feature = "server"))]

mod python_peer;
mod rules_peer_common;

use std::collections::BTreeSet;
use std::sync::Arc;

use python_peer::{python, run_with_input_file};
use rules_peer_common::{
    python_read_ours, python_records, read_through_read_rules, send_through_write_rules,
};
use serde_json::json;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// An order with a tagged social security number.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "peer.rules")]
struct Order {
    id: String,
    amount: f64,
    ssn: String,
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

/// The rule set: every expression is one both CEL implementations (cel-rust here,
/// cel-python there) evaluate alike.
fn rule_set() -> RuleSet {
    RuleSet {
        domain_rules: vec![
            Rule::new(
                "positive_amount",
                RuleKind::Condition,
                RuleMode::Write,
                "CEL",
            )
            .with_expr("message.amount > 0.0"),
            Rule {
                tags: BTreeSet::from(["PII".to_string()]),
                ..Rule::new(
                    "mask_pii",
                    RuleKind::Transform,
                    RuleMode::Write,
                    "CEL_FIELD",
                )
                .with_expr("typeName == 'STRING' ; 'XXX-XX-' + string(size(value))")
            },
            Rule::new("below_limit", RuleKind::Condition, RuleMode::Read, "CEL")
                .with_expr("message.amount < 1000.0"),
            Rule::new(
                "mark_read",
                RuleKind::Transform,
                RuleMode::Read,
                "CEL_FIELD",
            )
            .with_expr("name == 'note' ; value + ' (read)'"),
        ],
        ..RuleSet::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_and_rust_run_the_same_rules_on_each_others_records() {
    let python = python();
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let client = SchemaRegistryClient::try_new(url.clone()).unwrap();
    let schema = Schema::avro(Order::avro_schema_json())
        .with_metadata(Metadata::default().with_tags("peer.rules.Order.ssn", ["PII"]))
        .with_rule_set(rule_set());
    let id = client.register("orders-value", &schema).await.unwrap();

    // Our producer: the registered schema's WRITE rules run (the bare schema it registers
    // is the same version, its contract merged from the one above).
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&log))
        .build()
        .await
        .unwrap();
    let orders = [
        order("o-1", 5.0, "123-45-6789", "n1"),
        order("o-big", 5000.0, "1", "n2"),
        order("o-neg", -1.0, "1", "n3"),
    ];
    let frames = send_through_write_rules(&producer, &log, orders).await;
    let frames: Vec<String> = frames.iter().map(hex::encode).collect();
    assert!(frames.iter().all(|f| f.starts_with(&format!("00{id:08x}"))));

    let input = json!({
        "topic": "orders",
        "frames": frames,
        "records": python_records(),
    });
    let answer = run_with_input_file(python, "rules_peer.py", &url, &input)
        .await
        .json();

    // Python read our records through its READ rules: masked on our WRITE, marked on its READ.
    python_read_ours(
        &answer,
        json!({"id": "o-1", "amount": 5.0, "ssn": "XXX-XX-11", "note": "n1 (read)"}),
        "RuleConditionError: Rule expr failed: message.amount < 1000.0",
    );

    // Python's serializer ran the WRITE rules: the negative amount was refused there.
    let refused = answer["written"][1]["error"].as_str().unwrap_or_default();
    assert!(
        refused.contains("RuleConditionError: Rule expr failed: message.amount > 0.0"),
        "{refused}"
    );
    // Our consumer reads Python's records through the READ rules.
    let written: Vec<Vec<u8>> = [0, 2]
        .iter()
        .map(|&index| {
            let frame = hex::decode(
                answer["written"][index]["frame_hex"]
                    .as_str()
                    .expect("a frame"),
            )
            .expect("hex");
            assert_eq!(
                &frame[..5],
                &[0, 0, 0, 0, id as u8][..],
                "Python wrote with our schema id"
            );
            frame
        })
        .collect();
    read_through_read_rules(
        &url,
        &written,
        None,
        order("p-1", 7.0, "XXX-XX-11", "pn (read)"),
    )
    .await;
    server.shutdown().await.expect("shutdown");
}
