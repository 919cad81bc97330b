//! JSONata migration rules on Protobuf records, as Confluent's Python `ProtobufDeserializer`
//! runs them (`_sync/protobuf.py`: the writer message → `MessageToDict(msg, True)` →
//! `_execute_migrations` → `ParseDict` into the reader's message of the same name): a
//! subject grouped by `application.major.version` holds v1 of `acme.shop.Widget` (`size`)
//! and v2 (`size` renamed `height`, field 4) with Confluent's documented UPGRADE and
//! DOWNGRADE rules. Our typed consumer reads v1 records as the v2 type through UPGRADE and,
//! reading major 1, v2 records as the v1 type through DOWNGRADE; a result that does not fit
//! the reader's message is a typed error naming the rule. Then Confluent's Python client
//! (`tests/python/migration_peer_protobuf.py`) as the peer: records it writes at major 1
//! are read here at major 2, and records we write at major 2 are read there at major 1.
#![cfg(all(feature = "server", feature = "rules"))]

mod python_peer;

use std::sync::Arc;
use std::time::Duration;

use python_peer::{python, run_with_input_file};
use serde_json::json;
use streamhouse_schema::consumer::{Consumer, ConsumerBuilder};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient, ServerConfig};
use streamhouse_schema::schema::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// Major version 1 of the widget.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "acme.shop", protobuf)]
struct WidgetV1 {
    #[stream_schema(tag = 1)]
    name: String,
    #[stream_schema(tag = 2)]
    size: i32,
    #[stream_schema(tag = 3)]
    weight: i64,
}

/// Major version 2: `size` is now `height`, a new field number. Read without the
/// migration, a v1 record is a v2 widget of height 0.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "acme.shop", protobuf)]
struct WidgetV2 {
    #[stream_schema(tag = 1)]
    name: String,
    #[stream_schema(tag = 4)]
    height: i32,
    #[stream_schema(tag = 3)]
    weight: i64,
}

fn v1(name: &str, size: i32, weight: i64) -> WidgetV1 {
    WidgetV1 {
        name: name.into(),
        size,
        weight,
    }
}

fn v2(name: &str, height: i32, weight: i64) -> WidgetV2 {
    WidgetV2 {
        name: name.into(),
        height,
        weight,
    }
}

const UPGRADE: &str = "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])";
const DOWNGRADE: &str =
    "$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.'height'}])";
const GROUP: &str = "application.major.version";
const WAIT: Duration = Duration::from_millis(500);

fn major(n: &str) -> Metadata {
    Metadata::default().with_property(GROUP, n)
}

fn migration_rules(upgrade: &str) -> RuleSet {
    RuleSet {
        migration_rules: vec![
            Rule::new(
                "size_to_height",
                RuleKind::Transform,
                RuleMode::Upgrade,
                "JSONATA",
            )
            .with_expr(upgrade),
            Rule::new(
                "height_to_size",
                RuleKind::Transform,
                RuleMode::Downgrade,
                "JSONATA",
            )
            .with_expr(DOWNGRADE),
        ],
        ..RuleSet::default()
    }
}

/// Registers v1 and v2 of `{topic}-value` in the compatibility group; their ids.
async fn register(client: &SchemaRegistryClient, topic: &str, upgrade: &str) -> (i32, i32) {
    let subject = format!("{topic}-value");
    client
        .set_config(
            Some(&subject),
            &ServerConfig {
                compatibility_group: Some(GROUP.to_string()),
                ..ServerConfig::default()
            },
        )
        .await
        .unwrap();
    let first =
        Schema::new(WidgetV1::proto_text(), SchemaFormat::Protobuf).with_metadata(major("1"));
    let first = client.register(&subject, &first).await.unwrap();
    let second = Schema::new(WidgetV2::proto_text(), SchemaFormat::Protobuf)
        .with_metadata(major("2"))
        .with_rule_set(migration_rules(upgrade));
    let second = client.register(&subject, &second).await.unwrap();
    (first, second)
}

