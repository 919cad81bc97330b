//! JSONata migration rules between compatibility groups, over our registry server: a
//! subject grouped by `application.major.version` holds v1 (`size`) and an incompatible v2
//! (`size` renamed `height`) carrying Confluent's documented UPGRADE and DOWNGRADE rules
//! (docs.confluent.io, "Data Contracts for Schema Registry", migration rules). A consumer
//! reading with the latest version reads v1 records as the v2 type through UPGRADE; one
//! reading with the latest version of major 1 reads v2 records as the v1 type through
//! DOWNGRADE (`serde.py`, `_get_migrations` / `_execute_migrations`). On SQLite and
//! PostgreSQL.
#![cfg(all(feature = "server", feature = "rules"))]

mod server_common;

use std::time::Duration;

use server_common::{Backend, TestRegistry};
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient, ServerConfig};
use streamhouse_schema::schema::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::StreamSchema;

/// Major version 1 of the widget.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "com.acme.shop")]
struct WidgetV1 {
    name: String,
    size: i32,
}

/// Major version 2: `size` is now `height` (not readable from v1 by Avro resolution).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "com.acme.shop")]
struct WidgetV2 {
    name: String,
    height: i32,
}

const UPGRADE: &str = "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])";
const DOWNGRADE: &str =
    "$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.'height'}])";
const GROUP: &str = "application.major.version";

fn major(n: &str) -> Metadata {
    Metadata::default().with_property(GROUP, n)
}

fn migration_rules(upgrade: &str, downgrade: &str) -> RuleSet {
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
            .with_expr(downgrade),
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
    let v1 = Schema::avro(WidgetV1::avro_schema_json()).with_metadata(major("1"));
    let v1 = client.register(&subject, &v1).await.unwrap();
    let v2 = Schema::avro(WidgetV2::avro_schema_json())
        .with_metadata(major("2"))
        .with_rule_set(migration_rules(upgrade, DOWNGRADE));
    let v2 = client.register(&subject, &v2).await.unwrap();
    // In v1's group, v2 would be refused: it does not read v1 (BACKWARD).
    let v2_as_major1 = Schema::avro(WidgetV2::avro_schema_json()).with_metadata(major("1"));
    assert!(!client
        .test_compatibility(&subject, &v2_as_major1, "1")
        .await
        .unwrap());
    (v1, v2)
}

fn encode<T: StreamSchema>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode_value(&mut out).unwrap();
    out
}

async fn consumer(
    r: &TestRegistry,
    producer: &Producer,
    topic: &str,
    configure: impl FnOnce(
        streamhouse_schema::consumer::ConsumerBuilder,
    ) -> streamhouse_schema::consumer::ConsumerBuilder,
) -> Consumer {
    configure(
        Consumer::builder()
            .schema_registry(r.url.clone())
            .transport(producer.transport().clone())
            .subscribe(topic),
    )
    .build()
    .await
    .unwrap()
}

async fn v1_records_read_as_v2_through_upgrade(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let client = SchemaRegistryClient::new(r.url.clone());
    let topic = "widgets-up";
    let (v1, v2) = register(&client, topic, UPGRADE).await;
    let producer = Producer::builder()
        .schema_registry(r.url.clone())
        .build()
        .await
        .unwrap();
    for (name, size) in [("kite", 3), ("sail", 40)] {
        let record = WidgetV1 {
            name: name.into(),
            size,
        };
        producer
            .send_with_schema_id(topic, None, &encode(&record), v1, None)
            .await
            .unwrap();
    }
    let record = WidgetV2 {
        name: "mast".into(),
        height: 7,
    };
    producer
        .send_with_schema_id(topic, None, &encode(&record), v2, None)
        .await
        .unwrap();

    let mut latest = consumer(&r, &producer, topic, |b| b.use_latest_version()).await;
    let mut read = Vec::new();
    while let Some(record) = latest
        .poll_typed::<WidgetV2>(Duration::from_secs(2))
        .await
        .unwrap()
    {
        read.push((record.record.schema_id, record.value));
    }
    assert_eq!(
        read,
        vec![
            (
                Some(v1),
                WidgetV2 {
                    name: "kite".into(),
                    height: 3
                }
            ),
            (
                Some(v1),
                WidgetV2 {
                    name: "sail".into(),
                    height: 40
                }
            ),
            (
                Some(v2),
                WidgetV2 {
                    name: "mast".into(),
                    height: 7
                }
            ),
        ]
    );
    // The same records read without a reader version: v1 does not resolve to the v2 type.
    let mut plain = consumer(&r, &producer, topic, |b| b).await;
    let error = plain
        .poll_typed::<WidgetV2>(Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("height"), "{error}");
    r.finish().await;
}

