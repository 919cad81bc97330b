//! Consumer behaviour against the producer, a counting registry double and the embedded log.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use apache_avro::types::Value;
use bytes::Bytes;

use super::*;
use crate::client::test_support::{FakeRegistry, Ping};
use crate::producer::Producer;
use crate::transport::{MemoryLog, Transport};
use crate::wire::WireError;

const PING_AVRO_VALUE: &[u8] = &[0x04, b'a', b'l', 0x02];
const OTHER_RECORD: &str =
    r#"{"type":"record","name":"Other","fields":[{"name":"n","type":"int"}]}"#;

struct Setup {
    registry: Arc<FakeRegistry>,
    log: Arc<dyn Transport>,
    producer: Producer,
}

async fn setup() -> Setup {
    let registry = FakeRegistry::shared();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let ids: Arc<dyn SchemaIds> = registry.clone();
    let producer = Producer::builder()
        .with_schema_ids(ids)
        .transport(Arc::clone(&log))
        .build()
        .await;
    match producer {
        Ok(producer) => Setup {
            registry,
            log,
            producer,
        },
        Err(error) => unreachable!("{error}"),
    }
}

async fn consumer(setup: &Setup, topic: &str) -> Consumer {
    let ids: Arc<dyn SchemaIds> = setup.registry.clone();
    let built = Consumer::builder()
        .with_schema_ids(ids)
        .transport(Arc::clone(&setup.log))
        .subscribe(topic)
        .build()
        .await;
    match built {
        Ok(consumer) => consumer,
        Err(error) => unreachable!("{error}"),
    }
}

async fn next(consumer: &mut Consumer) -> Result<ConsumedRecord, ClientError> {
    match consumer.poll(Duration::from_millis(50)).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => unreachable!("no record arrived"),
        Err(error) => Err(error),
    }
}

fn invalid_reason(result: Result<ConsumedRecord, ClientError>) -> (i64, RecordError) {
    match result {
        Err(ClientError::InvalidRecord(invalid)) => (invalid.offset, invalid.reason),
        other => unreachable!("expected an invalid record, got {other:?}"),
    }
}

#[tokio::test]
async fn typed_round_trip_resolves_schema_and_decodes() {
    let setup = setup().await;
    let ping = Ping {
        user: "al".to_string(),
        id: 1,
    };
    assert!(setup.producer.send_typed(&ping).await.is_ok());
    let mut consumer = consumer(&setup, "pings").await;
    let record = next(&mut consumer).await;
    let record = match record {
        Ok(record) => record,
        Err(error) => unreachable!("{error}"),
    };
    assert_eq!(
        (record.topic.as_str(), record.partition, record.offset),
        ("pings", 0, 0)
    );
    // The value's schema is the only one registered: the key is raw.
    assert_eq!(record.schema_id, Some(1));
    assert_eq!(record.key.as_deref(), Some(&b"al"[..]));
    assert_eq!(&record.value[..], PING_AVRO_VALUE);
    assert_eq!(
        record.schema.as_ref().map(|s| s.schema.as_str()),
        Some(Ping::avro_schema_json())
    );
    assert!(record.message_indexes.is_empty());

    assert_eq!(consumer.decode::<Ping>(&record).ok(), Some(ping.clone()));
    assert_eq!(
        consumer.deserialize_avro(&record).ok(),
        Some(Value::Record(vec![
            ("user".into(), Value::String("al".into())),
            ("id".into(), Value::Long(1))
        ]))
    );
    assert_eq!(
        consumer.decode_key::<String>(&record).await.ok(),
        Some(Some("al".to_string()))
    );
}

#[tokio::test]
async fn poll_typed_returns_value_and_record() {
    let setup = setup().await;
    let ping = Ping {
        user: "bo".to_string(),
        id: -3,
    };
    assert!(setup.producer.send_typed(&ping).await.is_ok());
    let mut consumer = consumer(&setup, "pings").await;
    let typed = consumer.poll_typed::<Ping>(Duration::from_millis(50)).await;
    let typed = typed.ok().flatten();
    assert_eq!(typed.as_ref().map(|t| &t.value), Some(&ping));
    assert_eq!(typed.map(|t| t.record.offset), Some(0));
    assert_eq!(
        consumer
            .poll_typed::<Ping>(Duration::ZERO)
            .await
            .ok()
            .flatten(),
        None
    );
}

