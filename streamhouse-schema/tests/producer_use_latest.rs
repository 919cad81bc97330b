//! Confluent's `use.latest.version` and `use.latest.with.metadata` on typed sends: the frame
//! names the version the registry picks, and the payload is written in that version (Avro
//! resolved into it, JSON and Protobuf payloads valid under it), or the send is refused when
//! the version cannot read what the type writes. Over `mock://` and over our server.
#![cfg(feature = "server")]

mod server_common;

use std::sync::Arc;

use apache_avro::types::Value;
use server_common::{Backend, TestRegistry};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::{Json, Producer, ProducerBuilder, Protobuf};
use streamhouse_schema::registry::{Metadata, Properties, Schema, SchemaRegistryClient};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{SchemaFormat, StreamSchema};

/// What the producer sends.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "payments", namespace = "shop.v1", protobuf)]
struct Payment {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
}

fn payment() -> Payment {
    Payment {
        id: "p-7".to_string(),
        cents: 250,
    }
}

/// A later version of the Payment record: a field with a default, then the type's two.
const WIDER_AVRO: &str = r#"{"type":"record","name":"Payment","namespace":"shop.v1","fields":[
    {"name":"channel","type":"string","default":"web"},
    {"name":"id","type":"string"},
    {"name":"cents","type":"long"}]}"#;

/// A version that cannot read the type's records: `currency` has no default.
const NEEDS_CURRENCY: &str = r#"{"type":"record","name":"Payment","namespace":"shop.v1","fields":[
    {"name":"id","type":"string"},
    {"name":"cents","type":"long"},
    {"name":"currency","type":"string"}]}"#;

const MAJOR: &str = "application.major.version";

async fn build_producer(
    registry: &str,
    log: &Arc<dyn Transport>,
    configure: impl FnOnce(ProducerBuilder) -> ProducerBuilder,
) -> Producer {
    configure(
        Producer::builder()
            .schema_registry(registry)
            .auto_register(false)
            .transport(Arc::clone(log)),
    )
    .build()
    .await
    .expect("producer")
}

/// The one record on `topic`: schema id from its header, and the rest of the frame.
async fn only_frame(log: &Arc<dyn Transport>, topic: &str) -> (i32, Vec<u8>) {
    let records = log.fetch(topic, 0, 0, 10).await.expect("fetch");
    assert_eq!(records.len(), 1, "{records:?}");
    let value = &records[0].value;
    assert_eq!(value[0], 0, "magic byte");
    let id = i32::from_be_bytes([value[1], value[2], value[3], value[4]]);
    (id, value[5..].to_vec())
}

fn decode_avro(schema: &str, mut payload: &[u8]) -> Value {
    let schema = apache_avro::Schema::parse_str(schema).expect("schema");
    let value = apache_avro::reader::datum::GenericDatumReader::builder(&schema)
        .build()
        .and_then(|reader| reader.read_value(&mut payload))
        .expect("payload decodes with the chosen version");
    assert!(payload.is_empty(), "trailing bytes: {payload:?}");
    value
}

async fn avro_latest_is_written_in_that_version(url: &str) {
    let client = SchemaRegistryClient::try_new(url).expect("url");
    let own = client
        .register("payments-value", &Schema::avro(Payment::avro_schema_json()))
        .await
        .expect("own");
    let wider = client
        .register("payments-value", &Schema::avro(WIDER_AVRO))
        .await
        .expect("wider");
    assert_ne!(own, wider);

    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build_producer(url, &log, |b| b.use_latest_version(true)).await;
    producer.send_typed(&payment()).await.expect("send");
    let (id, payload) = only_frame(&log, "payments").await;
    assert_eq!(id, wider, "the frame names the latest version");
    // Written in the latest version: the default-valued field comes first in the bytes.
    assert_eq!(
        payload,
        [&[6][..], b"web", &[6], b"p-7", &[0xf4, 0x03]].concat()
    );
    assert_eq!(
        decode_avro(WIDER_AVRO, &payload),
        Value::Record(vec![
            ("channel".to_string(), Value::String("web".to_string())),
            ("id".to_string(), Value::String("p-7".to_string())),
            ("cents".to_string(), Value::Long(250)),
        ])
    );

    // A latest version that cannot read the type's records refuses the send.
    client
        .set_compatibility(
            Some("payments-value"),
            streamhouse_schema::registry::CompatibilityLevel::None,
        )
        .await
        .expect("compatibility NONE");
    client
        .register("payments-value", &Schema::avro(NEEDS_CURRENCY))
        .await
        .expect("needs currency");
    let refusing = producer_fresh(url, |b| b.use_latest_version(true)).await;
    let error = refusing
        .send_typed(&payment())
        .await
        .expect_err("an unreadable latest version is refused");
    match error {
        ClientError::SchemaNotRegistered { subject, detail } => {
            assert_eq!(subject, "payments-value");
            assert!(
                detail.contains("cannot read what the type writes"),
                "{detail}"
            );
            assert!(detail.contains("currency"), "{detail}");
        }
        other => panic!("expected SchemaNotRegistered, got {other:?}"),
    }
}

async fn producer_fresh(
    url: &str,
    configure: impl FnOnce(ProducerBuilder) -> ProducerBuilder,
) -> Producer {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    build_producer(url, &log, configure).await
}

