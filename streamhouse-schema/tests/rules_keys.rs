//! Rules of key schemas: a framed key (`{topic}-key`) whose schema has a rule set goes
//! through its WRITE rules on the producer and its READ rules on the consumer's
//! `decode_key`, as Confluent's serializers run them for keys (`is_key`). One key type has
//! CEL conditions (WRITE and READ), one an encrypted `PII` field (deterministic AES-SIV,
//! local KMS), over our registry server and the embedded log.
#![cfg(all(feature = "encryption", feature = "server"))]

mod encryption_common;

use std::sync::Arc;
use std::time::Duration;

use encryption_common::rules_with_encryption;
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::RuleMode;
use streamhouse_schema::rules::RuleRegistry;
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

const SECRET: &str = "key-rules-secret";
const WAIT: Duration = Duration::from_millis(500);

/// A key with CEL conditions: a region must be given (WRITE), and records of the blocked
/// region are refused on reading (READ).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.keys")]
#[stream_schema(rule(name = "known_region", expr = "message.region != ''"))]
#[stream_schema(rule(
    name = "not_blocked",
    expr = "message.region != 'blocked'",
    mode = "READ"
))]
struct RegionKey {
    region: String,
    shard: i32,
}

/// A key whose customer is personal data, encrypted deterministically (the same key,
/// the same bytes: records of one customer still go to one partition).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.keys")]
#[stream_schema(encrypt(
    tags("PII"),
    kek = "keys-kek",
    kms = "local-kms",
    key_id = "keys-kms-key",
    algorithm = "AES256_SIV"
))]
struct CustomerKey {
    #[stream_schema(tags("PII"))]
    customer: String,
    region: String,
}

/// The value: no rules of its own.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.keys")]
struct Order {
    id: String,
}

fn order(id: &str) -> Order {
    Order { id: id.into() }
}

async fn start() -> (RunningServer, String, Arc<dyn Transport>, Producer) {
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&log))
        .rule_registry(rules_with_encryption(&url, SECRET))
        .build()
        .await
        .unwrap();
    (server, url, log, producer)
}

async fn consumer(
    url: &str,
    log: &Arc<dyn Transport>,
    topic: &str,
    rules: RuleRegistry,
) -> Consumer {
    Consumer::builder()
        .schema_registry(url)
        .transport(Arc::clone(log))
        .rule_registry(rules)
        .subscribe(topic)
        .build()
        .await
        .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_conditions_run_on_write_and_on_read() {
    let (server, url, log, producer) = start().await;
    let topic = "region-orders";
    let key = |region: &str| RegionKey {
        region: region.into(),
        shard: 7,
    };
    producer
        .send_typed_to(topic, Some(&key("eu")), &order("o-1"))
        .await
        .unwrap();
    // WRITE: an empty region is refused, nothing is sent.
    match producer
        .send_typed_to(topic, Some(&key("")), &order("o-2"))
        .await
    {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.rule_name, "known_region");
            assert_eq!(failure.mode, RuleMode::Write);
            assert_eq!(failure.subject, "region-orders-key");
            assert_eq!(
                failure.reason.to_string(),
                "Rule expr failed: message.region != ''"
            );
        }
        other => panic!("expected the key rule's failure, got {other:?}"),
    }
    // Cached ids take the same path: the second refusal is the same.
    assert!(matches!(
        producer
            .send_typed_to(topic, Some(&key("")), &order("o-3"))
            .await,
        Err(ClientError::Rule(_))
    ));
    // The blocked region passes WRITE.
    producer
        .send_typed_to(topic, Some(&key("blocked")), &order("o-4"))
        .await
        .unwrap();
    let sent = log.fetch(topic, 0, 0, 10).await.unwrap();
    assert_eq!(sent.len(), 2, "the refused records were not sent");

    let mut consumer = consumer(&url, &log, topic, RuleRegistry::with_defaults()).await;
    let first = consumer.poll(WAIT).await.unwrap().expect("o-1");
    assert_eq!(
        consumer.decode_key::<RegionKey>(&first).await.unwrap(),
        Some(key("eu"))
    );
    // READ: the blocked region is refused when its key is decoded.
    let second = consumer.poll(WAIT).await.unwrap().expect("o-4");
    match consumer.decode_key::<RegionKey>(&second).await {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.rule_name, "not_blocked");
            assert_eq!(failure.mode, RuleMode::Read);
            assert_eq!(failure.subject, "region-orders-key");
        }
        other => panic!("expected the READ rule's failure, got {other:?}"),
    }
    // The value has no rules: it decodes as sent.
    assert_eq!(consumer.decode::<Order>(&second).unwrap(), order("o-4"));
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_key_field_is_ciphertext_on_the_wire_and_decrypted_on_read() {
    let (server, url, log, producer) = start().await;
    let topic = "customer-orders";
    let key = CustomerKey {
        customer: "alice@example.com".into(),
        region: "eu".into(),
    };
    producer
        .send_typed_to(topic, Some(&key), &order("o-1"))
        .await
        .unwrap();
    producer
        .send_typed_to(topic, Some(&key), &order("o-2"))
        .await
        .unwrap();
    let sent = log.fetch(topic, 0, 0, 10).await.unwrap();
    let keys: Vec<Vec<u8>> = sent
        .iter()
        .map(|r| r.key.as_ref().expect("a key").to_vec())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0][0], 0, "a framed key");
    assert!(
        !contains(&keys[0], b"alice@example.com"),
        "{:02x?}",
        keys[0]
    );
    assert!(contains(&keys[0], b"eu"));
    // Deterministic: the same key, the same bytes.
    assert_eq!(keys[0], keys[1]);

    // READ decrypts with the same KMS secret.
    let mut reader = consumer(&url, &log, topic, rules_with_encryption(&url, SECRET)).await;
    let record = reader.poll(WAIT).await.unwrap().expect("o-1");
    assert_eq!(
        reader.decode_key::<CustomerKey>(&record).await.unwrap(),
        Some(key.clone())
    );
    // Without the rule, the key reads as the ciphertext it is.
    let mut rules = rules_with_encryption(&url, SECRET);
    rules.disable_rule("encrypt");
    let mut raw = consumer(&url, &log, topic, rules).await;
    let record = raw.poll(WAIT).await.unwrap().expect("o-1");
    let undecrypted = raw
        .decode_key::<CustomerKey>(&record)
        .await
        .unwrap()
        .expect("a key");
    assert_eq!(undecrypted.region, "eu");
    assert_ne!(undecrypted.customer, key.customer);
    // A wrong KMS secret is a typed error naming the rule, never plaintext.
    let mut wrong = consumer(&url, &log, topic, rules_with_encryption(&url, "not-it")).await;
    let record = wrong.poll(WAIT).await.unwrap().expect("o-1");
    match wrong.decode_key::<CustomerKey>(&record).await {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.rule_name, "encrypt");
            assert_eq!(failure.subject, "customer-orders-key");
        }
        other => panic!("expected the ENCRYPT rule's failure, got {other:?}"),
    }
    server.shutdown().await.expect("shutdown");
}
