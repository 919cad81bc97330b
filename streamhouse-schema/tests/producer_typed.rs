//! `Producer` with derived types against the in-memory (`mock://`) registry: frames are
//! checked byte for byte.

use std::sync::Arc;

use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::{Producer, ProducerConfig, SubjectNameStrategy};
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::{MemoryLog, Transport, TransportRecord};
use streamhouse_schema::StreamSchema;

/// A shop order.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "com.acme.shop")]
struct Order {
    #[stream_schema(key)]
    id: String,
    amount: f64,
    note: Option<String>,
}

/// A heartbeat without a key.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "beats", namespace = "com.acme.ops")]
struct Beat {
    seq: i64,
}

fn order(id: &str) -> Order {
    Order {
        id: id.to_string(),
        amount: 1.5,
        note: None,
    }
}

async fn producer(registry: &str, log: &Arc<dyn Transport>) -> Producer {
    let built = Producer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(log))
        .build()
        .await;
    match built {
        Ok(producer) => producer,
        Err(error) => unreachable!("valid producer refused: {error}"),
    }
}

async fn records(log: &Arc<dyn Transport>, topic: &str) -> Vec<TransportRecord> {
    match log.fetch(topic, 0, 0, 1000).await {
        Ok(records) => records,
        Err(error) => unreachable!("fetch failed: {error}"),
    }
}

fn payload_of<T: StreamSchema>(value: &T) -> Vec<u8> {
    let mut payload = Vec::new();
    if let Err(error) = value.encode_value(&mut payload) {
        unreachable!("encode failed: {error}");
    }
    payload
}

#[tokio::test]
async fn send_typed_frames_key_and_value_byte_for_byte() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer("mock://producer-typed-bytes", &log).await;
    let sent = producer.send_typed(&order("o-1")).await;
    assert_eq!(
        sent.as_ref()
            .map(|r| (&*r.topic, r.partition, r.offset))
            .ok(),
        Some(("orders", 0, 0))
    );

    let stored = records(&log, "orders").await;
    assert_eq!(stored.len(), 1);
    let record = &stored[0];
    // The key is the id written raw, as Kafka's StringSerializer writes it.
    assert_eq!(record.key.as_deref(), Some(&b"o-1"[..]));
    // Value: id 1 in this fresh registry, then the Avro record: "o-1" (length 3 as zigzag
    // varint 0x06), 1.5 as little-endian double, null branch 0.
    let mut expected = vec![0x00, 0, 0, 0, 1, 0x06, b'o', b'-', b'1'];
    expected.extend_from_slice(&1.5_f64.to_le_bytes());
    expected.push(0x00);
    assert_eq!(&record.value[..], &expected[..]);
    assert_eq!(&record.value[5..], &payload_of(&order("o-1"))[..]);
}

#[tokio::test]
async fn later_sends_reuse_the_cached_ids() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer("mock://producer-typed-cache", &log).await;
    for n in 0..5 {
        let sent = producer.send_typed(&Beat { seq: n }).await;
        assert_eq!(sent.map(|r| r.offset).ok(), Some(n));
    }
    let stored = records(&log, "beats").await;
    let headers: Vec<&[u8]> = stored.iter().map(|r| &r.value[..5]).collect();
    assert_eq!(headers, vec![&[0x00, 0, 0, 0, 1][..]; 5]);
    assert!(
        stored.iter().all(|r| r.key.is_none()),
        "Beat has no key field"
    );
}

#[tokio::test]
async fn producers_on_different_registries_never_share_ids() {
    // Registry "b" already holds two schemas, so `Order`'s value gets id 3 there, and 1 in
    // the fresh registry "a" (keys are raw). Sends alternate between the producers
    // (and between `send_typed` and `send_typed_to`), and every frame carries the ids of
    // its own producer's registry.
    let b_client = match SchemaRegistryClient::try_new("mock://producer-typed-ids-b") {
        Ok(client) => client,
        Err(error) => unreachable!("{error}"),
    };
    for (subject, schema) in [("x-value", "\"int\""), ("y-value", "\"long\"")] {
        let registered = b_client
            .register_schema(subject, schema, SchemaFormat::Avro)
            .await;
        assert!(registered.is_ok(), "{registered:?}");
    }
    let (log_a, log_b): (Arc<dyn Transport>, Arc<dyn Transport>) =
        (Arc::new(MemoryLog::new()), Arc::new(MemoryLog::new()));
    let a = producer("mock://producer-typed-ids-a", &log_a).await;
    let b = producer("mock://producer-typed-ids-b", &log_b).await;
    for round in 0..3 {
        for producer in [&a, &b] {
            let sent = producer.send_typed(&order("o-1")).await;
            assert!(sent.is_ok(), "round {round}: {sent:?}");
            let sent = producer
                .send_typed_to("orders", Some(&"o-2".to_string()), &order("o-2"))
                .await;
            assert!(sent.is_ok(), "round {round}: {sent:?}");
        }
    }
    for (log, value_id) in [(&log_a, 1), (&log_b, 3)] {
        let stored = records(log, "orders").await;
        assert_eq!(stored.len(), 6);
        for record in &stored {
            assert_eq!(record.value[..5], [0x00, 0, 0, 0, value_id]);
            let key = record.key.as_deref().unwrap_or_default();
            assert!(key == b"o-1" || key == b"o-2", "{key:?}");
        }
    }
}

