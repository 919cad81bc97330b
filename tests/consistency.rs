//! Cross-format consistency: one `#[derive(StreamSchema)]` gives the Avro, JSON and
//! Protobuf views of a type, and they must describe the same data.
//!
//! Over a corpus of Protobuf-enabled types (flat scalars, nested records, optional fields,
//! repeated fields, maps, unit enums, data enums, an inline oneof, logical types, recursive
//! records and enums):
//!
//! - **Values**: for every generated value, its Avro, JSON and Protobuf encodings each decode
//!   back to the same Rust value (property tests).
//! - **Schemas**: the three schemas have exactly the same records, with the same field names,
//!   in the same order, with the same optionality. Each schema is walked on its own terms:
//!   the Avro schema JSON (a field is optional when its reader default is `null`), the JSON
//!   Schema (`properties`, optional = not in `required`) and the `FileDescriptorProto`
//!   (optional = proto3 `optional`, or a real `oneof`, which stands for the one field that
//!   holds it). Data enums must have the same variants, in order, in the JSON Schema `oneOf`
//!   and the Protobuf wrapper message (Avro unions carry no variant names of their own:
//!   their records are compared as records).
//!
//! Records that only exist because of one format's encoding are left out of the comparison:
//! Protobuf map-entry messages, Protobuf wrapper messages of data enums (compared as
//! variants instead), and the Avro / JSON Schema record of a newtype variant (a record with
//! the single field `value`, which Protobuf writes as the member itself).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Debug;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::prelude::*;
use prost_types::{DescriptorProto, FileDescriptorProto};
use serde_json::Value;
use streamhouse_schema::codec::proto::{Message, ProtoValue};
use streamhouse_schema::{AvroDecode, JsonDecode, JsonEncode, StreamSchema};
use uuid::Uuid;

// ---- the corpus ----------------------------------------------------------------------

/// Every scalar mapping Protobuf shares with Avro and JSON.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Flat {
    #[stream_schema(tag = 1)]
    flag: bool,
    #[stream_schema(tag = 2)]
    small: i16,
    #[stream_schema(tag = 3)]
    int: i32,
    #[stream_schema(tag = 4)]
    long: i64,
    #[stream_schema(tag = 5)]
    unsigned: u32,
    #[stream_schema(tag = 6, proto = "sint64")]
    zigzag: i64,
    #[stream_schema(tag = 7, proto = "sfixed32")]
    fixed: i32,
    #[stream_schema(tag = 8)]
    single: f32,
    #[stream_schema(tag = 9)]
    double: f64,
    #[stream_schema(tag = 10)]
    text: String,
    #[stream_schema(tag = 11)]
    raw: Vec<u8>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