async fn latest_with_metadata_picks_the_major_version(url: &str) {
    let client = SchemaRegistryClient::try_new(url).expect("url");
    client
        .set_compatibility(
            Some("payments-value"),
            streamhouse_schema::registry::CompatibilityLevel::None,
        )
        .await
        .expect("compatibility NONE");
    let major1 = client
        .register(
            "payments-value",
            &Schema::avro(WIDER_AVRO).with_metadata(Metadata::default().with_property(MAJOR, "1")),
        )
        .await
        .expect("major 1");
    let major2 = client
        .register(
            "payments-value",
            &Schema::avro(NEEDS_CURRENCY)
                .with_metadata(Metadata::default().with_property(MAJOR, "2")),
        )
        .await
        .expect("major 2");
    assert_ne!(major1, major2);

    // From Confluent's keys, as a Java or Python serializer is configured.
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let props = Properties::from_pairs([
        ("schema.registry.url", url),
        ("auto.register.schemas", "false"),
        ("use.latest.with.metadata", "application.major.version=1"),
    ]);
    let producer = ProducerBuilder::from_properties(&props)
        .expect("properties")
        .transport(Arc::clone(&log))
        .build()
        .await
        .expect("producer");
    producer.send_typed(&payment()).await.expect("send");
    let (id, payload) = only_frame(&log, "payments").await;
    assert_eq!(id, major1, "major version 1, not the latest (major 2)");
    assert_eq!(
        payload,
        [&[6][..], b"web", &[6], b"p-7", &[0xf4, 0x03]].concat()
    );

    // No version with that metadata: refused, naming the setting.
    let none = producer_fresh(url, |b| b.use_latest_with_metadata([(MAJOR, "3")])).await;
    match none.send_typed(&payment()).await {
        Err(ClientError::SchemaNotRegistered { detail, .. }) => assert!(
            detail.contains("use_latest_with_metadata(application.major.version=3)"),
            "{detail}"
        ),
        other => panic!("expected SchemaNotRegistered, got {other:?}"),
    }
}

async fn json_and_protobuf_latest(url: &str) {
    let client = SchemaRegistryClient::try_new(url).expect("url");
    // JSON: a later version that no longer requires any property (it accepts everything the
    // type's schema accepts); the payload is the type's own.
    let mut wider_json: serde_json::Value =
        serde_json::from_str(Payment::json_schema_text()).expect("generated JSON Schema");
    let required = wider_json
        .as_object_mut()
        .and_then(|schema| schema.remove("required"));
    assert!(required.is_some(), "{wider_json}");
    let wider_json = wider_json.to_string();
    let json_id = client
        .register(
            "json-payments-value",
            &Schema::new(&wider_json, SchemaFormat::Json),
        )
        .await
        .expect("json");
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build_producer(url, &log, |b| {
        b.use_latest_version(true).format_for::<Payment>(Json)
    })
    .await;
    producer
        .send_typed_to("json-payments", None::<&String>, &payment())
        .await
        .expect("json send");
    let (id, payload) = only_frame(&log, "json-payments").await;
    assert_eq!(id, json_id);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&payload).expect("json"),
        serde_json::json!({"id": "p-7", "cents": 250})
    );

    // Protobuf: the chosen file holds another message first; the frame names Payment's
    // path in it ([1], written as count 1 then index 1, zigzag: 0x02 0x02).
    let proto = "syntax = \"proto3\";\npackage shop.v1;\n\nmessage Refund {\n  int64 cents = 1;\n}\n\nmessage Payment {\n  string id = 1;\n  int64 cents = 2;\n  string channel = 3;\n}\n";
    let proto_id = client
        .register(
            "proto-payments-value",
            &Schema::new(proto, SchemaFormat::Protobuf),
        )
        .await
        .expect("proto");
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build_producer(url, &log, |b| {
        b.use_latest_version(true).format_for::<Payment>(Protobuf)
    })
    .await;
    producer
        .send_typed_to("proto-payments", None::<&String>, &payment())
        .await
        .expect("proto send");
    let (id, framed) = only_frame(&log, "proto-payments").await;
    assert_eq!(id, proto_id);
    assert_eq!(
        framed,
        [&[0x02, 0x02, 0x0a, 3][..], b"p-7", &[0x10, 0xfa, 0x01]].concat()
    );
}

#[tokio::test]
async fn avro_latest_version_over_mock() {
    avro_latest_is_written_in_that_version("mock://use-latest-avro").await;
}

#[tokio::test]
async fn latest_with_metadata_over_mock() {
    latest_with_metadata_picks_the_major_version("mock://use-latest-metadata").await;
}

#[tokio::test]
async fn json_and_protobuf_latest_over_mock() {
    json_and_protobuf_latest("mock://use-latest-json-proto").await;
}

#[tokio::test]
async fn use_latest_over_the_server() {
    let server = TestRegistry::start(Backend::Sqlite).await;
    avro_latest_is_written_in_that_version(&server.url).await;
    let server = TestRegistry::start(Backend::Sqlite).await;
    latest_with_metadata_picks_the_major_version(&server.url).await;
    let server = TestRegistry::start(Backend::Sqlite).await;
    json_and_protobuf_latest(&server.url).await;
}
