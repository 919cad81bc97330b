//! Avro and JSON Schema references from the derive: `#[stream_schema(reference)]` on a field
//! (or on a type: every use of it) registers the named type as a schema of its own, under
//! its reference name (the Avro full name; `<full name>.json` for JSON Schema, the `$ref`
//! the referring schema uses), and the referring schema with `references`, as Confluent's
//! serializers do with `auto.register.schemas` and the default reference subject name
//! strategy (the subject is the reference name). Checked on the in-memory `mock://`
//! registry and on our server: the subjects, texts and references the REST API returns,
//! compatibility checks of the referring and of the referenced subjects, deletes of a
//! referenced version refused (42206), the consumer reading records back through the
//! references (its own schema and an older writer schema, resolved), and Confluent's Python
//! `AvroDeserializer` and `JSONDeserializer` decoding our frames while they resolve the
//! references themselves.
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
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{SchemaReference, SchemaRegistryClient, Version};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::StreamSchema;

const AVRO_SUBJECT: &str = "avro-ref-orders-value";
const JSON_SUBJECT: &str = "json-ref-orders-value";
const ITEM: &str = "shop.refs.LineItem";
const STATUS: &str = "shop.refs.Status";
const ITEM_JSON: &str = "shop.refs.LineItem.json";
const STATUS_JSON: &str = "shop.refs.Status.json";

/// A price: defined inline in the line item's schema.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.refs")]
struct Money {
    cents: i64,
    currency: String,
}

/// Every use of the status is a reference.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.refs", reference)]
enum Status {
    New,
    Paid,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.refs")]
struct LineItem {
    sku: String,
    quantity: i32,
    price: Money,
    status: Status,
}

// Sent in Avro: its items are a reference, its status too (through the type). (No doc
// comment: it would be the schema's `doc`.)
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "avro-ref-orders", namespace = "shop.refs")]
struct Order {
    #[stream_schema(key)]
    id: String,
    #[stream_schema(reference)]
    items: Vec<LineItem>,
    status: Status,
    note: Option<String>,
}

// The same order sent as JSON.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(
    topic = "json-ref-orders",
    namespace = "shop.refs",
    name = "Order",
    format = "json"
)]
struct JsonOrder {
    #[stream_schema(key)]
    id: String,
    #[stream_schema(reference)]
    items: Vec<LineItem>,
    status: Status,
    note: Option<String>,
}

/// The next version of the Avro order: a field added with a default (compatible).
mod added {
    use super::{LineItem, Status};
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "avro-ref-orders", namespace = "shop.refs")]
    pub struct Order {
        #[stream_schema(key)]
        pub id: String,
        #[stream_schema(reference)]
        pub items: Vec<LineItem>,
        pub status: Status,
        pub note: Option<String>,
        #[stream_schema(default = 1)]
        pub priority: i32,
    }
}

/// The order with `id` turned into a number: string → long breaks BACKWARD.
mod renumbered {
    use super::{LineItem, Status};
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "avro-ref-orders", namespace = "shop.refs")]
    pub struct Order {
        pub id: i64,
        #[stream_schema(reference)]
        pub items: Vec<LineItem>,
        pub status: Status,
        pub note: Option<String>,
    }
}

/// The line item changed incompatibly (a field without default added): its own subject
/// refuses it.
mod item_changed {
    use super::{Money, Status};
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "shop.refs")]
    pub struct LineItem {
        pub sku: String,
        pub quantity: i32,
        pub price: Money,
        pub status: Status,
        pub warehouse: String,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "avro-ref-orders", namespace = "shop.refs")]
    pub struct Order {
        #[stream_schema(key)]
        pub id: String,
        #[stream_schema(reference)]
        pub items: Vec<LineItem>,
        pub status: Status,
        pub note: Option<String>,
    }
}

