//! Unit tests of the engine, the walk and the CEL executors.

use std::collections::BTreeSet;
use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use serde_json::json;

use super::*;
use crate::registry::Schema;
use crate::schema::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};
use crate::transport::{Header, MemoryLog, Transport};

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"double"},
  {"name":"ssn","type":"string","confluent:tags":["PII"]},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"qty","type":"int"}
]}"#;

fn order(amount: f64, ssn: &str) -> Message {
    Message::Avro(AvroValue::Record(vec![
        ("id".into(), AvroValue::String("o-1".into())),
        ("amount".into(), AvroValue::Double(amount)),
        ("ssn".into(), AvroValue::String(ssn.into())),
        (
            "note".into(),
            AvroValue::Union(1, Box::new(AvroValue::String("hi".into()))),
        ),
        ("qty".into(), AvroValue::Int(3)),
    ]))
}

fn field<'m>(message: &'m Message, name: &str) -> &'m AvroValue {
    match message {
        Message::Avro(AvroValue::Record(fields)) => {
            &fields.iter().find(|(n, _)| n == name).expect("field").1
        }
        other => panic!("not a record: {other:?}"),
    }
}

fn rule(name: &str, kind: RuleKind, mode: RuleMode, rule_type: &str, expr: &str) -> Rule {
    Rule::new(name, kind, mode, rule_type).with_expr(expr)
}

fn schema_with(
    text: &str,
    format: crate::schema::SchemaFormat,
    rules: Vec<Rule>,
    metadata: Option<Metadata>,
) -> RuleSchema {
    let mut schema = Schema::new(text, format).with_rule_set(RuleSet {
        domain_rules: rules,
        ..RuleSet::default()
    });
    schema.metadata = metadata;
    RuleSchema::parse(Arc::new(schema)).expect("schema parses")
}

fn avro(rules: Vec<Rule>) -> RuleSchema {
    schema_with(ORDER, crate::schema::SchemaFormat::Avro, rules, None)
}

fn run<'a>(target: &'a RuleSchema, headers: &'a [Header]) -> RuleRun<'a> {
    RuleRun {
        subject: "orders-value",
        topic: "orders",
        is_key: false,
        schema_id: 7,
        target,
        source: None,
        headers,
        original_key: Some(b"k1"),
        original_wire: None,
    }
}

async fn exec(
    registry: &RuleRegistry,
    schema: &RuleSchema,
    mode: RuleMode,
    message: Message,
) -> Result<(Message, bool), RuleFailure> {
    execute_rules(registry, &run(schema, &[]), mode, message).await
}

#[tokio::test]
async fn cel_condition_passes_and_fails_naming_the_rule() {
    let registry = RuleRegistry::with_defaults();
    let schema = avro(vec![rule(
        "positive_amount",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL",
        "message.amount > 0.0 && size(message.id) > 0",
    )]);
    let (out, changed) = exec(&registry, &schema, RuleMode::Write, order(5.0, "123"))
        .await
        .unwrap();
    assert!(!changed);
    assert_eq!(out, order(5.0, "123"));

    let failure = exec(&registry, &schema, RuleMode::Write, order(-1.0, "123"))
        .await
        .unwrap_err();
    assert_eq!(failure.rule_name, "positive_amount");
    assert_eq!(failure.rule_type, "CEL");
    assert_eq!(failure.mode, RuleMode::Write);
    assert_eq!(failure.action, "ERROR");
    assert_eq!(
        failure.reason,
        RuleError::Condition {
            message: "Rule expr failed: message.amount > 0.0 && size(message.id) > 0".into(),
            field: None
        }
    );
    // A WRITE rule does not run on READ.
    assert!(exec(&registry, &schema, RuleMode::Read, order(-1.0, "1"))
        .await
        .is_ok());
}

