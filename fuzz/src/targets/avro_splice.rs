//! Target `avro_splice`: an Avro payload sent through a producer whose schema's only WRITE
//! rules are `CEL_FIELD` transforms that do not read the record (a constant mask on the `PII`
//! fields, a constant for one field by name, a result that reads the value of another), so
//! the producer splices their results into the frame
//! (`rules/avro_splice.rs`), and through a producer whose `CEL_FIELD` executor is
//! registered by hand, so the interpreter runs them on the decoded message (after
//! `codec::avro::generic` has checked the payload's lengths, counts and depth).
//!
//! Property: the two agree. Both refuse the payload with the same rule failure, or both
//! send it, and the two records decode to the same message (the splice keeps the payload's
//! own block layout, so the bytes sent may differ where the payload is not canonical).

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use apache_avro::types::Value;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{Metadata, Schema, SchemaRegistryClient};
use streamhouse_schema::rules::{CelFieldExecutor, Message, RuleRegistry, RuleSchema};
use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::transport::{MemoryLog, Transport};

/// The schema: tagged strings at the top, in an array and in an array of records, beside
/// every kind of value the walk passes over.
pub const SCHEMA: &str = r#"{
  "type": "record", "name": "Order", "namespace": "fuzz",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "ssn", "type": "string"},
    {"name": "amount", "type": "double"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
    {"name": "aliases", "type": {"type": "array", "items": "string"}},
    {"name": "lines", "type": {"type": "array", "items": {
      "type": "record", "name": "Line",
      "fields": [
        {"name": "sku", "type": "string"},
        {"name": "secret", "type": "string"},
        {"name": "qty", "type": "int"}
      ]}}},
    {"name": "attrs", "type": {"type": "map", "values": "long"}},
    {"name": "note", "type": ["null", "string"]},
    {"name": "card", "type": {"type": "fixed", "name": "Card", "size": 4}},
    {"name": "vip", "type": "boolean"},
    {"name": "pin", "type": "long"}
  ]
}"#;

const TOPIC: &str = "fuzz-orders";

/// A producer and the log it sends to.
type Sender = (Producer, Arc<dyn Transport>);

struct Fixture {
    runtime: tokio::runtime::Runtime,
    id: i32,
    target: RuleSchema,
    spliced: Sender,
    interpreted: Sender,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime");
        let url = "mock://fuzz-avro-splice";
        let pii = BTreeSet::from(["PII".to_string()]);
        let schema = Schema::avro(SCHEMA)
            .with_metadata(
                Metadata::default()
                    .with_tags("fuzz.Order.ssn", ["PII"])
                    .with_tags("fuzz.Order.aliases", ["PII"])
                    .with_tags("fuzz.Line.secret", ["PII"]),
            )
            .with_rule_set(RuleSet {
                domain_rules: vec![
                    Rule {
                        tags: pii,
                        ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                            .with_expr("typeName == 'STRING' ; 'XXX'")
                    },
                    Rule::new("pin", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                        .with_expr("name == 'pin' ; 0"),
                    // Reads the value: run on the field alone in the splice; fails on a
                    // `sku` shorter than two characters, on both paths.
                    Rule::new("sku", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                        .with_expr("name == 'sku' ; value.substring(2) + '!'"),
                ],
                ..RuleSet::default()
            });
        let target = RuleSchema::parse(Arc::new(schema.clone())).expect("the schema parses");
        let (id, spliced, interpreted) = runtime.block_on(async {
            let client = SchemaRegistryClient::try_new(url).expect("a mock client");
            let id = client
                .register(&format!("{TOPIC}-value"), &schema)
                .await
                .expect("registered");
            let producer = |interpreter: bool| async move {
                // One record kept: each run reads back the one it sent.
                let log: Arc<dyn Transport> = Arc::new(
                    MemoryLog::builder()
                        .retain_records(std::num::NonZeroUsize::MIN)
                        .build()
                        .expect("a log"),
                );
                let mut builder = Producer::builder()
                    .schema_registry(url)
                    .transport(Arc::clone(&log));
                if interpreter {
                    // Registered by hand: the producer cannot know it is the built-in one.
                    let mut registry = RuleRegistry::with_defaults();
                    registry.register_field_executor(CelFieldExecutor::new());
                    builder = builder.rule_registry(registry);
                }
                (builder.build().await.expect("a producer"), log)
            };
            (id, producer(false).await, producer(true).await)
        });
        Fixture {
            runtime,
            id,
            target,
            spliced,
            interpreted,
        }
    })
}

/// Whether two values are the same message: floats compared by their bits (a NaN is not
/// equal to itself as a value), maps whatever their order (the schema is not recursive).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Record(x), Value::Record(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((n, v), (m, w))| n == m && same(v, w))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Union(i, v), Value::Union(j, w)) => i == j && same(v, w),
        (a, b) => a == b,
    }
}

/// The input is the Avro payload.
pub fn run(data: &[u8]) {
    let f = fixture();
    let sent = |(producer, log): &Sender| {
        f.runtime.block_on(async {
            let result = producer
                .send_with_schema_id(TOPIC, None, data, f.id, None)
                .await?;
            let records = log
                .fetch(TOPIC, result.partition, result.offset, 1)
                .await
                .map_err(ClientError::from)?;
            Ok::<_, ClientError>(records.into_iter().next().map(|r| r.value))
        })
    };
    match (sent(&f.spliced), sent(&f.interpreted)) {
        (Ok(Some(a)), Ok(Some(b))) => {
            let decode = |frame: &[u8]| {
                f.target
                    .decode(frame.get(5..).expect("a frame has a header"))
                    .expect("a sent frame decodes")
            };
            assert_eq!(a.get(..5), b.get(..5), "the two headers differ");
            let (Message::Avro(a), Message::Avro(b)) = (decode(&a), decode(&b)) else {
                panic!("an Avro schema decodes to Avro values");
            };
            assert!(
                same(&a, &b),
                "the two paths sent different messages: {a:?} / {b:?}"
            );
        }
        (Err(ClientError::Rule(a)), Err(ClientError::Rule(b))) => {
            assert_eq!(
                a.to_string(),
                b.to_string(),
                "the two paths failed differently"
            );
        }
        (a, b) => panic!("the two paths differ: {a:?} / {b:?}"),
    }
}
