//! Producer behaviour against a counting registry double and the embedded log.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;

use super::*;
use crate::client::test_support::{FakeRegistry, Ping};
use crate::transport::{MemoryLog, TransportError, TransportRecord};

const PING_AVRO_VALUE: &[u8] = &[0x04, b'a', b'l', 0x02];
const AVRO_RECORD: &str = r#"{"type":"record","name":"Ping","namespace":"com.acme","fields":[{"name":"n","type":"int"}]}"#;

async fn producer_with(
    registry: &Arc<FakeRegistry>,
    configure: impl FnOnce(ProducerBuilder) -> ProducerBuilder,
) -> Producer {
    let registry: Arc<dyn SchemaIds> = registry.clone();
    // Keys framed with their own schema unless a test says otherwise (plain keys are raw
    // by default; `the_default_writes_plain_keys_raw` covers that).
    let builder = configure(
        Producer::builder()
            .with_schema_ids(registry)
            .key_encoding(KeyEncoding::Schema),
    );
    match builder.build().await {
        Ok(producer) => producer,
        Err(error) => unreachable!("valid producer refused: {error}"),
    }
}

async fn only_record(producer: &Producer, topic: &str) -> TransportRecord {
    let records = producer.transport().fetch(topic, 0, 0, 10).await;
    match records.as_deref() {
        Ok([record]) => record.clone(),
        other => unreachable!("expected one record in {topic}, got {other:?}"),
    }
}

fn ping() -> Ping {
    Ping {
        user: "al".to_string(),
        id: 1,
    }
}

#[tokio::test]
async fn typed_send_frames_key_and_value_with_their_own_ids() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b).await;
    let sent = producer.send_typed(&ping()).await;
    assert_eq!(
        sent.as_ref()
            .map(|r| (&*r.topic, r.partition, r.offset))
            .ok(),
        Some(("pings", 0, 0))
    );
    let record = only_record(&producer, "pings").await;
    // Value registered first (id 1) under pings-value; key: schema "string" (id 2) under
    // pings-key.
    assert_eq!(
        record.key.as_deref(),
        Some(&[0x00, 0, 0, 0, 2, 0x04, b'a', b'l'][..])
    );
    let mut expected = vec![0x00, 0, 0, 0, 1];
    expected.extend_from_slice(PING_AVRO_VALUE);
    assert_eq!(&record.value[..], &expected[..]);
    assert_eq!(
        registry.subjects(),
        vec!["pings-key".to_string(), "pings-value".to_string()]
    );
}

#[tokio::test]
async fn the_default_writes_plain_keys_raw() {
    let registry = FakeRegistry::shared();
    let producer = Producer::builder()
        .with_schema_ids(registry.clone())
        .build()
        .await;
    let Ok(producer) = producer else {
        unreachable!("valid producer refused");
    };
    assert!(producer.send_typed(&ping()).await.is_ok());
    let record = only_record(&producer, "pings").await;
    // Kafka's StringSerializer bytes; only the value schema is registered.
    assert_eq!(record.key.as_deref(), Some(&b"al"[..]));
    assert_eq!(&record.value[..5], &[0x00, 0, 0, 0, 1]);
    assert_eq!(registry.subjects(), vec!["pings-value".to_string()]);
}

#[tokio::test]
async fn typed_sends_register_once_then_survive_a_registry_outage() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b).await;
    for _ in 0..3 {
        assert!(producer.send_typed(&ping()).await.is_ok());
    }
    assert_eq!(
        registry.registers.load(Ordering::SeqCst),
        2,
        "one for the key, one for the value"
    );
    registry.down.store(true, Ordering::SeqCst);
    let sent = producer.send_typed(&ping()).await;
    assert_eq!(sent.map(|r| r.offset).ok(), Some(3));
    assert_eq!(registry.registers.load(Ordering::SeqCst), 2);
    // A topic not sent to before needs the registry, and says why it failed.
    let sent = producer
        .send_typed_to("other", None::<&String>, &ping())
        .await;
    assert!(
        matches!(sent, Err(ClientError::SchemaRegistryError(ref e)) if e.http_status() == Some(503)),
        "{sent:?}"
    );
}

