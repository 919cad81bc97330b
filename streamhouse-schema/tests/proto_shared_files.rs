//! Protobuf layouts where one file per package would not do, end to end: every message
//! keeps its type's own full name, `send_typed` registers each file the root's file needs
//! under its import path with references to the files it imports (as Confluent's Protobuf
//! serializer does with `auto.register.schemas`: `_resolve_dependencies` in
//! confluent-kafka-python, one reference per imported file), our registry accepts them, a
//! typed consumer reads the value back, `protoc` compiles the registered files together, and
//! Confluent's Python `ProtobufDeserializer` decodes our frame resolving the references
//! itself.
//!
//! - `cycle`: `billing.v2.Money` holds a `shop.v1.Line`, as the order does: Line gets a file
//!   of its own, which Money's file and the order's file import.
//! - `shared`: `billing.v2.Money` and `billing.v2.Tax` both hold `billing.v2.Currency`: it is
//!   defined once, in its own file, which both import.
//! - `nested`: `billing.v2.Money.Part` and `shop.v1.Order.Item` are named as nested
//!   messages: they are written inside Money and Order, and a frame naming `[0, 0]` is read
//!   as an `Item`.
//! - `ring`: types of two packages that hold each other cannot keep their names in
//!   Protobuf: a typed error on the first send, before anything is registered.
//!
//! The Python part needs `scripts/setup-python.sh` (or `STREAMHOUSE_PYTHON`); `protoc` must
//! be on `PATH` (or `$PROTOC`). Without them the test fails and says so.
#![cfg(feature = "server")]

mod memory_log;
mod proto_support;
mod python_peer;

use std::sync::Arc;

use memory_log::{consumer_of, in_memory_server, next_typed, producer_on, WAIT};
use proto_support::protoc_compile_with;
use python_peer::producer_peer_decodes_all;
use serde_json::{json, Value};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{SchemaReference, SchemaRegistryClient, Version};
use streamhouse_schema::schema::{ProtoBuildError, SchemaBuildError};
use streamhouse_schema::server::RunningServer;
use streamhouse_schema::transport::Transport;
use streamhouse_schema::{AvroDecode, JsonDecode, JsonEncode, StreamSchema, Topic};

mod cycle {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "shop.v1", protobuf)]
    pub struct Line {
        #[stream_schema(tag = 1)]
        pub sku: String,
        #[stream_schema(tag = 2)]
        pub qty: i32,
    }

    /// Of another package, and it needs the order's package again.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "billing.v2", protobuf)]
    pub struct Money {
        #[stream_schema(tag = 1)]
        pub cents: i64,
        #[stream_schema(tag = 2)]
        pub lines: Vec<Line>,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "cycle-orders", namespace = "shop.v1", format = "protobuf")]
    pub struct Order {
        #[stream_schema(key, tag = 1)]
        pub id: String,
        #[stream_schema(tag = 2)]
        pub total: Money,
        #[stream_schema(tag = 3)]
        pub lines: Vec<Line>,
    }
}

mod shared {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
    #[stream_schema(namespace = "billing.v2", protobuf)]
    pub enum Currency {
        Eur = 0,
        Usd = 1,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "billing.v2", protobuf)]
    pub struct Money {
        #[stream_schema(tag = 1)]
        pub cents: i64,
        #[stream_schema(tag = 2)]
        pub currency: Currency,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "billing.v2", protobuf)]
    pub struct Tax {
        #[stream_schema(tag = 1)]
        pub basis_points: i32,
        #[stream_schema(tag = 2)]
        pub currency: Currency,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "shared-orders", namespace = "shop.v1", format = "protobuf")]
    pub struct Order {
        #[stream_schema(key, tag = 1)]
        pub id: String,
        #[stream_schema(tag = 2)]
        pub total: Money,
        #[stream_schema(tag = 3)]
        pub tax: Tax,
    }
}

mod nested {
    use streamhouse_schema::StreamSchema;

