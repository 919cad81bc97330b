//! Runs each data-contract rule case of the `rules`, `encryption` and `migration` benches
//! in a loop of its own, beside the plain typed send, so that callgrind can count the
//! instructions each one takes (exact and repeatable on a busy machine, which the
//! criterion benches are not).
//!
//! ```sh
//! cargo build --release -p streamhouse-schema --features rules,encryption --example rules_instructions
//! valgrind --tool=callgrind --callgrind-out-file=cg.out \
//!     target/release/examples/rules_instructions 20000
//! callgrind_annotate --inclusive=yes cg.out | grep 'rules_instructions::run_'
//! ```
//! Divide each `run_*` total by the iteration count for instructions per message.
//! `run_engine_decrypt_gcm` is the READ run of the record `run_engine_encrypt_gcm` writes.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::rules::encryption::{DekStore, EncryptExecutor};
use streamhouse_schema::rules::jsonata::JsonataExpr;
use streamhouse_schema::rules::{execute_rules, Message, RuleRegistry, RuleRun, RuleSchema};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{JsonEncode, SchemaFormat, StreamSchema, Topic};
use tokio::runtime::Runtime;

/// One order line.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop")]
struct LineItem {
    sku: String,
    quantity: i32,
    unit_price: f64,
}

/// The order of the producer benchmark.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "orders")]
struct Order {
    id: String,
    customer_id: String,
    amount: f64,
    currency: String,
    note: Option<String>,
    items: Vec<LineItem>,
}

/// The Order's fields as another type, registered without rules.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "plain-orders")]
struct PlainOrder {
    id: String,
    customer_id: String,
    amount: f64,
    currency: String,
    note: Option<String>,
    items: Vec<LineItem>,
}

fn items() -> Vec<LineItem> {
    (0..3)
        .map(|i| LineItem {
            sku: format!("SKU-{i:03}"),
            quantity: i + 1,
            unit_price: 9.99 + f64::from(i),
        })
        .collect()
}

fn order() -> Order {
    Order {
        id: "ord-1001".to_string(),
        customer_id: "cust-42".to_string(),
        amount: 59.97,
        currency: "EUR".to_string(),
        note: Some("leave at the door".to_string()),
        items: items(),
    }
}

/// The Order's fields with the condition declared on the type: the derive compiles it, and
/// `send_typed` evaluates it on the value instead of decoding the bytes for the interpreter.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench.shop", topic = "declared-orders")]
#[stream_schema(rule(
    name = "positive",
    expr = "message.amount > 0.0 && size(message.id) > 0"
))]
struct DeclaredOrder {
    id: String,
    customer_id: String,
    amount: f64,
    currency: String,
    note: Option<String>,
    items: Vec<LineItem>,
}

fn declared_order() -> DeclaredOrder {
    DeclaredOrder {
        id: "ord-1001".to_string(),
        customer_id: "cust-42".to_string(),
        amount: 59.97,
        currency: "EUR".to_string(),
        note: Some("leave at the door".to_string()),
        items: items(),
    }
}

fn plain_order() -> PlainOrder {
    PlainOrder {
        id: "ord-1001".to_string(),
        customer_id: "cust-42".to_string(),
        amount: 59.97,
        currency: "EUR".to_string(),
        note: Some("leave at the door".to_string()),
        items: items(),
    }
}

/// A producer on registry `url` whose `orders-value` subject holds the Order with `rules`.
async fn producer(url: &str, rules: Vec<Rule>) -> Producer {
    if !rules.is_empty() {
        let client = SchemaRegistryClient::try_new(url).expect("client");
        let schema = Schema::avro(Order::avro_schema_json())
            .with_metadata(Metadata::default().with_tags("bench.shop.Order.customer_id", ["PII"]))
            .with_rule_set(RuleSet {
                domain_rules: rules,
                ..RuleSet::default()
            });
        client
            .register("orders-value", &schema)
            .await
            .expect("register");
    }
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(log)
        .build()
        .await
        .expect("producer");
    producer.send_typed(&order()).await.expect("first send");
    producer
}

/// The loop of each `run_*` send case; `case` (a different constant in each) keeps the
/// compiler from merging the cases' identical bodies into one function.
#[inline(always)]
fn sends<T>(rt: &Runtime, producer: &Producer, value: &T, n: usize, case: &str)
where
    T: Topic + JsonEncode + 'static,
    T::Key: JsonEncode + 'static,
{
    black_box(case);
    rt.block_on(async {
        for _ in 0..n {
            black_box(producer.send_typed(black_box(value)).await.is_ok());
        }
    });
}