#[tokio::test]
async fn send_typed_to_uses_the_given_topic_and_optional_key() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b).await;
    let sent = producer
        .send_typed_to("audit", None::<&String>, &ping())
        .await;
    assert_eq!(sent.map(|r| r.offset).ok(), Some(0));
    let record = only_record(&producer, "audit").await;
    assert_eq!(record.key, None);
    assert_eq!(&record.value[..5], &[0x00, 0, 0, 0, 1]);
    assert_eq!(&record.value[5..], PING_AVRO_VALUE);
    let key = 7_i64;
    assert!(producer
        .send_typed_to("audit", Some(&key), &ping())
        .await
        .is_ok());
    assert_eq!(
        registry.subjects(),
        vec!["audit-key".to_string(), "audit-value".to_string()]
    );
}

#[tokio::test]
async fn record_name_strategies_name_subjects_after_the_type() {
    for (strategy, expected) in [
        (SubjectNameStrategy::RecordName, ["com.acme.Ping", "string"]),
        (
            SubjectNameStrategy::TopicRecordName,
            ["pings-com.acme.Ping", "pings-string"],
        ),
    ] {
        let registry = FakeRegistry::shared();
        let producer = producer_with(&registry, |b| b.subject_name_strategy(strategy)).await;
        assert!(producer.send_typed(&ping()).await.is_ok());
        assert_eq!(
            registry.subjects(),
            expected.map(String::from).to_vec(),
            "{strategy:?}"
        );
    }
}

#[tokio::test]
async fn schema_sends_without_a_registry_explain_how_to_configure_one() {
    let producer = match Producer::builder().build().await {
        Ok(producer) => producer,
        Err(error) => unreachable!("{error}"),
    };
    let expected = "Schema registry not configured. Call .schema_registry(url) on builder";
    let results = [
        producer
            .send_with_schema("t", None, b"v", AVRO_RECORD, SchemaFormat::Avro, None)
            .await,
        producer.send_with_schema_id("t", None, b"v", 1, None).await,
        producer.send_typed(&ping()).await,
    ];
    for result in results {
        assert!(
            matches!(result, Err(ClientError::ConfigError(ref m)) if m == expected),
            "{result:?}"
        );
    }
    // Raw sends need no registry.
    let sent = producer.send("t", Some(b"k"), b"raw", None).await;
    assert_eq!(sent.map(|r| r.offset).ok(), Some(0));
    let record = only_record(&producer, "t").await;
    assert_eq!(
        (record.key, record.value),
        (Some(Bytes::from_static(b"k")), Bytes::from_static(b"raw"))
    );
}

#[tokio::test]
async fn send_with_schema_registers_once_and_frames_the_payload() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b).await;
    for _ in 0..2 {
        let sent = producer
            .send_with_schema("raw", None, &[0x02], AVRO_RECORD, SchemaFormat::Avro, None)
            .await;
        assert!(sent.is_ok(), "{sent:?}");
    }
    assert_eq!(registry.registers.load(Ordering::SeqCst), 1);
    assert_eq!(registry.subjects(), vec!["raw-value".to_string()]);
    let records = producer
        .transport()
        .fetch("raw", 0, 0, 10)
        .await
        .unwrap_or_default();
    let values: Vec<&[u8]> = records.iter().map(|r| &r.value[..]).collect();
    assert_eq!(
        values,
        vec![&[0x00, 0, 0, 0, 1, 0x02][..], &[0x00, 0, 0, 0, 1, 0x02][..]]
    );
}

