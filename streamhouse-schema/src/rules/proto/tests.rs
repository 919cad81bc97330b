//! Rules on Protobuf messages: decode and encode with the frame's message indexes, CEL
//! bound to the message, the field walk with `(confluent.field_meta)` and metadata tags,
//! bad input as typed errors. Payloads are written out byte by byte.

use std::collections::BTreeSet;

use prost_reflect::ReflectMessage;
use std::sync::Arc;

use crate::registry::Schema;
use crate::rules::{
    execute_rules, Message, RuleError, RuleFailure, RuleRegistry, RuleRun, RuleSchema,
};
use crate::schema::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};
use crate::schema::SchemaFormat;

const ORDER: &str = r#"syntax = "proto3";
package shop;
import "confluent/meta.proto";

message Order {
  string id = 1;
  double amount = 2;
  string ssn = 3 [(confluent.field_meta) = { tags: "PII" }];
  optional string note = 4;
  repeated string aliases = 5 [(confluent.field_meta) = { tags: "PII" }];
  Customer customer = 6;
  map<string, int32> counts = 7;
  Status status = 8;
  uint32 qty = 9;
  message Customer {
    string email = 1 [(confluent.field_meta) = { tags: ["PII", "CONTACT"] }];
    int64 since = 2;
  }
}
enum Status { NEW = 0; PAID = 1; }
"#;

/// `Order { id: "o-1", amount: 5.0, ssn: "123" }` behind the index array `[0]` (`00`).
fn order_payload(amount: f64, ssn: &str) -> Vec<u8> {
    let mut out = vec![0x00];
    out.extend_from_slice(&[0x0a, 0x03, b'o', b'-', b'1']);
    out.push(0x11);
    out.extend_from_slice(&amount.to_le_bytes());
    out.extend_from_slice(&[0x1a, ssn.len() as u8]);
    out.extend_from_slice(ssn.as_bytes());
    out
}

fn rule(name: &str, kind: RuleKind, mode: RuleMode, rule_type: &str, expr: &str) -> Rule {
    Rule::new(name, kind, mode, rule_type).with_expr(expr)
}

fn tagged(mut rule: Rule, tags: &[&str]) -> Rule {
    rule.tags = tags.iter().map(|t| t.to_string()).collect();
    rule
}

fn schema(rules: Vec<Rule>, metadata: Option<Metadata>) -> RuleSchema {
    let mut schema = Schema::new(ORDER, SchemaFormat::Protobuf).with_rule_set(RuleSet {
        domain_rules: rules,
        ..RuleSet::default()
    });
    schema.metadata = metadata;
    RuleSchema::parse(Arc::new(schema)).expect("schema compiles")
}

fn run(target: &RuleSchema) -> RuleRun<'_> {
    RuleRun {
        subject: "orders-value",
        topic: "orders",
        is_key: false,
        schema_id: 11,
        target,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    }
}

/// Decodes `payload`, runs the `mode` rules, returns the re-encoded payload and whether a
/// transform changed it.
async fn apply(
    schema: &RuleSchema,
    mode: RuleMode,
    payload: &[u8],
) -> Result<(Vec<u8>, bool), RuleFailure> {
    let message = schema.decode(payload).expect("payload decodes");
    let (message, changed) =
        execute_rules(&RuleRegistry::with_defaults(), &run(schema), mode, message).await?;
    Ok((schema.encode(&message).expect("encodes"), changed))
}