#[inline(never)]
fn run_send_typed_plain(rt: &Runtime, producer: &Producer, value: &Order, n: usize) {
    sends(rt, producer, value, n, "plain");
}

#[inline(never)]
fn run_send_typed_cel_condition(rt: &Runtime, producer: &Producer, value: &Order, n: usize) {
    sends(rt, producer, value, n, "cel_condition");
}

#[inline(never)]
fn run_send_typed_cel_condition_compiled(
    rt: &Runtime,
    producer: &Producer,
    value: &DeclaredOrder,
    n: usize,
) {
    sends(rt, producer, value, n, "cel_condition_compiled");
}

#[inline(never)]
fn run_send_typed_cel_field_mask(rt: &Runtime, producer: &Producer, value: &Order, n: usize) {
    sends(rt, producer, value, n, "cel_field_mask");
}

#[inline(never)]
fn run_send_typed_cel_field_mask_value(rt: &Runtime, producer: &Producer, value: &Order, n: usize) {
    sends(rt, producer, value, n, "cel_field_mask_value");
}

#[inline(never)]
fn run_send_typed_plain_beside_rules(
    rt: &Runtime,
    producer: &Producer,
    value: &PlainOrder,
    n: usize,
) {
    sends(rt, producer, value, n, "plain_beside_rules");
}

const CUSTOMER: &str = r#"{"type":"record","name":"Customer","namespace":"bench","fields":[
  {"name":"id","type":"string"},
  {"name":"ssn","type":"string","confluent:tags":["PII"]},
  {"name":"amount","type":"double"}
]}"#;

fn customer_schema(rules: Vec<Rule>) -> RuleSchema {
    let schema = Schema::new(CUSTOMER, SchemaFormat::Avro).with_rule_set(RuleSet {
        domain_rules: rules,
        ..RuleSet::default()
    });
    RuleSchema::parse(Arc::new(schema)).expect("schema")
}

/// The loop of each `run_engine_*` case (`case` as for [`sends`]).
#[inline(always)]
fn engine_runs(
    rt: &Runtime,
    rules: &RuleRegistry,
    schema: &RuleSchema,
    (mode, message): (RuleMode, &Message),
    n: usize,
    case: &str,
) {
    black_box(case);
    let run = engine_run(schema);
    rt.block_on(async {
        for _ in 0..n {
            let out = execute_rules(rules, &run, mode, black_box(message.clone())).await;
            black_box(out.is_ok());
        }
    });
}

/// The record the `run_engine_*` cases run on.
fn engine_run(schema: &RuleSchema) -> RuleRun<'_> {
    RuleRun {
        subject: "customers-value",
        topic: "customers",
        is_key: false,
        schema_id: 1,
        target: schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    }
}

#[inline(never)]
fn run_engine_no_rules(
    rt: &Runtime,
    rules: &RuleRegistry,
    schema: &RuleSchema,
    message: &Message,
    n: usize,
) {
    engine_runs(rt, rules, schema, (RuleMode::Write, message), n, "no_rules");
}

#[inline(never)]
fn run_engine_encrypt_gcm(
    rt: &Runtime,
    rules: &RuleRegistry,
    schema: &RuleSchema,
    message: &Message,
    n: usize,
) {
    engine_runs(
        rt,
        rules,
        schema,
        (RuleMode::Write, message),
        n,
        "encrypt_gcm",
    );
}

#[inline(never)]
fn run_engine_decrypt_gcm(
    rt: &Runtime,
    rules: &RuleRegistry,
    schema: &RuleSchema,
    sealed: &Message,
    n: usize,
) {
    engine_runs(
        rt,
        rules,
        schema,
        (RuleMode::Read, sealed),
        n,
        "decrypt_gcm",
    );
}