#[tokio::test]
async fn schema_is_fetched_once_per_id() {
    let setup = setup().await;
    for id in 0..3 {
        assert!(setup
            .producer
            .send_typed(&Ping {
                user: "x".into(),
                id
            })
            .await
            .is_ok());
    }
    // Counted from here: the producer's first send may have read the schema too (to learn
    // its rules, with the `rules` feature).
    setup.registry.by_ids.store(0, Ordering::SeqCst);
    let mut consumer = consumer(&setup, "pings").await;
    for _ in 0..3 {
        assert!(next(&mut consumer).await.is_ok());
    }
    assert_eq!(setup.registry.by_ids.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn bad_frames_are_typed_errors_and_the_consumer_moves_on() {
    let setup = setup().await;
    let topic = "mixed";
    let raw_values: [&[u8]; 4] = [
        b"\x07abc",
        b"\x00\x00\x01",
        b"",
        b"\x00\x00\x00\x00\x63\x02",
    ];
    for value in raw_values {
        assert!(setup.producer.send(topic, None, value, None).await.is_ok());
    }
    let schema = r#"{"type":"record","name":"N","fields":[{"name":"n","type":"int"}]}"#;
    assert!(setup
        .producer
        .send_with_schema(topic, None, &[0x02], schema, SchemaFormat::Avro, None)
        .await
        .is_ok());

    let mut consumer = consumer(&setup, topic).await;
    assert_eq!(
        invalid_reason(next(&mut consumer).await),
        (0, RecordError::Frame(WireError::UnknownMagicByte(7)))
    );
    assert_eq!(
        invalid_reason(next(&mut consumer).await),
        (
            1,
            RecordError::Frame(WireError::TruncatedHeader {
                magic: 0,
                needed: 5,
                actual: 3
            })
        )
    );
    assert_eq!(
        invalid_reason(next(&mut consumer).await),
        (2, RecordError::Frame(WireError::Empty))
    );
    assert_eq!(
        invalid_reason(next(&mut consumer).await),
        (3, RecordError::UnknownSchemaId(99))
    );
    let good = next(&mut consumer).await;
    assert_eq!(
        good.as_ref().map(|r| (r.offset, r.schema_id)).ok(),
        Some((4, Some(1)))
    );
    let error = invalid_reason(next_with_error_text(&mut consumer, topic).await);
    assert_eq!(error.0, 3);
}

/// Re-reads offset 3 to check the error's display names the record.
async fn next_with_error_text(
    consumer: &mut Consumer,
    topic: &str,
) -> Result<ConsumedRecord, ClientError> {
    assert!(consumer.seek(topic, 0, 3).is_ok());
    let result = next(consumer).await;
    if let Err(error) = &result {
        assert_eq!(
            error.to_string(),
            "record mixed/0@3: schema id 99 is not known to the registry"
        );
    }
    result
}

#[tokio::test]
async fn registry_outage_does_not_lose_the_record() {
    let setup = setup().await;
    let schema = r#"{"type":"record","name":"N","fields":[{"name":"n","type":"int"}]}"#;
    assert!(setup
        .producer
        .send_with_schema("t", None, &[0x02], schema, SchemaFormat::Avro, None)
        .await
        .is_ok());
    let mut consumer = consumer(&setup, "t").await;
    setup.registry.down.store(true, Ordering::SeqCst);
    let failed = consumer.poll(Duration::ZERO).await;
    assert!(
        matches!(failed, Err(ClientError::SchemaRegistryError(_))),
        "{failed:?}"
    );
    assert_eq!(consumer.position("t", 0), Some(0), "rewound to the record");
    setup.registry.down.store(false, Ordering::SeqCst);
    let record = next(&mut consumer).await;
    assert_eq!(
        record.map(|r| (r.offset, r.schema_id)).ok(),
        Some((0, Some(1)))
    );
}

#[tokio::test]
async fn protobuf_payload_excludes_message_indexes() {
    let setup = setup().await;
    let proto = "syntax = \"proto3\";\nmessage P { int32 n = 1; }\n";
    let sent = setup
        .producer
        .send_with_schema(
            "p",
            None,
            &[0x08, 0x01],
            proto,
            SchemaFormat::Protobuf,
            None,
        )
        .await;
    assert!(sent.is_ok());
    let mut consumer = consumer(&setup, "p").await;
    let record = next(&mut consumer).await;
    let record = match record {
        Ok(record) => record,
        Err(error) => unreachable!("{error}"),
    };
    assert_eq!(record.message_indexes, vec![0]);
    assert_eq!(&record.value[..], &[0x08, 0x01]);
    // Not Avro: the Avro helpers say so instead of misreading the bytes.
    let error = consumer.deserialize_avro(&record);
    assert!(
        matches!(error, Err(ClientError::InvalidRecord(ref e)) if e.reason == RecordError::WrongFormat { schema_id: 1, expected: SchemaFormat::Avro, actual: SchemaFormat::Protobuf }),
        "{error:?}"
    );
}

#[tokio::test]
async fn decoding_an_unrelated_schema_is_a_typed_incompatibility() {
    let setup = setup().await;
    assert!(setup
        .producer
        .send_with_schema(
            "pings",
            None,
            &[0x02],
            OTHER_RECORD,
            SchemaFormat::Avro,
            None
        )
        .await
        .is_ok());
    let mut consumer = consumer(&setup, "pings").await;
    let record = next(&mut consumer).await;
    let record = match record {
        Ok(record) => record,
        Err(error) => unreachable!("{error}"),
    };
    let decoded = consumer.decode::<Ping>(&record);
    assert!(
        matches!(decoded, Err(ClientError::InvalidRecord(ref e)) if matches!(e.reason, RecordError::Incompatible { schema_id: 1, ref reader, .. } if reader == "com.acme.Ping")),
        "{decoded:?}"
    );
    assert_eq!(
        decoded.err().map(|e| e.to_string()).unwrap_or_default(),
        "record pings/0@0: com.acme.Ping cannot read data written with schema id 1: incompatible schemas: : record Other does not match reader record com.acme.Ping (add an alias)"
    );
    // The generic reader still reads it with the writer schema.
    assert_eq!(
        consumer.deserialize_avro(&record).ok(),
        Some(Value::Record(vec![("n".into(), Value::Int(1))]))
    );
}

#[tokio::test]
async fn without_a_registry_values_come_back_as_sent() {
    let setup = setup().await;
    assert!(setup
        .producer
        .send("raw", Some(b"k"), b"\x07not a frame", None)
        .await
        .is_ok());
    let built = Consumer::builder()
        .transport(Arc::clone(&setup.log))
        .topics(["raw"])
        .build()
        .await;
    let mut consumer = match built {
        Ok(consumer) => consumer,
        Err(error) => unreachable!("{error}"),
    };
    let record = next(&mut consumer).await;
    let record = match record {
        Ok(record) => record,
        Err(error) => unreachable!("{error}"),
    };
    assert_eq!(
        (record.key.clone(), record.value.clone()),
        (
            Some(Bytes::from_static(b"k")),
            Bytes::from_static(b"\x07not a frame")
        )
    );
    assert_eq!((record.schema_id, record.schema.is_none()), (None, true));
    let error = consumer.decode::<Ping>(&record);
    assert!(
        matches!(error, Err(ClientError::InvalidRecord(ref e)) if e.reason == RecordError::NoSchema),
        "{error:?}"
    );
}

#[tokio::test]
async fn builder_requires_transport_and_topics() {
    let no_transport = Consumer::builder().subscribe("t").build().await;
    assert!(
        matches!(no_transport, Err(ClientError::ConfigError(ref m)) if m == "Consumer needs a transport. Call .transport(producer.transport().clone()) or .kafka(bootstrap_servers) on builder"),
        "{no_transport:?}"
    );
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let no_topics = Consumer::builder()
        .transport(Arc::clone(&log))
        .build()
        .await;
    assert!(
        matches!(no_topics, Err(ClientError::ConfigError(ref m)) if m == "Consumer has no topics. Call .subscribe(topic) or .topics([..]) on builder")
    );
    let bad_topic = Consumer::builder()
        .transport(log)
        .subscribe("bad topic")
        .build()
        .await;
    assert!(
        matches!(bad_topic, Err(ClientError::Transport(_))),
        "{bad_topic:?}"
    );
}

#[tokio::test]
async fn records_written_with_an_older_schema_are_resolved_into_the_type() {
    let setup = setup().await;
    // The writer had `id` as an int and an extra field the reader dropped.
    let writer = r#"{"type":"record","name":"Ping","namespace":"com.acme","fields":[
        {"name":"user","type":"string"},{"name":"id","type":"int"},{"name":"extra","type":"string"}]}"#;
    let payload = [0x04, b'a', b'l', 0x02, 0x02, b'x'];
    let sent = setup
        .producer
        .send_with_schema("pings", None, &payload, writer, SchemaFormat::Avro, None)
        .await;
    assert!(sent.is_ok(), "{sent:?}");
    let mut consumer = consumer(&setup, "pings").await;
    let typed = consumer.poll_typed::<Ping>(Duration::from_millis(50)).await;
    assert_eq!(
        typed.ok().flatten().map(|t| t.value),
        Some(Ping {
            user: "al".to_string(),
            id: 1
        })
    );
}
