//! Payloads nested as deep as a recursive Avro schema lets them, through a producer's
//! WRITE rules on a thread with tokio's 2 MiB worker stack: the rules path decodes them
//! generically (apache-avro, which neither bounds its recursion nor checks lengths against
//! the input), so a deep or lying payload must get a typed error, never abort the process.
#![cfg(feature = "rules")]

use std::collections::BTreeSet;
use std::sync::Arc;

use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::transport::{MemoryLog, Transport};

const NODE: &str = r#"{"type": "record", "name": "Node", "namespace": "deep", "fields": [
    {"name": "label", "type": "string"},
    {"name": "next", "type": ["null", "Node"]}]}"#;

/// A list of `n` nodes labelled "a": label, branch 1, ..., label, branch 0.
fn list(n: usize) -> Vec<u8> {
    let mut payload = Vec::new();
    for i in 0..n {
        payload.extend([2, b'a', if i + 1 < n { 2 } else { 0 }]);
    }
    payload
}

/// Sends each payload on a current-thread runtime in a thread with a 2 MiB stack.
fn send_all(payloads: Vec<Vec<u8>>) -> Vec<Result<Vec<u8>, String>> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let url = "mock://rules-deep-payloads";
                let schema = Schema::avro(NODE)
                    .with_metadata(Metadata::default().with_tags("deep.Node.label", ["PII"]))
                    .with_rule_set(RuleSet {
                        domain_rules: vec![
                            Rule::new("labelled", RuleKind::Condition, RuleMode::Write, "CEL")
                                .with_expr("message.label != ''"),
                            Rule {
                                tags: BTreeSet::from(["PII".to_string()]),
                                ..Rule::new(
                                    "shout",
                                    RuleKind::Transform,
                                    RuleMode::Write,
                                    "CEL_FIELD",
                                )
                                .with_expr("value + '!'")
                            },
                        ],
                        ..RuleSet::default()
                    });
                let id = SchemaRegistryClient::try_new(url)
                    .unwrap()
                    .register("nodes-value", &schema)
                    .await
                    .unwrap();
                let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
                let producer = Producer::builder()
                    .schema_registry(url)
                    .transport(Arc::clone(&log))
                    .build()
                    .await
                    .unwrap();
                let mut results = Vec::new();
                for payload in payloads {
                    let sent = producer
                        .send_with_schema_id("nodes", None, &payload, id, None)
                        .await;
                    results.push(match sent {
                        Ok(sent) => {
                            let records = log.fetch("nodes", 0, sent.offset, 1).await.unwrap();
                            Ok(records[0].value[5..].to_vec())
                        }
                        Err(ClientError::Rule(failure)) => Err(failure.to_string()),
                        Err(other) => panic!("not a rule failure: {other:?}"),
                    });
                }
                results
            })
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_and_lying_payloads_get_typed_errors_and_the_rest_is_transformed() {
    let mut huge_string = vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    huge_string.extend(list(1));
    let results = send_all(vec![
        list(3),
        list(20),
        list(64),
        list(100_000),
        huge_string,
    ]);
    // Three nodes: every label shouted.
    assert_eq!(
        results[0].as_deref(),
        Ok(&[4, b'a', b'!', 2, 4, b'a', b'!', 2, 4, b'a', b'!', 0][..])
    );
    // Twenty: decoded on a stack of its own, transformed.
    let twenty = results[1].as_ref().unwrap();
    assert_eq!(twenty.iter().filter(|b| **b == b'!').count(), 20);
    // 64 nodes are 128 levels, the decode limit; the field walk stops at 64 levels.
    let error = results[2].as_ref().unwrap_err();
    assert!(error.contains("nested too deeply"), "{error}");
    // 100 000 nodes: refused before apache-avro sees them.
    let error = results[3].as_ref().unwrap_err();
    assert!(error.contains("nested deeper than 128 levels"), "{error}");
    // A string of 2^62 bytes in nine: refused before any allocation.
    let error = results[4].as_ref().unwrap_err();
    assert!(error.contains("bytes left"), "{error}");
}
