//! Confluent's own Python `JSONSerializer` wrote the JSON frames in
//! `fixtures/confluent-python.json` (see `fixtures/VECTORS-README.md`). For each JSON case
//! a derived Rust type decodes the payload to the record's value, encodes that value back
//! to JSON that is value-equal to the payload (byte-equal where the record lists every
//! field in declaration order), and has a JSON Schema with the same properties, required
//! fields and types as the registered one. Every negative case is rejected.
//!
//! What the derive cannot model, and what is checked instead:
//! - `json_user_key_order`, `json_user_unicode` leave out optional fields; our encoding
//!   always writes every field (absent ones with their schema default), so the comparison
//!   fills the payload's absent properties with the defaults our schema states.
//! - `json_numbers_ints` holds `u64::MAX`, `json_numbers_bigint` integers beyond 64 bits:
//!   a map of `i64` refuses them with a typed error (never a lossy value); a record without
//!   those keys reads the rest exactly and skips them.
//! - `json_nested_empty` has untyped properties (`{}`, bare `array`/`object`): no Rust type
//!   derives that schema; the payload is read by a record that skips unknown fields.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use streamhouse_schema::wire::{parse_frame, SchemaId};
use streamhouse_schema::{JsonDecode, JsonDecodeError, JsonEncode, JsonSchemaDraft, StreamSchema};

/// Models the `User` schema (subject `json-user-value`).
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(additional_properties = false)]
struct User {
    id: i64,
    name: String,
    email: Option<String>,
    #[stream_schema(default = false)]
    active: bool,
    #[stream_schema(default = 0.0)]
    score: f64,
    #[stream_schema(default = "[]")]
    tags: Vec<String>,
}

/// `Numbers` as a map of `i64`.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Numbers(BTreeMap<String, i64>);

/// The 64-bit-signed keys of `json_numbers_ints` as a record.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct KnownNumbers {
    zero: i32,
    neg: i32,
    i32max: i32,
    i64max: i64,
    i64min: i64,
}

/// Reads any object, skipping every property.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Anything {}

/// `json_top_array`: an array of integers.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Ints(Vec<i64>);

fn cases() -> Vec<Value> {
    let text = include_str!("fixtures/confluent-python.json");
    let all: Vec<Value> = serde_json::from_str(text).unwrap();
    all.into_iter().filter(|c| c["format"] == "JSON").collect()
}

fn case(name: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn payload(case: &Value) -> Vec<u8> {
    let wire = hex::decode(case["wire_hex"].as_str().unwrap()).unwrap();
    let frame = parse_frame(&wire).unwrap();
    assert_eq!(
        frame.schema_id,
        SchemaId::Id(case["schema_id"].as_i64().unwrap() as i32)
    );
    assert_eq!(
        hex::encode(frame.payload),
        case["payload_hex"].as_str().unwrap()
    );
    frame.payload.to_vec()
}

/// `payload` with every property of `T`'s schema that it leaves out set to the schema's
/// default: what a reader of the payload sees.
fn with_defaults<T: StreamSchema>(payload: &Value) -> Value {
    let props = T::json_schema().as_value()["properties"]
        .as_object()
        .unwrap()
        .clone();
    let given = payload.as_object().unwrap();
    let mut out = Map::new();
    for (k, p) in &props {
        let v = given
            .get(k)
            .or_else(|| p.get("default"))
            .unwrap_or_else(|| {
                panic!(
                    "{k} is absent and has no default in {}",
                    T::json_schema_text()
                )
            });
        out.insert(k.clone(), v.clone());
    }
    Value::Object(out)
}

fn user(id: i64, name: &str) -> User {
    User {
        id,
        name: name.into(),
        email: None,
        active: false,
        score: 0.0,
        tags: vec![],
    }
}

/// Decodes the case's payload, checks the value, re-encodes and compares with the payload.
fn check_user(name: &str, expected: User) {
    let c = case(name);
    let bytes = payload(&c);
    let decoded = User::decode_json(&bytes).unwrap();
    assert_eq!(decoded, expected, "{name}: decoded");
    assert_eq!(
        serde_json::from_value::<Value>(c["record"].clone()).unwrap(),
        serde_json::from_slice::<Value>(&bytes).unwrap(),
        "{name}: the payload is the record"
    );
    let ours = decoded.to_json_vec().unwrap();
    let ours_value: Value = serde_json::from_slice(&ours).unwrap();
    let theirs: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        ours_value,
        with_defaults::<User>(&theirs),
        "{name}: value-equal"
    );
    if theirs.as_object().unwrap().len() == 6 {
        // Every field, in declaration order: the same bytes.
        assert_eq!(
            std::str::from_utf8(&ours).unwrap(),
            c["payload_utf8"].as_str().unwrap(),
            "{name}: byte-equal"
        );
        let mut frame = hex::decode(c["header_hex"].as_str().unwrap()).unwrap();
        frame.extend_from_slice(&ours);
        assert_eq!(hex::encode(frame), c["wire_hex"].as_str().unwrap());
    }
}