#[tokio::test]
async fn concurrent_first_sends_agree_on_one_id() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer("mock://producer-typed-concurrent", &log).await;
    let mut tasks = Vec::new();
    for n in 0..100 {
        let producer = producer.clone();
        tasks.push(tokio::spawn(async move {
            producer
                .send_typed(&Beat { seq: n })
                .await
                .map(|r| r.offset)
        }));
    }
    let mut offsets = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(offset)) => offsets.push(offset),
            other => unreachable!("send failed: {other:?}"),
        }
    }
    offsets.sort_unstable();
    assert_eq!(offsets, (0..100).collect::<Vec<i64>>());
    let stored = records(&log, "beats").await;
    assert!(stored.iter().all(|r| r.value[..5] == [0x00, 0, 0, 0, 1]));
    // One schema, one version: every first send ended up with the same registration.
    let client = match SchemaRegistryClient::try_new("mock://producer-typed-concurrent") {
        Ok(client) => client,
        Err(error) => unreachable!("{error}"),
    };
    assert_eq!(
        client.list_subjects().await.ok(),
        Some(vec!["beats-value".to_string()])
    );
    assert_eq!(
        client.list_versions("beats-value").await.ok(),
        Some(vec![1])
    );
}

#[tokio::test]
async fn send_typed_to_and_record_name_strategy() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let built = Producer::builder()
        .schema_registry("mock://producer-typed-record-name")
        .transport(Arc::clone(&log))
        .subject_name_strategy(SubjectNameStrategy::RecordName)
        .build()
        .await;
    let producer = match built {
        Ok(producer) => producer,
        Err(error) => unreachable!("{error}"),
    };
    let key = "k".to_string();
    assert!(producer
        .send_typed_to("audit", Some(&key), &order("o-2"))
        .await
        .is_ok());
    assert!(producer
        .send_typed_to("audit-copy", None::<&String>, &order("o-2"))
        .await
        .is_ok());
    let first = records(&log, "audit").await;
    let second = records(&log, "audit-copy").await;
    // Same record name, same subject, same id on both topics.
    assert_eq!(first[0].value, second[0].value);
    assert_eq!(second[0].key, None);
}

#[tokio::test]
async fn schema_methods_without_registry_return_the_documented_error() {
    let producer = match Producer::from_config(ProducerConfig::default()).await {
        Ok(producer) => producer,
        Err(error) => unreachable!("{error}"),
    };
    let schema = Order::avro_schema_json();
    let result = producer
        .send_with_schema("orders", None, b"x", schema, SchemaFormat::Avro, None)
        .await;
    match result {
        Err(ClientError::ConfigError(message)) => {
            assert_eq!(
                message,
                "Schema registry not configured. Call .schema_registry(url) on builder"
            );
        }
        other => unreachable!("expected ConfigError, got {other:?}"),
    }
    let typed = producer.send_typed(&order("o-3")).await;
    assert!(
        matches!(typed, Err(ClientError::ConfigError(_))),
        "{typed:?}"
    );
}

#[tokio::test]
async fn lookup_only_producer_needs_the_schema_registered_first() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let registry = "mock://producer-typed-lookup";
    let built = Producer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(&log))
        .auto_register(false)
        .build()
        .await;
    let lookup_only = match built {
        Ok(producer) => producer,
        Err(error) => unreachable!("{error}"),
    };
    let missing = lookup_only.send_typed(&Beat { seq: 1 }).await;
    assert!(
        matches!(missing, Err(ClientError::SchemaNotRegistered { ref subject, .. }) if subject == "beats-value"),
        "{missing:?}"
    );
    // Another producer (auto-registering) on the same registry registers it...
    let registering = producer(registry, &log).await;
    assert!(registering.send_typed(&Beat { seq: 1 }).await.is_ok());
    // ...and now the lookup-only producer finds the same id.
    assert!(lookup_only.send_typed(&Beat { seq: 2 }).await.is_ok());
    let stored = records(&log, "beats").await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].value[..5], stored[1].value[..5]);
}