    /// Nested in `billing.v2.Money`, of another package than the order.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "billing.v2.Money", protobuf)]
    pub struct Part {
        #[stream_schema(tag = 1)]
        pub label: String,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "billing.v2", protobuf)]
    pub struct Money {
        #[stream_schema(tag = 1)]
        pub cents: i64,
        #[stream_schema(tag = 2)]
        pub parts: Vec<Part>,
    }

    /// Nested in the order.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "shop.v1.Order", protobuf)]
    pub struct Item {
        #[stream_schema(tag = 1)]
        pub sku: String,
        #[stream_schema(tag = 2)]
        pub qty: i32,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "nested-orders", namespace = "shop.v1", format = "protobuf")]
    pub struct Order {
        #[stream_schema(key, tag = 1)]
        pub id: String,
        #[stream_schema(tag = 2)]
        pub total: Money,
        #[stream_schema(tag = 3)]
        pub main_part: Part,
        #[stream_schema(tag = 4)]
        pub items: Vec<Item>,
    }
}

mod ring {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(topic = "ring", namespace = "ring.a", format = "protobuf")]
    pub struct Node {
        #[stream_schema(tag = 1)]
        pub id: String,
        #[stream_schema(tag = 2)]
        pub links: Vec<Link>,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "ring.b", protobuf)]
    pub struct Link {
        #[stream_schema(tag = 1)]
        pub to: Vec<Node>,
    }
}