#[tokio::test]
async fn cel_field_masks_the_tagged_field_only() {
    let registry = RuleRegistry::with_defaults();
    let mut mask = rule(
        "mask_pii",
        RuleKind::Transform,
        RuleMode::Read,
        "CEL_FIELD",
        "'XXX-' + name",
    );
    mask.tags = BTreeSet::from(["PII".to_string()]);
    let schema = avro(vec![mask]);
    let (out, changed) = exec(
        &registry,
        &schema,
        RuleMode::Read,
        order(5.0, "123-45-6789"),
    )
    .await
    .unwrap();
    assert!(changed);
    assert_eq!(field(&out, "ssn"), &AvroValue::String("XXX-ssn".into()));
    assert_eq!(field(&out, "id"), &AvroValue::String("o-1".into()));
}

#[tokio::test]
async fn cel_field_binds_name_type_full_name_tags_and_message() {
    let registry = RuleRegistry::with_defaults();
    let schema = avro(vec![rule(
        "bindings",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "name == 'id' ; fullName + '|' + typeName + '|' + string(size(tags)) + '|' + message.ssn",
    )]);
    let (out, _) = exec(&registry, &schema, RuleMode::Write, order(5.0, "s"))
        .await
        .unwrap();
    assert_eq!(
        field(&out, "id"),
        &AvroValue::String("shop.Order.id|STRING|0|s".into())
    );
    // The guard kept every other field as it was.
    assert_eq!(field(&out, "ssn"), &AvroValue::String("s".into()));
    assert_eq!(field(&out, "qty"), &AvroValue::Int(3));
}

#[tokio::test]
async fn cel_field_union_branch_is_typed_by_its_value() {
    let registry = RuleRegistry::with_defaults();
    let schema = avro(vec![rule(
        "note_type",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "name == 'note' ; typeName",
    )]);
    let (out, _) = exec(&registry, &schema, RuleMode::Write, order(5.0, "s"))
        .await
        .unwrap();
    assert_eq!(
        field(&out, "note"),
        &AvroValue::Union(1, Box::new(AvroValue::String("STRING".into())))
    );
    // A transform returning null moves the value to the null branch, as fastavro resolves it.
    let schema = avro(vec![rule(
        "null_note",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "name == 'note' ; null",
    )]);
    let (out, _) = exec(&registry, &schema, RuleMode::Write, order(5.0, "s"))
        .await
        .unwrap();
    assert_eq!(
        field(&out, "note"),
        &AvroValue::Union(0, Box::new(AvroValue::Null))
    );
}

#[tokio::test]
async fn cel_field_condition_failure_names_the_field() {
    let registry = RuleRegistry::with_defaults();
    let schema = avro(vec![rule(
        "short_ids",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL_FIELD",
        "name == 'id' ; size(value) < 3",
    )]);
    let failure = exec(&registry, &schema, RuleMode::Write, order(5.0, "s"))
        .await
        .unwrap_err();
    assert_eq!(failure.field.as_deref(), Some("shop.Order.id"));
    assert_eq!(failure.rule_type, "CEL_FIELD");
    assert!(
        failure.to_string().contains("on field shop.Order.id"),
        "{failure}"
    );
}

#[tokio::test]
async fn a_transform_of_the_wrong_type_is_an_error_naming_the_field() {
    let registry = RuleRegistry::with_defaults();
    let schema = avro(vec![rule(
        "bad",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "name == 'qty' ; 'many'",
    )]);
    let failure = exec(&registry, &schema, RuleMode::Write, order(5.0, "s"))
        .await
        .unwrap_err();
    assert_eq!(failure.field.as_deref(), Some("shop.Order.qty"));
    assert!(
        matches!(failure.reason, RuleError::Execution { .. }),
        "{failure:?}"
    );
    // An int out of an Avro int's range does not fit either.
    let schema = avro(vec![rule(
        "big",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "name == 'qty' ; 3000000000",
    )]);
    assert!(exec(&registry, &schema, RuleMode::Write, order(5.0, "s"))
        .await
        .is_err());
}

