//! A type's own `CEL` CONDITION rules, compiled to Rust by the derive
//! (`StreamSchema::declared_condition`), must give the interpreter's verdict: for every
//! expression of the compiled subset and a few hundred values, the compiled code and the
//! rule engine's CEL interpreter (on the value's Avro bytes, as the producer runs it) agree.
//! Expressions outside the subset are not compiled. The producer sends a record whose
//! compiled conditions pass without the interpreter, and refuses one that fails exactly as
//! the interpreter refuses it.
#![cfg(feature = "rules")]

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use streamhouse_schema::codec::avro::AvroEncode;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient, ServerConfig};
use streamhouse_schema::rules::cel::compile_condition;
use streamhouse_schema::rules::{
    execute_rules, RuleError, RuleExecutor, RuleRegistry, RuleRun, RuleSchema,
};
use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// Every expression the derive compiles, one rule each (all WRITE conditions).
const COMPILED: &[&str] = &[
    "message.amount > 0.0 && size(message.id) > 0",
    "message.count >= 3 || message.flag",
    "!(message.big < -5) && message.small != 7",
    "message.id.startsWith('ord-') && message.id.endsWith('9') || message.id.contains('x')",
    "message.ratio <= 0.1 || message.items.size() < 3 && size(message.data) == 2",
    "message.id == 'é' || message.id < 'b' || message.id >= 'ord'",
    "message.flag == false && message.amount != message.amount",
    "message.big <= 9223372036854775807 && message.count > -2147483648",
    "message.amount >= -0.0 && message.ratio < 1.5",
    "message.small == 255 || message.small == 0 || !message.flag",
    "size(message.id) == 1 && message.ratio > 0.0",
];

/// Expressions outside the subset: the interpreter runs them.
const NOT_COMPILED: &[&str] = &[
    "message.note == null",
    "message.amount > 0",
    "message.count + 1 > 2",
    "message.items.all(i, i > 0)",
    "size(message.note) > 0",
    "message.id.matches('^o')",
    "true ; message.amount > 0.0",
];

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "readings", namespace = "com.acme.compiled")]
#[stream_schema(rule(name = "c0", expr = "message.amount > 0.0 && size(message.id) > 0"))]
#[stream_schema(rule(name = "c1", expr = "message.count >= 3 || message.flag"))]
#[stream_schema(rule(name = "c2", expr = "!(message.big < -5) && message.small != 7"))]
#[stream_schema(rule(
    name = "c3",
    expr = "message.id.startsWith('ord-') && message.id.endsWith('9') || message.id.contains('x')"
))]
#[stream_schema(rule(
    name = "c4",
    expr = "message.ratio <= 0.1 || message.items.size() < 3 && size(message.data) == 2"
))]
#[stream_schema(rule(
    name = "c5",
    expr = "message.id == 'é' || message.id < 'b' || message.id >= 'ord'"
))]
#[stream_schema(rule(
    name = "c6",
    expr = "message.flag == false && message.amount != message.amount"
))]
#[stream_schema(rule(
    name = "c7",
    expr = "message.big <= 9223372036854775807 && message.count > -2147483648"
))]
#[stream_schema(rule(name = "c8", expr = "message.amount >= -0.0 && message.ratio < 1.5"))]
#[stream_schema(rule(
    name = "c9",
    expr = "message.small == 255 || message.small == 0 || !message.flag"
))]
#[stream_schema(rule(name = "c10", expr = "size(message.id) == 1 && message.ratio > 0.0"))]
#[stream_schema(rule(name = "n0", expr = "message.note == null"))]
#[stream_schema(rule(name = "n1", expr = "message.amount > 0"))]
#[stream_schema(rule(name = "n2", expr = "message.count + 1 > 2"))]
#[stream_schema(rule(name = "n3", expr = "message.items.all(i, i > 0)"))]
#[stream_schema(rule(name = "n4", expr = "size(message.note) > 0"))]
#[stream_schema(rule(name = "n5", expr = "message.id.matches('^o')"))]
#[stream_schema(rule(name = "n6", expr = "true ; message.amount > 0.0"))]
struct Reading {
    id: String,
    amount: f64,
    ratio: f32,
    count: i32,
    big: i64,
    small: u8,
    flag: bool,
    items: Vec<i32>,
    data: Vec<u8>,
    note: Option<String>,
}

