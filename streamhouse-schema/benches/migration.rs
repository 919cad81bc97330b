//! A JSONata v1→v2 migration on the consumer (issue 14), measured in the same run as the
//! decodes it replaces:
//!
//! - `migration/jsonata_eval`: Confluent's documented UPGRADE rule (`$merge([$sift(...),
//!   {'height': $.'size'}])`) evaluated on the v1 record as JSON, compiled expression
//!   from the cache.
//! - `migration/v1_to_v2`: the whole per-record path a consumer with `use_latest_version`
//!   takes for a v1 record (`MigratingReader::migrate`: writer decode → JSON → the rule →
//!   reader-schema value → encode, reader and plan from its caches) plus `Consumer::decode`
//!   of the result as the v2 type.
//! - `migration/decode_same_schema_v2`: `Consumer::decode` of a v2 record as the v2 type,
//!   the cost without migration.
//! - Where `jsonata_eval`'s time goes, with `jsonata-rs` 0.3 directly: `jsonata_parse`
//!   (parsing the rule into a reused arena, which the crate needs per evaluation because a
//!   parsed `JsonAta` is neither `Send` nor reusable after its arena is reset),
//!   `jsonata_identity` (`JsonataExpr::evaluate` of `$` on the same record: the fixed cost
//!   of an evaluation — the crate binding its ~55 built-ins, parsing its `$chain` helper
//!   and the input text — plus the JSON conversions around it).
//!
//! Run: `cargo bench -p streamhouse-schema --features rules --bench migration -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use streamhouse_schema::consumer::{ConsumedRecord, Consumer};
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient, ServerConfig};
use streamhouse_schema::rules::jsonata::{JsonataExpr, MigratingReader, ReaderVersion};
use streamhouse_schema::rules::RuleRegistry;
use streamhouse_schema::schema::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::StreamSchema;
use tokio::runtime::Runtime;

/// Major version 1.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "bench.shop")]
struct WidgetV1 {
    name: String,
    size: i32,
    color: String,
}

/// Major version 2: `size` renamed `height`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "bench.shop")]
struct WidgetV2 {
    name: String,
    height: i32,
    color: String,
}

const UPGRADE: &str = "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])";
const GROUP: &str = "application.major.version";

/// Registers both versions, sends one record of each, and returns the polled records.
async fn records(url: &str) -> (Consumer, ConsumedRecord, ConsumedRecord) {
    let client = SchemaRegistryClient::new(url);
    let subject = "widgets-value";
    let group = ServerConfig {
        compatibility_group: Some(GROUP.to_string()),
        ..ServerConfig::default()
    };
    client
        .set_config(Some(subject), &group)
        .await
        .expect("config");
    let v1 = Schema::avro(WidgetV1::avro_schema_json())
        .with_metadata(Metadata::default().with_property(GROUP, "1"));
    let v1 = client.register(subject, &v1).await.expect("v1");
    let rules = RuleSet {
        migration_rules: vec![Rule::new(
            "size_to_height",
            RuleKind::Transform,
            RuleMode::Upgrade,
            "JSONATA",
        )
        .with_expr(UPGRADE)],
        ..RuleSet::default()
    };
    let v2 = Schema::avro(WidgetV2::avro_schema_json())
        .with_metadata(Metadata::default().with_property(GROUP, "2"))
        .with_rule_set(rules);
    let v2 = client.register(subject, &v2).await.expect("v2");
    let producer = Producer::builder()
        .schema_registry(url)
        .build()
        .await
        .expect("producer");
    let mut payload = Vec::new();
    WidgetV1 {
        name: "kite".into(),
        size: 3,
        color: "red".into(),
    }
    .encode_value(&mut payload)
    .expect("encode");
    producer
        .send_with_schema_id("widgets", None, &payload, v1, None)
        .await
        .expect("send");
    payload.clear();
    WidgetV2 {
        name: "kite".into(),
        height: 3,
        color: "red".into(),
    }
    .encode_value(&mut payload)
    .expect("encode");
    producer
        .send_with_schema_id("widgets", None, &payload, v2, None)
        .await
        .expect("send");
    let mut consumer = Consumer::builder()
        .schema_registry(url)
        .transport(producer.transport().clone())
        .subscribe("widgets")
        .build()
        .await
        .expect("consumer");
    let first = consumer
        .poll(Duration::from_secs(1))
        .await
        .expect("poll")
        .expect("v1 record");
    let second = consumer
        .poll(Duration::from_secs(1))
        .await
        .expect("poll")
        .expect("v2 record");
    (consumer, first, second)
}

fn migration(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let url = "mock://bench-migration";
    let (consumer, v1_record, v2_record) = rt.block_on(records(url));
    let reader = MigratingReader::new(
        SchemaRegistryClient::new(url),
        ReaderVersion::Latest,
        RuleRegistry::with_defaults(),
    );
    // Warm the reader's caches (reader version, plan, compiled rule) and check the result.
    let migrated = rt
        .block_on(reader.migrate(&v1_record))
        .expect("migrate")
        .expect("a migration");
    assert_eq!(
        consumer.decode::<WidgetV2>(&migrated).expect("decode"),
        WidgetV2 {
            name: "kite".into(),
            height: 3,
            color: "red".into()
        }
    );

    let mut group = c.benchmark_group("migration");
    let expr = JsonataExpr::compile(UPGRADE).expect("compile");
    let v1_json = serde_json::json!({"name": "kite", "size": 3, "color": "red"});
    group.bench_function("jsonata_eval", |b| {
        b.iter(|| expr.evaluate(black_box(&v1_json)).expect("evaluate"))
    });
    let mut arena = jsonata_rs::Arena::new();
    group.bench_function("jsonata_parse", |b| {
        b.iter(|| {
            arena.reset();
            jsonata_rs::JsonAta::new(black_box(UPGRADE), &arena)
                .map(|_| ())
                .expect("parse")
        })
    });
    let identity = JsonataExpr::compile("$").expect("compile");
    group.bench_function("jsonata_identity", |b| {
        b.iter(|| identity.evaluate(black_box(&v1_json)).expect("evaluate"))
    });
    group.bench_function("v1_to_v2", |b| {
        b.to_async(&rt).iter(|| async {
            let migrated = reader
                .migrate(black_box(&v1_record))
                .await
                .expect("migrate")
                .expect("a migration");
            consumer.decode::<WidgetV2>(&migrated).expect("decode")
        })
    });
    group.bench_function("decode_same_schema_v2", |b| {
        b.iter(|| {
            consumer
                .decode::<WidgetV2>(black_box(&v2_record))
                .expect("decode")
        })
    });
    group.finish();
}

criterion_group!(benches, migration);
criterion_main!(benches);
