//! The splice against the interpreter's run: the same message out, or no answer.

use std::collections::BTreeSet;
use std::sync::Arc;

use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;

use super::SplicePlan;
use crate::registry::{Metadata, Rule, RuleKind, RuleMode, RuleSet, Schema};
use crate::rules::cel::FieldProgram;
use crate::rules::engine::{execute_rules, RuleRun};
use crate::rules::message::{Message, ParsedSchema, RuleSchema};
use crate::rules::registry::RuleRegistry;

const HEADER: [u8; 5] = [0, 0, 0, 0, 7];

/// An order with tagged fields at every depth: top-level, in an array of records, an
/// array of strings, beside enums, fixed, decimals, maps and unions that are not tagged.
const ORDER: &str = r#"{
  "type": "record", "name": "Order", "namespace": "shop",
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
    {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "pin", "type": "int"},
    {"name": "vip", "type": "boolean"}
  ]
}"#;

fn pii() -> BTreeSet<String> {
    BTreeSet::from(["PII".to_string()])
}

fn rule(name: &str, tags: BTreeSet<String>, expr: &str) -> Rule {
    Rule {
        tags,
        ..Rule::new(name, RuleKind::Transform, RuleMode::Write, "CEL_FIELD").with_expr(expr)
    }
}

fn target(schema: &str, rules: Vec<Rule>) -> RuleSchema {
    let metadata = Metadata::default()
        .with_tags("shop.Order.ssn", ["PII"])
        .with_tags("shop.Order.aliases", ["PII"])
        .with_tags("shop.Line.secret", ["PII"])
        .with_tags("shop.Order.pin", ["PII"]);
    let schema = Schema::avro(schema)
        .with_metadata(metadata)
        .with_rule_set(RuleSet {
            domain_rules: rules,
            ..RuleSet::default()
        });
    RuleSchema::parse(Arc::new(schema)).unwrap()
}

fn plan(target: &RuleSchema) -> Option<SplicePlan> {
    let rules = &target.schema.rule_set.as_ref().unwrap().domain_rules;
    let compiled: Vec<_> = rules
        .iter()
        .map(|r| {
            (
                r,
                FieldProgram::compile(r.expr.as_deref().unwrap()).unwrap(),
            )
        })
        .collect();
    SplicePlan::new(target, compiled)
}

fn line(sku: &str, secret: &str, qty: i32) -> Value {
    Value::Record(vec![
        ("sku".into(), Value::String(sku.into())),
        ("secret".into(), Value::String(secret.into())),
        ("qty".into(), Value::Int(qty)),
    ])
}

/// An order whose tagged strings are `ssn`, each alias and each line's secret, its
/// tagged int `pin`.
fn order(ssn: &str, aliases: &[&str], secrets: &[&str], pin: i32) -> Value {
    Value::Record(vec![
        ("id".into(), Value::String("o-1".into())),
        ("ssn".into(), Value::String(ssn.into())),
        ("amount".into(), Value::Double(12.5)),
        ("status".into(), Value::Enum(1, "PAID".into())),
        (
            "aliases".into(),
            Value::Array(aliases.iter().map(|a| Value::String((*a).into())).collect()),
        ),
        (
            "lines".into(),
            Value::Array(
                secrets
                    .iter()
                    .enumerate()
                    .map(|(i, s)| line(&format!("sku-{i}"), s, i as i32 + 1))
                    .collect(),
            ),
        ),
        (
            "attrs".into(),
            Value::Map([("a".to_string(), Value::Long(-3))].into_iter().collect()),
        ),
        (
            "note".into(),
            Value::Union(1, Box::new(Value::String("door".into()))),
        ),
        ("card".into(), Value::Fixed(4, vec![1, 2, 3, 4])),
        (
            "price".into(),
            Value::Decimal(apache_avro::Decimal::from(vec![0x01, 0x2c])),
        ),
        ("at".into(), Value::TimestampMillis(1_700_000_000_000)),
        ("pin".into(), Value::Int(pin)),
        ("vip".into(), Value::Boolean(true)),
    ])
}