#[tokio::test]
async fn read_rules_run_in_reverse_order() {
    let registry = RuleRegistry::with_defaults();
    let rules = vec![
        rule(
            "a",
            RuleKind::Transform,
            RuleMode::Writeread,
            "CEL_FIELD",
            "name == 'id' ; value + 'a'",
        ),
        rule(
            "b",
            RuleKind::Transform,
            RuleMode::Writeread,
            "CEL_FIELD",
            "name == 'id' ; value + 'b'",
        ),
    ];
    let schema = avro(rules);
    let (written, _) = exec(&registry, &schema, RuleMode::Write, order(1.0, "s"))
        .await
        .unwrap();
    assert_eq!(field(&written, "id"), &AvroValue::String("o-1ab".into()));
    let (read, _) = exec(&registry, &schema, RuleMode::Read, order(1.0, "s"))
        .await
        .unwrap();
    assert_eq!(field(&read, "id"), &AvroValue::String("o-1ba".into()));
}

#[tokio::test]
async fn disabled_rules_do_not_run() {
    let failing = rule(
        "never",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL",
        "false",
    );
    let mut disabled = failing.clone();
    disabled.disabled = true;
    let registry = RuleRegistry::with_defaults();
    assert!(exec(
        &registry,
        &avro(vec![disabled]),
        RuleMode::Write,
        order(1.0, "s")
    )
    .await
    .is_ok());

    // Per client: by type (Confluent's RuleOverride) and by name.
    let mut by_type = RuleRegistry::with_defaults();
    by_type.set_override(
        "CEL",
        RuleOverride {
            disabled: Some(true),
            ..RuleOverride::default()
        },
    );
    assert!(exec(
        &by_type,
        &avro(vec![failing.clone()]),
        RuleMode::Write,
        order(1.0, "s")
    )
    .await
    .is_ok());
    let mut by_name = RuleRegistry::with_defaults();
    by_name.disable_rule("never");
    assert!(exec(
        &by_name,
        &avro(vec![failing.clone()]),
        RuleMode::Write,
        order(1.0, "s")
    )
    .await
    .is_ok());

    // enableAt other than ALL/CLIENT switches the rule set off for clients.
    let mut schema = Schema::new(ORDER, crate::schema::SchemaFormat::Avro).with_rule_set(RuleSet {
        domain_rules: vec![failing.clone()],
        enable_at: Some("CLUSTER".into()),
        ..RuleSet::default()
    });
    let target = RuleSchema::parse(Arc::new(schema.clone())).unwrap();
    assert!(exec(&registry, &target, RuleMode::Write, order(1.0, "s"))
        .await
        .is_ok());
    schema.rule_set.as_mut().unwrap().enable_at = Some("CLIENT".into());
    let target = RuleSchema::parse(Arc::new(schema)).unwrap();
    assert!(exec(&registry, &target, RuleMode::Write, order(1.0, "s"))
        .await
        .is_err());
}

#[tokio::test]
async fn on_failure_none_lets_the_record_go_on() {
    let mut failing = rule(
        "soft",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL",
        "message.amount > 100.0",
    );
    failing.on_failure = Some("NONE".into());
    let registry = RuleRegistry::with_defaults();
    let (out, _) = exec(
        &registry,
        &avro(vec![failing.clone()]),
        RuleMode::Write,
        order(1.0, "s"),
    )
    .await
    .unwrap();
    assert_eq!(out, order(1.0, "s"));
    // A "w,r" pair on WRITEREAD: the first part on WRITE, the second on READ.
    failing.mode = RuleMode::Writeread;
    failing.on_failure = Some("NONE,ERROR".into());
    let schema = avro(vec![failing]);
    assert!(exec(&registry, &schema, RuleMode::Write, order(1.0, "s"))
        .await
        .is_ok());
    let failure = exec(&registry, &schema, RuleMode::Read, order(1.0, "s"))
        .await
        .unwrap_err();
    assert_eq!(failure.action, "ERROR");
}