#[test]
fn decode_and_encode_keep_the_index_bytes_and_the_message() {
    let schema = schema(vec![], None);
    let payload = order_payload(5.0, "123");
    let message = schema.decode(&payload).unwrap();
    assert_eq!(schema.encode(&message).unwrap(), payload);
    // The long form of `[0]` (`02 00`) stays long.
    let mut long = vec![0x02, 0x00];
    long.extend_from_slice(&payload[1..]);
    let message = schema.decode(&long).unwrap();
    match &message {
        Message::Protobuf(m) => {
            assert_eq!(m.indexes, [0x02, 0x00]);
            assert_eq!(m.message.descriptor().full_name(), "shop.Order");
        }
        other => panic!("not a Protobuf message: {other:?}"),
    }
    assert_eq!(schema.encode(&message).unwrap(), long);
    // `[0, 1]` (`04 00 02`) names the nested Customer: the map field's `CountsEntry`, declared
    // before it, takes nested slot 0. `email = "e"` is `0a 01 65`.
    let customer = [0x04, 0x00, 0x02, 0x0a, 0x01, b'e'];
    match schema.decode(&customer).unwrap() {
        Message::Protobuf(m) => {
            assert_eq!(m.message.descriptor().full_name(), "shop.Order.Customer")
        }
        other => panic!("not a Protobuf message: {other:?}"),
    }
}

#[test]
fn inline_tags_come_from_confluent_field_meta() {
    let schema = schema(vec![], None);
    let pii = BTreeSet::from(["PII".to_string()]);
    assert_eq!(schema.inline_tags.get("shop.Order.ssn"), Some(&pii));
    assert_eq!(schema.inline_tags.get("shop.Order.aliases"), Some(&pii));
    assert_eq!(
        schema.inline_tags.get("shop.Order.Customer.email"),
        Some(&BTreeSet::from(["CONTACT".to_string(), "PII".to_string()]))
    );
    assert_eq!(schema.inline_tags.get("shop.Order.id"), None);
}

#[tokio::test]
async fn cel_condition_reads_the_message_fields() {
    let schema = schema(
        vec![rule(
            "positive_amount",
            RuleKind::Condition,
            RuleMode::Write,
            "CEL",
            "message.amount > 0.0 && size(message.id) > 0 && message.status == 0 \
             && message.customer.email == '' && message.note == '' && message.counts == {}",
        )],
        None,
    );
    let payload = order_payload(5.0, "123");
    assert_eq!(
        apply(&schema, RuleMode::Write, &payload).await.unwrap(),
        (payload, false)
    );
    let failure = apply(&schema, RuleMode::Write, &order_payload(-1.0, "123"))
        .await
        .unwrap_err();
    assert_eq!(failure.rule_name, "positive_amount");
    assert!(matches!(
        failure.reason,
        RuleError::Condition { field: None, .. }
    ));
}