/// Polls a future that never waits (CEL rules with the built-in actions do not).
fn run_ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("CEL rules completed without waiting"),
    }
}

/// The interpreter's verdict on `value` for `expr`: the rule engine's WRITE run of a schema
/// holding only that condition, on the value's Avro bytes; `None` when the evaluation
/// failed (the `cel` crate cannot order NaN).
fn interpreted(registry: &RuleRegistry, id: i32, expr: &str, value: &Reading) -> Option<bool> {
    let rule = Rule::new("rule", RuleKind::Condition, RuleMode::Write, "CEL").with_expr(expr);
    let schema = Schema::avro(Reading::avro_schema_json()).with_rule_set(RuleSet {
        domain_rules: vec![rule],
        ..RuleSet::default()
    });
    let schema = match RuleSchema::parse(Arc::new(schema)) {
        Ok(schema) => schema,
        Err(error) => unreachable!("the schema parses: {error}"),
    };
    let mut bytes = Vec::new();
    assert!(value.encode_avro(&mut bytes).is_ok());
    let message = match schema.decode(&bytes) {
        Ok(message) => message,
        Err(error) => unreachable!("its bytes decode: {error}"),
    };
    let run = RuleRun {
        subject: "readings-value",
        topic: "readings",
        is_key: false,
        schema_id: id,
        target: &schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    match run_ready(execute_rules(registry, &run, RuleMode::Write, message)) {
        Ok(_) => Some(true),
        Err(failure) => match failure.reason {
            RuleError::Condition { .. } => Some(false),
            RuleError::Execution { .. } => None,
            other => panic!("`{expr}` on {value:?}: unexpected failure: {other}"),
        },
    }
}

/// A few hundred readings from a small linear congruential generator over edge values.
fn readings() -> Vec<Reading> {
    const IDS: &[&str] = &["", "ord-9", "ord-1", "x", "é", "b", "a", "ordinal", "zzz"];
    const AMOUNTS: &[f64] = &[-1.0, 0.0, -0.0, 2.5, f64::NAN, f64::INFINITY, 1e300];
    const RATIOS: &[f32] = &[0.1, 1.5, 2.0, -0.0, f32::NAN];
    const COUNTS: &[i32] = &[i32::MIN, -3, 2, 3, 4, i32::MAX];
    const BIGS: &[i64] = &[i64::MIN, -6, -5, 0, i64::MAX];
    const SMALLS: &[u8] = &[0, 7, 255];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut pick = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are the well-mixed ones.
        ((state >> 33) % n as u64) as usize
    };
    (0..300)
        .map(|_| Reading {
            id: IDS[pick(IDS.len())].to_string(),
            amount: AMOUNTS[pick(AMOUNTS.len())],
            ratio: RATIOS[pick(RATIOS.len())],
            count: COUNTS[pick(COUNTS.len())],
            big: BIGS[pick(BIGS.len())],
            small: SMALLS[pick(SMALLS.len())],
            flag: pick(2) == 1,
            items: (0..pick(5) as i32).collect(),
            data: vec![1; pick(4)],
            note: (pick(2) == 1).then(|| "n".to_string()),
        })
        .collect()
}

#[test]
fn compiled_conditions_give_the_interpreters_verdict() {
    let registry = RuleRegistry::with_defaults();
    let values = readings();
    // [compiled false, compiled true, undecided (a NaN ordered: the interpreter runs)]
    let mut verdicts = [0usize; 3];
    for (index, expr) in COMPILED.iter().enumerate() {
        // One schema id per expression: the interpreter caches programs by it.
        let id = i32::try_from(index).unwrap_or(0) + 1;
        for value in &values {
            let compiled = value.declared_condition(expr);
            let interpreted = interpreted(&registry, id, expr, value);
            match (compiled, interpreted) {
                (Some(c), Some(i)) => assert_eq!(c, i, "`{expr}` on {value:?}"),
                // Where the interpreter fails, the compiled code never lets a record pass.
                (Some(c), None) => assert!(
                    !c,
                    "`{expr}` on {value:?}: compiled true, interpreter failed"
                ),
                (None, _) => {}
            }
            verdicts[compiled.map_or(2, usize::from)] += 1;
        }
    }
    // Both verdicts are common, undecided is rare (NaN orderings only).
    assert!(verdicts[0] > 300 && verdicts[1] > 300, "{verdicts:?}");
    assert!(verdicts[2] < verdicts[0] / 4, "{verdicts:?}");
    let undecided_only_on_nan = values.iter().all(|v| {
        COMPILED.iter().all(|expr| {
            v.declared_condition(expr).is_some() || v.amount.is_nan() || v.ratio.is_nan()
        })
    });
    assert!(undecided_only_on_nan);
}

