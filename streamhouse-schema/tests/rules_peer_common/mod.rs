//! What the data-contract peer tests (`rules_python_peer` on Avro, `rules_protobuf_python_peer`
//! on Protobuf) do alike around Confluent's Python client: our producer sends three orders
//! through the registered WRITE rules, the negative amount refused by `positive_amount`; our
//! consumer reads two records Python's serializer wrote through the READ rules, the second
//! refused by `below_limit`.
#![allow(dead_code)] // each test crate uses a different subset

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::rules::RuleRegistry;
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{AvroDecode, JsonDecode, JsonEncode, StreamSchema};

/// The topic the orders go to.
pub const TOPIC: &str = "orders";

/// The rule that stopped a record.
pub fn rule_name(error: ClientError) -> String {
    match error {
        ClientError::Rule(failure) => failure.rule_name,
        other => panic!("expected a rule failure, got {other:?}"),
    }
}

/// Sends `[accepted, over_the_read_limit, negative]` to [`TOPIC`] with `producer`, which
/// writes into `log`: the negative amount is refused by `positive_amount` and not sent.
/// Returns the two frames written.
pub async fn send_through_write_rules<T>(
    producer: &Producer,
    log: &Arc<dyn Transport>,
    orders: [T; 3],
) -> Vec<Vec<u8>>
where
    T: StreamSchema + JsonEncode + 'static,
{
    let [accepted, big, negative] = orders;
    for order in [&accepted, &big] {
        producer
            .send_typed_to(TOPIC, None::<&String>, order)
            .await
            .expect("sent through the WRITE rules");
    }
    let refused = producer
        .send_typed_to(TOPIC, None::<&String>, &negative)
        .await
        .expect_err("a negative amount is refused");
    assert_eq!(rule_name(refused), "positive_amount");
    let frames: Vec<Vec<u8>> = log
        .fetch(TOPIC, 0, 0, 10)
        .await
        .expect("stored")
        .iter()
        .map(|r| r.value.to_vec())
        .collect();
    assert_eq!(frames.len(), 2, "the refused record was not sent");
    frames
}

/// Our consumer on the registry at `url` (with `rules`, else the default rule registry)
/// reads `frames`, which Python wrote, through the READ rules: the first is `expected`, the
/// second is refused by `below_limit`.
pub async fn read_through_read_rules<T>(
    url: &str,
    frames: &[Vec<u8>],
    rules: Option<RuleRegistry>,
    expected: T,
) where
    T: StreamSchema + AvroDecode + JsonDecode + PartialEq + Debug + 'static,
{
    let python_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let raw = Producer::builder()
        .transport(Arc::clone(&python_log))
        .build()
        .await
        .expect("raw producer");
    for frame in frames {
        raw.send(TOPIC, None, frame, None).await.expect("stored");
    }
    let mut builder = Consumer::builder()
        .schema_registry(url)
        .transport(python_log)
        .subscribe(TOPIC);
    if let Some(rules) = rules {
        builder = builder.rule_registry(rules);
    }
    let mut consumer = builder.build().await.expect("consumer");
    let first = consumer
        .poll_typed::<T>(Duration::from_millis(500))
        .await
        .expect("read through the READ rules")
        .expect("the first record");
    assert_eq!(first.value, expected);
    let refused = consumer
        .poll_typed::<T>(Duration::from_millis(500))
        .await
        .expect_err("over the READ limit");
    assert_eq!(rule_name(refused), "below_limit");
}

/// The records Python's serializer writes through the WRITE rules, as the peers read them:
/// one accepted, one refused there (`positive_amount`), one over the READ limit.
pub fn python_records() -> Vec<serde_json::Value> {
    vec![
        serde_json::json!({"id": "p-1", "amount": 7.0, "ssn": "987-65-4321", "note": "pn"}),
        serde_json::json!({"id": "p-neg", "amount": -2.0, "ssn": "1", "note": "x"}),
        serde_json::json!({"id": "p-big", "amount": 5000.0, "ssn": "1", "note": "y"}),
    ]
}

/// What the peer answered about our two frames: the first decoded to `first` through its
/// READ rules, the second refused by `below_limit` (a message holding `refused`).
pub fn python_read_ours(answer: &serde_json::Value, first: serde_json::Value, refused: &str) {
    assert_eq!(answer["decoded"][0], serde_json::json!({ "value": first }));
    let error = answer["decoded"][1]["error"].as_str().unwrap_or_default();
    assert!(error.contains(refused), "{error}");
}
