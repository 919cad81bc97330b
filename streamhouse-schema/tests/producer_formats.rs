//! `send_typed` in JSON and Protobuf (per producer and per type) against the in-memory
//! registry: what is registered, and the frames byte for byte.

use std::sync::Arc;

use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::{Avro, Json, KeyEncoding, Producer, ProducerBuilder, Protobuf};
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::{MemoryLog, Transport, TransportRecord};
use streamhouse_schema::{StreamSchema, Topic};

/// A payment, with Protobuf field numbers.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "payments", namespace = "shop.v1", protobuf)]
struct Payment {
    #[stream_schema(key, tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
    #[stream_schema(tag = 3)]
    note: Option<String>,
}

/// A refund, sent in the producer's default format.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "refunds", namespace = "shop.v1")]
struct Refund {
    cents: i32,
}

fn payment() -> Payment {
    Payment {
        id: "p-1".to_string(),
        cents: 250,
        note: Some("hi".to_string()),
    }
}

async fn build(builder: ProducerBuilder, log: &Arc<dyn Transport>) -> Producer {
    // These tests follow keys through every format: keys framed with their own schema.
    let builder = builder.key_encoding(KeyEncoding::Schema);
    match builder.transport(Arc::clone(log)).build().await {
        Ok(producer) => producer,
        Err(error) => unreachable!("valid producer refused: {error}"),
    }
}

async fn records(log: &Arc<dyn Transport>, topic: &str) -> Vec<TransportRecord> {
    log.fetch(topic, 0, 0, 100).await.unwrap_or_default()
}

async fn latest(registry: &str, subject: &str) -> (i32, SchemaFormat, String) {
    let client = SchemaRegistryClient::try_new(registry).expect("mock URL");
    let latest = client.get_latest(subject).await.expect("registered");
    (latest.id, latest.schema.schema_type, latest.schema.schema)
}

fn header(id: i32) -> Vec<u8> {
    let mut h = vec![0];
    h.extend_from_slice(&id.to_be_bytes());
    h
}

#[tokio::test]
async fn json_default_format_registers_the_json_schema_and_frames_json() {
    let registry = "mock://formats-json-default";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .default_format(SchemaFormat::Json),
        &log,
    )
    .await;
    producer.send_typed(&payment()).await.expect("sent");

    let (value_id, format, text) = latest(registry, "payments-value").await;
    assert_eq!(format, SchemaFormat::Json);
    assert_eq!(text, Payment::json_schema_text());
    // The key (a string) is JSON too: schema {"type":"string"...} under payments-key.
    let (key_id, key_format, key_text) = latest(registry, "payments-key").await;
    assert_eq!(key_format, SchemaFormat::Json);
    assert_eq!(key_text, String::json_schema_text());

    let stored = records(&log, "payments").await;
    assert_eq!(stored.len(), 1);
    let mut value = header(value_id);
    value.extend_from_slice(br#"{"id":"p-1","cents":250,"note":"hi"}"#);
    assert_eq!(&stored[0].value[..], &value[..]);
    let mut key = header(key_id);
    key.extend_from_slice(br#""p-1""#);
    assert_eq!(stored[0].key.as_deref(), Some(&key[..]));
}

#[tokio::test]
async fn protobuf_per_type_registers_the_proto_file_and_frames_message_indexes() {
    let registry = "mock://formats-proto-per-type";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .format_for::<Payment>(Protobuf),
        &log,
    )
    .await;
    producer.send_typed(&payment()).await.expect("sent");
    // A type without a format of its own keeps the default (Avro).
    producer
        .send_typed(&Refund { cents: 3 })
        .await
        .expect("sent");

    let (id, format, text) = latest(registry, "payments-value").await;
    assert_eq!(format, SchemaFormat::Protobuf);
    assert_eq!(text, Payment::proto_text());
    let stored = records(&log, "payments").await;
    let mut frame = header(id);
    // Message indexes [0] (one byte), then field 1 "p-1", field 2 varint 250, field 3 "hi".
    frame.extend_from_slice(&[0x00, 0x0a, 3, b'p', b'-', b'1', 0x10, 0xfa, 0x01]);
    frame.extend_from_slice(&[0x1a, 2, b'h', b'i']);
    assert_eq!(&stored[0].value[..], &frame[..]);
    // The key stays Avro (the producer's default): "p-1" with its zigzag length 6.
    let (key_id, key_format, _) = latest(registry, "payments-key").await;
    assert_eq!(key_format, SchemaFormat::Avro);
    let mut key = header(key_id);
    key.extend_from_slice(&[0x06, b'p', b'-', b'1']);
    assert_eq!(stored[0].key.as_deref(), Some(&key[..]));

    let (refund_id, refund_format, _) = latest(registry, "refunds-value").await;
    assert_eq!(refund_format, SchemaFormat::Avro);
    let refund = records(&log, "refunds").await;
    let mut frame = header(refund_id);
    frame.push(0x06); // zigzag(3)
    assert_eq!(&refund[0].value[..], &frame[..]);
}

