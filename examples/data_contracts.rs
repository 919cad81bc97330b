//! A data contract declared on the Rust type: a tagged, encrypted field and a condition,
//! registered with the schema by `send_typed`, executed by the producer (WRITE: the condition
//! is checked, the `PII` field encrypted) and the consumer (READ: the field decrypted), the
//! way Confluent's clients execute them.
//!
//! Run with `cargo run --example data_contracts` (an embedded registry and log; no service
//! needed), or against a standing registry with `SCHEMA_REGISTRY_URL`. The local KMS secret
//! comes from `LOCAL_SECRET` (as Confluent's `local-kms` driver reads it), with a demo
//! default.

use std::collections::BTreeMap;
use std::time::Duration;

use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{RegisteredSchema, SchemaRegistryClient};
use streamhouse_schema::rules::encryption::{DekStore, EncryptExecutor};
use streamhouse_schema::rules::RuleRegistry;
use streamhouse_schema::{ClientError, StreamSchema, Topic};

/// A customer record whose e-mail address is personal data.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "customers", namespace = "com.acme.shop")]
#[stream_schema(rule(name = "credit_not_negative", expr = "message.credit_cents >= 0"))]
#[stream_schema(encrypt(
    tags("PII"),
    kek = "customers-kek",
    kms = "local-kms",
    key_id = "customers-key"
))]
#[stream_schema(metadata(owner = "billing", major_version = 1))]
pub struct Customer {
    /// The customer id, also the record key.
    #[stream_schema(key)]
    pub id: String,
    /// Personal data: encrypted in every record.
    #[stream_schema(tags("PII"))]
    pub email: String,
    /// Credit on the account, never negative.
    pub credit_cents: i64,
}

/// What the run saw, for the test that runs it.
#[derive(Debug)]
pub struct Report {
    /// The schema the registry holds for `customers-value`, with its metadata and rules.
    pub registered: RegisteredSchema,
    /// The first record's frame as it sits on the log (its e-mail is ciphertext).
    pub first_frame: Vec<u8>,
    /// What the consumer read back, decrypted.
    pub consumed: Vec<Customer>,
    /// Why the customer with negative credit was not sent.
    pub refused: ClientError,
}

/// The rule executors both sides use: CEL, CEL_FIELD, JSONATA, and ENCRYPT with its keys
/// in the registry's DEK registry, wrapped by the local KMS.
fn rules(registry_url: &str, secret: &str) -> RuleRegistry {
    let keys = DekStore::builder(SchemaRegistryClient::new(registry_url))
        .config(BTreeMap::from([("secret".to_string(), secret.to_string())]))
        .build();
    let mut rules = RuleRegistry::with_defaults();
    rules.register_field_executor(EncryptExecutor::new(keys));
    rules
}

/// Sends three customers (one refused by the condition) and reads the others back.
pub async fn run(registry_url: &str, secret: &str) -> Result<Report, ClientError> {
    let producer = Producer::builder()
        .schema_registry(registry_url)
        .rule_registry(rules(registry_url, secret))
        .build()
        .await?;
    let customers = [
        Customer {
            id: "cust-1".into(),
            email: "ada@example.com".into(),
            credit_cents: 1200,
        },
        Customer {
            id: "cust-2".into(),
            email: "grace@example.com".into(),
            credit_cents: 0,
        },
    ];
    for customer in &customers {
        producer.send_typed(customer).await?;
    }
    let refused = producer
        .send_typed(&Customer {
            id: "cust-3".into(),
            email: "eve@example.com".into(),
            credit_cents: -5,
        })
        .await
        .err()
        .ok_or_else(|| {
            ClientError::ConfigError("a negative credit was sent despite its rule".into())
        })?;

    let registered = SchemaRegistryClient::new(registry_url)
        .get_latest(&format!("{}-value", Customer::TOPIC))
        .await?;

    let mut consumer = Consumer::builder()
        .schema_registry(registry_url)
        .rule_registry(rules(registry_url, secret))
        .subscribe(Customer::TOPIC)
        .transport(producer.transport().clone())
        .build()
        .await?;
    let mut consumed = Vec::new();
    let mut first_frame = Vec::new();
    while let Some(record) = consumer
        .poll_typed::<Customer>(Duration::from_millis(200))
        .await?
    {
        if first_frame.is_empty() {
            // The record as it sits on the log (the consumed one carries the decrypted
            // payload the READ rules produced).
            let raw = producer
                .transport()
                .fetch(
                    Customer::TOPIC,
                    record.record.partition,
                    record.record.offset,
                    1,
                )
                .await?;
            if let Some(raw) = raw.first() {
                first_frame = raw.value.to_vec();
            }
        }
        consumed.push(record.value);
    }
    Ok(Report {
        registered,
        first_frame,
        consumed,
        refused,
    })
}

#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (registry_url, embedded) = match std::env::var("SCHEMA_REGISTRY_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let server = streamhouse_schema::server::spawn(
                streamhouse_schema::server::RegistryConfig::in_memory(),
            )
            .await?;
            (server.url(), Some(server))
        }
    };
    let secret = std::env::var("LOCAL_SECRET").unwrap_or_else(|_| "demo-only-secret".into());
    println!("schema registry: {registry_url}");

    let report = run(&registry_url, &secret).await?;
    println!(
        "registered {}-value: id {} version {}",
        Customer::TOPIC,
        report.registered.id,
        report.registered.version
    );
    println!("schema:\n{}", report.registered.schema.schema);
    println!(
        "metadata: {}",
        serde_json::to_string_pretty(&report.registered.schema.metadata)?
    );
    println!(
        "ruleSet: {}",
        serde_json::to_string_pretty(&report.registered.schema.rule_set)?
    );
    // The frame's text parts, other bytes as dots: the e-mail is base64 ciphertext.
    let printable: String = report
        .first_frame
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect();
    println!(
        "first record on the log ({} bytes, e-mail encrypted): {printable}",
        report.first_frame.len()
    );
    for customer in &report.consumed {
        println!("consumed (decrypted): {customer:?}");
    }
    println!("refused: {}", report.refused);
    if let Some(server) = embedded {
        server.shutdown().await?;
    }
    Ok(())
}