fn items() -> Vec<LineItem> {
    vec![
        LineItem {
            sku: "TEA-01".to_string(),
            quantity: 2,
            price: Money {
                cents: 450,
                currency: "EUR".to_string(),
            },
            status: Status::Paid,
        },
        LineItem {
            sku: "CUP-07".to_string(),
            quantity: 1,
            price: Money {
                cents: 1200,
                currency: "EUR".to_string(),
            },
            status: Status::New,
        },
    ]
}

fn order() -> Order {
    Order {
        id: "o-1".to_string(),
        items: items(),
        status: Status::New,
        note: Some("gift".to_string()),
    }
}

fn json_order() -> JsonOrder {
    JsonOrder {
        id: "j-1".to_string(),
        items: items(),
        status: Status::Paid,
        note: None,
    }
}

const ORDER_AVRO: &str = r#"{"type":"record","name":"Order","namespace":"shop.refs","fields":[{"name":"id","type":"string"},{"name":"items","type":{"type":"array","items":"shop.refs.LineItem"}},{"name":"status","type":"shop.refs.Status"},{"name":"note","type":["null","string"],"default":null}]}"#;
const ITEM_AVRO: &str = r#"{"type":"record","name":"LineItem","namespace":"shop.refs","fields":[{"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":{"type":"record","name":"Money","doc":"A price: defined inline in the line item's schema.","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}},{"name":"status","type":"shop.refs.Status"}]}"#;
const STATUS_AVRO: &str = r#"{"type":"enum","name":"Status","namespace":"shop.refs","doc":"Every use of the status is a reference.","symbols":["New","Paid"]}"#;
const ORDER_JSON: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Order","type":"object","properties":{"id":{"type":"string"},"items":{"type":"array","items":{"$ref":"shop.refs.LineItem.json"}},"status":{"$ref":"shop.refs.Status.json"},"note":{"type":["string","null"],"default":null}},"required":["id","items","status"]}"#;
const ITEM_JSON_TEXT: &str = r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"LineItem","type":"object","properties":{"sku":{"type":"string"},"quantity":{"type":"integer","minimum":-2147483648,"maximum":2147483647},"price":{"$ref":"#/$defs/shop.refs.Money"},"status":{"$ref":"shop.refs.Status.json"}},"required":["sku","quantity","price","status"],"$defs":{"shop.refs.Money":{"title":"Money","description":"A price: defined inline in the line item's schema.","type":"object","properties":{"cents":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807},"currency":{"type":"string"}},"required":["cents","currency"]}}}"##;

fn reference(name: &str, version: i32) -> SchemaReference {
    SchemaReference::new(name, name, version)
}

/// The REST API's JSON for version `version` of `subject` (what any client sees).
async fn version_json(url: &str, subject: &str, version: i32) -> serde_json::Value {
    let client = SchemaRegistryClient::try_new(url).expect("client");
    let found = client
        .get_version(subject, Version::Number(version))
        .await
        .expect("version");
    let mut value = serde_json::to_value(&found).expect("json");
    // The id differs between registries; the rest is asserted whole.
    if let Some(map) = value.as_object_mut() {
        map.remove("id");
    }
    value
}