#[tokio::test]
async fn protobuf_frames_carry_message_index_zero() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b).await;
    let proto = "syntax = \"proto3\";\nmessage Ping { int32 n = 1; }\n";
    let sent = producer
        .send_with_schema(
            "proto",
            None,
            &[0x08, 0x01],
            proto,
            SchemaFormat::Protobuf,
            None,
        )
        .await;
    assert!(sent.is_ok(), "{sent:?}");
    let record = only_record(&producer, "proto").await;
    assert_eq!(&record.value[..], &[0x00, 0, 0, 0, 1, 0x00, 0x08, 0x01][..]);

    // The same through send_with_schema_id: the id's format decides the indexes.
    let sent = producer
        .send_with_schema_id("proto-by-id", None, &[0x08, 0x01], 1, None)
        .await;
    assert!(sent.is_ok(), "{sent:?}");
    let record = only_record(&producer, "proto-by-id").await;
    assert_eq!(&record.value[..], &[0x00, 0, 0, 0, 1, 0x00, 0x08, 0x01][..]);
}

#[tokio::test]
async fn send_with_schema_id_checks_the_id_once() {
    let registry = FakeRegistry::shared();
    let id = registry.preregister("x-value", AVRO_RECORD, SchemaFormat::Avro);
    let producer = producer_with(&registry, |b| b).await;
    for _ in 0..2 {
        assert!(producer
            .send_with_schema_id("x", Some(b"k"), &[0x02], id, Some(0))
            .await
            .is_ok());
    }
    assert_eq!(registry.by_ids.load(Ordering::SeqCst), 1);
    let unknown = producer
        .send_with_schema_id("x", None, &[0x02], 99, None)
        .await;
    assert!(
        matches!(unknown, Err(ClientError::UnknownSchemaId(99))),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn lookup_only_mode_uses_existing_ids_and_explains_missing_ones() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b.auto_register(false)).await;
    let missing = producer
        .send_with_schema("t", None, &[0x02], AVRO_RECORD, SchemaFormat::Avro, None)
        .await;
    match missing {
        Err(ClientError::SchemaNotRegistered { subject, detail }) => {
            assert_eq!(subject, "t-value");
            assert_eq!(
                detail,
                "the schema is not registered under this subject and auto_register is off"
            );
        }
        other => unreachable!("expected SchemaNotRegistered, got {other:?}"),
    }
    assert_eq!(
        registry.registers.load(Ordering::SeqCst),
        0,
        "lookup-only never registers"
    );
    let id = registry.preregister("t-value", AVRO_RECORD, SchemaFormat::Avro);
    for _ in 0..2 {
        assert!(producer
            .send_with_schema("t", None, &[0x02], AVRO_RECORD, SchemaFormat::Avro, None)
            .await
            .is_ok());
    }
    assert_eq!(
        registry.lookups.load(Ordering::SeqCst),
        2,
        "one miss, then one hit that is cached"
    );
    let records = producer
        .transport()
        .fetch("t", 0, 0, 10)
        .await
        .unwrap_or_default();
    let headers: Vec<&[u8]> = records.iter().map(|r| &r.value[..5]).collect();
    let expected = [0x00, 0, 0, 0, u8::try_from(id).unwrap_or(0)];
    assert_eq!(headers, vec![&expected[..], &expected[..]]);
}

