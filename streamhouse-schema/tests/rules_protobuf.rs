//! Data-contract rules on Protobuf records end to end: a derived Protobuf type whose
//! contract declares a CEL condition and field-level encryption of its `PII` fields, sent
//! with `send_typed` (the contract registered with the schema on `mock://`) and read back
//! with `poll_typed`. The condition refuses a bad record before it is sent; the tagged
//! fields are ciphertext on the log and plaintext after the consumer's READ rules; a
//! tampered ciphertext and a wrong KMS secret are typed errors, never plaintext.
#![cfg(feature = "encryption")]

mod encryption_common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use encryption_common::rules_with_encryption;
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::rules::encryption::EncryptionError;
use streamhouse_schema::rules::RuleError;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

const SECRET: &str = "proto-rules-secret";

/// A payment whose card and e-mail are encrypted by its contract.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "pay.v1", protobuf, topic = "proto-payments")]
#[stream_schema(rule(
    name = "positive_amount",
    expr = "message.amount > 0.0 && size(message.id) > 0"
))]
#[stream_schema(encrypt(
    tags("PII"),
    kek = "payments-kek",
    kms = "local-kms",
    key_id = "payments-key",
    algorithm = "AES256_GCM"
))]
pub struct Payment {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    amount: f64,
    #[stream_schema(tag = 3, tags("PII"))]
    card: String,
    #[stream_schema(tag = 4, tags("PII"))]
    email: Option<String>,
}

fn payment(id: &str, amount: f64, card: &str, email: Option<&str>) -> Payment {
    Payment {
        id: id.into(),
        amount,
        card: card.into(),
        email: email.map(str::to_string),
    }
}

async fn consumer(url: &str, log: Arc<dyn Transport>, secret: &str) -> Consumer {
    Consumer::builder()
        .schema_registry(url)
        .transport(log)
        .rule_registry(rules_with_encryption(url, secret))
        .subscribe("proto-payments")
        .build()
        .await
        .expect("consumer")
}

/// The string fields of a Protobuf payload (`00` index array, then fields), by number.
fn string_fields(payload: &[u8]) -> BTreeMap<u32, (usize, String)> {
    let mut fields = BTreeMap::new();
    let mut at = 1;
    while at < payload.len() {
        let key = payload[at];
        let (number, wire) = (u32::from(key >> 3), key & 7);
        at += 1;
        match wire {
            1 => at += 8,
            2 => {
                let len = usize::from(payload[at]);
                assert!(len < 0x80, "short fields only");
                let text = String::from_utf8(payload[at + 1..at + 1 + len].to_vec()).unwrap();
                fields.insert(number, (at + 1, text));
                at += 1 + len;
            }
            other => panic!("unexpected wire type {other}"),
        }
    }
    fields
}

#[tokio::test]
async fn a_protobuf_contract_checks_encrypts_and_decrypts_end_to_end() {
    let url = "mock://rules-protobuf-e2e";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .default_format(SchemaFormat::Protobuf)
        .rule_registry(rules_with_encryption(url, SECRET))
        .build()
        .await
        .expect("producer");
    let sent = [
        payment("p-1", 12.5, "4111-1111", Some("ann@example.com")),
        payment("p-2", 3.0, "5500-0000", None),
    ];
    for p in &sent {
        producer.send_typed(p).await.expect("sent");
    }
    // The CEL condition refuses the record before it is sent.
    match producer
        .send_typed(&payment("p-neg", -1.0, "1", None))
        .await
    {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.rule_name, "positive_amount");
            assert!(matches!(failure.reason, RuleError::Condition { .. }));
        }
        other => panic!("expected the condition to refuse, got {other:?}"),
    }
    let records = log.fetch("proto-payments", 0, 0, 10).await.unwrap();
    assert_eq!(records.len(), 2, "the refused record was not sent");

    // On the log: the index array `00`, id and amount in the clear, card and e-mail as the
    // base64 of Tink's RAW AES-GCM ciphertext (12-byte IV, ciphertext, 16-byte tag), as
    // Confluent's clients write a string field.
    let first = string_fields(&records[0].value[5..]);
    assert_eq!(records[0].value[5], 0x00);
    assert_eq!(first[&1].1, "p-1");
    for (number, plain) in [(3, "4111-1111"), (4, "ann@example.com")] {
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(&first[&number].1)
            .expect("base64 ciphertext");
        assert_eq!(sealed.len(), 12 + plain.len() + 16, "field {number}");
        assert!(!sealed.windows(plain.len()).any(|w| w == plain.as_bytes()));
    }
    // The unset optional e-mail stays unset: nothing to encrypt, nothing written.
    let second = string_fields(&records[1].value[5..]);
    assert_eq!(second.keys().copied().collect::<Vec<_>>(), [1, 3]);

    // The consumer's READ rules decrypt.
    let mut reader = consumer(url, Arc::clone(&log), SECRET).await;
    for expected in &sent {
        let read = reader
            .poll_typed::<Payment>(Duration::from_millis(500))
            .await
            .expect("read")
            .expect("a record");
        assert_eq!(&read.value, expected);
    }

    // A wrong KMS secret cannot unwrap the DEK: a typed error.
    let mut wrong = consumer(url, Arc::clone(&log), "not-the-secret").await;
    match wrong
        .poll_typed::<Payment>(Duration::from_millis(500))
        .await
    {
        Err(ClientError::Rule(failure)) => assert!(
            matches!(&failure.reason, RuleError::Encryption { error, .. }
                if matches!(error.error(), EncryptionError::KeyUnwrap { .. })),
            "{failure:?}"
        ),
        other => panic!("expected a rule failure, got {other:?}"),
    }

    // A ciphertext changed on the log does not decrypt: a typed error naming the field.
    let mut tampered = records[0].value.to_vec();
    let (start, text) = &first[&3];
    let middle = start + text.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered_log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let raw = Producer::builder()
        .transport(Arc::clone(&tampered_log))
        .build()
        .await
        .unwrap();
    raw.send("proto-payments", None, &tampered, None)
        .await
        .unwrap();
    let mut reader = consumer(url, tampered_log, SECRET).await;
    match reader
        .poll_typed::<Payment>(Duration::from_millis(500))
        .await
    {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.field.as_deref(), Some("pay.v1.Payment.card"));
            assert!(
                matches!(&failure.reason, RuleError::Encryption { error, .. }
                    if matches!(error.error(), EncryptionError::Decryption)),
                "{failure:?}"
            );
        }
        other => panic!("expected a rule failure, got {other:?}"),
    }
}