/// Sends through `url`, then checks what the registry holds and what a consumer reads.
async fn references_are_registered_and_resolved(url: &str) {
    let (producer, log) = producer_on(url).await;
    producer.send_typed(&order()).await.expect("avro sent");
    producer.send_typed(&json_order()).await.expect("json sent");

    let client = SchemaRegistryClient::try_new(url).expect("client");
    assert_eq!(
        client.list_subjects().await.expect("subjects"),
        [
            AVRO_SUBJECT,
            JSON_SUBJECT,
            ITEM,
            ITEM_JSON,
            STATUS,
            STATUS_JSON
        ]
    );
    // Avro: each referenced type under its full name, the order naming them only.
    assert_eq!(
        version_json(url, STATUS, 1).await,
        json!({"subject": STATUS, "version": 1, "schema": STATUS_AVRO})
    );
    assert_eq!(
        version_json(url, ITEM, 1).await,
        json!({"subject": ITEM, "version": 1, "schema": ITEM_AVRO,
               "references": [{"name": STATUS, "subject": STATUS, "version": 1}]})
    );
    assert_eq!(
        version_json(url, AVRO_SUBJECT, 1).await,
        json!({"subject": AVRO_SUBJECT, "version": 1, "schema": ORDER_AVRO,
               "references": [{"name": ITEM, "subject": ITEM, "version": 1},
                              {"name": STATUS, "subject": STATUS, "version": 1}]})
    );
    // JSON Schema: `$ref` to the reference names, which are the subjects.
    assert_eq!(
        version_json(url, ITEM_JSON, 1).await,
        json!({"subject": ITEM_JSON, "version": 1, "schemaType": "JSON",
               "schema": ITEM_JSON_TEXT,
               "references": [{"name": STATUS_JSON, "subject": STATUS_JSON, "version": 1}]})
    );
    assert_eq!(
        version_json(url, JSON_SUBJECT, 1).await,
        json!({"subject": JSON_SUBJECT, "version": 1, "schemaType": "JSON",
               "schema": ORDER_JSON,
               "references": [{"name": ITEM_JSON, "subject": ITEM_JSON, "version": 1},
                              {"name": STATUS_JSON, "subject": STATUS_JSON, "version": 1}]})
    );
    // The frames name the registered ids.
    let avro_id = client
        .get_version(AVRO_SUBJECT, Version::Latest)
        .await
        .expect("order")
        .id;
    let stored = log
        .fetch("avro-ref-orders", 0, 0, 10)
        .await
        .expect("stored");
    assert_eq!(
        stored[0].value[..5],
        [&[0u8][..], &avro_id.to_be_bytes()].concat()
    );

    // A compatible next version refers to the same referenced versions.
    let added = added::Order {
        id: "o-2".to_string(),
        items: Vec::new(),
        status: Status::Paid,
        note: None,
        priority: 3,
    };
    let v2 = sent_as_version(&producer, &client, &added, AVRO_SUBJECT, 2).await;
    assert_eq!(
        v2.schema.references,
        [reference(ITEM, 1), reference(STATUS, 1)]
    );
    assert_eq!(client.list_versions(ITEM).await.expect("versions"), [1]);

    // An incompatible one is refused by the compatibility check, references resolved.
    let renumbered = renumbered::Order {
        id: 7,
        items: Vec::new(),
        status: Status::New,
        note: None,
    };
    assert_incompatible(producer.send_typed(&renumbered).await, AVRO_SUBJECT);
    // So is an incompatible change of a referenced type, under its own subject.
    let changed = item_changed::Order {
        id: "o-3".to_string(),
        items: Vec::new(),
        status: Status::New,
        note: None,
    };
    assert_incompatible(producer.send_typed(&changed).await, ITEM);
    assert_eq!(
        client.list_versions(AVRO_SUBJECT).await.expect("versions"),
        [1, 2]
    );

    let mut consumer = consumer_of(url, &log, "avro-ref-orders").await;
    // The first record, written with v1, read as v1 (the generated decoder: the writer
    // schema with its references resolved is the type's own) ...
    let first = next_typed::<Order>(&mut consumer).await;
    assert_eq!(first.value, order());
    assert_eq!(first.record.schema_id, Some(avro_id));
    // ... and as v2 (schema resolution from the resolved writer schema: the default fills
    // the added field).
    let record = consumer
        .poll(WAIT)
        .await
        .expect("poll")
        .expect("the v2 order");
    assert_eq!(consumer.decode::<added::Order>(&record).expect("v2"), added);
    let mut json_consumer = consumer_of(url, &log, "json-ref-orders").await;
    let json = next_typed::<JsonOrder>(&mut json_consumer).await;
    assert_eq!(json.value, json_order());
    // v1 read as v2.
    let mut again = consumer_of(url, &log, "avro-ref-orders").await;
    let as_v2 = next_typed::<added::Order>(&mut again).await;
    assert_eq!(
        as_v2.value,
        added::Order {
            id: "o-1".to_string(),
            items: items(),
            status: Status::New,
            note: Some("gift".to_string()),
            priority: 1,
        }
    );

    // A referenced version cannot be deleted while a schema refers to it.
    let error = client
        .delete_version(ITEM, Version::Number(1), false)
        .await
        .expect_err("a referenced version cannot be deleted");
    assert_eq!(
        error.registry_error().and_then(|e| e.error_code()),
        Some(42206),
        "{error:?}"
    );
    let error = client
        .delete_version(STATUS_JSON, Version::Number(1), false)
        .await
        .expect_err("a referenced JSON version cannot be deleted");
    assert_eq!(
        error.registry_error().and_then(|e| e.error_code()),
        Some(42206),
        "{error:?}"
    );
}