/// Conditions no type here declares, as a registry would hold them: compiled at run time
/// against the type's field table.
const REGISTERED_ONLY: &[&str] = &[
    "message.ratio > 0.5 || message.big == 0",
    "message.flag != true && size(message.items) >= 2",
    "!(message.id == 'x') && message.count < 3",
    "message.small <= 7 && message.amount < 2.5",
    "message.data.size() > 1 || message.id.endsWith('1')",
    "(message.amount == message.amount) == message.flag",
];

#[test]
fn registered_conditions_compiled_against_the_field_table_give_the_interpreters_verdict() {
    let registry = RuleRegistry::with_defaults();
    let values = readings();
    let mut verdicts = [0usize; 3];
    for (index, expr) in COMPILED.iter().chain(REGISTERED_ONLY).enumerate() {
        let Some(compiled) = compile_condition(Reading::cel_fields(), expr) else {
            panic!("`{expr}` is in the subset");
        };
        // Ids apart from the other test's: the interpreter caches programs by id.
        let id = i32::try_from(index).unwrap_or(0) + 101;
        for value in &values {
            let at_run_time = compiled.eval(&|field| value.cel_value(field));
            if COMPILED.contains(expr) {
                // The same subset as the derive's: the same answers.
                assert_eq!(at_run_time, value.declared_condition(expr), "`{expr}`");
            }
            match (at_run_time, interpreted(&registry, id, expr, value)) {
                (Some(c), Some(i)) => assert_eq!(c, i, "`{expr}` on {value:?}"),
                (Some(c), None) => assert!(!c, "`{expr}` on {value:?}: true, interpreter failed"),
                (None, _) => {}
            }
            verdicts[at_run_time.map_or(2, usize::from)] += 1;
        }
    }
    assert!(verdicts[0] > 500 && verdicts[1] > 500, "{verdicts:?}");
    assert!(verdicts[2] < verdicts[0] / 4, "{verdicts:?}");
    for expr in NOT_COMPILED {
        assert!(
            compile_condition(Reading::cel_fields(), expr).is_none(),
            "`{expr}`"
        );
    }
    // A field the type does not have, or one of a kind compared with another kind.
    for expr in [
        "message.missing > 0",
        "message.count > 1.0",
        "message.id == 1",
        "message.flag < true",
        "size(message.amount) > 0",
    ] {
        assert!(
            compile_condition(Reading::cel_fields(), expr).is_none(),
            "`{expr}`"
        );
    }
}

#[test]
fn the_field_table_lists_the_schema_fields_in_order_with_their_kinds() {
    use streamhouse_schema::__private::cel_fields::{Field, Kind, Size, Value};
    let table = Reading::cel_fields();
    let field = |name, kind, size| Field { name, kind, size };
    assert_eq!(
        table,
        [
            field("id", Some(Kind::String), Some(Size::Chars)),
            field("amount", Some(Kind::Double), None),
            field("ratio", Some(Kind::Double), None),
            field("count", Some(Kind::Int), None),
            field("big", Some(Kind::Int), None),
            field("small", Some(Kind::Int), None),
            field("flag", Some(Kind::Bool), None),
            field("items", None, Some(Size::Len)),
            field("data", None, Some(Size::Len)),
            field("note", None, None),
        ]
    );
    let value = Reading {
        id: "ord-1".into(),
        amount: 2.5,
        ratio: 0.5,
        count: -3,
        big: i64::MAX,
        small: 255,
        flag: true,
        items: vec![1, 2],
        data: vec![9],
        note: Some("n".into()),
    };
    let read: Vec<Option<Value<'_>>> = (0..table.len() + 1).map(|i| value.cel_value(i)).collect();
    assert_eq!(
        read,
        [
            Some(Value::Str("ord-1")),
            Some(Value::Double(2.5)),
            Some(Value::Double(0.5)),
            Some(Value::Int(-3)),
            Some(Value::Int(i64::MAX)),
            Some(Value::Int(255)),
            Some(Value::Bool(true)),
            Some(Value::Len(2)),
            Some(Value::Len(1)),
            None,
            None,
        ]
    );
}

