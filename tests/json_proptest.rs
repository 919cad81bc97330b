//! Property tests over a corpus of derived types (flat, nested, optional, repeated, maps,
//! enums, data enums, logical types, recursive, generic): every JSON encoding validates
//! with the `jsonschema` crate against the generated JSON Schema (draft 2020-12 and
//! draft-07, formats checked), keeps field declaration order, and decodes back to the same
//! value; no input, however broken, makes the decoder panic.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;
use streamhouse_schema::{JsonDecode, JsonEncode, JsonSchemaDraft, StreamSchema};
use uuid::Uuid;

// ---- the corpus ----------------------------------------------------------------------

/// Every scalar mapping.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Flat {
    b: bool,
    i8_: i8,
    i16_: i16,
    i32_: i32,
    u8_: u8,
    u16_: u16,
    u32_: u32,
    i64_: i64,
    f32_: f32,
    f64_: f64,
    s: String,
    by: Vec<u8>,
    fx: [u8; 5],
    #[stream_schema(repr = "long")]
    wide: u64,
    #[stream_schema(repr = "fixed")]
    wide_fixed: u128,
    #[stream_schema(repr = "array")]
    byte_list: Vec<u8>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
#[stream_schema(namespace = "corpus", rename_all = "SCREAMING_SNAKE_CASE")]
enum Color {
    Red,
    DarkGreen,
    Blue,
}

/// A data enum: unit, struct and newtype variants.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
enum Shape {
    Empty,
    Circle { r: f64, label: Option<String> },
    Square(i32),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus", untagged)]
enum Bare {
    Num(i64),
    Text(String),
    Flag(bool),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Inner {
    name: String,
    color: Color,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus", additional_properties = false)]
struct Nested {
    inner: Inner,
    shape: Shape,
    bare: Bare,
    list: Vec<Inner>,
    by_name: BTreeMap<String, Inner>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Optionals {
    i: Option<i32>,
    s: Option<String>,
    by: Option<Vec<u8>>,
    color: Option<Color>,
    /// (A data enum with a unit variant cannot be optional: Avro has one null branch.)
    expr: Option<Expr>,
    inner: Option<Inner>,
    id: Option<Uuid>,
    /// A non-null default: null goes last in Avro, nothing changes in JSON.
    #[stream_schema(default = "\"dflt\"")]
    s_or_null: Option<String>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Repeated {
    longs: Vec<i64>,
    texts: Vec<String>,
    grid: Vec<Vec<f64>>,
    flags: VecDeque<bool>,
    set: BTreeSet<i32>,
    shapes: Vec<Shape>,
    maybe: Vec<Option<i16>>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Maps {
    counts: HashMap<String, i64>,
    nested: BTreeMap<String, BTreeMap<String, Option<String>>>,
    lists: HashMap<String, Vec<Color>>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Logical {
    id: Uuid,
    day: NaiveDate,
    ts_us: DateTime<Utc>,
    #[stream_schema(unit = "millis")]
    ts_ms: DateTime<Utc>,
    t_us: NaiveTime,
    #[stream_schema(unit = "millis")]
    t_ms: NaiveTime,
    local: NaiveDateTime,
    #[stream_schema(decimal(precision = 10, scale = 2))]
    amount: Decimal,
    #[stream_schema(decimal(precision = 18, scale = 4, fixed = "Dec8", size = 8))]
    fixed_amount: Decimal,
    #[stream_schema(unit = "millis")]
    maybe_ts: Option<DateTime<Utc>>,
    #[stream_schema(unit = "millis")]
    stamps: Vec<DateTime<Utc>>,
}

/// A recursive record.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Tree {
    label: String,
    children: Vec<Tree>,
    link: Option<Box<Tree>>,
}

/// A recursive data enum.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
enum Expr {
    Lit(i64),
    Add { l: Box<Expr>, r: Box<Expr> },
    Neg(Box<Expr>),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "corpus")]
struct Envelope<T> {
    key: String,
    payload: T,
}

// ---- strategies ----------------------------------------------------------------------

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
    ]
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |v| v.is_finite())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z\"\\\\/\u{0}-\u{1f}é😀]{0,12}"]
}

fn flat() -> impl Strategy<Value = Flat> {
    (
        (
            any::<bool>(),
            any::<i8>(),
            any::<i16>(),
            any::<i32>(),
            any::<u8>(),
            any::<u16>(),
        ),
        (
            any::<u32>(),
            any::<i64>(),
            finite_f32(),
            finite_f64(),
            text(),
        ),
        (
            prop::collection::vec(any::<u8>(), 0..40),
            any::<[u8; 5]>(),
            0..=i64::MAX as u64,
            any::<u128>(),
            prop::collection::vec(any::<u8>(), 0..8),
        ),
    )
        .prop_map(
            |(
                (b, i8_, i16_, i32_, u8_, u16_),
                (u32_, i64_, f32_, f64_, s),
                (by, fx, wide, wide_fixed, byte_list),
            )| Flat {
                b,
                i8_,
                i16_,
                i32_,
                u8_,
                u16_,
                u32_,
                i64_,
                f32_,
                f64_,
                s,
                by,
                fx,
                wide,
                wide_fixed,
                byte_list,
            },
        )
}

fn color() -> impl Strategy<Value = Color> {
    prop_oneof![Just(Color::Red), Just(Color::DarkGreen), Just(Color::Blue)]
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Empty),
        (finite_f64(), prop::option::of(text())).prop_map(|(r, label)| Shape::Circle { r, label }),
        any::<i32>().prop_map(Shape::Square),
    ]
}

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn bare() -> impl Strategy<Value = Bare> {
    prop_oneof![
        any::<i64>().prop_map(Bare::Num),
        text().prop_map(Bare::Text),
        any::<bool>().prop_map(Bare::Flag),
    ]
}