/// What a case registers: each subject with the reference names of its latest version.
type Registered<'a> = &'a [(&'a str, &'a [&'a str])];

/// Sends `value` through a fresh server, then checks the subjects and references, the
/// typed read-back, `protoc` on the registered files, and Confluent's Python deserializer
/// (`expected` is the value as it decodes it). Returns the server's URL and the log, for
/// more checks, with the server still running.
async fn sent_registered_and_read<T>(
    value: &T,
    registered: Registered<'_>,
    expected: Value,
) -> (RunningServer, Arc<dyn Transport>)
where
    T: Topic + JsonEncode + AvroDecode + JsonDecode + PartialEq + std::fmt::Debug + 'static,
    T::Key: JsonEncode + 'static,
{
    let server = in_memory_server().await;
    let url = server.url();
    let (producer, log) = producer_on(&url).await;
    producer.send_typed(value).await.expect("sent");

    // One subject per imported file, named by its import path, then the value's subject.
    let client = SchemaRegistryClient::try_new(url.as_str()).expect("client");
    let subjects: Vec<&str> = registered.iter().map(|(s, _)| *s).collect();
    assert_eq!(client.list_subjects().await.expect("subjects"), subjects);
    let schema = T::proto_schema();
    let value_subject = format!("{}-value", T::TOPIC);
    let mut files = Vec::new();
    for (subject, references) in registered {
        let latest = client
            .get_version(subject, Version::Latest)
            .await
            .expect("registered");
        assert_eq!(latest.version, 1, "{subject}");
        let expected_refs: Vec<SchemaReference> = references
            .iter()
            .map(|name| SchemaReference::new(*name, *name, 1))
            .collect();
        assert_eq!(latest.schema.references, expected_refs, "{subject}");
        let (name, text) = if *subject == value_subject {
            (schema.file().name(), schema.text())
        } else {
            let import = schema
                .imports()
                .iter()
                .find(|i| i.name() == *subject)
                .unwrap_or_else(|| panic!("{subject} is no import of the schema"));
            (import.name(), import.text())
        };
        assert_eq!(latest.schema.schema, text, "{subject}");
        files.push((name.to_string(), text.to_string()));
    }
    protoc_compiles(&files, schema.file().name());

    // The typed consumer reads the value back through the references.
    let mut consumer = consumer_of(&url, &log, T::TOPIC).await;
    assert_eq!(&next_typed::<T>(&mut consumer).await.value, value);

    // Confluent's Python deserializer resolves the references itself.
    let stored = log.fetch(T::TOPIC, 0, 0, 1).await.expect("stored");
    let imports: Vec<Value> = schema
        .imports()
        .iter()
        .map(|i| json!({"name": i.name(), "text": i.text()}))
        .collect();
    let references: Vec<Value> = registered
        .iter()
        .find(|(s, _)| *s == value_subject)
        .map(|(_, refs)| refs.iter())
        .into_iter()
        .flatten()
        .map(|name| json!({"name": name, "subject": name, "version": 1}))
        .collect();
    let message = schema
        .message_full_name()
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_string();
    let case = json!([{
        "name": format!("{}@0", T::TOPIC),
        "format": "PROTOBUF",
        "topic": T::TOPIC,
        "frame_hex": hex::encode(&stored[0].value),
        "expected": expected,
        "proto_file": schema.file().name(),
        "proto_text": schema.text(),
        "proto_message": message,
        "proto_imports": imports,
        "references": references,
    }]);
    producer_peer_decodes_all(&url, &case).await;
    (server, log)
}

/// `protoc` compiles the registered `files` (import path, text) together, `root` naming
/// the value's file, and reads every one of them.
fn protoc_compiles(files: &[(String, String)], root: &str) {
    let root_text = files
        .iter()
        .find(|(name, _)| name == root)
        .map(|(_, text)| text.as_str())
        .expect("the value's file is registered");
    let imports: Vec<(&str, &str)> = files
        .iter()
        .filter(|(name, _)| name != root)
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let set = protoc_compile_with(root, root_text, &imports);
    let mut names: Vec<&str> = set.file.iter().map(|f| f.name()).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_root_package_type_another_package_needs_is_registered_in_a_file_of_its_own() {
    use cycle::{Line, Money, Order};
    let line = |sku: &str, qty| Line {
        sku: sku.to_string(),
        qty,
    };
    let order = Order {
        id: "o-1".to_string(),
        total: Money {
            cents: 1250,
            lines: vec![line("TEA-01", 2)],
        },
        lines: vec![line("TEA-01", 2), line("CUP-02", 1)],
    };
    // Every type at its own full name, in a file of its package.
    let schema = Order::proto_schema();
    assert_eq!(
        schema.file_name_of(Order::full_name()),
        Some("shop.v1.Order")
    );
    assert!(
        Order::proto_text().contains("repeated .shop.v1.Line lines = 3;"),
        "{}",
        Order::proto_text()
    );
    // Line's file is the one Line has as a root of its own.
    let line_file = &schema.imports()[0];
    assert_eq!(line_file.name(), "shop/v1/Line.proto");
    assert_eq!(line_file.text(), Line::proto_text());
    assert!(
        schema.imports()[1]
            .text()
            .contains("repeated .shop.v1.Line lines = 2;"),
        "{}",
        schema.imports()[1].text()
    );
    let (server, _) = sent_registered_and_read(
        &order,
        &[
            ("billing/v2/Money.proto", &["shop/v1/Line.proto"]),
            (
                "cycle-orders-value",
                &["billing/v2/Money.proto", "shop/v1/Line.proto"],
            ),
            ("shop/v1/Line.proto", &[]),
        ],
        json!({
            "id": "o-1",
            "total": {"cents": 1250, "lines": [{"sku": "TEA-01", "qty": 2}]},
            "lines": [{"sku": "TEA-01", "qty": 2}, {"sku": "CUP-02", "qty": 1}],
        }),
    )
    .await;
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_type_two_imported_files_need_is_registered_once_in_its_own_file() {
    use shared::{Currency, Money, Order, Tax};
    let order = Order {
        id: "o-2".to_string(),
        total: Money {
            cents: 990,
            currency: Currency::Usd,
        },
        tax: Tax {
            basis_points: 2000,
            currency: Currency::Usd,
        },
    };
    let schema = Order::proto_schema();
    let names: Vec<&str> = schema.imports().iter().map(|i| i.name()).collect();
    assert_eq!(
        names,
        [
            "billing/v2/Currency.proto",
            "billing/v2/Money.proto",
            "billing/v2/Tax.proto"
        ]
    );
    // Currency's file holds the enum alone; the files needing it import it.
    let currency = schema.imports()[0].file();
    assert!(currency.message_type.is_empty());
    assert_eq!(currency.enum_type[0].name(), "Currency");
    let (server, _) = sent_registered_and_read(
        &order,
        &[
            ("billing/v2/Currency.proto", &[]),
            ("billing/v2/Money.proto", &["billing/v2/Currency.proto"]),
            ("billing/v2/Tax.proto", &["billing/v2/Currency.proto"]),
            (
                "shared-orders-value",
                &["billing/v2/Money.proto", "billing/v2/Tax.proto"],
            ),
        ],
        // Python's message_to_dict gives enums as their numbers.
        json!({
            "id": "o-2",
            "total": {"cents": 990, "currency": 1},
            "tax": {"basis_points": 2000, "currency": 1},
        }),
    )
    .await;
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_names_are_written_nested_and_a_frame_naming_one_reads_as_its_type() {
    use nested::{Item, Money, Order, Part};
    let part = |label: &str| Part {
        label: label.to_string(),
    };
    let order = Order {
        id: "o-3".to_string(),
        total: Money {
            cents: 400,
            parts: vec![part("net"), part("vat")],
        },
        main_part: part("net"),
        items: vec![Item {
            sku: "TEA-01".to_string(),
            qty: 3,
        }],
    };
    let schema = Order::proto_schema();
    assert_eq!(Item::full_name(), "shop.v1.Order.Item");
    assert_eq!(
        schema.message_index_path_of(Item::full_name()),
        Some(vec![0, 0])
    );
    assert_eq!(schema.file_name_of(Part::full_name()), None);
    assert!(
        Order::proto_text().contains(".billing.v2.Money.Part main_part = 3;"),
        "{}",
        Order::proto_text()
    );
    // Money's file, with Part inside, is the one Money has as a root of its own.
    assert_eq!(schema.imports()[0].text(), Money::proto_text());
    let (server, log) = sent_registered_and_read(
        &order,
        &[
            ("billing/v2/Money.proto", &[]),
            ("nested-orders-value", &["billing/v2/Money.proto"]),
        ],
        json!({
            "id": "o-3",
            "total": {"cents": 400, "parts": [{"label": "net"}, {"label": "vat"}]},
            "main_part": {"label": "net"},
            "items": [{"sku": "TEA-01", "qty": 3}],
        }),
    )
    .await;
    // A frame naming [0, 0], `shop.v1.Order.Item`, is read as an Item: the writer's
    // file and the type agree on where it lives.
    let stored = log.fetch("nested-orders", 0, 0, 1).await.expect("stored");
    let mut frame = stored[0].value[..5].to_vec();
    frame.extend_from_slice(&[0x04, 0x00, 0x00]);
    frame.extend_from_slice(&[0x0a, 0x02, b'X', b'1', 0x10, 0x05]);
    log.send("nested-orders", None, None, frame.into(), Vec::new())
        .await
        .expect("raw frame");
    let mut consumer = consumer_of(&server.url(), &log, "nested-orders").await;
    let first = consumer.poll(WAIT).await.expect("poll").expect("the order");
    assert_eq!(consumer.decode::<Order>(&first).expect("an order"), order);
    let record = consumer.poll(WAIT).await.expect("poll").expect("the frame");
    assert_eq!(record.message_indexes, [0, 0]);
    assert_eq!(
        consumer.decode::<Item>(&record).expect("an item"),
        Item {
            sku: "X1".to_string(),
            qty: 5
        }
    );
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn types_of_two_packages_that_hold_each_other_are_a_typed_error_before_registering() {
    use ring::Node;
    let producer = Producer::builder()
        .schema_registry("mock://proto-ring")
        .build()
        .await
        .expect("producer");
    let node = Node {
        id: "n".to_string(),
        links: Vec::new(),
    };
    match producer.send_typed(&node).await {
        Err(ClientError::InvalidSchema {
            source: SchemaBuildError::Protobuf(ProtoBuildError::PackageCycle { first, second }),
            ..
        }) => {
            assert_eq!(first, "ring.a.Node");
            assert_eq!(second, "ring.b.Link");
        }
        other => panic!("expected the package cycle, got {other:?}"),
    }
    let client = SchemaRegistryClient::try_new("mock://proto-ring").expect("client");
    assert!(client.list_subjects().await.expect("subjects").is_empty());
}
