//! Target `cel_rules`: CEL and CEL_FIELD rules with any expression, on any message, run
//! through the rule engine as a producer runs them — typed errors only, never a panic;
//! what a rule leaves encodes and decodes to the same bytes.
//!
//! Byte 0 picks the rule (`% 4`: CEL CONDITION, CEL TRANSFORM, CEL_FIELD CONDITION,
//! CEL_FIELD TRANSFORM on the `PII`-tagged field) and (`/ 4 % 2`) the schema format (a JSON
//! Schema, or the same shape in Avro, the message then converted into it when it fits);
//! the rest is the expression, then the message as JSON (`\0`-separated).

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};

use streamhouse_schema::registry::Schema;
use streamhouse_schema::rules::convert::json_to_avro;
use streamhouse_schema::rules::{
    execute_rules, Message, ParsedSchema, RuleRegistry, RuleRun, RuleSchema,
};
use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::SchemaFormat;

use super::split::parts;

/// The Avro schema of the messages (an order with a tagged field, an optional note and
/// line items).
pub const AVRO_SCHEMA: &str = r#"{"type":"record","name":"Order","namespace":"fuzz","fields":[
  {"name":"id","type":"string"},
  {"name":"ssn","type":"string","confluent:tags":["PII"]},
  {"name":"amount","type":"double"},
  {"name":"count","type":"long"},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
    {"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}}}
]}"#;

/// The same shape as a JSON Schema.
pub const JSON_SCHEMA: &str = r#"{"type":"object","properties":{
  "id":{"type":"string"},
  "ssn":{"type":"string","confluent:tags":["PII"]},
  "amount":{"type":"number"},
  "count":{"type":"integer"},
  "note":{"type":["null","string"]},
  "items":{"type":"array","items":{"type":"object","properties":{
    "sku":{"type":"string"},"quantity":{"type":"integer"}}}}
}}"#;

/// The rule registry (CEL, CEL_FIELD), built once: its executors keep compiled programs
/// by (schema id, expression), so each input gets its own schema id.
fn registry() -> &'static RuleRegistry {
    static REGISTRY: OnceLock<RuleRegistry> = OnceLock::new();
    REGISTRY.get_or_init(RuleRegistry::with_defaults)
}

/// Polls a future that never waits on anything outside it (the CEL rules and the ERROR
/// and NONE actions do not); `None` if it would.
fn run_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The schema ids handed out, one per input, so that cached programs never answer for
/// another input's expression under the same id.
fn next_id() -> i32 {
    static NEXT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The rule of selector `kind` with `expr`.
fn rule(kind: u8, expr: &str) -> Rule {
    let (name, rule_kind, rule_type) = match kind % 4 {
        0 => ("condition", RuleKind::Condition, "CEL"),
        1 => ("transform", RuleKind::Transform, "CEL"),
        2 => ("field_condition", RuleKind::Condition, "CEL_FIELD"),
        _ => ("field_transform", RuleKind::Transform, "CEL_FIELD"),
    };
    let mut rule = Rule::new(name, rule_kind, RuleMode::Write, rule_type).with_expr(expr);
    if kind % 4 == 3 {
        rule.tags = BTreeSet::from(["PII".to_string()]);
    }
    rule
}

/// One input: see the module's documentation.
pub fn run(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let [expr, message] = parts(rest, 2)[..] else {
        return;
    };
    let Ok(expr) = std::str::from_utf8(expr) else {
        return;
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(message) else {
        return;
    };
    let (text, format) = match kind / 4 % 2 {
        0 => (JSON_SCHEMA, SchemaFormat::Json),
        _ => (AVRO_SCHEMA, SchemaFormat::Avro),
    };
    let schema = Schema::new(text, format).with_rule_set(RuleSet {
        domain_rules: vec![rule(kind, expr)],
        ..RuleSet::default()
    });
    let schema = RuleSchema::parse(Arc::new(schema)).expect("the fixed schemas parse");
    let message = match &schema.parsed {
        ParsedSchema::Avro { schema, names } => match json_to_avro(&json, schema, names) {
            Ok(value) => Message::Avro(value),
            Err(_) => return,
        },
        _ => Message::Json(json),
    };
    let run = RuleRun {
        subject: "fuzz-value",
        topic: "fuzz",
        is_key: false,
        schema_id: next_id(),
        target: &schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    let Some(outcome) = run_ready(execute_rules(registry(), &run, RuleMode::Write, message)) else {
        panic!("CEL rules completed without waiting");
    };
    // A failing rule is a typed failure naming it. A result that encodes (a transform's
    // result that does not fit is the producer's typed error) decodes, and encodes again
    // to the same bytes.
    match outcome {
        Err(failure) => assert!(!failure.rule_name.is_empty(), "the failure names its rule"),
        Ok((message, _)) => {
            let Ok(bytes) = schema.encode(&message) else {
                return;
            };
            let again = schema.decode(&bytes).expect("its bytes decode");
            assert_eq!(
                schema.encode(&again).expect("and encode again"),
                bytes,
                "the result round-trips"
            );
        }
    }
}