fn frame(target: &RuleSchema, value: Value) -> Vec<u8> {
    let ParsedSchema::Avro { schema, .. } = &target.parsed else {
        panic!("an Avro schema")
    };
    let writer = GenericDatumWriter::builder(schema).build().unwrap();
    let mut out = HEADER.to_vec();
    out.extend(writer.write_value_to_vec(value).unwrap());
    out
}

/// The interpreter's run on `frame`: the frame it sends, or `None` for an error.
fn interpreted(target: &RuleSchema, frame: &[u8]) -> Option<Vec<u8>> {
    let message = target.decode(&frame[HEADER.len()..]).ok()?;
    let run = RuleRun {
        subject: "orders-value",
        topic: "orders",
        is_key: false,
        schema_id: 7,
        target,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    let registry = RuleRegistry::with_defaults();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (message, changed) = runtime
        .block_on(execute_rules(&registry, &run, RuleMode::Write, message))
        .ok()?;
    if !changed {
        return Some(frame.to_vec());
    }
    let mut out = HEADER.to_vec();
    target.encode_into(&message, &mut out).ok()?;
    Some(out)
}

fn decoded(target: &RuleSchema, frame: &[u8]) -> Message {
    target.decode(&frame[HEADER.len()..]).unwrap()
}

#[test]
fn a_mask_replaces_every_tagged_string_with_the_bytes_avro_gives_it() {
    let target = target(
        ORDER,
        vec![rule("mask", pii(), "typeName == 'STRING' ; 'XXX'")],
    );
    let plan = plan(&target).expect("a constant mask is planned");
    let input = frame(
        &target,
        order("123-45-6789", &["al", "bo"], &["s1", "s2", "s3"], 1234),
    );
    let spliced = plan
        .apply(&input, HEADER.len())
        .expect("a valid frame walks");
    let expected = frame(
        &target,
        order("XXX", &["XXX", "XXX"], &["XXX", "XXX", "XXX"], 1234),
    );
    assert_eq!(spliced, expected);
    assert_eq!(interpreted(&target, &input), Some(expected));
}

#[test]
fn rules_apply_in_turn_and_a_guard_that_does_not_hold_keeps_the_value() {
    let target = target(
        ORDER,
        vec![
            rule("mask", pii(), "typeName == 'STRING' ; 'XXX'"),
            // No tags: every field, but the guard holds for `secret` only.
            rule("secret", BTreeSet::new(), "name == 'secret' ; 's'"),
            // Shadowed by `mask` (an earlier CEL_FIELD transform of the same tags), as in
            // Confluent's executors: it does nothing.
            rule("pin", pii(), "typeName == 'INT' ; 0"),
            rule("pin_too", BTreeSet::new(), "name == 'pin' ; 0"),
        ],
    );
    let plan = plan(&target).expect("planned");
    let input = frame(&target, order("123", &["al"], &["s1", "s2"], 1234));
    let spliced = plan.apply(&input, HEADER.len()).unwrap();
    let expected = frame(&target, order("XXX", &["XXX"], &["s", "s"], 0));
    assert_eq!(spliced, expected);
    assert_eq!(interpreted(&target, &input), Some(expected));
    // Empty arrays: nothing in them to replace.
    let input = frame(&target, order("123", &[], &[], 5));
    let expected = frame(&target, order("XXX", &[], &[], 0));
    assert_eq!(plan.apply(&input, HEADER.len()), Some(expected.clone()));
    assert_eq!(interpreted(&target, &input), Some(expected));
}

#[test]
fn rules_that_read_the_value_run_on_each_field_as_the_interpreter_runs_them() {
    let target = target(
        ORDER,
        vec![
            rule(
                "mask",
                pii(),
                "typeName == 'STRING' ; 'XXX-' + value.substring(1)",
            ),
            // Sees the first rule's result, as the interpreter's second rule does.
            rule(
                "upper",
                BTreeSet::new(),
                "name == 'secret' ; value.upperAscii()",
            ),
            rule("pin", BTreeSet::new(), "name == 'pin' ; value * 2"),
        ],
    );
    let plan = plan(&target).expect("planned");
    let input = frame(&target, order("123", &["al", "bo"], &["s1", "s2"], 21));
    let spliced = plan.apply(&input, HEADER.len()).unwrap();
    let expected = frame(
        &target,
        order("XXX-23", &["XXX-l", "XXX-o"], &["XXX-1", "XXX-2"], 42),
    );
    assert_eq!(spliced, expected);
    assert_eq!(interpreted(&target, &input), Some(expected));
    // A rule that fails on a value (`substring` past the end of "al"): the whole frame goes
    // to the interpreter, which reports it.
    let target = self::target(
        ORDER,
        vec![rule(
            "m",
            pii(),
            "typeName == 'STRING' ; value.substring(3)",
        )],
    );
    let plan = self::plan(&target).unwrap();
    let input = frame(&target, order("123-45", &["al"], &["secret"], 1));
    assert_eq!(plan.apply(&input, HEADER.len()), None);
    assert_eq!(interpreted(&target, &input), None);
    let fine = frame(&target, order("123-45", &["abcd"], &["secret"], 1));
    let expected = frame(&target, order("-45", &["d"], &["ret"], 1));
    assert_eq!(plan.apply(&fine, HEADER.len()), Some(expected.clone()));
    assert_eq!(interpreted(&target, &fine), Some(expected));
}

#[test]
fn what_depends_on_the_message_is_not_planned() {
    let unplanned = |rules: Vec<Rule>| plan(&target(ORDER, rules)).is_none();
    // The result or the guard reads the record.
    assert!(unplanned(vec![rule(
        "m",
        pii(),
        "typeName == 'STRING' ; message.id"
    )]));
    assert!(unplanned(vec![rule(
        "m",
        pii(),
        "message.amount > 1.0 ; 'XXX'"
    )]));
    // One of two rules does.
    assert!(unplanned(vec![
        rule("m", pii(), "typeName == 'STRING' ; 'XXX'"),
        rule("n", pii(), "typeName == 'STRING' ; message.id"),
    ]));
    // Reading the value is planned: the rule runs on the field alone.
    assert!(!unplanned(vec![rule(
        "m",
        pii(),
        "typeName == 'STRING' ; value + '!'"
    )]));
    assert!(!unplanned(vec![rule("m", pii(), "value == 'x' ; 'XXX'")]));
    // An error on a field (a string where an int is): the interpreter reports it.
    assert!(unplanned(vec![rule("m", pii(), "'XXX'")]));
    // Nothing replaced: no tag of the rule's on any field.
    let other = BTreeSet::from(["OTHER".to_string()]);
    assert!(unplanned(vec![rule("m", other, "'XXX'")]));
    // A replaced field in a union.
    assert!(unplanned(vec![rule(
        "m",
        BTreeSet::new(),
        "name == 'note' ; 'XXX'"
    )]));
    // But a union that nothing replaces is walked.
    assert!(!unplanned(vec![rule(
        "m",
        BTreeSet::new(),
        "name == 'ssn' ; 'XXX'"
    )]));
}

#[test]
fn recursive_types_and_uuids_are_not_planned() {
    let recursive = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "ssn", "type": "string"},
        {"name": "next", "type": ["null", "Order"]}]}"#;
    let rules = vec![rule("m", pii(), "'XXX'")];
    assert!(plan(&target(recursive, rules.clone())).is_none());
    let uuid = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "ssn", "type": "string"},
        {"name": "u", "type": {"type": "string", "logicalType": "uuid"}}]}"#;
    assert!(plan(&target(uuid, rules.clone())).is_none());
    let plain = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "ssn", "type": "string"}]}"#;
    assert!(plan(&target(plain, rules)).is_some());
}