fn inner() -> impl Strategy<Value = Inner> {
    (text(), color()).prop_map(|(name, color)| Inner { name, color })
}

fn nested() -> impl Strategy<Value = Nested> {
    (
        inner(),
        shape(),
        bare(),
        prop::collection::vec(inner(), 0..4),
        prop::collection::btree_map(text(), inner(), 0..4),
    )
        .prop_map(|(inner, shape, bare, list, by_name)| Nested {
            inner,
            shape,
            bare,
            list,
            by_name,
        })
}

fn optionals() -> impl Strategy<Value = Optionals> {
    use prop::option::of;
    (
        of(any::<i32>()),
        of(text()),
        of(prop::collection::vec(any::<u8>(), 0..10)),
        of(color()),
        of(expr()),
        of(inner()),
        of(uuid()),
        of(text()),
    )
        .prop_map(|(i, s, by, color, expr, inner, id, s_or_null)| Optionals {
            i,
            s,
            by,
            color,
            expr,
            inner,
            id,
            s_or_null,
        })
}

fn repeated() -> impl Strategy<Value = Repeated> {
    use prop::collection::{btree_set, vec, vec_deque};
    (
        vec(any::<i64>(), 0..6),
        vec(text(), 0..4),
        vec(vec(finite_f64(), 0..3), 0..3),
        vec_deque(any::<bool>(), 0..5),
        btree_set(any::<i32>(), 0..5),
        vec(shape(), 0..4),
        vec(prop::option::of(any::<i16>()), 0..5),
    )
        .prop_map(|(longs, texts, grid, flags, set, shapes, maybe)| Repeated {
            longs,
            texts,
            grid,
            flags,
            set,
            shapes,
            maybe,
        })
}

fn maps() -> impl Strategy<Value = Maps> {
    use prop::collection::{btree_map, hash_map, vec};
    (
        hash_map(text(), any::<i64>(), 0..5),
        btree_map(
            text(),
            btree_map(text(), prop::option::of(text()), 0..3),
            0..3,
        ),
        hash_map(text(), vec(color(), 0..3), 0..3),
    )
        .prop_map(|(counts, nested, lists)| Maps {
            counts,
            nested,
            lists,
        })
}

/// Microseconds from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z: the years
/// RFC 3339 can spell.
const MIN_MICROS: i64 = -62_167_219_200_000_000;
const MAX_MICROS: i64 = 253_402_300_799_999_999;