#[tokio::test]
async fn cel_naming_a_field_the_message_lacks_is_an_execution_error() {
    let schema = schema(
        vec![rule(
            "typo",
            RuleKind::Condition,
            RuleMode::Write,
            "CEL",
            "message.amonut > 0.0",
        )],
        None,
    );
    let failure = apply(&schema, RuleMode::Write, &order_payload(5.0, "1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&failure.reason, RuleError::Execution { message, .. } if message.contains("amonut")),
        "{failure:?}"
    );
}

#[tokio::test]
async fn cel_field_masks_the_field_meta_tagged_field_and_re_encodes() {
    let schema = schema(
        vec![tagged(
            rule(
                "mask",
                RuleKind::Transform,
                RuleMode::Write,
                "CEL_FIELD",
                "typeName == 'STRING' ; 'XXX-' + string(size(value))",
            ),
            &["PII"],
        )],
        None,
    );
    let (out, changed) = apply(&schema, RuleMode::Write, &order_payload(5.0, "123-45"))
        .await
        .unwrap();
    assert!(changed);
    assert_eq!(out, order_payload(5.0, "XXX-6"));
}

#[tokio::test]
async fn cel_field_binds_name_type_name_full_name_and_tags() {
    let expr = "name == 'ssn' ? (typeName == 'STRING' && fullName == 'shop.Order.ssn' \
                && tags == ['PII', 'PRIVATE'] && message.id == 'o-1') \
                : name == 'amount' ? (typeName == 'DOUBLE' && value == 5.0 && tags == []) \
                : name == 'qty' ? (typeName == 'INT' && value == 0) : true";
    let metadata = Metadata::default().with_tags("shop.Order.ss?", ["PRIVATE"]);
    let schema = schema(
        vec![rule(
            "bindings",
            RuleKind::Condition,
            RuleMode::Write,
            "CEL_FIELD",
            expr,
        )],
        Some(metadata),
    );
    let payload = order_payload(5.0, "1");
    assert_eq!(
        apply(&schema, RuleMode::Write, &payload).await.unwrap(),
        (payload, false)
    );
    // The same condition fails on the amount field when the amount differs.
    let failure = apply(&schema, RuleMode::Write, &order_payload(6.0, "1"))
        .await
        .unwrap_err();
    assert_eq!(failure.field.as_deref(), Some("shop.Order.amount"));
}

#[tokio::test]
async fn nested_repeated_and_unset_fields_are_walked_as_confluent_walks_them() {
    // aliases ["a", "bb"], customer { email "e@x", since 7 }, note unset.
    let mut payload = vec![0x00, 0x0a, 0x01, b'x'];
    payload.extend_from_slice(&[0x2a, 0x01, b'a', 0x2a, 0x02, b'b', b'b']);
    payload.extend_from_slice(&[0x32, 0x07, 0x0a, 0x03, b'e', b'@', b'x', 0x10, 0x07]);
    let schema = schema(
        vec![tagged(
            rule(
                "mask",
                RuleKind::Transform,
                RuleMode::Write,
                "CEL_FIELD",
                "fullName + ':' + value",
            ),
            &["PII"],
        )],
        None,
    );
    let (out, changed) = apply(&schema, RuleMode::Write, &payload).await.unwrap();
    assert!(changed);
    // ssn (unset, proto3 default "") is handed over too, as Python's getattr hands it;
    // the unset optional note is not. Fields are written in number order.
    let mut expected = vec![0x00, 0x0a, 0x01, b'x'];
    let ssn = b"shop.Order.ssn:";
    expected.extend_from_slice(&[0x1a, ssn.len() as u8]);
    expected.extend_from_slice(ssn);
    for alias in [&b"shop.Order.aliases:a"[..], b"shop.Order.aliases:bb"] {
        expected.extend_from_slice(&[0x2a, alias.len() as u8]);
        expected.extend_from_slice(alias);
    }
    let email = b"shop.Order.Customer.email:e@x";
    expected.extend_from_slice(&[0x32, (email.len() + 4) as u8, 0x0a, email.len() as u8]);
    expected.extend_from_slice(email);
    expected.extend_from_slice(&[0x10, 0x07]);
    assert_eq!(out, expected);
}

#[tokio::test]
async fn unknown_fields_survive_a_transform() {
    // Field 15 (varint 42) is not in the schema: kept as it came, as Protobuf runtimes do.
    let mut payload = order_payload(5.0, "123");
    payload.extend_from_slice(&[0x78, 0x2a]);
    let schema = schema(
        vec![tagged(
            rule(
                "mask",
                RuleKind::Transform,
                RuleMode::Read,
                "CEL_FIELD",
                "'X'",
            ),
            &["PII"],
        )],
        None,
    );
    let (out, changed) = apply(&schema, RuleMode::Read, &payload).await.unwrap();
    assert!(changed);
    let mut expected = order_payload(5.0, "X");
    expected.extend_from_slice(&[0x78, 0x2a]);
    assert_eq!(out, expected);
}

#[tokio::test]
async fn a_transform_of_the_wrong_type_is_an_error_naming_the_field() {
    let schema = schema(
        vec![tagged(
            rule(
                "bad",
                RuleKind::Transform,
                RuleMode::Write,
                "CEL_FIELD",
                "42",
            ),
            &["PII"],
        )],
        None,
    );
    let failure = apply(&schema, RuleMode::Write, &order_payload(5.0, "1"))
        .await
        .unwrap_err();
    assert_eq!(failure.field.as_deref(), Some("shop.Order.ssn"));
    assert!(matches!(failure.reason, RuleError::Execution { .. }));
}

fn whole(expr: &str) -> RuleSchema {
    schema(
        vec![rule(
            "whole",
            RuleKind::Transform,
            RuleMode::Write,
            "CEL",
            expr,
        )],
        None,
    )
}

#[tokio::test]
async fn a_cel_transform_returning_the_message_changes_nothing() {
    // Unset fields (the optional note, the customer, the map) are read as zero values and
    // stay unset; the unknown field 15 survives.
    let mut payload = order_payload(5.0, "1");
    payload.extend_from_slice(&[0x78, 0x2a]);
    for expr in ["message", "message.amount > 100.0 ; {'id': 'x'}"] {
        let (out, changed) = apply(&whole(expr), RuleMode::Write, &payload)
            .await
            .unwrap();
        assert_eq!((out, changed), (payload.clone(), false), "{expr}");
    }
}

#[tokio::test]
async fn a_cel_transform_builds_the_new_message_from_a_map_of_its_fields() {
    let expr = "{'id': message.id, 'amount': message.amount * 2.0, 'ssn': 'XXX', \
                'aliases': ['a'], 'customer': {'email': 'e'}, 'status': 1, 'qty': 3, \
                'counts': {'k': 2}}";
    let (out, changed) = apply(&whole(expr), RuleMode::Write, &order_payload(5.0, "1"))
        .await
        .unwrap();
    assert!(changed);
    let mut expected = order_payload(10.0, "XXX");
    expected.extend_from_slice(&[0x2a, 0x01, b'a']); // aliases = ["a"]
    expected.extend_from_slice(&[0x32, 0x03, 0x0a, 0x01, b'e']); // customer.email = "e"
    expected.extend_from_slice(&[0x3a, 0x05, 0x0a, 0x01, b'k', 0x10, 0x02]); // counts{k: 2}
    expected.extend_from_slice(&[0x40, 0x01, 0x48, 0x03]); // status PAID, qty 3
    assert_eq!(out, expected);
}

#[tokio::test]
async fn a_cel_transform_result_that_does_not_fit_the_message_is_an_error_naming_the_rule() {
    let cases = [
        ("{'nope': 1}", "message.nope: shop.Order has no field nope"),
        (
            "{'amount': 'x'}",
            "message.amount: a string does not fit the type DOUBLE",
        ),
        (
            "{'qty': -1}",
            "message.qty: a int does not fit the type INT",
        ),
        (
            "{'customer': 'e'}",
            "message.customer: a string where a message shop.Order.Customer belongs",
        ),
        (
            "message.id",
            "message: a string where a message shop.Order belongs",
        ),
    ];
    for (expr, expected) in cases {
        let failure = apply(&whole(expr), RuleMode::Write, &order_payload(5.0, "1"))
            .await
            .unwrap_err();
        assert_eq!(failure.rule_name, "whole");
        assert_eq!(failure.rule_type, "CEL");
        match &failure.reason {
            RuleError::Execution { message, .. } => assert_eq!(
                message,
                &format!("the CEL result does not fit the message: {expected}"),
                "{expr}"
            ),
            other => panic!("{expr}: expected an execution error, got {other:?}"),
        }
    }
}

#[test]
fn bad_payloads_are_typed_errors() {
    let schema = schema(vec![], None);
    let execution = |payload: &[u8]| match schema.decode(payload) {
        Err(RuleError::Execution { message, .. }) => message,
        other => panic!("expected an execution error, got {other:?}"),
    };
    // Truncated string.
    assert!(execution(&[0x00, 0x0a, 0x05, b'a']).contains("does not decode as shop.Order"));
    // Indexes naming no message.
    assert!(execution(&[0x02, 0x08, 0x0a]).contains("name no message"));
    // Indexes that do not parse (a negative count).
    assert!(execution(&[0x01]).contains("message indexes"));
}

const NODE: &str = r#"syntax = "proto3";
message Node { Node child = 1; string v = 2; }
"#;

/// `depth` Nodes nested through field 1.
fn nested(depth: usize) -> Vec<u8> {
    let mut inner: Vec<u8> = vec![0x12, 0x01, b'v'];
    for _ in 1..depth {
        let mut outer = vec![0x0a];
        let mut len = inner.len();
        while len >= 0x80 {
            outer.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        outer.push(len as u8);
        outer.extend_from_slice(&inner);
        inner = outer;
    }
    let mut payload = vec![0x00];
    payload.extend_from_slice(&inner);
    payload
}

#[tokio::test]
async fn deep_nesting_is_a_typed_error_not_a_stack_overflow() {
    let schema = RuleSchema::parse(Arc::new(
        Schema::new(NODE, SchemaFormat::Protobuf).with_rule_set(RuleSet {
            domain_rules: vec![rule(
                "all",
                RuleKind::Transform,
                RuleMode::Write,
                "CEL_FIELD",
                "value",
            )],
            ..RuleSet::default()
        }),
    ))
    .unwrap();
    // Beyond the decoder's recursion limit (100): the decode fails.
    assert!(matches!(
        schema.decode(&nested(150)),
        Err(RuleError::Execution { .. })
    ));
    // Within it but beyond the walk's: the walk fails.
    let message = schema.decode(&nested(90)).unwrap();
    let failure = execute_rules(
        &RuleRegistry::with_defaults(),
        &run(&schema),
        RuleMode::Write,
        message,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&failure.reason, RuleError::Execution { message, .. } if message.contains("nested too deeply")),
        "{failure:?}"
    );
    // A shallow one walks.
    let message = schema.decode(&nested(5)).unwrap();
    assert!(execute_rules(
        &RuleRegistry::with_defaults(),
        &run(&schema),
        RuleMode::Write,
        message
    )
    .await
    .is_ok());
}

#[test]
fn a_schema_with_references_is_unsupported_and_a_broken_one_an_error() {
    let mut with_refs = Schema::new(ORDER, SchemaFormat::Protobuf);
    with_refs.references = vec![crate::registry::SchemaReference {
        name: "money.proto".into(),
        subject: "money".into(),
        version: 1,
    }];
    assert!(matches!(
        RuleSchema::parse(Arc::new(with_refs)),
        Err(RuleError::Unsupported(_))
    ));
    assert!(matches!(
        RuleSchema::parse(Arc::new(Schema::new(
            "syntax = \"proto3\"; message A { Missing m = 1; }",
            SchemaFormat::Protobuf
        ))),
        Err(RuleError::Execution { .. })
    ));
}

#[test]
fn dlq_json_of_a_protobuf_message() {
    let schema = schema(vec![], None);
    let message = schema.decode(&order_payload(5.0, "123")).unwrap();
    assert_eq!(
        crate::rules::convert::message_to_json(&message),
        serde_json::json!({"id": "o-1", "amount": 5.0, "ssn": "123"})
    );
}

#[tokio::test]
async fn a_timestamp_is_one_record_value_not_walked_into() {
    let text = r#"syntax = "proto3";
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
message Event { google.protobuf.Timestamp at = 1 [(confluent.field_meta) = { tags: "PII" }]; }
"#;
    let schema = RuleSchema::parse(Arc::new(
        Schema::new(text, SchemaFormat::Protobuf).with_rule_set(RuleSet {
            domain_rules: vec![rule(
                "mask",
                RuleKind::Transform,
                RuleMode::Write,
                "CEL_FIELD",
                "'X'",
            )],
            ..RuleSet::default()
        }),
    ))
    .unwrap();
    // at { seconds: 7 }: walked into, `seconds` (a LONG) would take the untagged rule's 'X'
    // and fail; as one RECORD value CEL_FIELD leaves it, as Confluent's executor leaves
    // non-primitive values.
    let payload = [0x00, 0x0a, 0x02, 0x08, 0x07];
    assert_eq!(
        apply(&schema, RuleMode::Write, &payload).await.unwrap(),
        (payload.to_vec(), false)
    );
}