#[tokio::test]
async fn a_rule_without_executor_fails() {
    let registry = RuleRegistry::with_defaults();
    let failure = exec(
        &registry,
        &avro(vec![rule(
            "x",
            RuleKind::Transform,
            RuleMode::Write,
            "NOPE",
            "1",
        )]),
        RuleMode::Write,
        order(1.0, "s"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        failure.reason,
        RuleError::Unsupported("Could not find rule executor of type NOPE".into())
    );
}

#[tokio::test]
async fn an_expression_that_does_not_compile_is_an_error_not_a_panic() {
    let registry = RuleRegistry::with_defaults();
    let failure = exec(
        &registry,
        &avro(vec![rule(
            "broken",
            RuleKind::Condition,
            RuleMode::Write,
            "CEL",
            "message.amount >",
        )]),
        RuleMode::Write,
        order(1.0, "s"),
    )
    .await
    .unwrap_err();
    assert!(
        failure.reason.to_string().contains("does not compile"),
        "{failure}"
    );
}

#[tokio::test]
async fn cel_message_transform_replaces_the_message_in_its_schema() {
    let registry = RuleRegistry::with_defaults();
    let schema = avro(vec![rule(
        "rewrite",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL",
        "{'id': message.id, 'amount': message.amount * 2.0, 'ssn': '', 'qty': 1}",
    )]);
    let (out, changed) = exec(&registry, &schema, RuleMode::Write, order(2.5, "s"))
        .await
        .unwrap();
    assert!(changed);
    assert_eq!(field(&out, "amount"), &AvroValue::Double(5.0));
    assert_eq!(field(&out, "qty"), &AvroValue::Int(1));
    // The omitted nullable field takes its default (null, the first branch).
    assert_eq!(
        field(&out, "note"),
        &AvroValue::Union(0, Box::new(AvroValue::Null))
    );
}

#[tokio::test]
async fn metadata_tags_select_fields_by_wildcard_path() {
    let registry = RuleRegistry::with_defaults();
    let mut mask = rule(
        "mask",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "'***'",
    );
    mask.tags = BTreeSet::from(["SECRET".to_string()]);
    let metadata = Metadata::default().with_tags("shop.Order.i*", ["SECRET"]);
    let schema = schema_with(
        ORDER,
        crate::schema::SchemaFormat::Avro,
        vec![mask],
        Some(metadata),
    );
    let (out, _) = exec(&registry, &schema, RuleMode::Write, order(1.0, "s"))
        .await
        .unwrap();
    assert_eq!(field(&out, "id"), &AvroValue::String("***".into()));
    assert_eq!(field(&out, "ssn"), &AvroValue::String("s".into()));
}

#[tokio::test]
async fn json_schema_walk_uses_inline_tags_and_dollar_paths() {
    let registry = RuleRegistry::with_defaults();
    let text = json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "ssn": {"type": "string", "confluent:tags": ["PII"]},
            "amount": {"type": "number"},
            "customer": {"$ref": "#/definitions/Customer"}
        },
        "definitions": {"Customer": {"type": "object", "properties": {"email": {"type": "string", "confluent:tags": ["PII"]}}}}
    })
    .to_string();
    let mut mask = rule(
        "mask",
        RuleKind::Transform,
        RuleMode::Read,
        "CEL_FIELD",
        "fullName",
    );
    mask.tags = BTreeSet::from(["PII".to_string()]);
    let schema = schema_with(&text, crate::schema::SchemaFormat::Json, vec![mask], None);
    let message =
        Message::Json(json!({"id": "a", "ssn": "1", "amount": 2.5, "customer": {"email": "e@x"}}));
    let (out, changed) = exec(&registry, &schema, RuleMode::Read, message)
        .await
        .unwrap();
    assert!(changed);
    assert_eq!(
        out,
        Message::Json(
            json!({"id": "a", "ssn": "$.ssn", "amount": 2.5, "customer": {"email": "$.customer.email"}})
        )
    );
    // A JSON condition on the message.
    let schema = schema_with(
        &text,
        crate::schema::SchemaFormat::Json,
        vec![rule(
            "pos",
            RuleKind::Condition,
            RuleMode::Write,
            "CEL",
            "message.amount > 3.0",
        )],
        None,
    );
    let failure = exec(
        &registry,
        &schema,
        RuleMode::Write,
        Message::Json(json!({"amount": 2.5})),
    )
    .await
    .unwrap_err();
    assert_eq!(failure.rule_name, "pos");
}