#[test]
fn frames_the_walk_does_not_accept_whole_go_to_the_interpreter() {
    let target = target(
        ORDER,
        vec![rule("mask", pii(), "typeName == 'STRING' ; 'XXX'")],
    );
    let plan = plan(&target).unwrap();
    let input = frame(&target, order("123", &["al"], &["s1"], 9));
    // Every truncation, and a trailing byte.
    for end in HEADER.len()..input.len() {
        assert_eq!(
            plan.apply(&input[..end], HEADER.len()),
            None,
            "cut at {end}"
        );
    }
    let mut trailing = input.clone();
    trailing.push(0);
    assert_eq!(plan.apply(&trailing, HEADER.len()), None);
    // Invalid UTF-8 in a string the walk passes over (`id`: length 3, "o-1").
    let mut bad = input.clone();
    assert_eq!(&bad[5..9], &[6, b'o', b'-', b'1']);
    bad[7] = 0xff;
    assert_eq!(plan.apply(&bad, HEADER.len()), None);
    assert_eq!(interpreted(&target, &bad), None);
}

#[test]
fn a_sized_block_is_walked_unless_it_holds_a_replaced_value() {
    // Arrays in one block of count -1 (zig-zag 1) followed by its size in bytes, as Java's
    // block encoder may write them.
    let schema = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
        {"name": "ssn", "type": "string"},
        {"name": "nums", "type": {"type": "array", "items": "long"}},
        {"name": "aliases", "type": {"type": "array", "items": "string"}}]}"#;
    let target = target(schema, vec![rule("mask", pii(), "'X'")]);
    let plan = plan(&target).unwrap();
    let with = |ssn: u8, nums: &[u8], aliases: &[u8]| {
        let mut frame = HEADER.to_vec();
        frame.extend([2, ssn]); // a string of one byte
        frame.extend(nums);
        frame.extend(aliases);
        frame
    };
    // nums: count -1, size 1, the long 2, end; aliases: count 1, "b", end.
    let input = with(b'a', &[1, 2, 4, 0], &[2, 2, b'b', 0]);
    let out = plan
        .apply(&input, HEADER.len())
        .expect("a sized block of longs walks");
    assert_eq!(out, with(b'X', &[1, 2, 4, 0], &[2, 2, b'X', 0]));
    let by_interpreter = interpreted(&target, &input).unwrap();
    assert_eq!(decoded(&target, &out), decoded(&target, &by_interpreter));
    // A size that is not the block's: refused.
    assert_eq!(
        plan.apply(&with(b'a', &[1, 4, 4, 0], &[2, 2, b'b', 0]), HEADER.len()),
        None
    );
    // aliases in a sized block: its string is replaced, so the walk gives up.
    let sized = with(b'a', &[0], &[1, 4, 2, b'b', 0]);
    assert_eq!(plan.apply(&sized, HEADER.len()), None);
    let by_interpreter = interpreted(&target, &sized).unwrap();
    assert_eq!(
        decoded(&target, &by_interpreter),
        decoded(&target, &with(b'X', &[0], &[2, 2, b'X', 0]))
    );
}

