//! Field-level encryption with a cached DEK (issue 14): what an `ENCRYPT` rule adds to a
//! message with one `PII` string field.
//!
//! - `rules_write/<alg>`: the rule engine's WRITE run of a record `{id, ssn (PII), amount}`
//!   with the `ENCRYPT` executor: DEK from the cache (no network), the field walk, the
//!   field encrypted and base64-encoded. `rules_read/<alg>`: the READ run decrypting it.
//! - `rules_none`: the same WRITE run on a schema whose rule set is empty (the engine's
//!   early return), the baseline a type without rules pays.
//! - `seal_field/<alg>`: the field transform alone (encrypt 11 bytes + base64).
//! - `dek_cached/<alg>`: the DEK store's cached lookup alone (what preparing the rule for
//!   a message costs besides the engine).
//!
//! Run: `cargo bench -p streamhouse-schema --features encryption --bench encryption -- --warm-up-time 1 --measurement-time 3`.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apache_avro::types::Value as AvroValue;
use criterion::{criterion_group, criterion_main, Criterion};
use streamhouse_schema::registry::{Schema, SchemaRegistryClient};
use streamhouse_schema::rules::encryption::{
    field, DekStore, EncryptExecutor, EncryptPolicy, KeyUse,
};
use streamhouse_schema::rules::{execute_rules, Message, RuleRegistry, RuleRun, RuleSchema};
use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::SchemaFormat;
use tokio::runtime::Runtime;

const SCHEMA: &str = r#"{"type":"record","name":"Customer","namespace":"bench","fields":[
  {"name":"id","type":"string"},
  {"name":"ssn","type":"string","confluent:tags":["PII"]},
  {"name":"amount","type":"double"}
]}"#;

fn params(algorithm: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("encrypt.kek.name".to_owned(), "bench-kek".to_owned()),
        ("encrypt.kms.type".to_owned(), "local-kms".to_owned()),
        ("encrypt.kms.key.id".to_owned(), "bench-key".to_owned()),
        ("encrypt.dek.algorithm".to_owned(), algorithm.to_owned()),
    ])
}

fn schema(algorithm: Option<&str>) -> RuleSchema {
    let rules = algorithm
        .map(|algorithm| {
            let mut rule = Rule::new(
                "encrypt_pii",
                RuleKind::Transform,
                RuleMode::Writeread,
                "ENCRYPT",
            );
            rule.tags = BTreeSet::from(["PII".to_owned()]);
            rule.params = params(algorithm);
            vec![rule]
        })
        .unwrap_or_default();
    let schema = Schema::new(SCHEMA, SchemaFormat::Avro).with_rule_set(RuleSet {
        domain_rules: rules,
        ..RuleSet::default()
    });
    RuleSchema::parse(Arc::new(schema)).expect("schema")
}

fn customer(ssn: &str) -> Message {
    Message::Avro(AvroValue::Record(vec![
        ("id".into(), AvroValue::String("c-1".into())),
        ("ssn".into(), AvroValue::String(ssn.into())),
        ("amount".into(), AvroValue::Double(9.5)),
    ]))
}

fn time_runs(
    rt: &Runtime,
    rules: &RuleRegistry,
    schema: &RuleSchema,
    mode: RuleMode,
    message: &Message,
    iters: u64,
) -> Duration {
    let run = RuleRun {
        subject: "customers-value",
        topic: "customers",
        is_key: false,
        schema_id: 1,
        target: schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let out = execute_rules(rules, &run, mode, black_box(message.clone())).await;
            black_box(out.expect("rules"));
        }
        start.elapsed()
    })
}

fn bench(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let store = DekStore::builder(SchemaRegistryClient::new("mock://bench-encryption"))
        .config(BTreeMap::from([(
            "secret".to_owned(),
            "bench-secret".to_owned(),
        )]))
        .build();
    let mut rules = RuleRegistry::new();
    rules.register_field_executor(EncryptExecutor::new(store.clone()));
    let mut group = c.benchmark_group("encryption");
    let plain = customer("123-45-6789");
    let none = schema(None);
    group.bench_function("rules_none", |b| {
        b.iter_custom(|iters| time_runs(&rt, &rules, &none, RuleMode::Write, &plain, iters))
    });
    for algorithm in ["AES256_GCM", "AES256_SIV"] {
        let schema = schema(Some(algorithm));
        // The first run creates the KEK and DEK; every timed run finds the DEK cached.
        let sealed = rt
            .block_on(execute_rules(
                &rules,
                &RuleRun {
                    subject: "customers-value",
                    topic: "customers",
                    is_key: false,
                    schema_id: 1,
                    target: &schema,
                    source: None,
                    headers: &[],
                    original_key: None,
                    original_wire: None,
                },
                RuleMode::Write,
                plain.clone(),
            ))
            .expect("first run")
            .0;
        group.bench_function(format!("rules_write/{algorithm}"), |b| {
            b.iter_custom(|iters| time_runs(&rt, &rules, &schema, RuleMode::Write, &plain, iters))
        });
        group.bench_function(format!("rules_read/{algorithm}"), |b| {
            b.iter_custom(|iters| time_runs(&rt, &rules, &schema, RuleMode::Read, &sealed, iters))
        });
        let params = params(algorithm);
        let policy = EncryptPolicy::from_params(|name| params.get(name).map(String::as_str))
            .expect("policy");
        let dek = rt
            .block_on(store.get(&policy, "customers-value", KeyUse::Write, 1))
            .expect("dek");
        group.bench_function(format!("dek_cached/{algorithm}"), |b| {
            b.iter(|| {
                black_box(store.cached(&policy, black_box("customers-value"), KeyUse::Write, 1))
            })
        });
        group.bench_function(format!("seal_field/{algorithm}"), |b| {
            b.iter(|| {
                let sealed =
                    field::seal(dek.cipher(), None, black_box(b"123-45-6789")).expect("seal");
                black_box(field::to_base64(&sealed))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