async fn v2_records_read_as_v1_through_downgrade(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let client = SchemaRegistryClient::new(r.url.clone());
    let topic = "widgets-down";
    let (v1, v2) = register(&client, topic, UPGRADE).await;
    let producer = Producer::builder()
        .schema_registry(r.url.clone())
        .build()
        .await
        .unwrap();
    let record = WidgetV2 {
        name: "kite".into(),
        height: 12,
    };
    producer
        .send_with_schema_id(topic, None, &encode(&record), v2, None)
        .await
        .unwrap();
    let record = WidgetV1 {
        name: "sail".into(),
        size: 5,
    };
    producer
        .send_with_schema_id(topic, None, &encode(&record), v1, None)
        .await
        .unwrap();

    let mut major1 = consumer(&r, &producer, topic, |b| {
        b.use_latest_with_metadata([(GROUP, "1")])
    })
    .await;
    let first = major1
        .poll_typed::<WidgetV1>(Duration::from_secs(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        first.value,
        WidgetV1 {
            name: "kite".into(),
            size: 12
        }
    );
    // The record returned is the one sent (writer id v2), only the value was migrated.
    assert_eq!(first.record.schema_id, Some(v2));
    let second = major1
        .poll_typed::<WidgetV1>(Duration::from_secs(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        second.value,
        WidgetV1 {
            name: "sail".into(),
            size: 5
        }
    );
    r.finish().await;
}

async fn a_throwing_rule_is_a_typed_error_naming_it(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let client = SchemaRegistryClient::new(r.url.clone());
    let topic = "widgets-broken";
    let (v1, _) = register(&client, topic, "$error('no height for ' & name)").await;
    let producer = Producer::builder()
        .schema_registry(r.url.clone())
        .build()
        .await
        .unwrap();
    let record = WidgetV1 {
        name: "kite".into(),
        size: 3,
    };
    producer
        .send_with_schema_id(topic, None, &encode(&record), v1, None)
        .await
        .unwrap();
    let mut latest = consumer(&r, &producer, topic, |b| b.use_latest_version()).await;
    match latest.poll_typed::<WidgetV2>(Duration::from_secs(2)).await {
        Err(ClientError::Rule(failure)) => {
            assert_eq!(failure.rule_name, "size_to_height");
            assert_eq!(failure.rule_type, "JSONATA");
            assert_eq!(failure.mode, RuleMode::Upgrade);
            assert_eq!(failure.subject, "widgets-broken-value");
            assert!(
                failure.reason.to_string().contains("no height for kite"),
                "{failure}"
            );
        }
        other => panic!("expected the rule's failure, got {other:?}"),
    }
    r.finish().await;
}

/// Migrating typed reads keep `poll_typed`'s future `Send` (it can run in a spawned task).
#[allow(dead_code)]
fn poll_typed_stays_send(consumer: &mut Consumer) {
    fn send<T: Send>(_: T) {}
    send(consumer.poll_typed::<WidgetV2>(Duration::ZERO));
}

on_both_backends!(
    v1_records_read_as_v2_through_upgrade,
    v2_records_read_as_v1_through_downgrade,
    a_throwing_rule_is_a_typed_error_naming_it
);