/// Bytes changed at random in valid frames: whatever the walk answers, the interpreter
/// answers the same message.
#[test]
fn on_damaged_frames_the_splice_agrees_with_the_interpreter_or_gives_up() {
    let target = target(
        ORDER,
        vec![
            rule("mask", pii(), "typeName == 'STRING' ; 'XXX'"),
            rule("pin", BTreeSet::new(), "name == 'pin' ; 0"),
            rule("sku", BTreeSet::new(), "name == 'sku' ; value + '!'"),
        ],
    );
    let plan = plan(&target).unwrap();
    let base = frame(
        &target,
        order("123-45-6789", &["al", "bo"], &["s1", "s2"], 77),
    );
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut walked, mut refused) = (0, 0);
    for _ in 0..3_000 {
        let mut input = base.clone();
        for _ in 0..=(next() % 3) {
            let at = HEADER.len() + (next() as usize) % (input.len() - HEADER.len());
            input[at] = next() as u8;
        }
        match plan.apply(&input, HEADER.len()) {
            Some(out) => {
                walked += 1;
                let by_interpreter = interpreted(&target, &input)
                    .unwrap_or_else(|| panic!("the interpreter refused {input:?}"));
                assert_eq!(decoded(&target, &out), decoded(&target, &by_interpreter));
            }
            None => refused += 1,
        }
    }
    // Both outcomes happen: the check is not vacuous.
    assert!(
        walked > 100 && refused > 100,
        "walked {walked}, refused {refused}"
    );
}
