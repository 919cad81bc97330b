//! Opt-in JSON validation (`ProducerBuilder::validate_json`, feature `json-validation`):
//! payloads that do not match their JSON Schema are refused with a typed error and not sent.
#![cfg(feature = "json-validation")]

use std::sync::Arc;

use bytes::BufMut;
use streamhouse_schema::error::{ClientError, JsonValidationError};
use streamhouse_schema::producer::{Json, Producer};
use streamhouse_schema::schema::model::IntKind;
use streamhouse_schema::schema::{schemas_for, ModelBuilder, SchemaFormat, Ty};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{
    AvroEncode, EncodeError, JsonEncode, JsonEncodeError, SchemaType, Schemas, StreamSchema,
};

/// A hand-written type whose schema says 16-bit integer but whose JSON encoder writes
/// whatever `i64` it holds: the kind of mistake validation is there to catch.
#[derive(Debug)]
struct Reading(i64);

impl SchemaType for Reading {
    fn describe(_: &mut ModelBuilder) -> Ty {
        Ty::Int(IntKind::I16)
    }
    fn type_label() -> String {
        "reading".to_string()
    }
}

impl AvroEncode for Reading {
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        self.0.encode_avro(buf)
    }
}

impl JsonEncode for Reading {
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        self.0.encode_json(buf)
    }
}

impl StreamSchema for Reading {
    fn schemas() -> &'static Schemas {
        schemas_for::<Self>()
    }
}

/// A derived type: always valid.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "shop.v1")]
struct Order {
    id: String,
    qty: u8,
    note: Option<String>,
}

async fn producer(registry: &str, log: &Arc<dyn Transport>, validate: bool) -> Producer {
    Producer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(log))
        .default_format(SchemaFormat::Json)
        .format_for::<Reading>(Json)
        .validate_json(validate)
        .build()
        .await
        .expect("producer")
}

/// How many records `topic` holds (0 when nothing was ever sent to it).
async fn stored(log: &Arc<dyn Transport>, topic: &str) -> usize {
    log.fetch(topic, 0, 0, 100).await.map_or(0, |r| r.len())
}

#[tokio::test]
async fn a_typed_value_outside_its_schema_is_refused_and_not_sent() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer("mock://json-validation-typed", &log, true).await;
    producer
        .send_typed_to("readings", None::<&String>, &Reading(300))
        .await
        .expect("in range");
    let refused = producer
        .send_typed_to("readings", None::<&String>, &Reading(40_000))
        .await;
    match refused {
        Err(ClientError::InvalidJson(error)) => {
            let JsonValidationError { type_name, errors } = *error;
            assert_eq!(type_name, "reading");
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].starts_with("at /: 40000"), "{errors:?}");
            assert!(errors[0].contains("32767"), "{errors:?}");
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
    assert_eq!(stored(&log, "readings").await, 1);

    // Derived values pass, and the next send after a refusal is framed normally.
    producer
        .send_typed(&Order {
            id: "o-1".to_string(),
            qty: 2,
            note: None,
        })
        .await
        .expect("valid");
    assert_eq!(stored(&log, "orders").await, 1);
}

#[tokio::test]
async fn without_validation_the_same_value_is_sent() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer("mock://json-validation-off", &log, false).await;
    producer
        .send_typed_to("readings", None::<&String>, &Reading(40_000))
        .await
        .expect("not validated");
    assert_eq!(stored(&log, "readings").await, 1);
}

#[tokio::test]
async fn raw_json_sends_are_checked_against_the_schema_given() {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer("mock://json-validation-raw", &log, true).await;
    let schema = r#"{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}"#;
    producer
        .send_with_schema("raw", None, br#"{"n":1}"#, schema, SchemaFormat::Json, None)
        .await
        .expect("valid");
    for (payload, expected) in [
        (&br#"{"n":"one"}"#[..], "at /n: "),
        (&br#"{}"#[..], "at /: "),
        (&b"not json"[..], "the payload is not JSON"),
    ] {
        let refused = producer
            .send_with_schema("raw", None, payload, schema, SchemaFormat::Json, None)
            .await;
        match refused {
            Err(ClientError::InvalidJson(error)) => {
                assert_eq!(error.type_name, "raw-value");
                assert!(
                    error.errors.iter().any(|e| e.starts_with(expected)),
                    "{expected}: {:?}",
                    error.errors
                );
            }
            other => panic!("expected InvalidJson, got {other:?}"),
        }
    }
    assert_eq!(stored(&log, "raw").await, 1);
    // Avro payloads are not JSON-validated.
    let avro = r#"{"type":"record","name":"N","fields":[{"name":"n","type":"int"}]}"#;
    producer
        .send_with_schema("raw-avro", None, &[0x02], avro, SchemaFormat::Avro, None)
        .await
        .expect("avro");
    assert_eq!(stored(&log, "raw-avro").await, 1);
}