/// A registry, a log, and a producer on both.
struct Setup {
    server: streamhouse_schema::server::RunningServer,
    url: String,
    client: SchemaRegistryClient,
    log: Arc<dyn Transport>,
    producer: Producer,
}

async fn setup() -> Setup {
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let client = SchemaRegistryClient::try_new(url.clone()).unwrap();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&log))
        .build()
        .await
        .unwrap();
    Setup {
        server,
        url,
        client,
        log,
        producer,
    }
}

impl Setup {
    async fn send(&self, topic: &str, id: i32, message: &impl prost::Message) {
        self.producer
            .send_with_schema_id(topic, None, &message.encode_to_vec(), id, None)
            .await
            .unwrap();
    }

    async fn consumer(
        &self,
        topic: &str,
        configure: impl FnOnce(ConsumerBuilder) -> ConsumerBuilder,
    ) -> Consumer {
        configure(
            Consumer::builder()
                .schema_registry(self.url.as_str())
                .transport(Arc::clone(&self.log))
                .subscribe(topic),
        )
        .build()
        .await
        .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_protobuf_records_read_as_v2_through_upgrade_and_back_through_downgrade() {
    let s = setup().await;
    let topic = "proto-widgets";
    let (id1, id2) = register(&s.client, topic, UPGRADE).await;
    s.send(topic, id1, &v1("kite", 3, 9_007_199_254_740_993))
        .await;
    s.send(topic, id1, &v1("sail", 0, -1)).await;
    s.send(topic, id2, &v2("mast", 7, 70)).await;

    let mut latest = s.consumer(topic, |b| b.use_latest_version()).await;
    let mut read = Vec::new();
    while let Some(record) = latest.poll_typed::<WidgetV2>(WAIT).await.unwrap() {
        read.push((record.record.schema_id, record.value));
    }
    // A 64-bit weight beyond 2^53 survives: the dict holds it as a string, as in Python.
    assert_eq!(
        read,
        vec![
            (Some(id1), v2("kite", 3, 9_007_199_254_740_993)),
            (Some(id1), v2("sail", 0, -1)),
            (Some(id2), v2("mast", 7, 70)),
        ]
    );
    // Without the reader version, field 2 is unknown to v2: the height is lost.
    let mut plain = s.consumer(topic, |b| b).await;
    let first = plain.poll_typed::<WidgetV2>(WAIT).await.unwrap().unwrap();
    assert_eq!(first.value, v2("kite", 0, 9_007_199_254_740_993));

    // Major 1 reads all three as v1: the v2 record through DOWNGRADE.
    let mut major1 = s
        .consumer(topic, |b| b.use_latest_with_metadata([(GROUP, "1")]))
        .await;
    let mut read = Vec::new();
    while let Some(record) = major1.poll_typed::<WidgetV1>(WAIT).await.unwrap() {
        read.push((record.record.schema_id, record.value));
    }
    assert_eq!(
        read,
        vec![
            (Some(id1), v1("kite", 3, 9_007_199_254_740_993)),
            (Some(id1), v1("sail", 0, -1)),
            (Some(id2), v1("mast", 7, 70)),
        ]
    );
    s.server.shutdown().await.expect("shutdown");
}

/// The migration's result does not fit the reader's message: typed errors naming the rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_that_does_not_fit_the_reader_message_is_a_typed_error_naming_the_rule() {
    let cases = [
        // The field is not renamed: v2 has no `size`.
        ("$", "$.size: acme.shop.Widget has no field named \"size\""),
        // A string where v2 has an int32.
        (
            "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': 'tall'}])",
            "$.height: a string (\"tall\") does not fit the type int32",
        ),
        // Not a message at all.
        (
            "$.name",
            "$: a string where a message acme.shop.Widget belongs",
        ),
        // The expression throws.
        ("$error('no height for ' & name)", "no height for kite"),
    ];
    for (i, (upgrade, expected)) in cases.into_iter().enumerate() {
        let s = setup().await;
        let topic = format!("proto-broken-{i}");
        let (id1, _) = register(&s.client, &topic, upgrade).await;
        s.send(&topic, id1, &v1("kite", 3, 1)).await;
        let mut latest = s.consumer(&topic, |b| b.use_latest_version()).await;
        match latest.poll_typed::<WidgetV2>(WAIT).await {
            Err(ClientError::Rule(failure)) => {
                assert_eq!(failure.rule_name, "size_to_height", "{upgrade}");
                assert_eq!(failure.rule_type, "JSONATA");
                assert_eq!(failure.mode, RuleMode::Upgrade);
                assert_eq!(failure.subject, format!("{topic}-value"));
                let reason = failure.reason.to_string();
                assert!(reason.contains(expected), "{upgrade}: {reason}");
            }
            other => panic!("{upgrade}: expected the rule's failure, got {other:?}"),
        }
        s.server.shutdown().await.expect("shutdown");
    }
}

/// Confluent's Python client as the peer: its `ProtobufSerializer` writes at major 1, our
/// consumer reads at major 2; our producer writes at major 2, its `ProtobufDeserializer`
/// reads at major 1 through DOWNGRADE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_and_rust_migrate_each_others_protobuf_records() {
    let python = python();
    let s = setup().await;
    let topic = "proto-peer";
    let (id1, id2) = register(&s.client, topic, UPGRADE).await;
    s.send(topic, id2, &v2("ours", 12, 9_007_199_254_740_993))
        .await;
    let ours = s.log.fetch(topic, 0, 0, 1).await.unwrap()[0].value.to_vec();
    assert_eq!(ours[..6], [0, 0, 0, 0, id2 as u8, 0x00]);