#[tokio::test]
async fn use_latest_version_refuses_a_latest_version_that_cannot_read_the_type() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| {
        b.auto_register(false).use_latest_version(true)
    })
    .await;
    let empty = producer.send_typed_to("t", None::<&String>, &ping()).await;
    assert!(
        matches!(empty, Err(ClientError::SchemaNotRegistered { ref detail, .. }) if detail == "use_latest_version found no version and auto_register is off"),
        "{empty:?}"
    );
    // Same schema, different spelling (whitespace, docs): still the latest version.
    let spelled = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(Ping::avro_schema_json()).unwrap_or_default(),
    )
    .unwrap_or_default();
    let id = registry.preregister("t-value", &spelled, SchemaFormat::Avro);
    assert!(producer
        .send_typed_to("t", None::<&String>, &ping())
        .await
        .is_ok());
    let record = only_record(&producer, "t").await;
    assert_eq!(
        &record.value[..5],
        &[0x00, 0, 0, 0, u8::try_from(id).unwrap_or(0)]
    );

    let other = registry.preregister("u-value", AVRO_RECORD, SchemaFormat::Avro);
    let mismatch = producer.send_typed_to("u", None::<&String>, &ping()).await;
    match mismatch {
        Err(ClientError::SchemaNotRegistered { subject, detail }) => {
            assert_eq!(subject, "u-value");
            // Ping's `n` has no default and the type does not write it.
            assert!(
                detail.starts_with(&format!(
                    "the version use_latest_version picks (schema id {other}) cannot read what the type writes ("
                )),
                "{detail}"
            );
            assert!(detail.contains("'n'"), "{detail}");
        }
        other => unreachable!("expected SchemaNotRegistered, got {other:?}"),
    }
}

#[tokio::test]
async fn record_name_strategy_reads_the_name_from_raw_schemas() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| {
        b.subject_name_strategy(SubjectNameStrategy::RecordName)
    })
    .await;
    assert!(producer
        .send_with_schema("t", None, &[0x02], AVRO_RECORD, SchemaFormat::Avro, None)
        .await
        .is_ok());
    assert_eq!(registry.subjects(), vec!["com.acme.Ping".to_string()]);
    let unnamed = producer
        .send_with_schema("t", None, b"x", "\"string\"", SchemaFormat::Avro, None)
        .await;
    assert!(
        matches!(unnamed, Err(ClientError::ConfigError(ref m)) if m == "the RecordName subject strategy needs a record name: the Avro schema is not a named type (record, enum or fixed)"),
        "{unnamed:?}"
    );
}

#[tokio::test]
async fn transport_errors_come_back_typed() {
    let registry = FakeRegistry::shared();
    let log = match MemoryLog::builder().auto_create_topics(false).build() {
        Ok(log) => log,
        Err(error) => unreachable!("{error}"),
    };
    let producer = producer_with(&registry, |b| b.transport(Arc::new(log))).await;
    let sent = producer.send("missing", None, b"v", None).await;
    assert!(
        matches!(sent, Err(ClientError::Transport(TransportError::UnknownTopic(ref t))) if t == "missing"),
        "{sent:?}"
    );
}

#[tokio::test]
async fn from_config_carries_every_setting() {
    let config = ProducerConfig {
        schema_registry_url: None,
        subject_name_strategy: SubjectNameStrategy::TopicRecordName,
        auto_register: false,
        use_latest_version: true,
        key_encoding: KeyEncoding::Raw,
        default_format: SchemaFormat::Json,
    };
    let builder = ProducerBuilder::from_config(config);
    assert_eq!(builder.strategy, SubjectNameStrategy::TopicRecordName);
    assert!(!builder.auto_register);
    assert_eq!(builder.latest, super::latest::LatestPolicy::Latest);
    assert_eq!(builder.key_encoding, KeyEncoding::Raw);
    assert_eq!(builder.default_format, SchemaFormat::Json);
    assert!(matches!(
        builder.client.registry,
        crate::client::settings::RegistrySetting::None
    ));
    assert!(ProducerConfig::default().auto_register);
    assert_eq!(ProducerConfig::default().default_format, SchemaFormat::Avro);
}

#[tokio::test]
async fn raw_key_encoding_writes_plain_key_bytes_and_registers_no_key_schema() {
    let registry = FakeRegistry::shared();
    let producer = producer_with(&registry, |b| b.key_encoding(KeyEncoding::Raw)).await;
    assert!(producer.send_typed(&ping()).await.is_ok());
    let record = only_record(&producer, "pings").await;
    assert_eq!(record.key, Some(Bytes::from_static(b"al")));
    assert_eq!(&record.value[..5], &[0x00, 0, 0, 0, 1]);
    assert_eq!(registry.subjects(), vec!["pings-value".to_string()]);
}