#[stream_schema(namespace = "consistency", protobuf)]
enum Color {
    Unspecified = 0,
    Red = 1,
    Green = 2,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Inner {
    #[stream_schema(tag = 1)]
    name: String,
    #[stream_schema(tag = 2)]
    color: Color,
}

/// A data enum with unit, struct and newtype variants.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
enum Shape {
    #[stream_schema(tag = 1)]
    Empty,
    #[stream_schema(tag = 2)]
    Circle {
        #[stream_schema(tag = 1)]
        radius: f64,
        #[stream_schema(tag = 2)]
        label: Option<String>,
    },
    #[stream_schema(tag = 3)]
    Square(i32),
}

/// A data enum without a unit variant, so it can be optional (and an inline oneof).
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf, rename_all = "snake_case")]
enum Payment {
    #[stream_schema(tag = 20)]
    Card(String),
    #[stream_schema(tag = 21)]
    Account(i64),
    #[stream_schema(tag = 22)]
    Voucher(Inner),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Nested {
    #[stream_schema(tag = 1)]
    inner: Inner,
    #[stream_schema(tag = 2)]
    shape: Shape,
    #[stream_schema(tag = 3)]
    flat: Flat,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Optionals {
    #[stream_schema(tag = 1)]
    int: Option<i32>,
    #[stream_schema(tag = 2)]
    text: Option<String>,
    #[stream_schema(tag = 3)]
    color: Option<Color>,
    #[stream_schema(tag = 4)]
    inner: Option<Inner>,
    #[stream_schema(tag = 5)]
    id: Option<Uuid>,
    /// A data enum as an optional message field (Protobuf: the wrapper message).
    #[stream_schema(tag = 6)]
    payment: Option<Payment>,
    /// The same enum as a oneof inline in this message (its members are fields 20-22).
    #[stream_schema(oneof)]
    method: Option<Payment>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Repeated {
    #[stream_schema(tag = 1)]
    longs: Vec<i64>,
    #[stream_schema(tag = 2)]
    texts: Vec<String>,
    #[stream_schema(tag = 3)]
    colors: Vec<Color>,
    #[stream_schema(tag = 4)]
    shapes: Vec<Shape>,
    #[stream_schema(tag = 5)]
    inners: Vec<Inner>,
    #[stream_schema(tag = 6)]
    doubles: Vec<f64>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Maps {
    #[stream_schema(tag = 1)]
    counts: BTreeMap<String, i64>,
    #[stream_schema(tag = 2)]
    names: HashMap<String, String>,
    #[stream_schema(tag = 3)]
    inners: BTreeMap<String, Inner>,
    #[stream_schema(tag = 4)]
    colors: HashMap<String, Color>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Logical {
    #[stream_schema(tag = 1)]
    id: Uuid,
    #[stream_schema(tag = 2)]
    at: DateTime<Utc>,
    #[stream_schema(tag = 3, unit = "millis")]
    at_ms: DateTime<Utc>,
    #[stream_schema(tag = 4)]
    day: NaiveDate,
    #[stream_schema(tag = 5)]
    time: NaiveTime,
    #[stream_schema(tag = 6)]
    local: NaiveDateTime,
    #[stream_schema(tag = 7)]
    maybe_at: Option<DateTime<Utc>>,
    #[stream_schema(tag = 8)]
    ids: Vec<Uuid>,
}

/// A recursive record.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
struct Tree {
    #[stream_schema(tag = 1)]
    label: String,
    #[stream_schema(tag = 2)]
    children: Vec<Tree>,
    #[stream_schema(tag = 3)]
    link: Option<Box<Tree>>,
}

/// A recursive data enum.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "consistency", protobuf)]
enum Expr {
    #[stream_schema(tag = 1)]
    Lit(i64),
    #[stream_schema(tag = 2)]
    Add {
        #[stream_schema(tag = 1)]
        left: Box<Expr>,
        #[stream_schema(tag = 2)]
        right: Box<Expr>,
    },
    #[stream_schema(tag = 3)]
    Neg(Box<Expr>),
}

// ---- values: the three encodings decode to the same value ----------------------------

/// Avro, JSON and Protobuf each carry `v` and give it back.
fn same_value_in_every_format<T>(v: &T) -> Result<(), TestCaseError>
where
    T: StreamSchema + AvroDecode + JsonEncode + JsonDecode + Message + ProtoValue,
    T: PartialEq + Debug,
{
    let mut avro = Vec::new();
    v.encode_avro(&mut avro)
        .map_err(|e| TestCaseError::fail(format!("avro encode: {e}")))?;
    let mut input = avro.as_slice();
    let back =
        T::decode_avro(&mut input).map_err(|e| TestCaseError::fail(format!("avro decode: {e}")))?;
    prop_assert_eq!(&back, v, "avro");
    prop_assert!(input.is_empty(), "avro: {} bytes left over", input.len());

    let json = v
        .to_json_vec()
        .map_err(|e| TestCaseError::fail(format!("json encode: {e}")))?;
    let back = T::decode_json(&json).map_err(|e| {
        TestCaseError::fail(format!(
            "json decode: {e}\n{}",
            String::from_utf8_lossy(&json)
        ))
    })?;
    prop_assert_eq!(&back, v, "json");

    let mut proto = Vec::new();
    v.encode_proto(&mut proto);
    prop_assert_eq!(proto.len(), v.encoded_len(), "proto encoded_len");
    let back =
        T::decode_proto(&proto).map_err(|e| TestCaseError::fail(format!("proto decode: {e}")))?;
    prop_assert_eq!(&back, v, "proto");
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z\"\\\\é😀]{0,8}"]
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        Just(0.0),
        Just(-0.0),
    ]
}

fn flat() -> impl Strategy<Value = Flat> {
    (
        (any::<bool>(), any::<i16>(), any::<i32>(), any::<i64>()),
        (any::<u32>(), any::<i64>(), any::<i32>()),
        (
            any::<f32>().prop_filter("finite", |v| v.is_finite()),
            finite_f64(),
            text(),
            prop::collection::vec(any::<u8>(), 0..12),
        ),
    )
        .prop_map(
            |((flag, small, int, long), (unsigned, zigzag, fixed), (single, double, text, raw))| {
                Flat {
                    flag,
                    small,
                    int,
                    long,
                    unsigned,
                    zigzag,
                    fixed,
                    single,
                    double,
                    text,
                    raw,
                }
            },
        )
}

fn color() -> impl Strategy<Value = Color> {
    prop_oneof![
        Just(Color::Unspecified),
        Just(Color::Red),
        Just(Color::Green)
    ]
}

fn inner() -> impl Strategy<Value = Inner> {
    (text(), color()).prop_map(|(name, color)| Inner { name, color })
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Empty),
        (finite_f64(), prop::option::of(text()))
            .prop_map(|(radius, label)| Shape::Circle { radius, label }),
        any::<i32>().prop_map(Shape::Square),
    ]
}

fn payment() -> impl Strategy<Value = Payment> {
    prop_oneof![
        text().prop_map(Payment::Card),
        any::<i64>().prop_map(Payment::Account),
        inner().prop_map(Payment::Voucher),
    ]
}

fn nested() -> impl Strategy<Value = Nested> {
    (inner(), shape(), flat()).prop_map(|(inner, shape, flat)| Nested { inner, shape, flat })
}

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn optionals() -> impl Strategy<Value = Optionals> {
    use prop::option::of;
    (
        of(any::<i32>()),
        of(text()),
        of(color()),
        of(inner()),
        of(uuid()),
        of(payment()),
        of(payment()),
    )
        .prop_map(|(int, text, color, inner, id, payment, method)| Optionals {
            int,
            text,
            color,
            inner,
            id,
            payment,
            method,
        })
}

fn repeated() -> impl Strategy<Value = Repeated> {
    use prop::collection::vec;
    (
        vec(any::<i64>(), 0..5),
        vec(text(), 0..4),
        vec(color(), 0..4),
        vec(shape(), 0..4),
        vec(inner(), 0..3),
        vec(finite_f64(), 0..4),
    )
        .prop_map(|(longs, texts, colors, shapes, inners, doubles)| Repeated {
            longs,
            texts,
            colors,
            shapes,
            inners,
            doubles,
        })
}

fn maps() -> impl Strategy<Value = Maps> {
    use prop::collection::{btree_map, hash_map};
    (
        btree_map(text(), any::<i64>(), 0..4),
        hash_map(text(), text(), 0..4),
        btree_map(text(), inner(), 0..3),
        hash_map(text(), color(), 0..3),
    )
        .prop_map(|(counts, names, inners, colors)| Maps {
            counts,
            names,
            inners,
            colors,
        })
}

/// Microseconds in years 0001 to 9999: every format spells them.
const MIN_MICROS: i64 = -62_135_596_800_000_000;
const MAX_MICROS: i64 = 253_402_300_799_999_999;

fn micros_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (MIN_MICROS..=MAX_MICROS).prop_map(|us| DateTime::from_timestamp_micros(us).unwrap())
}

