//! Protobuf schema references from the derive: a message that uses a type of another package
//! imports that type's own file, and `send_typed` registers that file first under its own
//! subject (the import path, Confluent's default reference subject name strategy), then the
//! message's file with `references` naming it, as Confluent's Protobuf serializer does with
//! `auto.register.schemas`. Checked on the in-memory `mock://` registry and on our server:
//! the subjects and references stored, compatibility checks across versions (of the message
//! and of the referenced file), the consumer reading the writer schema through its
//! references (`?format=serialized`), and Confluent's Python `ProtobufDeserializer` decoding
//! our frames while it resolves the references itself.
//!
//! The Python part needs `scripts/setup-python.sh` (the venv at `<repo>/.venv`, or
//! `STREAMHOUSE_PYTHON`); without it the test fails and says so.
#![cfg(feature = "server")]

mod memory_log;
mod python_peer;

use memory_log::{
    assert_incompatible, consumer_of, in_memory_server, next_typed, producer_on, sent_as_version,
    versions_served, WAIT,
};
use python_peer::producer_peer_decodes_all;
use serde_json::json;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{SchemaReference, SchemaRegistryClient, Version};
use streamhouse_schema::schema::proto_file::descriptor_from_base64;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::StreamSchema;

const MONEY_FILE: &str = "billing/v2/Money.proto";
const SUBJECT: &str = "ref-orders-value";

/// An amount, in a package of its own.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "billing.v2", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
    #[stream_schema(tag = 2)]
    currency: String,
}

/// One order line, in the order's package (so in the order's file).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Line {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: i32,
}

/// The message sent: its file imports `billing/v2/Money.proto`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "ref-orders", namespace = "shop.v1", format = "protobuf")]
struct Order {
    #[stream_schema(key, tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    total: Money,
    #[stream_schema(tag = 3)]
    lines: Vec<Line>,
}

/// The next version of the order: a field added (compatible).
mod added {
    use super::{Line, Money};
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "ref-orders", namespace = "shop.v1", format = "protobuf")]
    pub struct Order {
        #[stream_schema(key, tag = 1)]
        pub id: String,
        #[stream_schema(tag = 2)]
        pub total: Money,
        #[stream_schema(tag = 3)]
        pub lines: Vec<Line>,
        #[stream_schema(tag = 4)]
        pub note: Option<String>,
    }
}

/// The order with `id` turned into a number: string → int64 breaks the wire format.
mod renumbered {
    use super::{Line, Money};
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "ref-orders", namespace = "shop.v1", format = "protobuf")]
    pub struct Order {
        #[stream_schema(tag = 1)]
        pub id: i64,
        #[stream_schema(tag = 2)]
        pub total: Money,
        #[stream_schema(tag = 3)]
        pub lines: Vec<Line>,
    }
}

/// Money changed incompatibly in its own file: the referenced subject refuses it.
mod money_changed {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "billing.v2", protobuf)]
    pub struct Money {
        #[stream_schema(tag = 1)]
        pub cents: String,
        #[stream_schema(tag = 2)]
        pub currency: String,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "ref-orders", namespace = "shop.v1", format = "protobuf")]
    pub struct Order {
        #[stream_schema(key, tag = 1)]
        pub id: String,
        #[stream_schema(tag = 2)]
        pub total: Money,
    }
}

fn order() -> Order {
    Order {
        id: "o-1".to_string(),
        total: Money {
            cents: 1250,
            currency: "EUR".to_string(),
        },
        lines: vec![Line {
            sku: "TEA-01".to_string(),
            qty: 2,
        }],
    }
}

fn money_reference(version: i32) -> SchemaReference {
    SchemaReference::new(MONEY_FILE, MONEY_FILE, version)
}

