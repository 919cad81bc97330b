//! The consumer decodes JSON and Protobuf records by the writer schema's format, skipping
//! unknown fields, through the embedded log and the in-memory registry.

use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::{Consumer, ConsumerBuilder, KeyEncoding, RecordError};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::{Producer, Protobuf};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// What the writer sends: a payment with a field the reader does not know.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Payment", namespace = "shop.v2", protobuf)]
struct PaymentV2 {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
    #[stream_schema(tag = 3)]
    note: Option<String>,
    #[stream_schema(tag = 4)]
    channel: String,
}

/// What the reader knows.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Payment", namespace = "shop.v1", protobuf)]
struct Payment {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
    #[stream_schema(tag = 3)]
    note: Option<String>,
}

/// A reader without Protobuf (Avro and JSON only).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Payment", namespace = "shop.v1")]
struct PlainPayment {
    id: String,
    cents: i64,
    note: Option<String>,
}

fn v2(n: i64) -> PaymentV2 {
    PaymentV2 {
        id: format!("p-{n}"),
        cents: n * 100,
        note: (n % 2 == 0).then(|| "even".to_string()),
        channel: "web".to_string(),
    }
}

fn v1_of(p: &PaymentV2) -> Payment {
    Payment {
        id: p.id.clone(),
        cents: p.cents,
        note: p.note.clone(),
    }
}

async fn producer(registry: &str, log: &Arc<dyn Transport>) -> Producer {
    Producer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(log))
        .format_for::<PaymentV2>(Protobuf)
        // Keys framed with their own schema (plain keys are raw by default).
        .key_encoding(KeyEncoding::Schema)
        .build()
        .await
        .expect("producer")
}

async fn consumer(
    registry: &str,
    log: &Arc<dyn Transport>,
    topic: &str,
    f: impl FnOnce(ConsumerBuilder) -> ConsumerBuilder,
) -> Consumer {
    f(Consumer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(log))
        .subscribe(topic))
    .build()
    .await
    .expect("consumer")
}

const WAIT: Duration = Duration::from_millis(100);

#[tokio::test]
async fn json_records_decode_into_the_reader_type_skipping_unknown_fields() {
    let registry = "mock://consumer-formats-json";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    // JSON for every type (keys too) as the producer's default.
    let json = Producer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(&log))
        .default_format(SchemaFormat::Json)
        .key_encoding(KeyEncoding::Schema)
        .build()
        .await
        .expect("producer");
    let sent: Vec<PaymentV2> = (1..=3).map(v2).collect();
    for p in &sent {
        json.send_typed_to("pay-json", Some(&p.id), p)
            .await
            .expect("sent");
    }
    let mut consumer = consumer(registry, &log, "pay-json", |b| {
        b.key_encoding(KeyEncoding::Schema)
    })
    .await;
    for p in &sent {
        let record = consumer.poll_typed::<Payment>(WAIT).await.expect("poll");
        let record = record.expect("a record");
        assert_eq!(record.value, v1_of(p));
        assert_eq!(
            record.record.schema.as_ref().map(|s| s.schema_type),
            Some(SchemaFormat::Json)
        );
        // The writer's own type reads everything back.
        assert_eq!(
            consumer.decode::<PaymentV2>(&record.record).ok(),
            Some(p.clone())
        );
        // The key is a JSON frame too: `"p-1"` after the header.
        let key = record.record.key.as_deref().unwrap_or_default();
        assert_eq!(key.get(5..), Some(format!("\"{}\"", p.id).as_bytes()));
        let key = consumer.decode_key::<String>(&record.record).await;
        assert_eq!(key.ok().flatten(), Some(p.id.clone()));
    }
    assert!(consumer.poll(WAIT).await.expect("poll").is_none());
}

#[tokio::test]
async fn protobuf_records_decode_with_the_registered_codec_skipping_unknown_fields() {
    let registry = "mock://consumer-formats-proto";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer(registry, &log).await;
    let sent: Vec<PaymentV2> = (1..=3).map(v2).collect();
    for p in &sent {
        producer
            .send_typed_to("pay-proto", Some(&p.id), p)
            .await
            .expect("sent");
    }
    let mut consumer = consumer(registry, &log, "pay-proto", |b| {
        b.protobuf::<Payment>()
            .protobuf::<PaymentV2>()
            .key_encoding(KeyEncoding::Schema)
    })
    .await;
    for p in &sent {
        let record = consumer.poll_typed::<Payment>(WAIT).await.expect("poll");
        let record = record.expect("a record");
        assert_eq!(record.value, v1_of(p));
        assert_eq!(record.record.message_indexes, vec![0]);
        assert_eq!(
            consumer.decode::<PaymentV2>(&record.record).ok(),
            Some(p.clone())
        );
        let key = consumer.decode_key::<String>(&record.record).await;
        assert_eq!(key.ok().flatten(), Some(p.id.clone()));
    }
}