fn millis_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (MIN_MICROS / 1000..=MAX_MICROS / 1000)
        .prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap())
}

fn time_of_day() -> impl Strategy<Value = NaiveTime> {
    (0..86_400_000_000i64).prop_map(|us| {
        NaiveTime::from_num_seconds_from_midnight_opt(
            (us / 1_000_000) as u32,
            ((us % 1_000_000) * 1000) as u32,
        )
        .unwrap()
    })
}

fn logical() -> impl Strategy<Value = Logical> {
    (
        (uuid(), micros_instant(), millis_instant(), micros_instant()),
        (time_of_day(), micros_instant()),
        (
            prop::option::of(micros_instant()),
            prop::collection::vec(uuid(), 0..3),
        ),
    )
        .prop_map(
            |((id, at, at_ms, day), (time, local), (maybe_at, ids))| Logical {
                id,
                at,
                at_ms,
                day: day.date_naive(),
                time,
                local: local.naive_utc(),
                maybe_at,
                ids,
            },
        )
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = text().prop_map(|label| Tree {
        label,
        children: Vec::new(),
        link: None,
    });
    leaf.prop_recursive(4, 24, 3, |t| {
        (
            text(),
            prop::collection::vec(t.clone(), 0..3),
            prop::option::of(t),
        )
            .prop_map(|(label, children, link)| Tree {
                label,
                children,
                link: link.map(Box::new),
            })
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    any::<i64>()
        .prop_map(Expr::Lit)
        .prop_recursive(5, 24, 2, |e| {
            prop_oneof![
                (e.clone(), e.clone()).prop_map(|(l, r)| Expr::Add {
                    left: Box::new(l),
                    right: Box::new(r),
                }),
                e.prop_map(|x| Expr::Neg(Box::new(x))),
            ]
        })
}

macro_rules! same_value {
    ($name:ident, $strategy:expr) => {
        proptest! {
            #[test]
            fn $name(v in $strategy) {
                same_value_in_every_format(&v)?;
            }
        }
    };
}

same_value!(flat_values_agree, flat());
same_value!(nested_values_agree, nested());
same_value!(optional_values_agree, optionals());
same_value!(repeated_values_agree, repeated());
same_value!(map_values_agree, maps());
same_value!(logical_values_agree, logical());
same_value!(recursive_record_values_agree, tree());
same_value!(recursive_enum_values_agree, expr());
same_value!(data_enum_values_agree, shape());

/// The values property tests reach rarely: empty, zero, absent, and each edge variant.
#[test]
fn edge_values_agree() {
    let empty_optionals = Optionals {
        int: None,
        text: None,
        color: None,
        inner: None,
        id: None,
        payment: None,
        method: None,
    };
    let zero_optionals = Optionals {
        int: Some(0),
        text: Some(String::new()),
        color: Some(Color::Unspecified),
        inner: Some(Inner {
            name: String::new(),
            color: Color::Unspecified,
        }),
        id: Some(Uuid::nil()),
        payment: Some(Payment::Account(0)),
        method: Some(Payment::Card(String::new())),
    };
    for v in [empty_optionals, zero_optionals] {
        same_value_in_every_format(&v).unwrap();
    }
    same_value_in_every_format(&Shape::Empty).unwrap();
    same_value_in_every_format(&Shape::Square(0)).unwrap();
    same_value_in_every_format(&Expr::Neg(Box::new(Expr::Lit(0)))).unwrap();
    same_value_in_every_format(&Tree {
        label: String::new(),
        children: vec![],
        link: Some(Box::new(Tree {
            label: "x".into(),
            children: vec![],
            link: None,
        })),
    })
    .unwrap();
}

// ---- schemas: the same records, fields and optionality --------------------------------

/// One record's fields in order: name and whether the field may be absent.
type Fields = Vec<(String, bool)>;

fn simple(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

/// The records of an Avro schema (its JSON form).
fn avro_records(schema: &Value) -> BTreeMap<String, Fields> {
    fn walk(v: &Value, branch: bool, out: &mut BTreeMap<String, Fields>) {
        match v {
            Value::Array(branches) => {
                // A union: an Option's null plus the value, or a data enum's variants.
                let data_enum = branches.iter().filter(|b| **b != "null").count() > 1
                    || branches.iter().filter(|b| **b == "null").count() > 1;
                for b in branches {
                    walk(b, data_enum, out);
                }
            }
            Value::Object(o) => match o.get("type").and_then(Value::as_str) {
                Some("record") => {
                    let fields = o["fields"].as_array().expect("record fields");
                    // A newtype variant's record: Protobuf writes its value as the member.
                    let newtype = branch && fields.len() == 1 && fields[0]["name"] == "value";
                    if !newtype {
                        let name = simple(o["name"].as_str().expect("record name"));
                        let shape = fields
                            .iter()
                            .map(|f| {
                                let optional = f.get("default") == Some(&Value::Null);
                                (f["name"].as_str().unwrap().to_string(), optional)
                            })
                            .collect();
                        out.insert(name, shape);
                    }
                    for f in fields {
                        walk(&f["type"], false, out);
                    }
                }
                Some("array") => walk(&o["items"], false, out),
                Some("map") => walk(&o["values"], false, out),
                _ => {}
            },
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(schema, false, &mut out);
    out
}

/// The records of a JSON Schema: the root and every `$defs` entry with `properties`,
/// except a newtype variant's record.
fn json_schema_records(schema: &Value) -> BTreeMap<String, Fields> {
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let all: Vec<&Value> = std::iter::once(schema).chain(defs.values()).collect();
    // `$defs` a data enum's `oneOf` branches point to.
    let mut variant_refs = BTreeSet::new();
    for s in &all {
        for branch in s
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for p in branch
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values())
            {
                if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                    variant_refs.insert(r.trim_start_matches("#/$defs/").to_string());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    let named = std::iter::once((None, schema)).chain(defs.iter().map(|(k, v)| (Some(k), v)));
    for (key, s) in named {
        let Some(props) = s.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let newtype = key.is_some_and(|k| variant_refs.contains(k))
            && props.len() == 1
            && props.contains_key("value");
        if newtype {
            continue;
        }
        let required: BTreeSet<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let fields = props
            .keys()
            .map(|k| (k.clone(), !required.contains(k.as_str())))
            .collect();
        out.insert(
            s["title"].as_str().expect("a record title").to_string(),
            fields,
        );
    }
    out
}

/// A data enum's wrapper message: one real oneof, `value`, holding every field.
fn is_wrapper(m: &DescriptorProto) -> bool {
    m.oneof_decl.len() == 1
        && m.oneof_decl[0].name() == "value"
        && m.field
            .iter()
            .all(|f| f.oneof_index == Some(0) && !f.proto3_optional())
}

/// The records of a Protobuf file: its messages except map entries and data-enum
/// wrappers; a real oneof counts as one optional field named after it.
fn proto_records(file: &FileDescriptorProto) -> BTreeMap<String, Fields> {
    fn walk(m: &DescriptorProto, out: &mut BTreeMap<String, Fields>) {
        for n in &m.nested_type {
            walk(n, out);
        }
        let map_entry = m.options.as_ref().and_then(|o| o.map_entry) == Some(true);
        if map_entry || is_wrapper(m) {
            return;
        }
        let mut fields: Fields = Vec::new();
        let mut oneofs_seen = BTreeSet::new();
        for f in &m.field {
            match f.oneof_index {
                Some(i) if !f.proto3_optional() => {
                    if oneofs_seen.insert(i) {
                        let decl = &m.oneof_decl[usize::try_from(i).unwrap()];
                        fields.push((decl.name().to_string(), true));
                    }
                }
                _ => fields.push((f.name().to_string(), f.proto3_optional())),
            }
        }
        out.insert(m.name().to_string(), fields);
    }
    let mut out = BTreeMap::new();
    for m in &file.message_type {
        walk(m, &mut out);
    }
    out
}

/// Data enums: name → variant names, from the JSON Schema `oneOf`s.
fn json_schema_variants(schema: &Value) -> BTreeMap<String, Vec<String>> {
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for s in std::iter::once(schema).chain(defs.values()) {
        let Some(branches) = s.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let names = branches
            .iter()
            .map(|b| match b.get("const") {
                Some(c) => c.as_str().unwrap().to_string(),
                None => {
                    let props = b["properties"].as_object().expect("a variant object");
                    assert_eq!(props.len(), 1, "one property per variant: {b}");
                    props.keys().next().unwrap().clone()
                }
            })
            .collect();
        out.insert(s["title"].as_str().unwrap().to_string(), names);
    }
    out
}

/// Data enums: name → variant names, from the Protobuf wrapper messages.
fn proto_variants(file: &FileDescriptorProto) -> BTreeMap<String, Vec<String>> {
    file.message_type
        .iter()
        .filter(|m| is_wrapper(m))
        .map(|m| {
            let names = m.field.iter().map(|f| f.name().to_string()).collect();
            (m.name().to_string(), names)
        })
        .collect()
}

/// The three schemas of `T` have the same records, fields and optionality, and its data
/// enums the same variants; returns the records for the caller's own assertions.
fn same_schema<T: StreamSchema>() -> BTreeMap<String, Fields> {
    let avro: Value = serde_json::from_str(T::avro_schema_json()).expect("avro schema json");
    let json = T::json_schema().as_value();
    let file = T::proto_file();
    let avro_records = avro_records(&avro);
    let json_records = json_schema_records(json);
    let proto_records = proto_records(file);
    assert_eq!(
        avro_records,
        json_records,
        "Avro vs JSON Schema records of {}",
        T::full_name()
    );
    assert_eq!(
        avro_records,
        proto_records,
        "Avro vs Protobuf records of {}",
        T::full_name()
    );
    let json_variants = json_schema_variants(json);
    let proto_variants = proto_variants(file);
    for (name, variants) in &proto_variants {
        assert_eq!(
            json_variants.get(name),
            Some(variants),
            "variants of {name} in {}",
            T::full_name()
        );
    }
    avro_records
}

fn fields(list: &[(&str, bool)]) -> Fields {
    list.iter().map(|(n, o)| (n.to_string(), *o)).collect()
}

#[test]
fn flat_schemas_agree() {
    let records = same_schema::<Flat>();
    let names: Vec<_> = records["Flat"].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "flag", "small", "int", "long", "unsigned", "zigzag", "fixed", "single", "double",
            "text", "raw"
        ]
    );
    assert!(records["Flat"].iter().all(|(_, optional)| !optional));
}

#[test]
fn nested_schemas_agree() {
    let records = same_schema::<Nested>();
    let names: BTreeSet<_> = records.keys().map(String::as_str).collect();
    // Circle is Shape's struct variant; Square(i32) has no record in Protobuf.
    assert_eq!(names, BTreeSet::from(["Nested", "Inner", "Flat", "Circle"]));
    assert_eq!(
        records["Circle"],
        fields(&[("radius", false), ("label", true)])
    );
}

#[test]
fn optional_schemas_agree_including_the_inline_oneof() {
    let records = same_schema::<Optionals>();
    assert_eq!(
        records["Optionals"],
        fields(&[
            ("int", true),
            ("text", true),
            ("color", true),
            ("inner", true),
            ("id", true),
            ("payment", true),
            ("method", true),
        ])
    );
    // Protobuf: `method` is `oneof method { card = 20; account = 21; voucher = 22; }`.
    let m = &Optionals::proto_file().message_type[0];
    assert_eq!(m.oneof_decl[0].name(), "method");
    let members: Vec<_> = m
        .field
        .iter()
        .filter(|f| f.oneof_index == Some(0))
        .map(|f| (f.name(), f.number()))
        .collect();
    assert_eq!(members, [("card", 20), ("account", 21), ("voucher", 22)]);
}

#[test]
fn repeated_map_logical_and_recursive_schemas_agree() {
    let records = same_schema::<Repeated>();
    assert!(records["Repeated"].iter().all(|(_, optional)| !optional));
    let records = same_schema::<Maps>();
    assert_eq!(
        records["Maps"],
        fields(&[
            ("counts", false),
            ("names", false),
            ("inners", false),
            ("colors", false)
        ])
    );
    let records = same_schema::<Logical>();
    assert_eq!(records["Logical"].len(), 8);
    assert_eq!(records["Logical"][6], ("maybe_at".to_string(), true));
    let records = same_schema::<Tree>();
    assert_eq!(
        records["Tree"],
        fields(&[("label", false), ("children", false), ("link", true)])
    );
    let records = same_schema::<Expr>();
    assert_eq!(
        records.get("Add"),
        Some(&fields(&[("left", false), ("right", false)]))
    );
}

#[test]
fn data_enum_variants_agree() {
    same_schema::<Shape>();
    let json = json_schema_variants(Shape::json_schema().as_value());
    let proto = proto_variants(Shape::proto_file());
    assert_eq!(json["Shape"], ["Empty", "Circle", "Square"]);
    assert_eq!(proto["Shape"], json["Shape"]);
    let proto = proto_variants(Expr::proto_file());
    assert_eq!(proto["Expr"], ["Lit", "Add", "Neg"]);
}

/// The walkers see a real difference: a record missing a field, or a field whose
/// optionality differs, is reported.
#[test]
fn the_comparison_detects_a_difference() {
    let avro: Value = serde_json::from_str(Tree::avro_schema_json()).unwrap();
    let mut json = Tree::json_schema().as_value().clone();
    assert_eq!(avro_records(&avro), json_schema_records(&json));
    // `label` no longer required: optional in JSON only.
    json["required"] = serde_json::json!(["children"]);
    assert_ne!(avro_records(&avro), json_schema_records(&json));
    let mut file = Tree::proto_file().clone();
    file.message_type[0].field.pop();
    assert_ne!(avro_records(&avro), proto_records(&file));
}

/// A recursive type read from hostile input: nesting deeper than Protobuf's recursion limit
/// is a typed error, not a stack overflow.
#[test]
fn deeply_nested_protobuf_input_is_an_error() {
    fn neg(depth: usize) -> Vec<u8> {
        let mut bytes = vec![0x08, 0x01]; // Lit(1)
        for _ in 0..depth {
            let mut outer = vec![0x1a]; // Neg: field 3, length-delimited
            prost::encoding::encode_varint(bytes.len() as u64, &mut outer);
            outer.extend_from_slice(&bytes);
            bytes = outer;
        }
        bytes
    }
    let mut ten = Expr::Lit(1);
    for _ in 0..10 {
        ten = Expr::Neg(Box::new(ten));
    }
    assert_eq!(Expr::decode_proto(&neg(10)), Ok(ten));
    let err = Expr::decode_proto(&neg(500)).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}
