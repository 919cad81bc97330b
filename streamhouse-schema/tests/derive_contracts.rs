//! Data contracts declared on a type: field tags in the three generated schemas (Avro and
//! JSON Schema `"confluent:tags"`, Protobuf `(confluent.field_meta)`), the rules and
//! metadata of `StreamSchema::contract`, protoc accepting the tagged `.proto`, and
//! `send_typed` registering the contract with the schema on `mock://` and on our server.
#![cfg(feature = "server")]

use std::sync::Arc;

use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::schema::type_contract::TypeContract;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

mod proto_support;
mod python_peer;

/// An order whose card and e-mail are personal data, encrypted by the contract.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf, topic = "contract-orders")]
#[stream_schema(rule(
    name = "positive_amount",
    expr = "message.amount > 0.0 && size(message.id) > 0"
))]
#[stream_schema(encrypt(
    tags("PII"),
    kek = "orders-kek",
    kms = "local-kms",
    key_id = "orders-key",
    on_failure = "ERROR,NONE",
    // Registered, not run: these tests are about what the registry holds.
    disabled
))]
#[stream_schema(metadata(owner = "billing", major_version = 2))]
pub struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    amount: f64,
    #[stream_schema(tag = 3, tags("PII"))]
    card: String,
    #[stream_schema(tag = 4, tags("PII", "PRIVATE"))]
    email: Option<String>,
}

/// A type without a contract.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "contract-plain", protobuf)]
struct Plain {
    #[stream_schema(tag = 1)]
    id: String,
}

fn order() -> Order {
    Order {
        id: "o-1".to_string(),
        amount: 12.5,
        card: "4111".to_string(),
        email: None,
    }
}

/// The contract `Order` declares, written out by hand.
fn declared() -> TypeContract {
    let mut positive = Rule::new(
        "positive_amount",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL",
    )
    .with_expr("message.amount > 0.0 && size(message.id) > 0");
    positive.doc = None;
    let mut encrypt = Rule::new(
        "encrypt",
        RuleKind::Transform,
        RuleMode::Writeread,
        "ENCRYPT",
    );
    encrypt.tags.insert("PII".to_string());
    for (k, v) in [
        ("encrypt.kek.name", "orders-kek"),
        ("encrypt.kms.type", "local-kms"),
        ("encrypt.kms.key.id", "orders-key"),
    ] {
        encrypt.params.insert(k.to_string(), v.to_string());
    }
    encrypt.on_failure = Some("ERROR,NONE".to_string());
    encrypt.disabled = true;
    TypeContract {
        metadata: Some(
            Metadata::default()
                .with_property("owner", "billing")
                .with_property("application.major.version", "2"),
        ),
        rule_set: Some(RuleSet {
            domain_rules: vec![positive, encrypt],
            ..RuleSet::default()
        }),
    }
}

#[test]
fn tags_are_in_the_avro_schema_as_confluent_tags() {
    assert_eq!(
        Order::avro_schema_json(),
        r#"{"type":"record","name":"Order","namespace":"shop.v1","doc":"An order whose card and e-mail are personal data, encrypted by the contract.","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"card","type":"string","confluent:tags":["PII"]},{"name":"email","type":["null","string"],"default":null,"confluent:tags":["PII","PRIVATE"]}]}"#
    );
    // The Parsing Canonical Form (what fingerprints and pins cover) leaves tags out.
    assert_eq!(
        Order::avro_canonical_form(),
        r#"{"name":"shop.v1.Order","type":"record","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"card","type":"string"},{"name":"email","type":["null","string"]}]}"#
    );
}

#[test]
fn tags_are_in_the_json_schema_as_confluent_tags() {
    assert_eq!(
        Order::json_schema_text(),
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Order","description":"An order whose card and e-mail are personal data, encrypted by the contract.","type":"object","properties":{"id":{"type":"string"},"amount":{"type":"number"},"card":{"type":"string","confluent:tags":["PII"]},"email":{"type":["string","null"],"confluent:tags":["PII","PRIVATE"],"default":null}},"required":["id","amount","card"]}"#
    );
}

const ORDER_PROTO: &str = r#"syntax = "proto3";

package shop.v1;

import "confluent/meta.proto";

message Order {
  string id = 1;
  double amount = 2;
  string card = 3 [(confluent.field_meta) = { tags: "PII" }];
  optional string email = 4 [(confluent.field_meta) = { tags: "PII" tags: "PRIVATE" }];
}
"#;

#[test]
fn tags_are_in_the_proto_as_confluent_field_meta() {
    assert_eq!(Order::proto_text(), ORDER_PROTO);
    assert_eq!(Order::proto_file().dependency, ["confluent/meta.proto"]);
}