#[tokio::test]
async fn dlq_sends_the_original_record_with_rule_headers_and_stops_it() {
    let log = Arc::new(MemoryLog::new());
    let mut registry = RuleRegistry::with_defaults();
    registry.register_action(DlqAction::new(log.clone() as Arc<dyn Transport>));
    let mut failing = rule(
        "positive",
        RuleKind::Condition,
        RuleMode::Write,
        "CEL",
        "message.amount > 0.0",
    );
    failing.on_failure = Some("DLQ".into());
    failing
        .params
        .insert("dlq.topic".into(), "orders-dlq".into());
    let schema = avro(vec![failing]);
    let incoming = [Header {
        key: "trace".into(),
        value: bytes::Bytes::from_static(b"t1"),
    }];
    let failure = execute_rules(
        &registry,
        &run(&schema, &incoming),
        RuleMode::Write,
        order(-2.0, "s"),
    )
    .await
    .unwrap_err();
    assert_eq!(failure.action, "DLQ");
    let records = log.fetch("orders-dlq", 0, 0, 10).await.unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.key.as_deref(), Some(&b"k1"[..]));
    let value: serde_json::Value = serde_json::from_slice(&record.value).unwrap();
    assert_eq!(
        value,
        json!({"id": "o-1", "amount": -2.0, "ssn": "s", "note": "hi", "qty": 3})
    );
    let headers: Vec<(&str, &[u8])> = record
        .headers
        .iter()
        .map(|h| (h.key.as_str(), &h.value[..]))
        .collect();
    assert_eq!(
        headers,
        vec![
            ("trace", &b"t1"[..]),
            ("__rule.name", b"positive"),
            ("__rule.mode", b"WRITE"),
            ("__rule.subject", b"orders-value"),
            ("__rule.topic", b"orders"),
            (
                "__rule.exception",
                b"Rule expr failed: message.amount > 0.0"
            ),
        ]
    );
    // Read back with its `__rule.name` header, the rule is skipped (`_is_dlq_replay`).
    let replay = [Header {
        key: "__rule.name".into(),
        value: bytes::Bytes::from_static(b"positive"),
    }];
    assert!(execute_rules(
        &registry,
        &run(&schema, &replay),
        RuleMode::Write,
        order(-2.0, "s")
    )
    .await
    .is_ok());
}

#[tokio::test]
async fn same_tag_field_transforms_run_once() {
    let registry = RuleRegistry::with_defaults();
    let mut first = rule(
        "first",
        RuleKind::Transform,
        RuleMode::Write,
        "CEL_FIELD",
        "value + '1'",
    );
    first.tags = BTreeSet::from(["PII".to_string()]);
    let mut second = first.clone();
    second.name = "second".into();
    second.expr = Some("value + '2'".into());
    let (out, _) = exec(
        &registry,
        &avro(vec![first, second]),
        RuleMode::Write,
        order(1.0, "s"),
    )
    .await
    .unwrap();
    // FieldRuleExecutor.transform: a later WRITE transform with the same tags is ignored.
    assert_eq!(field(&out, "ssn"), &AvroValue::String("s1".into()));
}

#[test]
fn avro_inline_tags_are_collected_by_full_name() {
    let schema = avro(Vec::new());
    assert_eq!(
        schema.inline_tags.get("shop.Order.ssn"),
        Some(&BTreeSet::from(["PII".to_string()]))
    );
    assert_eq!(schema.inline_tags.len(), 1);
}