/// Sends through `url`, then checks what the registry holds and what a consumer reads.
async fn references_are_registered_and_resolved(url: &str) {
    let (producer, log) = producer_on(url).await;
    producer.send_typed(&order()).await.expect("sent");

    let client = SchemaRegistryClient::try_new(url).expect("client");
    assert_eq!(
        client.list_subjects().await.expect("subjects"),
        [MONEY_FILE, SUBJECT]
    );
    let money = client
        .get_version(MONEY_FILE, Version::Latest)
        .await
        .expect("the referenced file's subject");
    assert_eq!(money.version, 1);
    assert_eq!(money.schema.schema_type, SchemaFormat::Protobuf);
    assert_eq!(money.schema.schema, Money::proto_text());
    assert!(money.schema.references.is_empty());
    let registered = client
        .get_version(SUBJECT, Version::Latest)
        .await
        .expect("the order's subject");
    assert_eq!(registered.schema.schema, Order::proto_text());
    assert!(
        registered
            .schema
            .schema
            .contains("import \"billing/v2/Money.proto\";"),
        "{}",
        registered.schema.schema
    );
    assert_eq!(registered.schema.references, [money_reference(1)]);
    // The frame names the registered id and the first message.
    let stored = log.fetch("ref-orders", 0, 0, 10).await.expect("stored");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].value[0], 0);
    assert_eq!(
        i32::from_be_bytes([
            stored[0].value[1],
            stored[0].value[2],
            stored[0].value[3],
            stored[0].value[4]
        ]),
        registered.id
    );
    assert_eq!(stored[0].value[5], 0);

    // Serialized, the registry compiles the file with its reference.
    let serialized = client
        .get_schema_by_id_serialized(registered.id)
        .await
        .expect("serialized");
    let file = descriptor_from_base64(&serialized.schema).expect("a descriptor");
    assert_eq!(file.dependency, [MONEY_FILE]);
    assert_eq!(
        file.message_type[0].field[1].type_name(),
        ".billing.v2.Money"
    );
    assert_eq!(serialized.references, [money_reference(1)]);

    // A compatible next version refers to the same Money version.
    let added = added::Order {
        id: "o-2".to_string(),
        total: order().total,
        lines: Vec::new(),
        note: Some("gift".to_string()),
    };
    let v2 = sent_as_version(&producer, &client, &added, SUBJECT, 2).await;
    assert_eq!(v2.schema.references, [money_reference(1)]);
    assert_eq!(
        client.list_versions(MONEY_FILE).await.expect("versions"),
        [1]
    );

    // An incompatible one is refused by the compatibility check, references and all.
    let renumbered = renumbered::Order {
        id: 7,
        total: order().total,
        lines: Vec::new(),
    };
    assert_incompatible(producer.send_typed(&renumbered).await, SUBJECT);
    // So is an incompatible change of the referenced file, under its own subject.
    let changed = money_changed::Order {
        id: "o-3".to_string(),
        total: money_changed::Money {
            cents: "12.50".to_string(),
            currency: "EUR".to_string(),
        },
    };
    assert_incompatible(producer.send_typed(&changed).await, MONEY_FILE);
    assert_eq!(
        client.list_versions(SUBJECT).await.expect("versions"),
        [1, 2]
    );

    // A frame naming the second message of the writer's file ([1], `shop.v1.Line`): the
    // consumer can only find it by reading the file with its reference resolved.
    let mut line_frame = vec![0];
    line_frame.extend_from_slice(&registered.id.to_be_bytes());
    line_frame.extend_from_slice(&[0x02, 0x02]);
    line_frame.extend_from_slice(&[0x0a, 0x02, b'X', b'1', 0x10, 0x05]);
    producer
        .send("ref-orders", None, &line_frame, None)
        .await
        .expect("raw frame");

    let mut consumer = consumer_of(url, &log, "ref-orders").await;
    let first = next_typed::<Order>(&mut consumer).await;
    assert_eq!(first.value, order());
    let second = next_typed::<added::Order>(&mut consumer).await;
    assert_eq!(second.value, added);
    let record = consumer
        .poll(WAIT)
        .await
        .expect("poll")
        .expect("the line frame");
    assert_eq!(record.message_indexes, [1]);
    assert_eq!(
        consumer.decode::<Line>(&record).expect("a line"),
        Line {
            sku: "X1".to_string(),
            qty: 5
        }
    );
    // Read as an order, the same frame is refused: [1] names `shop.v1.Line`.
    match consumer.decode::<Order>(&record) {
        Err(ClientError::InvalidRecord(invalid)) => {
            let text = invalid.reason.to_string();
            assert!(text.contains("shop.v1.Line"), "{text}");
        }
        other => panic!("expected the path to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn mock_registry_holds_the_referenced_file_and_resolves_it() {
    references_are_registered_and_resolved("mock://proto-references").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_holds_the_referenced_file_and_resolves_it() {
    let server = in_memory_server().await;
    references_are_registered_and_resolved(&server.url()).await;
    // The referenced version is protected from deletion while the order refers to it.
    let client = SchemaRegistryClient::try_new(server.url()).expect("client");
    let error = client
        .delete_version(MONEY_FILE, Version::Number(1), false)
        .await
        .expect_err("a referenced version cannot be deleted");
    assert_eq!(
        error.registry_error().and_then(|e| e.error_code()),
        Some(42206),
        "{error:?}"
    );
    // The consumer asked for the serialized form of the schema with references.
    assert!(server.requests().count("GET", "/schemas/ids/{id}") >= 2);
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn without_auto_registration_a_missing_referenced_file_is_named() {
    let producer = Producer::builder()
        .schema_registry("mock://proto-references-lookup")
        .auto_register(false)
        .build()
        .await
        .expect("producer");
    match producer.send_typed(&order()).await {
        Err(ClientError::SchemaNotRegistered { subject, detail }) => {
            assert_eq!(subject, MONEY_FILE);
            assert!(detail.contains("auto_register is off"), "{detail}");
        }
        other => panic!("expected the referenced file to be missing, got {other:?}"),
    }
    // Registered by someone else, the references are looked up and the send goes through.
    let client = SchemaRegistryClient::try_new("mock://proto-references-lookup").expect("client");
    client
        .register_schema(MONEY_FILE, Money::proto_text(), SchemaFormat::Protobuf)
        .await
        .expect("money");
    let order_schema = streamhouse_schema::registry::Schema::protobuf(Order::proto_text())
        .with_references(vec![money_reference(1)]);
    let id = client
        .register(SUBJECT, &order_schema)
        .await
        .expect("order");
    let sent = producer.send_typed(&order()).await.expect("sent");
    assert_eq!(sent.offset, 0);
    let stored = producer
        .transport()
        .fetch("ref-orders", 0, 0, 1)
        .await
        .expect("stored");
    assert_eq!(stored[0].value[1..5], id.to_be_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluent_python_reads_our_frames_through_their_references() {
    let server = in_memory_server().await;
    let url = server.url();
    let (producer, log) = producer_on(&url).await;
    producer.send_typed(&order()).await.expect("sent");
    let stored = log.fetch("ref-orders", 0, 0, 1).await.expect("stored");
    let case = json!([{
        "name": "ref-orders@0",
        "format": "PROTOBUF",
        "topic": "ref-orders",
        "frame_hex": hex::encode(&stored[0].value),
        "expected": {
            "id": "o-1",
            "total": {"cents": 1250, "currency": "EUR"},
            "lines": [{"sku": "TEA-01", "qty": 2}],
        },
        "proto_file": Order::proto_file().name(),
        "proto_text": Order::proto_text(),
        "proto_message": "Order",
        "proto_imports": [{"name": MONEY_FILE, "text": Money::proto_text()}],
        "references": [{"name": MONEY_FILE, "subject": MONEY_FILE, "version": 1}],
    }]);
    producer_peer_decodes_all(&url, &case).await;
    // Python resolved the reference itself: it read the referenced version, serialized.
    assert!(
        versions_served(&server) >= 1,
        "{:?}",
        server.requests().snapshot()
    );
    server.shutdown().await.expect("shutdown");
}