/// The order without rules of its own: its subject's rules come from the registry.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "registered-orders", namespace = "com.acme.compiled")]
struct PlainOrder {
    id: String,
    amount: f64,
}

#[tokio::test]
async fn a_condition_registered_on_the_subject_passes_and_fails_as_the_interpreter_says() {
    let url = "mock://registered-conditions";
    let client = SchemaRegistryClient::new(url);
    let schema = Schema::avro(PlainOrder::avro_schema_json()).with_rule_set(RuleSet {
        domain_rules: vec![Rule::new(
            "positive_amount",
            RuleKind::Condition,
            RuleMode::Write,
            "CEL",
        )
        .with_expr("message.amount > 0.0 && size(message.id) > 0")],
        ..RuleSet::default()
    });
    assert!(client
        .register("registered-orders-value", &schema)
        .await
        .is_ok());
    let log = Arc::new(MemoryLog::new());
    let producer = producer(url, Arc::clone(&log), None).await;
    let good = PlainOrder {
        id: "o-1".into(),
        amount: 12.5,
    };
    for _ in 0..3 {
        let result = producer.send_typed(&good).await;
        assert!(result.is_ok(), "{result:?}");
    }
    let mut payload = Vec::new();
    assert!(good.encode_avro(&mut payload).is_ok());
    let values = sent(&log, "registered-orders").await;
    assert_eq!(values.len(), 3);
    for value in &values {
        assert_eq!(value.get(5..), Some(payload.as_slice()), "sent as encoded");
    }
    for bad in [("", 12.5), ("o-2", -1.0), ("o-3", f64::NAN)] {
        let error = producer
            .send_typed(&PlainOrder {
                id: bad.0.into(),
                amount: bad.1,
            })
            .await;
        let Err(ClientError::Rule(failure)) = error else {
            panic!("{bad:?} is refused: {error:?}");
        };
        assert_eq!(failure.rule_name, "positive_amount");
    }
    assert_eq!(
        sent(&log, "registered-orders").await.len(),
        3,
        "nothing more was sent"
    );
}

#[test]
fn expressions_outside_the_subset_are_left_to_the_interpreter() {
    let value = &readings()[0];
    for expr in NOT_COMPILED {
        assert_eq!(value.declared_condition(expr), None, "`{expr}`");
    }
    // An expression the type does not declare is not the type's to answer.
    assert_eq!(value.declared_condition("message.amount > 1.0"), None);
}

/// A small order with one compiled condition, for the producer tests.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "compiled-orders", namespace = "com.acme.compiled")]
#[stream_schema(rule(
    name = "positive_amount",
    expr = "message.amount > 0.0 && size(message.id) > 0"
))]
struct Order {
    id: String,
    amount: f64,
}

/// A CEL executor that counts its runs and delegates nothing: it passes every condition.
#[derive(Debug, Default)]
struct CountingCel {
    runs: Arc<std::sync::atomic::AtomicUsize>,
}

impl RuleExecutor for CountingCel {
    fn rule_type(&self) -> &str {
        "CEL"
    }

    fn transform(
        &self,
        _ctx: &streamhouse_schema::rules::RuleContext<'_>,
        _message: &streamhouse_schema::rules::Message,
    ) -> Result<streamhouse_schema::rules::RuleOutput, RuleError> {
        self.runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(streamhouse_schema::rules::RuleOutput::Condition(true))
    }
}

async fn producer(url: &str, log: Arc<MemoryLog>, rules: Option<RuleRegistry>) -> Producer {
    let transport: Arc<dyn Transport> = log;
    let mut builder = Producer::builder()
        .schema_registry(url)
        .transport(transport);
    if let Some(rules) = rules {
        builder = builder.rule_registry(rules);
    }
    match builder.build().await {
        Ok(producer) => producer,
        Err(error) => unreachable!("{error}"),
    }
}

/// The values of the records on `topic` (partition 0).
async fn sent(log: &MemoryLog, topic: &str) -> Vec<bytes::Bytes> {
    if !log.topic_names().iter().any(|name| name == topic) {
        // The log creates a topic with its first record.
        return Vec::new();
    }
    match log.fetch(topic, 0, 0, 100).await {
        Ok(records) => records.into_iter().map(|r| r.value).collect(),
        Err(error) => unreachable!("{error}"),
    }
}

