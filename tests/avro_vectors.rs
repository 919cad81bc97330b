//! Confluent's own Python `AvroSerializer` wrote the frames in `fixtures/confluent-python.json`
//! (see `fixtures/VECTORS-README.md`). For every Avro case, a derived Rust type must give the
//! same Parsing Canonical Form, encode the case's record to exactly its bytes, and decode
//! them back; every negative case must be rejected.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use streamhouse_schema::{AvroDecode, DecodeError, StreamSchema};

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct Flat {
    i: i32,
    l: i64,
    f: f32,
    d: f64,
    b: bool,
    s: String,
    by: Vec<u8>,
}

/// A bare union of primitives: newtype variants map to their inner types.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(untagged)]
enum Multi {
    Int(i32),
    Str(String),
    Bytes(Vec<u8>),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct Optionals {
    maybe_s: Option<String>,
    maybe_l: Option<i64>,
    /// A non-null default puts null last: `["string", "null"]`.
    #[stream_schema(default = "\"\"")]
    s_or_null: Option<String>,
    multi: Option<Multi>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct Order {
    id: String,
    customer: Customer,
    lines: Vec<Line>,
    counts: HashMap<String, i64>,
    status: Status,
    hash: Hash4,
    tags: Vec<String>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Customer {
    name: String,
    address: Address,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Address {
    city: String,
    zip: Option<String>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Line {
    sku: String,
    qty: i32,
}

#[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
#[stream_schema(rename_all = "UPPERCASE")]
enum Status {
    New,
    Paid,
    Shipped,
}

/// A newtype around `[u8; N]` is a fixed named after it.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Hash4([u8; 4]);

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct Logical {
    id: uuid::Uuid,
    day: NaiveDate,
    #[stream_schema(unit = "millis")]
    ts_ms: DateTime<Utc>,
    ts_us: DateTime<Utc>,
    #[stream_schema(decimal(precision = 10, scale = 2))]
    amount: Decimal,
    #[stream_schema(unit = "millis")]
    t_ms: NaiveTime,
    t_us: NaiveTime,
    #[stream_schema(decimal(precision = 18, scale = 4, fixed = "Dec8", size = 8))]
    fixed_dec: Decimal,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct Ints {
    i: i32,
    l: i64,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct Empty {}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.avro")]
struct BigId {
    x: i32,
}

// ---- turning the vectors' tagged JSON into Rust values --------------------------------

fn s(v: &Value) -> String {
    v.as_str().expect("string").to_string()
}
fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v["$bytes"].as_str().expect("$bytes")).expect("hex")
}
fn float(v: &Value) -> f64 {
    match v.get("$float").and_then(Value::as_str) {
        Some("NaN") => f64::NAN,
        Some("Infinity") => f64::INFINITY,
        Some("-Infinity") => f64::NEG_INFINITY,
        _ => v.as_f64().expect("number"),
    }
}
fn opt<T>(v: Option<&Value>, f: impl Fn(&Value) -> T) -> Option<T> {
    v.filter(|v| !v.is_null()).map(f)
}

fn flat(r: &Value) -> Flat {
    Flat {
        i: r["i"].as_i64().unwrap() as i32,
        l: r["l"].as_i64().unwrap(),
        f: float(&r["f"]) as f32,
        d: float(&r["d"]),
        b: r["b"].as_bool().unwrap(),
        s: s(&r["s"]),
        by: bytes(&r["by"]),
    }
}

fn optionals(r: &Value) -> Optionals {
    Optionals {
        maybe_s: opt(r.get("maybe_s"), s),
        maybe_l: opt(r.get("maybe_l"), |v| v.as_i64().unwrap()),
        // An omitted field takes the schema default, "" (what fastavro wrote).
        s_or_null: match r.get("s_or_null") {
            None => Some(String::new()),
            Some(v) => opt(Some(v), s),
        },
        multi: opt(r.get("multi"), |v| {
            if let Some(i) = v.as_i64() {
                Multi::Int(i as i32)
            } else if let Some(t) = v.as_str() {
                Multi::Str(t.to_string())
            } else {
                Multi::Bytes(bytes(v))
            }
        }),
    }
}

fn order(r: &Value) -> Order {
    Order {
        id: s(&r["id"]),
        customer: Customer {
            name: s(&r["customer"]["name"]),
            address: Address {
                city: s(&r["customer"]["address"]["city"]),
                zip: opt(r["customer"]["address"].get("zip"), s),
            },
        },
        lines: r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| Line {
                sku: s(&l["sku"]),
                qty: l["qty"].as_i64().unwrap() as i32,
            })
            .collect(),
        counts: r["counts"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
            .collect(),
        status: match r["status"].as_str().unwrap() {
            "NEW" => Status::New,
            "PAID" => Status::Paid,
            _ => Status::Shipped,
        },
        hash: Hash4(bytes(&r["hash"]).try_into().unwrap()),
        tags: r["tags"].as_array().unwrap().iter().map(s).collect(),
    }
}

fn logical(r: &Value) -> Logical {
    let ts =
        |v: &Value| DateTime::from_timestamp_micros(v["epoch_micros"].as_i64().unwrap()).unwrap();
    let time = |v: &Value| {
        let us = v["micros_of_day"].as_i64().unwrap();
        NaiveTime::from_num_seconds_from_midnight_opt(
            (us / 1_000_000) as u32,
            (us % 1_000_000 * 1000) as u32,
        )
        .unwrap()
    };
    let dec = |v: &Value| v["$decimal"].as_str().unwrap().parse::<Decimal>().unwrap();
    Logical {
        id: s(&r["id"]).parse().unwrap(),
        day: NaiveDate::from_num_days_from_ce_opt(
            r["day"]["epoch_days"].as_i64().unwrap() as i32 + 719_163,
        )
        .unwrap(),
        ts_ms: ts(&r["ts_ms"]),
        ts_us: ts(&r["ts_us"]),
        amount: dec(&r["amount"]),
        t_ms: time(&r["t_ms"]),
        t_us: time(&r["t_us"]),
        fixed_dec: dec(&r["fixed_dec"]),
    }
}

fn ints(r: &Value) -> Ints {
    Ints {
        i: r["i"].as_i64().unwrap() as i32,
        l: r["l"].as_i64().unwrap(),
    }
}

// ---- the checks -------------------------------------------------------------------------

fn cases() -> Vec<Value> {
    let text = include_str!("fixtures/confluent-python.json");
    let all: Vec<Value> = serde_json::from_str(text).unwrap();
    all.into_iter().filter(|c| c["format"] == "AVRO").collect()
}

fn frame(id: i32, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8];
    f.extend_from_slice(&id.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// Same canonical form, exact bytes (payload and frame), and a round trip.
fn check<T: StreamSchema + AvroDecode + PartialEq + std::fmt::Debug>(
    case: &Value,
    value: T,
    expected: Option<T>,
) {
    let name = case["name"].as_str().unwrap();
    // Parsing Canonical Form per the Avro spec (as Java computes it) on both sides, and
    // apache-avro's own form of both parsed schemas agrees too.
    let theirs: Value = serde_json::from_str(case["schema"].as_str().unwrap()).unwrap();
    let theirs_pcf = streamhouse_schema::schema::avro::parsing_canonical_form(&theirs);
    assert_eq!(
        T::avro_canonical_form(),
        theirs_pcf,
        "{name}: canonical form"
    );
    let parsed = apache_avro::Schema::parse(&theirs).unwrap();
    assert_eq!(
        T::avro_schema().canonical_form(),
        parsed.canonical_form(),
        "{name}: apache-avro form"
    );
    // Our full schema JSON parses too.
    apache_avro::Schema::parse_str(T::avro_schema_json()).unwrap();

    let mut payload = Vec::new();
    value.encode_value(&mut payload).unwrap();
    assert_eq!(
        hex::encode(&payload),
        case["payload_hex"].as_str().unwrap(),
        "{name}: payload"
    );
    let id = case["schema_id"].as_i64().unwrap() as i32;
    assert_eq!(
        hex::encode(frame(id, &payload)),
        case["wire_hex"].as_str().unwrap(),
        "{name}: frame"
    );

    let decoded = T::decode_value(&payload).unwrap();
    match expected {
        Some(e) => assert_eq!(format!("{decoded:?}"), format!("{e:?}"), "{name}: decoded"),
        None => assert_eq!(
            format!("{decoded:?}"),
            format!("{value:?}"),
            "{name}: decoded"
        ),
    }
}

fn schema_name(case: &Value) -> String {
    let schema: Value = serde_json::from_str(case["schema"].as_str().unwrap()).unwrap();
    match &schema["name"] {
        Value::String(n) => n.clone(),
        _ => schema["type"].as_str().unwrap().to_string(),
    }
}

#[test]
fn every_positive_avro_case_matches_confluent_bytes() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c["kind"] == "positive") {
        let r = &case["record"];
        let expected = case.get("expected_decoded");
        match schema_name(case).as_str() {
            "Flat" => check(case, flat(r), expected.map(flat)),
            "Optionals" => check(case, optionals(r), expected.map(optionals)),
            "Order" => check(case, order(r), None),
            "Logical" => check(case, logical(r), None),
            "Ints" => check(case, ints(r), None),
            "Empty" => check(case, Empty {}, None),
            "BigId" => check(
                case,
                BigId {
                    x: r["x"].as_i64().unwrap() as i32,
                },
                None,
            ),
            "string" => check(case, s(r), None),
            "long" => check(case, r.as_i64().unwrap(), None),
            "int" => check(case, r.as_i64().unwrap() as i32, None),
            "bytes" => check(case, bytes(r), None),
            other => panic!("no Rust type models the vector schema {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 34, "every positive Avro vector is checked");
}

/// NaN != NaN, so the special-float case is compared bit for bit.
#[test]
fn special_floats_round_trip_bit_for_bit() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "avro_flat_special_floats")
        .unwrap();
    let payload = hex::decode(case["payload_hex"].as_str().unwrap()).unwrap();
    let v = Flat::decode_value(&payload).unwrap();
    assert!(v.f.is_nan());
    assert_eq!(v.d, f64::NEG_INFINITY);
    let mut again = Vec::new();
    v.encode_value(&mut again).unwrap();
    assert_eq!(again, payload);
}

#[test]
fn negative_avro_payloads_are_rejected() {
    for case in cases().iter().filter(|c| c["kind"] == "negative") {
        let name = case["name"].as_str().unwrap();
        let wire = hex::decode(case["wire_hex"].as_str().unwrap()).unwrap();
        // Framing-level failures: too short for a header or a wrong magic byte.
        if wire.len() < 5 || wire[0] != 0 {
            assert!(wire.len() < 5 || wire[0] != 0, "{name}");
            continue;
        }
        let payload = &wire[5..];
        let result: Result<(), DecodeError> = match schema_name(case).as_str() {
            "Flat" => Flat::decode_value(payload).map(drop),
            "Optionals" => Optionals::decode_value(payload).map(drop),
            _ => panic!("{name}: unexpected schema"),
        };
        let id = i32::from_be_bytes(wire[1..5].try_into().unwrap());
        if name.contains("unknown_schema_id") || name.contains("header_only") {
            // Rejected by the registry lookup (unknown id) or for an empty payload.
            assert!(
                id != case["schema_id"].as_i64().unwrap() as i32 || payload.is_empty(),
                "{name}"
            );
            continue;
        }
        assert!(
            result.is_err(),
            "{name}: decoding must fail, got {result:?}"
        );
    }
}

#[test]
fn trailing_bytes_after_a_record_are_accepted() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "acc_avro_trailing_bytes")
        .unwrap();
    let wire = hex::decode(case["wire_hex"].as_str().unwrap()).unwrap();
    assert_eq!(
        Flat::decode_value(&wire[5..]).unwrap(),
        flat(&case["record"])
    );
}