#[tokio::test]
async fn protobuf_default_keeps_keys_avro_and_needs_each_type_codec() {
    let registry = "mock://formats-proto-default";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .default_format(SchemaFormat::Protobuf)
            .format_for::<Payment>(Protobuf),
        &log,
    )
    .await;
    producer.send_typed(&payment()).await.expect("sent");
    let (_, key_format, _) = latest(registry, "payments-key").await;
    assert_eq!(key_format, SchemaFormat::Avro);

    // Refund has no Protobuf codec registered: a configuration error, nothing registered
    // and nothing sent.
    let error = producer.send_typed(&Refund { cents: 1 }).await;
    match error {
        Err(ClientError::ConfigError(message)) => {
            assert!(message.contains("Refund"), "{message}");
            assert!(message.contains(".format_for::<"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    let client = SchemaRegistryClient::try_new(registry).expect("mock URL");
    let subjects = client.list_subjects().await.expect("subjects");
    assert!(
        !subjects.iter().any(|s| s.starts_with("refunds")),
        "{subjects:?}"
    );
    assert!(records(&log, "refunds").await.is_empty());
}

#[tokio::test]
async fn a_per_type_format_overrides_the_default_for_keys_and_values() {
    let registry = "mock://formats-override";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .default_format(SchemaFormat::Json)
            .format_for::<Refund>(Avro)
            .format_for::<String>(Avro),
        &log,
    )
    .await;
    producer.send_typed(&payment()).await.expect("sent");
    producer
        .send_typed(&Refund { cents: 2 })
        .await
        .expect("sent");
    assert_eq!(
        latest(registry, "payments-value").await.1,
        SchemaFormat::Json
    );
    assert_eq!(latest(registry, "payments-key").await.1, SchemaFormat::Avro);
    assert_eq!(
        latest(registry, "refunds-value").await.1,
        SchemaFormat::Avro
    );
}

#[tokio::test]
async fn send_typed_to_uses_the_chosen_format_and_registers_once() {
    let registry = "mock://formats-typed-to";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .format_for::<Payment>(Json),
        &log,
    )
    .await;
    for cents in [1, 2, 3] {
        let mut p = payment();
        p.cents = cents;
        producer
            .send_typed_to("audit", None::<&String>, &p)
            .await
            .expect("sent");
    }
    let client = SchemaRegistryClient::try_new(registry).expect("mock URL");
    assert_eq!(
        client.list_versions("audit-value").await.expect("versions"),
        vec![1]
    );
    let stored = records(&log, "audit").await;
    assert_eq!(stored.len(), 3);
    assert_eq!(
        &stored[2].value[5..],
        br#"{"id":"p-1","cents":3,"note":"hi"}"#
    );
    assert!(stored.iter().all(|r| r.key.is_none()));
    assert_eq!(Payment::TOPIC, "payments");
}