#[tokio::test]
async fn mock_registry_holds_the_referenced_types_and_resolves_them() {
    references_are_registered_and_resolved("mock://avro-json-references").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_holds_the_referenced_types_and_resolves_them() {
    let server = in_memory_server().await;
    let url = server.url();
    references_are_registered_and_resolved(&url).await;
    // The REST API's own bytes, as Confluent's clients read them.
    let raw = |path: String| {
        let url = format!("{url}{path}");
        async move {
            let response = reqwest::get(url).await.expect("GET");
            assert!(response.status().is_success(), "{response:?}");
            response.json::<serde_json::Value>().await.expect("json")
        }
    };
    let item = raw(format!("/subjects/{ITEM}/versions/1")).await;
    let item_id = item["id"].clone();
    assert_eq!(
        item,
        json!({"subject": ITEM, "version": 1, "id": item_id, "schema": ITEM_AVRO,
               "references": [{"name": STATUS, "subject": STATUS, "version": 1}]})
    );
    let order = raw(format!("/subjects/{JSON_SUBJECT}/versions/1")).await;
    let order_id = order["id"].clone();
    assert_eq!(
        order,
        json!({"subject": JSON_SUBJECT, "version": 1, "id": order_id, "schemaType": "JSON",
               "schema": ORDER_JSON,
               "references": [{"name": ITEM_JSON, "subject": ITEM_JSON, "version": 1},
                              {"name": STATUS_JSON, "subject": STATUS_JSON, "version": 1}]})
    );
    // The versions referring to the line item, as the registry lists them.
    assert_eq!(
        raw(format!("/subjects/{ITEM}/versions/1/referencedby")).await,
        json!([
            raw(format!("/subjects/{AVRO_SUBJECT}/versions/1")).await["id"],
            raw(format!("/subjects/{AVRO_SUBJECT}/versions/2")).await["id"]
        ])
    );
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn types_without_the_attribute_register_their_whole_schema() {
    // Money refers to nothing: its schema is the inline one, with no references.
    assert_eq!(Money::schemas().registered(SchemaFormat::Avro), Ok(None));
    assert_eq!(Money::schemas().registered(SchemaFormat::Json), Ok(None));
    // A type that uses a `reference` type registers with references even without the
    // attribute of its own: the line item refers to the status.
    let item = LineItem::schemas()
        .registered(SchemaFormat::Avro)
        .expect("registrable")
        .expect("with references");
    assert_eq!(item.text, ITEM_AVRO);
    assert_eq!(item.references, [STATUS]);
    let producer = Producer::builder()
        .schema_registry("mock://avro-json-references-plain")
        .build()
        .await
        .expect("producer");
    let money = Money {
        cents: 5,
        currency: "EUR".to_string(),
    };
    producer
        .send_typed_to("prices", None::<&String>, &money)
        .await
        .expect("sent");
    let client =
        SchemaRegistryClient::try_new("mock://avro-json-references-plain").expect("client");
    assert_eq!(
        client.list_subjects().await.expect("subjects"),
        ["prices-value"]
    );
    let registered = client
        .get_version("prices-value", Version::Latest)
        .await
        .expect("registered");
    assert_eq!(
        registered.schema.schema,
        r#"{"type":"record","name":"Money","namespace":"shop.refs","doc":"A price: defined inline in the line item's schema.","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}"#
    );
    assert_eq!(registered.schema.schema, Money::avro_schema_json());
    assert!(registered.schema.references.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluent_python_reads_our_frames_through_their_references() {
    let server = in_memory_server().await;
    let url = server.url();
    let (producer, log) = producer_on(&url).await;
    producer.send_typed(&order()).await.expect("avro sent");
    producer.send_typed(&json_order()).await.expect("json sent");
    let avro = log.fetch("avro-ref-orders", 0, 0, 1).await.expect("stored");
    let json_frames = log.fetch("json-ref-orders", 0, 0, 1).await.expect("stored");
    let items = json!([
        {"sku": "TEA-01", "quantity": 2, "price": {"cents": 450, "currency": "EUR"}, "status": "Paid"},
        {"sku": "CUP-07", "quantity": 1, "price": {"cents": 1200, "currency": "EUR"}, "status": "New"},
    ]);
    let cases = json!([
        {
            "name": "avro-ref-orders@0",
            "format": "AVRO",
            "topic": "avro-ref-orders",
            "frame_hex": hex::encode(&avro[0].value),
            "expected": {"id": "o-1", "items": items, "status": "New", "note": "gift"},
            "references": [
                {"name": ITEM, "subject": ITEM, "version": 1},
                {"name": STATUS, "subject": STATUS, "version": 1},
            ],
        },
        {
            "name": "json-ref-orders@0",
            "format": "JSON",
            "topic": "json-ref-orders",
            "frame_hex": hex::encode(&json_frames[0].value),
            "expected": {"id": "j-1", "items": items, "status": "Paid", "note": null},
            "references": [
                {"name": ITEM_JSON, "subject": ITEM_JSON, "version": 1},
                {"name": STATUS_JSON, "subject": STATUS_JSON, "version": 1},
            ],
        },
    ]);
    producer_peer_decodes_all(&url, &cases).await;
    // Python resolved the references itself: it read the referenced versions.
    assert!(
        versions_served(&server) >= 4,
        "{:?}",
        server.requests().snapshot()
    );
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn without_auto_registration_a_missing_referenced_type_is_named() {
    let url = "mock://avro-json-references-lookup";
    let producer = Producer::builder()
        .schema_registry(url)
        .auto_register(false)
        .build()
        .await
        .expect("producer");
    // The status comes first: the line item refers to it.
    match producer.send_typed(&order()).await {
        Err(streamhouse_schema::ClientError::SchemaNotRegistered { subject, detail }) => {
            assert_eq!(subject, STATUS);
            assert!(detail.contains("auto_register is off"), "{detail}");
        }
        other => panic!("expected the referenced type to be missing, got {other:?}"),
    }
    // Registered by someone else, the references are looked up and the send goes through.
    let client = SchemaRegistryClient::try_new(url).expect("client");
    client
        .register_schema(STATUS, STATUS_AVRO, SchemaFormat::Avro)
        .await
        .expect("status");
    let item = streamhouse_schema::registry::Schema::new(ITEM_AVRO, SchemaFormat::Avro)
        .with_references(vec![reference(STATUS, 1)]);
    client.register(ITEM, &item).await.expect("item");
    let order_schema = streamhouse_schema::registry::Schema::new(ORDER_AVRO, SchemaFormat::Avro)
        .with_references(vec![reference(ITEM, 1), reference(STATUS, 1)]);
    let id = client
        .register(AVRO_SUBJECT, &order_schema)
        .await
        .expect("order");
    producer.send_typed(&order()).await.expect("sent");
    let stored = producer
        .transport()
        .fetch("avro-ref-orders", 0, 0, 1)
        .await
        .expect("stored");
    assert_eq!(stored[0].value[1..5], id.to_be_bytes());
}