#[test]
fn user_cases_decode_and_re_encode() {
    check_user(
        "json_user_basic",
        User {
            id: 1,
            name: "Alice".into(),
            email: None,
            active: true,
            score: 9.5,
            tags: vec!["a".into(), "b".into()],
        },
    );
    check_user(
        "json_user_key_order",
        User {
            score: 1.0,
            ..user(2, "Zed")
        },
    );
    check_user(
        "json_user_unicode",
        User {
            email: Some("a@b.c".into()),
            ..user(-9007199254740993, "Jürgen 中文 😀 \"q\" \\ /")
        },
    );
    // Whitespace everywhere: Python's decoder accepts it, so does ours.
    let c = case("acc_json_whitespace");
    assert_eq!(User::decode_json(&payload_of(&c)), Ok(user(1, "A")));
}

fn payload_of(c: &Value) -> Vec<u8> {
    let wire = hex::decode(c["wire_hex"].as_str().unwrap()).unwrap();
    parse_frame(&wire).unwrap().payload.to_vec()
}

/// The registered schema and ours have the same properties (in order), the same required
/// fields and the same `type` for every property (and array item).
#[test]
fn user_schema_matches_the_registered_one() {
    let c = case("json_user_basic");
    let theirs: Value = serde_json::from_str(c["schema"].as_str().unwrap()).unwrap();
    for draft in [JsonSchemaDraft::Draft07, JsonSchemaDraft::Draft2020_12] {
        let ours = User::json_schema_in(draft).as_value();
        assert_eq!(ours["title"], theirs["title"]);
        assert_eq!(ours["type"], theirs["type"]);
        assert_eq!(ours["additionalProperties"], theirs["additionalProperties"]);
        assert_eq!(ours["required"], theirs["required"]);
        let (o, t) = (
            ours["properties"].as_object().unwrap(),
            theirs["properties"].as_object().unwrap(),
        );
        assert_eq!(o.keys().collect::<Vec<_>>(), t.keys().collect::<Vec<_>>());
        for (k, tp) in t {
            assert_eq!(o[k]["type"], tp["type"], "{k}: type");
            assert_eq!(o[k]["items"]["type"], tp["items"]["type"], "{k}: items");
        }
    }
    assert_eq!(
        User::json_schema_in(JsonSchemaDraft::Draft07).as_value()["$schema"],
        theirs["$schema"]
    );
    // Our schema accepts every positive User payload (and theirs accepts ours).
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(User::json_schema().as_value())
        .unwrap();
    let theirs_validator = jsonschema::validator_for(&theirs).unwrap();
    for name in [
        "json_user_basic",
        "json_user_key_order",
        "json_user_unicode",
    ] {
        let p: Value = serde_json::from_slice(&payload(&case(name))).unwrap();
        assert!(validator.is_valid(&p), "{name}");
        let ours: Value = serde_json::from_slice(
            &User::decode_json(&payload(&case(name)))
                .unwrap()
                .to_json_vec()
                .unwrap(),
        )
        .unwrap();
        assert!(
            theirs_validator.is_valid(&ours),
            "{name}: theirs accepts ours"
        );
    }
}

#[test]
fn numbers_cases_are_exact_or_a_typed_error() {
    let ints = payload(&case("json_numbers_ints"));
    // u64::MAX is beyond `long`: refused, not rounded.
    assert_eq!(
        Numbers::decode_json(&ints),
        Err(JsonDecodeError::IntOutOfRange {
            value: "18446744073709551615".into(),
            target: "i64",
            offset: 107
        })
    );
    assert_eq!(
        KnownNumbers::decode_json(&ints),
        Ok(KnownNumbers {
            zero: 0,
            neg: -1,
            i32max: i32::MAX,
            i64max: i64::MAX,
            i64min: i64::MIN,
        })
    );
    let known = KnownNumbers::decode_json(&ints)
        .unwrap()
        .to_json_vec()
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&known).unwrap(),
        r#"{"zero":0,"neg":-1,"i32max":2147483647,"i64max":9223372036854775807,"i64min":-9223372036854775808}"#,
        "the payload's bytes up to the unmodelled key"
    );
    let big = payload(&case("json_numbers_bigint"));
    assert!(matches!(
        Numbers::decode_json(&big),
        Err(JsonDecodeError::IntOutOfRange { target: "i64", .. })
    ));
    // A map of integers is an object with integer `additionalProperties`; theirs says
    // `number`, of which `integer` is the whole-number part.
    let ours = Numbers::json_schema().as_value();
    assert_eq!(ours["type"], "object");
    assert_eq!(ours["additionalProperties"]["type"], "integer");
    let small: Value = serde_json::json!({"a": 1, "b": -2});
    let n = Numbers::decode_json(small.to_string().as_bytes()).unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&n.to_json_vec().unwrap()).unwrap(),
        small
    );
}