#[tokio::test]
async fn protobuf_into_a_type_without_a_protobuf_codec_is_a_configuration_error() {
    let registry = "mock://consumer-formats-proto-unregistered";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer(registry, &log).await;
    producer
        .send_typed_to("pay-proto", None::<&String>, &v2(1))
        .await
        .expect("sent");
    let mut consumer = consumer(registry, &log, "pay-proto", |b| b).await;
    let record = consumer.poll(WAIT).await.expect("poll").expect("a record");
    // Payment (derived with Protobuf) brings its own codec; PlainPayment has none.
    assert_eq!(
        consumer.decode::<Payment>(&record).ok(),
        Some(v1_of(&v2(1)))
    );
    match consumer.decode::<PlainPayment>(&record) {
        Err(ClientError::ConfigError(message)) => {
            assert!(message.contains("PlainPayment"), "{message}");
            assert!(message.contains(".protobuf::<"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_json_payload_missing_a_required_field_is_a_typed_record_error() {
    let registry = "mock://consumer-formats-json-bad";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer(registry, &log).await;
    let schema = r#"{"type":"object","properties":{"id":{"type":"string"}}}"#;
    producer
        .send_with_schema(
            "raw",
            None,
            br#"{"id":"p-9"}"#,
            schema,
            SchemaFormat::Json,
            None,
        )
        .await
        .expect("sent");
    producer
        .send_with_schema(
            "raw",
            None,
            br#"{"id":"p-10","cents":5}"#,
            schema,
            SchemaFormat::Json,
            None,
        )
        .await
        .expect("sent");
    let mut consumer = consumer(registry, &log, "raw", |b| b).await;
    let first = consumer.poll(WAIT).await.expect("poll").expect("a record");
    match consumer.decode::<Payment>(&first) {
        Err(ClientError::InvalidRecord(invalid)) => {
            assert_eq!((invalid.topic.as_str(), invalid.offset), ("raw", 0));
            assert!(
                matches!(&invalid.reason, RecordError::Json(e) if e.to_string().contains("cents")),
                "{invalid}"
            );
        }
        other => panic!("expected an invalid record, got {other:?}"),
    }
    // The consumer goes on with the next record.
    let second = consumer.poll(WAIT).await.expect("poll").expect("a record");
    assert_eq!(
        consumer.decode::<Payment>(&second).ok(),
        Some(Payment {
            id: "p-10".to_string(),
            cents: 5,
            note: None
        })
    );
}

#[tokio::test]
async fn a_protobuf_frame_naming_a_missing_message_is_a_message_index_error() {
    let registry = "mock://consumer-formats-proto-index";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer(registry, &log).await;
    // Register the proto file, then frame a payload with message indexes [1] by hand.
    producer
        .send_typed_to("pay-proto", None::<&String>, &v2(1))
        .await
        .expect("sent");
    let mut consumer = consumer(registry, &log, "pay-proto", |b| b.protobuf::<Payment>()).await;
    let record = consumer.poll(WAIT).await.expect("poll").expect("a record");
    let id = record.schema_id.expect("framed");
    let mut frame = vec![0];
    frame.extend_from_slice(&id.to_be_bytes());
    frame.extend_from_slice(&[0x02, 0x02, 0x0a, 0x01, b'x']);
    producer
        .send("pay-proto", None, &frame, None)
        .await
        .expect("sent");
    let record = consumer.poll(WAIT).await.expect("poll").expect("a record");
    assert_eq!(record.message_indexes, vec![1]);
    // The file has one message: [1] names none.
    match consumer.decode::<Payment>(&record) {
        Err(ClientError::InvalidRecord(invalid)) => assert!(
            matches!(
                &invalid.reason,
                RecordError::MessageIndexes { schema_id, path, found: None, .. }
                    if *schema_id == id && path == &[1]
            ),
            "{invalid}"
        ),
        other => panic!("expected a message-index error, got {other:?}"),
    }
}