#[inline(never)]
fn run_jsonata_upgrade(expr: &JsonataExpr, input: &serde_json::Value, n: usize) {
    for _ in 0..n {
        black_box(expr.evaluate(black_box(input)).is_ok());
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(20_000);
    // An optional second argument runs only the cases whose name contains it (to profile
    // one case with `callgrind_annotate`).
    let only = std::env::args().nth(2).unwrap_or_default();
    let runs = |case: &str| case.contains(only.as_str());
    let rt = Runtime::new().expect("runtime");
    let value = order();
    let plain = rt.block_on(producer("mock://instructions-plain", Vec::new()));
    let condition = rt.block_on(producer(
        "mock://instructions-condition",
        vec![
            Rule::new("positive", RuleKind::Condition, RuleMode::Write, "CEL")
                .with_expr("message.amount > 0.0 && size(message.id) > 0"),
        ],
    ));
    let mask = rt.block_on(producer(
        "mock://instructions-mask",
        vec![Rule {
            tags: BTreeSet::from(["PII".to_string()]),
            ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                .with_expr("'XXX'")
        }],
    ));
    let mask_value = rt.block_on(producer(
        "mock://instructions-mask-value",
        vec![Rule {
            tags: BTreeSet::from(["PII".to_string()]),
            ..Rule::new("mask", RuleKind::Transform, RuleMode::Write, "CEL_FIELD")
                .with_expr("'XXX-' + value.substring(5)")
        }],
    ));
    let beside = plain_order();
    rt.block_on(condition.send_typed(&beside))
        .expect("first plain send");

    if runs("plain") {
        run_send_typed_plain(&rt, &plain, &value, n);
    }
    if runs("cel_condition") {
        run_send_typed_cel_condition(&rt, &condition, &value, n);
    }
    if runs("cel_field_mask") {
        run_send_typed_cel_field_mask(&rt, &mask, &value, n);
    }
    if runs("cel_field_mask_value") {
        run_send_typed_cel_field_mask_value(&rt, &mask_value, &value, n);
    }
    if runs("plain_beside_rules") {
        run_send_typed_plain_beside_rules(&rt, &condition, &beside, n);
    }
    let declared = declared_order();
    let compiled = rt.block_on(async {
        let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
        let producer = Producer::builder()
            .schema_registry("mock://instructions-compiled")
            .transport(log)
            .build()
            .await
            .expect("producer");
        producer.send_typed(&declared).await.expect("first send");
        producer
    });
    if runs("cel_condition_compiled") {
        run_send_typed_cel_condition_compiled(&rt, &compiled, &declared, n);
    }

    let store = DekStore::builder(SchemaRegistryClient::new("mock://instructions-encryption"))
        .config(BTreeMap::from([(
            "secret".to_owned(),
            "bench-secret".to_owned(),
        )]))
        .build();
    let mut rules = RuleRegistry::new();
    rules.register_field_executor(EncryptExecutor::new(store));
    let mut encrypt = Rule::new(
        "encrypt_pii",
        RuleKind::Transform,
        RuleMode::Writeread,
        "ENCRYPT",
    );
    encrypt.tags = BTreeSet::from(["PII".to_owned()]);
    encrypt.params = BTreeMap::from([
        ("encrypt.kek.name".to_owned(), "bench-kek".to_owned()),
        ("encrypt.kms.type".to_owned(), "local-kms".to_owned()),
        ("encrypt.kms.key.id".to_owned(), "bench-key".to_owned()),
        ("encrypt.dek.algorithm".to_owned(), "AES256_GCM".to_owned()),
    ]);
    let customer = Message::Avro(AvroValue::Record(vec![
        ("id".into(), AvroValue::String("c-1".into())),
        ("ssn".into(), AvroValue::String("123-45-6789".into())),
        ("amount".into(), AvroValue::Double(9.5)),
    ]));
    let none = customer_schema(Vec::new());
    let encrypted = customer_schema(vec![encrypt]);
    // The first run creates the KEK and DEK; the counted ones find the DEK cached.
    let (sealed, _) = rt
        .block_on(execute_rules(
            &rules,
            &engine_run(&encrypted),
            RuleMode::Write,
            customer.clone(),
        ))
        .expect("warm-up");
    // The first READ run finds the DEK cached by the WRITE run, as a consumer in the same
    // process would; warm it up too so that the counted runs are all alike.
    engine_runs(
        &rt,
        &rules,
        &encrypted,
        (RuleMode::Read, &sealed),
        1,
        "warm-up",
    );
    if runs("engine_no_rules") {
        run_engine_no_rules(&rt, &rules, &none, &customer, n);
    }
    if runs("engine_encrypt_gcm") {
        run_engine_encrypt_gcm(&rt, &rules, &encrypted, &customer, n);
    }
    if runs("engine_decrypt_gcm") {
        run_engine_decrypt_gcm(&rt, &rules, &encrypted, &sealed, n);
    }

    let upgrade = JsonataExpr::compile(
        "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])",
    )
    .expect("compile");
    let v1 = serde_json::json!({"name": "kite", "size": 3, "color": "red"});
    if runs("jsonata_upgrade") {
        run_jsonata_upgrade(&upgrade, &v1, n / 10);
    }
}