    let input = json!({
        "topic": topic,
        "message": "acme.shop.Widget",
        "frames": [hex::encode(&ours)],
        "records": [
            {"name": "theirs", "size": 5, "weight": "-9007199254740993"},
            {"name": "zero", "size": 0, "weight": "0"},
        ],
    });
    let answer = run_with_input_file(python, "migration_peer_protobuf.py", &s.url, &input)
        .await
        .json();
    // Python read our v2 record as v1 through DOWNGRADE (MessageToDict of its v1 message,
    // proto field names, int64 as a string).
    assert_eq!(
        answer["decoded"],
        json!([{"value": {"name": "ours", "size": 12, "weight": "9007199254740993"}}])
    );

    // Our consumer reads Python's v1 records as v2 through UPGRADE.
    for frame in answer["written"].as_array().expect("frames") {
        let frame = hex::decode(frame["frame_hex"].as_str().expect("a frame")).unwrap();
        assert_eq!(frame[..6], [0, 0, 0, 0, id1 as u8, 0x00]);
        produce_raw(&s.log, topic, &frame).await;
    }
    let mut latest = s.consumer(topic, |b| b.use_latest_version()).await;
    let mut read = Vec::new();
    while let Some(record) = latest.poll_typed::<WidgetV2>(WAIT).await.unwrap() {
        read.push((record.record.schema_id, record.value));
    }
    assert_eq!(
        read,
        vec![
            (Some(id2), v2("ours", 12, 9_007_199_254_740_993)),
            (Some(id1), v2("theirs", 5, -9_007_199_254_740_993)),
            (Some(id1), v2("zero", 0, 0)),
        ]
    );
    s.server.shutdown().await.expect("shutdown");
}

/// Writes a peer's frame to the log as is.
async fn produce_raw(log: &Arc<dyn Transport>, topic: &str, frame: &[u8]) {
    let raw = Producer::builder()
        .transport(Arc::clone(log))
        .build()
        .await
        .unwrap();
    raw.send(topic, None, frame, None).await.unwrap();
}