#[test]
fn untyped_nested_payload_is_read_by_skipping() {
    let bytes = payload(&case("json_nested_empty"));
    assert_eq!(Anything::decode_json(&bytes), Ok(Anything {}));
    assert_eq!(Anything {}.to_json_vec().unwrap(), b"{}");
}

#[test]
fn top_level_string_and_array() {
    let c = case("json_top_string");
    let bytes = payload(&c);
    let s = String::decode_json(&bytes).unwrap();
    assert_eq!(s, "hello");
    assert_eq!(s.to_json_vec().unwrap(), bytes);
    let theirs: Value = serde_json::from_str(c["schema"].as_str().unwrap()).unwrap();
    assert_eq!(
        String::json_schema_in(JsonSchemaDraft::Draft07).as_value(),
        &theirs,
        "the whole schema is the same"
    );

    let c = case("json_top_array");
    let bytes = payload(&c);
    let v = Ints::decode_json(&bytes).unwrap();
    assert_eq!(v, Ints(vec![1, 2, 3]));
    assert_eq!(v.to_json_vec().unwrap(), bytes);
    assert_eq!(
        std::str::from_utf8(&bytes).unwrap(),
        c["payload_utf8"].as_str().unwrap()
    );
    let theirs: Value = serde_json::from_str(c["schema"].as_str().unwrap()).unwrap();
    let ours = Ints::json_schema_in(JsonSchemaDraft::Draft07).as_value();
    assert_eq!(ours["$schema"], theirs["$schema"]);
    assert_eq!(ours["type"], theirs["type"]);
    assert_eq!(ours["items"]["type"], theirs["items"]["type"]);
}

/// A consumer of subject `json-user-value`: frame, known id, then the typed decoder.
#[derive(Debug)]
enum Rejected {
    Frame,
    UnknownId,
    Body(JsonDecodeError),
}

fn consume_user(wire: &[u8]) -> Result<User, Rejected> {
    let frame = parse_frame(wire).map_err(|_| Rejected::Frame)?;
    if frame.schema_id != SchemaId::Id(11) {
        return Err(Rejected::UnknownId);
    }
    User::decode_json(frame.payload).map_err(Rejected::Body)
}

#[test]
fn negative_cases_are_rejected() {
    let mut seen = 0;
    for c in cases().iter().filter(|c| c["kind"] == "negative") {
        let name = c["name"].as_str().unwrap();
        let wire = hex::decode(c["wire_hex"].as_str().unwrap()).unwrap();
        let got = consume_user(&wire);
        let ok = match name {
            "neg_json_empty_frame" | "neg_json_truncated_id" | "neg_json_wrong_magic" => {
                matches!(got, Err(Rejected::Frame))
            }
            "neg_json_unknown_schema_id" => matches!(got, Err(Rejected::UnknownId)),
            "neg_json_header_only" => matches!(
                got,
                Err(Rejected::Body(JsonDecodeError::UnexpectedEof { offset: 0 }))
            ),
            "neg_json_invalid_body" => matches!(
                got,
                Err(Rejected::Body(JsonDecodeError::Syntax { offset: 1, .. }))
            ),
            "neg_json_truncated_body" => matches!(
                got,
                Err(Rejected::Body(JsonDecodeError::UnexpectedEof { .. }))
            ),
            "neg_json_schema_violation" => matches!(
                &got,
                Err(Rejected::Body(e)) if matches!(e.root_cause(), JsonDecodeError::WrongType { expected: "integer", found: "a string", .. })
            ),
            other => panic!("unexpected negative case {other}"),
        };
        assert!(ok, "{name}: {got:?}");
        seen += 1;
    }
    assert_eq!(seen, 8);
}