fn timestamp_micros() -> impl Strategy<Value = DateTime<Utc>> {
    (MIN_MICROS..=MAX_MICROS).prop_map(|us| DateTime::from_timestamp_micros(us).unwrap())
}

fn timestamp_millis() -> impl Strategy<Value = DateTime<Utc>> {
    (MIN_MICROS / 1000..=MAX_MICROS / 1000)
        .prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap())
}

fn time_of_day(step_us: i64) -> impl Strategy<Value = NaiveTime> {
    (0..86_400_000_000 / step_us).prop_map(move |n| {
        let us = n * step_us;
        NaiveTime::from_num_seconds_from_midnight_opt(
            (us / 1_000_000) as u32,
            ((us % 1_000_000) * 1000) as u32,
        )
        .unwrap()
    })
}

fn decimal(precision: u32, scale: u32) -> impl Strategy<Value = Decimal> {
    let limit = 10i64.pow(precision) - 1;
    (-limit..=limit).prop_map(move |u| Decimal::from_i128_with_scale(i128::from(u), scale))
}

fn logical() -> impl Strategy<Value = Logical> {
    (
        (
            uuid(),
            timestamp_micros(),
            timestamp_micros(),
            timestamp_millis(),
        ),
        (time_of_day(1), time_of_day(1000), timestamp_micros()),
        (
            decimal(10, 2),
            decimal(18, 4),
            prop::option::of(timestamp_millis()),
            prop::collection::vec(timestamp_millis(), 0..3),
        ),
    )
        .prop_map(
            |(
                (id, day, ts_us, ts_ms),
                (t_us, t_ms, local),
                (amount, fixed_amount, maybe_ts, stamps),
            )| Logical {
                id,
                day: day.date_naive(),
                ts_us,
                ts_ms,
                t_us,
                t_ms,
                local: local.naive_utc(),
                amount,
                fixed_amount,
                maybe_ts,
                stamps,
            },
        )
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = text().prop_map(|label| Tree {
        label,
        children: vec![],
        link: None,
    });
    leaf.prop_recursive(4, 24, 3, |t| {
        (
            text(),
            prop::collection::vec(t.clone(), 0..3),
            prop::option::of(t.prop_map(Box::new)),
        )
            .prop_map(|(label, children, link)| Tree {
                label,
                children,
                link,
            })
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    any::<i64>()
        .prop_map(Expr::Lit)
        .prop_recursive(5, 32, 2, |e| {
            prop_oneof![
                (e.clone(), e.clone()).prop_map(|(l, r)| Expr::Add {
                    l: Box::new(l),
                    r: Box::new(r)
                }),
                e.prop_map(|x| Expr::Neg(Box::new(x))),
            ]
        })
}

fn envelope() -> impl Strategy<Value = Envelope<Shape>> {
    (text(), shape()).prop_map(|(key, payload)| Envelope { key, payload })
}

// ---- the properties ------------------------------------------------------------------

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the generated schema does not compile: {e}\n{schema:#}"))
}

/// Both drafts' validators for `T`, compiled once per test.
fn validators<T: StreamSchema>() -> [jsonschema::Validator; 2] {
    [
        validator(T::json_schema().as_value()),
        validator(T::json_schema_in(JsonSchemaDraft::Draft07).as_value()),
    ]
}

/// Encodes `v`, checks the JSON against both schemas and that it decodes back to `v`.
fn check<T>(v: &T, validators: &[jsonschema::Validator; 2]) -> Result<(), TestCaseError>
where
    T: StreamSchema + JsonEncode + JsonDecode + PartialEq + std::fmt::Debug,
{
    let bytes = v
        .to_json_vec()
        .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let json: Value = serde_json::from_str(text)
        .map_err(|e| TestCaseError::fail(format!("serde_json cannot parse {text}: {e}")))?;
    for (draft, validator) in ["2020-12", "draft-07"].iter().zip(validators) {
        if let Err(e) = validator.validate(&json) {
            return Err(TestCaseError::fail(format!(
                "{draft}: {e} at {}\n{text}",
                e.instance_path()
            )));
        }
    }
    prop_assert_eq!(
        &T::decode_json(&bytes).map_err(|e| TestCaseError::fail(format!("decode: {e}\n{text}")))?,
        v
    );
    Ok(())
}

/// The keys of a record's encoding, in the order they were written.
fn keys(json: &[u8]) -> Vec<String> {
    let v: Value = serde_json::from_slice(json).unwrap();
    v.as_object().unwrap().keys().cloned().collect()
}

fn schema_properties<T: StreamSchema>() -> Vec<String> {
    T::json_schema().as_value()["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

macro_rules! round_trip {
    ($name:ident, $ty:ty, $strategy:expr) => {
        proptest! {
            #[test]
            fn $name(v in $strategy) {
                static VALIDATORS: std::sync::LazyLock<[jsonschema::Validator; 2]> =
                    std::sync::LazyLock::new(validators::<$ty>);
                check(&v, &VALIDATORS)?;
            }
        }
    };
}

round_trip!(flat_round_trips_and_validates, Flat, flat());
round_trip!(nested_round_trips_and_validates, Nested, nested());
round_trip!(optionals_round_trip_and_validate, Optionals, optionals());
round_trip!(repeated_round_trips_and_validates, Repeated, repeated());
round_trip!(maps_round_trip_and_validate, Maps, maps());
round_trip!(logical_round_trips_and_validates, Logical, logical());
round_trip!(recursive_record_round_trips_and_validates, Tree, tree());
round_trip!(recursive_enum_round_trips_and_validates, Expr, expr());
round_trip!(
    generic_round_trips_and_validates,
    Envelope<Shape>,
    envelope()
);
round_trip!(unit_enum_round_trips_and_validates, Color, color());

proptest! {
    #[test]
    fn fields_are_written_in_declaration_order(v in flat()) {
        prop_assert_eq!(keys(&v.to_json_vec().unwrap()), schema_properties::<Flat>());
    }

    #[test]
    fn floats_round_trip_bit_for_bit(x in finite_f64(), y in finite_f32()) {
        prop_assert_eq!(f64::decode_json(&x.to_json_vec().unwrap()).unwrap().to_bits(), x.to_bits());
        prop_assert_eq!(f32::decode_json(&y.to_json_vec().unwrap()).unwrap().to_bits(), y.to_bits());
    }

    #[test]
    fn the_decoder_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = Nested::decode_json(&bytes);
        let _ = Logical::decode_json(&bytes);
        let _ = Expr::decode_json(&bytes);
    }

    #[test]
    fn every_truncation_of_a_record_is_an_error(v in nested(), cut in any::<prop::sample::Index>()) {
        let bytes = v.to_json_vec().unwrap();
        let n = cut.index(bytes.len());
        prop_assert!(Nested::decode_json(&bytes[..n]).is_err());
    }

    #[test]
    fn corrupted_encodings_decode_or_fail_cleanly(v in tree(), at in any::<prop::sample::Index>(), b in any::<u8>()) {
        let mut bytes = v.to_json_vec().unwrap();
        let i = at.index(bytes.len());
        bytes[i] = b;
        if let Ok(t) = Tree::decode_json(&bytes) {
            // Whatever decodes must itself encode to valid JSON of the schema.
            static VALIDATORS: std::sync::LazyLock<[jsonschema::Validator; 2]> =
                std::sync::LazyLock::new(validators::<Tree>);
            check(&t, &VALIDATORS)?;
        }
    }
}

#[test]
fn every_corpus_schema_is_valid_against_its_meta_schema() {
    let schemas = [
        Flat::json_schema(),
        Nested::json_schema(),
        Optionals::json_schema(),
        Repeated::json_schema(),
        Maps::json_schema(),
        Logical::json_schema(),
        Tree::json_schema(),
        Expr::json_schema(),
        Envelope::<Shape>::json_schema(),
        Envelope::<Shape>::json_schema_in(JsonSchemaDraft::Draft07),
        Logical::json_schema_in(JsonSchemaDraft::Draft07),
    ];
    for s in schemas {
        if let Err(e) = jsonschema::meta::validate(s.as_value()) {
            panic!("{e}: {}", s.as_value());
        }
    }
}

#[test]
fn values_outside_the_schema_are_refused_when_encoding() {
    let mut f = Flat {
        b: true,
        i8_: 0,
        i16_: 0,
        i32_: 0,
        u8_: 0,
        u16_: 0,
        u32_: 0,
        i64_: 0,
        f32_: 0.0,
        f64_: 0.0,
        s: String::new(),
        by: vec![],
        fx: [0; 5],
        wide: u64::MAX,
        wide_fixed: 0,
        byte_list: vec![],
    };
    let err = f.to_json_vec().unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `Flat.wide`: value 18446744073709551615 does not fit in Avro long"
    );
    f.wide = 0;
    f.f32_ = f32::INFINITY;
    assert_eq!(
        f.to_json_vec().unwrap_err().to_string(),
        "field `Flat.f32_`: inf is not a finite number and cannot be written as JSON"
    );
}

#[test]
fn the_order_of_fields_in_the_input_does_not_matter() {
    let json = br#"{"color":"DARK_GREEN","extra":[1,2,{"a":null}],"name":"n"}"#;
    assert_eq!(
        Inner::decode_json(json),
        Ok(Inner {
            name: "n".into(),
            color: Color::DarkGreen
        })
    );
}

/// The checks above would pass vacuously if the validators accepted anything: they do not.
#[test]
fn the_validators_reject_what_the_schema_forbids() {
    let [v2020, v07] = validators::<Logical>();
    let good = Logical {
        id: Uuid::from_u128(1),
        day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        ts_us: DateTime::from_timestamp_micros(1).unwrap(),
        ts_ms: DateTime::from_timestamp_millis(1).unwrap(),
        t_us: NaiveTime::from_hms_opt(1, 2, 3).unwrap(),
        t_ms: NaiveTime::from_hms_opt(1, 2, 3).unwrap(),
        local: DateTime::from_timestamp_micros(1).unwrap().naive_utc(),
        amount: Decimal::new(-1250, 2),
        fixed_amount: Decimal::new(5, 4),
        maybe_ts: None,
        stamps: vec![],
    };
    let json: Value = serde_json::from_slice(&good.to_json_vec().unwrap()).unwrap();
    assert!(v2020.is_valid(&json) && v07.is_valid(&json));
    assert_eq!(json["amount"], "-12.50");
    for (field, bad) in [
        ("id", Value::from("not-a-uuid")),
        ("day", Value::from("2024-02-30")),
        ("ts_us", Value::from("2024-01-01T00:00:00")),
        ("t_ms", Value::from("25:00:00Z")),
        ("local", Value::from("2024-01-01T00:00:00Z")),
        ("amount", Value::from("-12.5")),
        ("amount", Value::from(12.5)),
        ("maybe_ts", Value::from(0)),
        ("stamps", Value::Null),
    ] {
        let mut j = json.clone();
        j[field] = bad.clone();
        assert!(!v2020.is_valid(&j), "2020-12 accepted {field} = {bad}");
        assert!(!v07.is_valid(&j), "draft-07 accepted {field} = {bad}");
    }
    let mut missing = json.clone();
    missing.as_object_mut().unwrap().remove("day");
    assert!(!v2020.is_valid(&missing));

    let [closed, _] = validators::<Nested>();
    let n = Nested {
        inner: Inner {
            name: "n".into(),
            color: Color::Red,
        },
        shape: Shape::Square(2),
        bare: Bare::Flag(true),
        list: vec![],
        by_name: BTreeMap::new(),
    };
    let mut j: Value = serde_json::from_slice(&n.to_json_vec().unwrap()).unwrap();
    assert!(closed.is_valid(&j));
    j["extra"] = Value::from(1);
    assert!(
        !closed.is_valid(&j),
        "additional_properties = false closes the record"
    );
    j.as_object_mut().unwrap().remove("extra");
    j["shape"] = serde_json::json!({"Square": {"value": 1}, "Empty": null});
    assert!(
        !closed.is_valid(&j),
        "a data enum object has exactly one variant key"
    );
    j["shape"] = Value::from("Circle");
    assert!(!closed.is_valid(&j), "only unit variants are bare strings");
}