#[test]
fn protoc_compiles_the_tagged_proto_with_confluents_meta() {
    // Confluent's meta.proto, as its registry and clients ship it (the copy our registry
    // serves to schemas that import it).
    let meta = include_str!("../../streamhouse-schema-core/src/proto_file/confluent/meta.proto");
    let set = proto_support::protoc_compile_with(
        "shop/v1/order.proto",
        Order::proto_text(),
        &[("confluent/meta.proto", meta)],
    );
    let file = set
        .file
        .iter()
        .find(|f| f.name() == "shop/v1/order.proto")
        .expect("our file in protoc's output");
    assert_eq!(file.dependency, ["confluent/meta.proto"]);
    let card = &file.message_type[0].field[2];
    assert_eq!(card.name(), "card");
    // protoc resolved the option: it is an extension of FieldOptions now (number 1088),
    // which prost keeps as unknown bytes; its presence shows as non-default options.
    assert!(
        card.options.is_some(),
        "protoc kept the card's field_meta option"
    );
    assert!(file.message_type[0].field[0].options.is_none());
}

#[test]
fn the_contract_is_the_declared_metadata_and_rules() {
    assert_eq!(Order::contract(), Some(&declared()));
    assert!(std::ptr::eq(
        Order::contract().unwrap(),
        Order::contract().unwrap()
    ));
    assert_eq!(Plain::contract(), None);
    // Confluent's server accepts it (`RuleSet.validate`).
    assert_eq!(declared().rule_set.unwrap().validate(), Ok(()));
}

async fn send_and_read_back(url: &str, format: SchemaFormat) -> Arc<Schema> {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    // The declared CEL condition runs on every format (the Protobuf message decoded from
    // the registered schema); the order passes it.
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .default_format(format)
        .build()
        .await
        .expect("producer");
    producer.send_typed(&order()).await.expect("sent");
    producer
        .send_typed(&Plain {
            id: "p".to_string(),
        })
        .await
        .expect("sent");
    let records = log
        .fetch("contract-orders", 0, 0, 10)
        .await
        .unwrap_or_default();
    assert_eq!(records.len(), 1);
    let id = i32::from_be_bytes(records[0].value[1..5].try_into().unwrap());

    let client = SchemaRegistryClient::try_new(url).expect("client");
    let by_id = client.get_schema_by_id(id).await.expect("by id");
    let latest = client
        .get_latest("contract-orders-value")
        .await
        .expect("latest");
    assert_eq!(latest.id, id);
    assert_eq!(latest.schema.metadata, by_id.metadata);
    assert_eq!(latest.schema.rule_set, by_id.rule_set);
    assert_eq!(by_id.schema_type, format);
    // A type without a contract registers none.
    let plain = client
        .get_latest("contract-plain-value")
        .await
        .expect("plain");
    assert_eq!((plain.schema.metadata, plain.schema.rule_set), (None, None));
    by_id
}

fn assert_declared(schema: &Schema) {
    let declared = declared();
    assert_eq!(schema.metadata, declared.metadata);
    assert_eq!(schema.rule_set, declared.rule_set);
}

#[tokio::test]
async fn send_typed_registers_the_contract_on_mock() {
    for (name, format) in [
        ("mock://derive-contracts-avro", SchemaFormat::Avro),
        ("mock://derive-contracts-json", SchemaFormat::Json),
        ("mock://derive-contracts-proto", SchemaFormat::Protobuf),
    ] {
        let schema = send_and_read_back(name, format).await;
        assert_declared(&schema);
    }
}

async fn server() -> RunningServer {
    spawn(RegistryConfig::in_memory())
        .await
        .expect("registry server")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_typed_registers_the_contract_on_our_server() {
    for format in [
        SchemaFormat::Avro,
        SchemaFormat::Json,
        SchemaFormat::Protobuf,
    ] {
        let server = server().await;
        let schema = send_and_read_back(&server.url(), format).await;
        assert_declared(&schema);
        let expected_text = match format {
            SchemaFormat::Avro => Order::avro_schema_json(),
            SchemaFormat::Json => Order::json_schema_text(),
            SchemaFormat::Protobuf => Order::proto_text(),
        };
        // The server keeps the tagged text as registered (the Protobuf one with its
        // `confluent/meta.proto` import, which it resolves without registration).
        assert_eq!(schema.schema, expected_text, "{format:?}");
        assert!(server.shutdown().await.is_ok());
    }
}

/// Confluent's Python client reads a Protobuf writer schema as a serialized descriptor
/// (`fmt='serialized'`) and finds field tags in its `(confluent.field_meta)` extension: our
/// server's serialized form keeps them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluents_python_client_reads_the_proto_tags_from_our_server() {
    let server = server().await;
    let url = server.url();
    let schema = send_and_read_back(&url, SchemaFormat::Protobuf).await;
    assert_eq!(schema.schema, Order::proto_text());
    let client = SchemaRegistryClient::try_new(&url).expect("client");
    let id = client
        .get_latest("contract-orders-value")
        .await
        .expect("latest")
        .id;
    let python = python_peer::python();
    let script = python_peer::workspace_root().join("tests/python/derive_tags_peer.py");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(url)
            .arg(id.to_string())
            .output()
    })
    .await
    .expect("join")
    .expect("run the python peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "python peer failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout,
        "Order.card=PII\nOrder.email=PII,PRIVATE\nchecks passed\n"
    );
    assert!(server.shutdown().await.is_ok());
}
