//! Our producer and consumer with the `ENCRYPT` executor, against Confluent's Python
//! AvroSerializer / AvroDeserializer (`tests/python/encryption_peer_avro.py`) over our
//! registry server: a `PII`-tagged string field (tagged in the schema's metadata) is
//! encrypted with deterministic AES256_SIV under a local-kms KEK. Our producer's record is
//! decrypted by Python's deserializer; Python's record is decrypted by our consumer; both
//! sides write the same bytes for the same record. Needs `scripts/setup-python.sh`.
#![cfg(all(feature = "encryption", feature = "server"))]

mod encryption_common;
mod python_peer;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use encryption_common::{encrypt_pii_rule, rules_with_encryption};
use python_peer::answer_async;
use serde_json::{json, Value};
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{Metadata, RuleSet, Schema, SchemaRegistryClient};
use streamhouse_schema::rules::encryption::EncryptionError;
use streamhouse_schema::rules::RuleError;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

const SECRET: &str = "clients-secret";

/// A customer with a social security number to keep secret.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "peer.enc")]
struct Customer {
    id: String,
    ssn: String,
    amount: f64,
}

fn customer(id: &str, ssn: &str) -> Customer {
    Customer {
        id: id.into(),
        ssn: ssn.into(),
        amount: 9.5,
    }
}

async fn peer(url: &str, args: &[&str], input: Value) -> Value {
    let args: Vec<&str> = [url].into_iter().chain(args.iter().copied()).collect();
    answer_async("encryption_peer_avro.py", &args, input).await
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_producer_and_consumer_exchange_encrypted_fields_with_confluent_python() {
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let schema = Schema::avro(Customer::avro_schema_json())
        .with_metadata(Metadata::default().with_tags("peer.enc.Customer.ssn", ["PII"]))
        .with_rule_set(RuleSet {
            domain_rules: vec![encrypt_pii_rule("clients-kek", "clients-key", "AES256_SIV")],
            ..RuleSet::default()
        });
    let id = SchemaRegistryClient::new(url.as_str())
        .register("customers-value", &schema)
        .await
        .unwrap();

    // Our producer encrypts the tagged field on WRITE.
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&log))
        .rule_registry(rules_with_encryption(&url, SECRET))
        .build()
        .await
        .unwrap();
    producer
        .send_typed_to(
            "customers",
            None::<&String>,
            &customer("c-1", "123-45-6789"),
        )
        .await
        .unwrap();
    let ours = log.fetch("customers", 0, 0, 10).await.unwrap()[0]
        .value
        .to_vec();
    assert_eq!(ours[..5], [0, 0, 0, 0, id as u8]);
    assert!(
        !ours.windows(11).any(|w| w == b"123-45-6789"),
        "no plaintext on the wire"
    );

    // Python's deserializer decrypts it.
    let consumed = peer(
        &url,
        &["consume", "customers", SECRET],
        json!({"frame": b64(&ours)}),
    )
    .await;
    assert_eq!(
        consumed["record"],
        json!({"id": "c-1", "ssn": "123-45-6789", "amount": 9.5}),
        "{consumed}"
    );

    // Python's serializer writes the same record: byte-identical under AES-SIV.
    let produced = peer(
        &url,
        &["produce", "customers", SECRET],
        json!({"id": "c-1", "ssn": "123-45-6789", "amount": 9.5}),
    )
    .await;
    let theirs = base64::engine::general_purpose::STANDARD
        .decode(produced["frame"].as_str().expect("frame"))
        .unwrap();
    assert_eq!(theirs, ours);
    let other = peer(
        &url,
        &["produce", "customers", SECRET],
        json!({"id": "c-2", "ssn": "987-65-4321", "amount": 9.5}),
    )
    .await;
    let other = base64::engine::general_purpose::STANDARD
        .decode(other["frame"].as_str().expect("frame"))
        .unwrap();

    // Our consumer decrypts Python's records on READ.
    let python_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let raw = Producer::builder()
        .transport(Arc::clone(&python_log))
        .build()
        .await
        .unwrap();
    raw.send("customers", None, &other, None).await.unwrap();
    raw.send("customers", None, &other, None).await.unwrap();
    let mut consumer = Consumer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&python_log))
        .rule_registry(rules_with_encryption(&url, SECRET))
        .subscribe("customers")
        .build()
        .await
        .unwrap();
    let read = consumer
        .poll_typed::<Customer>(Duration::from_millis(500))
        .await
        .unwrap()
        .expect("a record");
    assert_eq!(read.value, customer("c-2", "987-65-4321"));

    // A consumer with the wrong secret is refused with the typed error, never plaintext.
    let mut wrong = Consumer::builder()
        .schema_registry(url.as_str())
        .transport(python_log)
        .rule_registry(rules_with_encryption(&url, "not-the-secret"))
        .subscribe("customers")
        .build()
        .await
        .unwrap();
    match wrong
        .poll_typed::<Customer>(Duration::from_millis(500))
        .await
    {
        Err(ClientError::Rule(failure)) => assert!(
            matches!(&failure.reason, RuleError::Encryption { error, .. }
                if matches!(error.error(), EncryptionError::KeyUnwrap { .. })),
            "{failure:?}"
        ),
        other => panic!("expected a rule failure, got {other:?}"),
    }
    server.shutdown().await.expect("shutdown");
}