/// An amount in a package (so a file) of its own, whose currency is personal data.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "billing.refrules", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
    #[stream_schema(tag = 2, tags("PII"))]
    currency: String,
}

/// An invoice whose file imports `Money`'s: `send_typed` registers that file under its own
/// subject and the invoice's with a reference to it. The contract's rules need the
/// imported file to walk `total`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.refrules", protobuf, topic = "ref-invoices")]
#[stream_schema(rule(name = "positive_total", expr = "message.total.cents > 0"))]
#[stream_schema(encrypt(
    tags("PII"),
    kek = "invoices-kek",
    kms = "local-kms",
    key_id = "invoices-key",
    algorithm = "AES256_SIV"
))]
struct Invoice {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    total: Money,
    #[stream_schema(tag = 3, tags("PII"))]
    payer: String,
}

fn invoice(id: &str, cents: i64) -> Invoice {
    Invoice {
        id: id.into(),
        total: Money {
            cents,
            currency: "euro-area-currency".into(),
        },
        payer: "payer@example.com".into(),
    }
}

#[tokio::test]
async fn rules_run_on_a_protobuf_schema_with_references_fetched_from_the_registry() {
    let url = "mock://rules-protobuf-references";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .default_format(SchemaFormat::Protobuf)
        .rule_registry(rules_with_encryption(url, SECRET))
        .build()
        .await
        .expect("producer");
    producer
        .send_typed(&invoice("i-1", 250))
        .await
        .expect("sent");
    // The condition reads a field of the imported message.
    match producer.send_typed(&invoice("i-0", 0)).await {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.rule_name, "positive_total");
            assert!(matches!(failure.reason, RuleError::Condition { .. }));
        }
        other => panic!("expected the condition to refuse, got {other:?}"),
    }
    let records = log.fetch("ref-invoices", 0, 0, 10).await.unwrap();
    assert_eq!(records.len(), 1, "the refused record was not sent");
    let frame = &records[0].value;
    let has = |text: &str| frame.windows(text.len()).any(|w| w == text.as_bytes());
    // The PII fields, of the invoice and of the imported Money, are ciphertext.
    assert!(has("i-1"));
    assert!(!has("payer@example.com"));
    assert!(!has("euro-area-currency"));

    let mut consumer = Consumer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .rule_registry(rules_with_encryption(url, SECRET))
        .subscribe("ref-invoices")
        .build()
        .await
        .expect("consumer");
    let read = consumer
        .poll_typed::<Invoice>(Duration::from_millis(500))
        .await
        .unwrap()
        .expect("i-1");
    assert_eq!(read.value, invoice("i-1", 250));
    // The schema the producer's rules ran with was registered with its reference.
    let registered = streamhouse_schema::registry::SchemaRegistryClient::new(url)
        .get_latest("ref-invoices-value")
        .await
        .unwrap();
    assert_eq!(
        registered
            .schema
            .references
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["billing/refrules/Money.proto"]
    );
}