fn order(id: &str, amount: f64) -> Order {
    Order {
        id: id.to_string(),
        amount,
    }
}

#[tokio::test]
async fn the_producer_sends_what_passes_and_refuses_what_fails_as_the_interpreter_does() {
    let url = "mock://compiled-conditions";
    let log = Arc::new(MemoryLog::new());
    let producer = producer(url, Arc::clone(&log), None).await;
    let good = order("o-1", 12.5);
    // Sent twice: the first send registers and learns the rules, the second is cached.
    for _ in 0..2 {
        let result = producer.send_typed(&good).await;
        assert!(result.is_ok(), "{result:?}");
    }
    let mut payload = Vec::new();
    assert!(good.encode_avro(&mut payload).is_ok());
    let values = sent(&log, "compiled-orders").await;
    assert_eq!(values.len(), 2);
    for value in &values {
        assert_eq!(value.first(), Some(&0), "magic byte");
        assert_eq!(value.get(5..), Some(payload.as_slice()), "sent as encoded");
    }

    let error = producer.send_typed(&order("", 12.5)).await;
    let Err(ClientError::Rule(failure)) = error else {
        panic!("a failing condition is a rule error: {error:?}");
    };
    assert_eq!(failure.rule_name, "positive_amount");
    assert_eq!(failure.mode, RuleMode::Write);
    assert_eq!(failure.action, "ERROR");
    assert_eq!(
        failure.reason.to_string(),
        "Rule expr failed: message.amount > 0.0 && size(message.id) > 0"
    );
    assert_eq!(
        sent(&log, "compiled-orders").await.len(),
        2,
        "nothing more was sent"
    );

    // The registered schema holds the declared rule, as written.
    let client = SchemaRegistryClient::new(url);
    let latest = match client.get_latest("compiled-orders-value").await {
        Ok(latest) => latest,
        Err(error) => unreachable!("{error}"),
    };
    let rules = latest
        .schema
        .rule_set
        .map(|s| s.domain_rules)
        .unwrap_or_default();
    assert_eq!(rules.len(), 1);
    assert_eq!(
        rules[0].expr.as_deref(),
        Some("message.amount > 0.0 && size(message.id) > 0")
    );
}

#[tokio::test]
async fn a_registered_cel_executor_runs_instead_of_the_compiled_conditions() {
    let url = "mock://compiled-conditions-custom";
    let log = Arc::new(MemoryLog::new());
    let counting = CountingCel::default();
    let runs = Arc::clone(&counting.runs);
    let mut rules = RuleRegistry::with_defaults();
    rules.register_executor(counting);
    let producer = producer(url, Arc::clone(&log), Some(rules)).await;
    // The compiled condition would refuse this order; the user's executor passes it.
    for _ in 0..3 {
        let result = producer.send_typed(&order("", -1.0)).await;
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(sent(&log, "compiled-orders").await.len(), 3);
}

#[tokio::test]
async fn a_rule_the_type_does_not_declare_decides_too() {
    // The subject's config adds a stricter rule to every registration: the compiled
    // condition passes, the added one does not, and the added one decides (compiled against
    // the type's field table it answers false, and the interpreter reports the failure).
    let url = "mock://compiled-conditions-override";
    let client = SchemaRegistryClient::new(url);
    let config = ServerConfig {
        override_rule_set: Some(RuleSet {
            domain_rules: vec![Rule::new(
                "big_amount",
                RuleKind::Condition,
                RuleMode::Write,
                "CEL",
            )
            .with_expr("message.amount > 100.0")],
            ..RuleSet::default()
        }),
        ..ServerConfig::default()
    };
    assert!(client
        .set_config(Some("compiled-orders-value"), &config)
        .await
        .is_ok());
    let log = Arc::new(MemoryLog::new());
    let producer = producer(url, Arc::clone(&log), None).await;
    let error = producer.send_typed(&order("o-2", 12.5)).await;
    let Err(ClientError::Rule(failure)) = error else {
        panic!("the added rule refuses the order: {error:?}");
    };
    assert_eq!(failure.rule_name, "big_amount");
    assert!(sent(&log, "compiled-orders").await.is_empty());
    let result = producer.send_typed(&order("o-3", 250.0)).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sent(&log, "compiled-orders").await.len(), 1);
}
