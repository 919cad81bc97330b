//! Confluent's own Python `ProtobufSerializer` wrote the Protobuf frames in
//! `fixtures/confluent-python.json` (schemas: `fixtures/oracle.proto`, `fixtures/many.proto`).
//! For every case whose message the derive can model, a derived Rust type must encode the
//! case's record to exactly `payload_hex`, decode it back, describe the same fields (name,
//! number, type) as the registered descriptor, and its full name must resolve in that
//! descriptor to the case's message-index bytes (`header_hex`).
//!
//! Every message of `oracle.proto` and the `many.proto` target is modelled, so every
//! Protobuf case runs: `oracle.v1.Order` declares its `oneof payment` inline with
//! `#[stream_schema(oneof)]` on an `Option<Payment>` field (the variants of the data enum
//! `Payment` are Order's fields 8, 9 and 10), and `oracle.v1.Envelope` holds an Order, an
//! Audit, repeated Scalars and a `google.protobuf.Timestamp`.
//!
//! Maps: a `map<string, int64>` with several entries is written by Python in its hash
//! table's order, which changes from run to run (`nondeterministic_bytes`); for those cases
//! our bytes (keys sorted, from a `BTreeMap`) must equal `payload_hex_deterministic` (the
//! same record serialized with `deterministic=True`) and the recorded `payload_hex` must
//! decode to the same value, i.e. maps are compared by value.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use prost_types::field_descriptor_proto::Type;
use prost_types::FileDescriptorProto;
use serde_json::Value;
use streamhouse_schema::schema::proto_file::{
    message_at_index_path, message_index_path, parse_proto,
};
use streamhouse_schema::wire::{
    parse_frame, parse_message_indexes, write_header, write_message_indexes,
};
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
#[stream_schema(namespace = "oracle.v1", protobuf)]
enum Color {
    #[stream_schema(rename = "COLOR_UNSPECIFIED")]
    Unspecified = 0,
    #[stream_schema(rename = "COLOR_RED")]
    Red = 1,
    #[stream_schema(rename = "COLOR_GREEN")]
    Green = 2,
    #[stream_schema(rename = "COLOR_NEGATIVE")]
    Negative = -1,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1", protobuf)]
struct Scalars {
    #[stream_schema(tag = 1)]
    f_int32: i32,
    #[stream_schema(tag = 2)]
    f_int64: i64,
    #[stream_schema(tag = 3)]
    f_uint32: u32,
    // Avro needs an explicit mapping for u64; Protobuf has uint64 natively.
    #[stream_schema(tag = 4, repr = "long")]
    f_uint64: u64,
    #[stream_schema(tag = 5, proto = "sint32")]
    f_sint32: i32,
    #[stream_schema(tag = 6, proto = "sint64")]
    f_sint64: i64,
    #[stream_schema(tag = 7, proto = "fixed32")]
    f_fixed32: u32,
    #[stream_schema(tag = 8, repr = "long", proto = "fixed64")]
    f_fixed64: u64,
    #[stream_schema(tag = 9, proto = "sfixed32")]
    f_sfixed32: i32,
    #[stream_schema(tag = 10, proto = "sfixed64")]
    f_sfixed64: i64,
    #[stream_schema(tag = 11)]
    f_float: f32,
    #[stream_schema(tag = 12)]
    f_double: f64,
    #[stream_schema(tag = 13)]
    f_bool: bool,
    #[stream_schema(tag = 14)]
    f_string: String,
    #[stream_schema(tag = 15)]
    f_bytes: Vec<u8>,
    #[stream_schema(tag = 16)]
    f_enum: Color,
}

impl Scalars {
    fn zero() -> Self {
        Scalars {
            f_int32: 0,
            f_int64: 0,
            f_uint32: 0,
            f_uint64: 0,
            f_sint32: 0,
            f_sint64: 0,
            f_fixed32: 0,
            f_fixed64: 0,
            f_sfixed32: 0,
            f_sfixed64: 0,
            f_float: 0.0,
            f_double: 0.0,
            f_bool: false,
            f_string: String::new(),
            f_bytes: Vec::new(),
            f_enum: Color::Unspecified,
        }
    }

    fn all() -> Self {
        Scalars {
            f_int32: 123,
            f_int64: 1_234_567_890_123,
            f_uint32: 4_000_000_000,
            f_uint64: u64::MAX,
            f_sint32: -2,
            f_sint64: -3,
            f_fixed32: 7,
            f_fixed64: 8,
            f_sfixed32: -9,
            f_sfixed64: -10,
            f_float: 1.5,
            f_double: -2.25,
            f_bool: true,
            f_string: "héllo ✓ 😀".into(),
            f_bytes: vec![0x00, 0x01, 0xfe, 0xff],
            f_enum: Color::Green,
        }
    }
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1.Order.LineItem", protobuf)]
struct Discount {
    #[stream_schema(tag = 1, proto = "sint64")]
    cents: i64,
    #[stream_schema(tag = 2)]
    code: String,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1.Order", protobuf)]
struct LineItem {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: u32,
    #[stream_schema(tag = 3)]
    discount: Option<Discount>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1.Order", protobuf)]
struct Audit {
    #[stream_schema(tag = 1)]
    who: String,
    #[stream_schema(tag = 2)]
    at_millis: i64,
}

/// `oneof payment` of `Order`: each variant is a field of Order itself.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1", protobuf, rename_all = "snake_case")]
enum Payment {
    #[stream_schema(tag = 8)]
    CardToken(String),
    #[stream_schema(tag = 9)]
    AccountNumber(i64),
    #[stream_schema(tag = 10)]
    Voucher(Discount),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    order_id: String,
    #[stream_schema(tag = 2)]
    quantities: Vec<i32>,
    #[stream_schema(tag = 3)]
    tags: Vec<String>,
    #[stream_schema(tag = 4)]
    counts: BTreeMap<String, i64>,
    #[stream_schema(tag = 5)]
    first_item: Option<LineItem>,
    #[stream_schema(tag = 6)]
    items: Vec<LineItem>,
    #[stream_schema(tag = 7)]
    color: Color,
    #[stream_schema(oneof)]
    payment: Option<Payment>,
    #[stream_schema(tag = 11)]
    priority: Option<i32>,
    #[stream_schema(tag = 12)]
    note: Option<String>,
    #[stream_schema(tag = 13)]
    audit: Option<Audit>,
}

impl Order {
    fn empty() -> Self {
        Order {
            order_id: String::new(),
            quantities: Vec::new(),
            tags: Vec::new(),
            counts: BTreeMap::new(),
            first_item: None,
            items: Vec::new(),
            color: Color::Unspecified,
            payment: None,
            priority: None,
            note: None,
            audit: None,
        }
    }
}

fn line_item(sku: &str, qty: u32) -> LineItem {
    LineItem {
        sku: sku.into(),
        qty,
        discount: None,
    }
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1", protobuf)]
struct Envelope {
    #[stream_schema(tag = 1)]
    order: Option<Order>,
    #[stream_schema(tag = 2)]
    audit: Option<Audit>,
    #[stream_schema(tag = 3)]
    samples: Vec<Scalars>,
    #[stream_schema(tag = 4)]
    created: Option<DateTime<Utc>>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1.MapFirst", protobuf)]
struct After {
    #[stream_schema(tag = 1)]
    x: i32,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.v1", protobuf)]
struct MapFirst {
    #[stream_schema(tag = 1)]
    attrs: BTreeMap<String, String>,
    #[stream_schema(tag = 2)]
    after: Option<After>,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.many.Target", protobuf)]
struct Inner {
    #[stream_schema(tag = 1)]
    v: i32,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "oracle.many", protobuf)]
struct Target {
    #[stream_schema(tag = 1)]
    s: String,
    #[stream_schema(tag = 2)]
    inner: Option<Inner>,
}

fn cases() -> Vec<Value> {
    let text = include_str!("fixtures/confluent-python.json");
    match serde_json::from_str(text).expect("vectors parse") {
        Value::Array(cases) => cases,
        other => panic!("expected an array of cases, got {other}"),
    }
}

fn case(name: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn hex_field(c: &Value, field: &str) -> Vec<u8> {
    hex::decode(
        c[field]
            .as_str()
            .unwrap_or_else(|| panic!("{field} missing")),
    )
    .expect("hex")
}

/// The registered schema (a base64 FileDescriptorProto) of a case.
fn registered(c: &Value) -> FileDescriptorProto {
    parse_proto(c["schema"].as_str().expect("schema")).expect("the registered schema parses")
}

/// Checks one positive case against `value`: payload bytes both ways, the frame header
/// (magic, id, message indexes derived from our type's full name), and the fields.
fn check_positive<T>(name: &str, value: &T)
where
    T: StreamSchema
        + streamhouse_schema::codec::proto::ProtoValue
        + prost::Message
        + PartialEq
        + std::fmt::Debug,
{
    let c = case(name);
    assert_eq!(c["format"], "PROTOBUF");
    let payload = hex_field(&c, "payload_hex");
    // Several map entries: Python's order is its hash table's; compare with the sorted
    // (deterministic) serialization, and decode theirs to the same value.
    let expected = if c["nondeterministic_bytes"] == true {
        hex_field(&c, "payload_hex_deterministic")
    } else {
        payload.clone()
    };

    let mut ours = Vec::new();
    value.encode_proto(&mut ours);
    assert_eq!(
        hex::encode(&ours),
        hex::encode(&expected),
        "{name}: payload bytes"
    );
    assert_eq!(
        T::decode_proto(&payload).as_ref(),
        Ok(value),
        "{name}: decode"
    );
    assert_eq!(
        T::decode_proto(&ours).as_ref(),
        Ok(value),
        "{name}: round trip"
    );

    // The framing layer derives the index array from the registered descriptor and our
    // type's full name.
    let file = registered(&c);
    assert_eq!(
        T::full_name(),
        c["message_type"].as_str().unwrap(),
        "{name}: full name"
    );
    let path = message_index_path(&file, T::full_name()).expect("our message is in the file");
    let expected_path: Vec<i32> = serde_json::from_value(c["message_index"].clone()).unwrap();
    assert_eq!(path, expected_path, "{name}: index path");
    let id = i32::try_from(c["schema_id"].as_i64().unwrap()).unwrap();
    let mut header = Vec::new();
    write_header(&mut header, id);
    write_message_indexes(&mut header, &path);
    assert_eq!(
        hex::encode(&header),
        c["header_hex"].as_str().unwrap(),
        "{name}: header"
    );

    // Our message has the same fields as theirs: name, number and scalar type.
    let (_, theirs) = message_at_index_path(&file, &path).expect("message at path");
    let root = &T::proto_file().message_type[0];
    let shape = |m: &prost_types::DescriptorProto| {
        let mut v: Vec<(String, i32, Type)> = m
            .field
            .iter()
            .map(|f| (f.name().to_string(), f.number(), f.r#type()))
            .collect();
        v.sort_by_key(|(_, n, _)| *n);
        v
    };
    assert_eq!(shape(root), shape(theirs), "{name}: fields");
}

#[test]
fn scalars_defaults_are_an_empty_payload() {
    check_positive("proto_scalars_defaults", &Scalars::zero());
}

#[test]
fn scalars_every_type() {
    check_positive("proto_scalars_all", &Scalars::all());
}

#[test]
fn scalars_negative_values_and_negative_zero() {
    let v = Scalars {
        f_int32: -1,
        f_int64: -1,
        f_sint32: -1,
        f_sint64: -1,
        f_double: -0.0,
        f_enum: Color::Negative,
        ..Scalars::zero()
    };
    check_positive("proto_scalars_negative", &v);
}

#[test]
fn nested_line_item() {
    let v = LineItem {
        sku: "s".into(),
        qty: 3,
        discount: Some(Discount {
            cents: 5,
            code: String::new(),
        }),
    };
    check_positive("proto_lineitem", &v);
}

#[test]
fn doubly_nested_discount() {
    check_positive(
        "proto_discount",
        &Discount {
            cents: -1,
            code: "X".into(),
        },
    );
}

#[test]
fn second_nested_audit() {
    check_positive(
        "proto_audit",
        &Audit {
            who: "w".into(),
            at_millis: 0,
        },
    );
}

#[test]
fn map_entry_counts_as_a_nested_type() {
    let v = MapFirst {
        attrs: [("k".to_string(), "v".to_string())].into(),
        after: Some(After { x: 1 }),
    };
    check_positive("proto_mapfirst", &v);
    // Our own file declares After at top level; theirs nests it after the map entry.
    assert_eq!(
        message_index_path(&registered(&case("proto_mapfirst")), After::full_name()),
        Some(vec![3, 1])
    );
}

#[test]
fn top_level_index_64_takes_two_bytes() {
    check_positive(
        "proto_many_target",
        &Target {
            s: "t".into(),
            inner: None,
        },
    );
}

#[test]
fn order_with_every_field_kind_and_an_inline_oneof() {
    let v = Order {
        order_id: "o-1".into(),
        quantities: vec![1, 2, 300, -1],
        tags: vec!["a".into(), "b".into()],
        counts: [("x".to_string(), 1)].into(),
        first_item: Some(LineItem {
            sku: "s1".into(),
            qty: 2,
            discount: Some(Discount {
                cents: -150,
                code: "SALE".into(),
            }),
        }),
        items: vec![line_item("a", 1), line_item("b", 0)],
        color: Color::Red,
        payment: Some(Payment::CardToken("tok".into())),
        priority: Some(5),
        note: Some("hi".into()),
        audit: Some(Audit {
            who: "me".into(),
            at_millis: 1_706_704_496_789,
        }),
    };
    check_positive("proto_order_full", &v);
}

#[test]
fn order_map_with_several_entries_is_compared_by_value() {
    let v = Order {
        order_id: "m".into(),
        counts: [
            ("b".to_string(), 2),
            ("c".to_string(), -3),
            ("a".to_string(), 1),
        ]
        .into(),
        ..Order::empty()
    };
    let c = case("proto_order_map_multi");
    assert_eq!(
        c["nondeterministic_bytes"], true,
        "the case this test is about"
    );
    check_positive("proto_order_map_multi", &v);
}

#[test]
fn order_explicit_presence_writes_zero_values() {
    let v = Order {
        payment: Some(Payment::CardToken(String::new())),
        priority: Some(0),
        note: Some(String::new()),
        ..Order::empty()
    };
    check_positive("proto_order_presence", &v);
}

#[test]
fn order_oneof_holding_an_empty_message() {
    let v = Order {
        items: vec![line_item("", 0)],
        payment: Some(Payment::Voucher(Discount {
            cents: 0,
            code: String::new(),
        })),
        ..Order::empty()
    };
    check_positive("proto_order_oneof_message", &v);
}

#[test]
fn order_oneof_holding_a_zero_int_after_a_negative_enum() {
    let v = Order {
        color: Color::Negative,
        payment: Some(Payment::AccountNumber(0)),
        ..Order::empty()
    };
    check_positive("proto_order_oneof_int", &v);
}

#[test]
fn envelope_with_nested_order_repeated_messages_and_a_timestamp() {
    let created = Utc
        .with_ymd_and_hms(2024, 1, 31, 12, 34, 56)
        .single()
        .and_then(|t| t.checked_add_signed(chrono::Duration::milliseconds(789)))
        .expect("a valid instant");
    let v = Envelope {
        order: Some(Order {
            order_id: "e".into(),
            items: vec![line_item("z", 0)],
            ..Order::empty()
        }),
        audit: Some(Audit {
            who: "x".into(),
            at_millis: -1,
        }),
        samples: vec![
            Scalars {
                f_int32: 1,
                ..Scalars::zero()
            },
            Scalars::zero(),
        ],
        created: Some(created),
    };
    check_positive("proto_envelope", &v);
}

#[test]
fn inline_oneof_is_declared_inside_order() {
    let file = Order::proto_file();
    let order = &file.message_type[0];
    assert_eq!(order.name(), "Order");
    let decls: Vec<_> = order.oneof_decl.iter().map(|o| o.name()).collect();
    // Real oneofs first, then the synthetic ones of `optional` fields, as protoc does
    // (`Option<Message>` is `optional Message`: the same presence and bytes as oracle.proto's
    // plain message field, so the registered descriptor has no synthetic oneof for those).
    assert_eq!(
        decls,
        ["payment", "_first_item", "_priority", "_note", "_audit"]
    );
    let members: Vec<_> = order
        .field
        .iter()
        .filter(|f| f.oneof_index == Some(0))
        .map(|f| (f.name(), f.number(), f.proto3_optional))
        .collect();
    assert_eq!(
        members,
        [
            ("card_token", 8, None),
            ("account_number", 9, None),
            ("voucher", 10, None)
        ]
    );
    // The same field order and real-oneof layout as the registered descriptor.
    let theirs = registered(&case("proto_order_full"));
    let theirs = &theirs.message_type[1];
    let layout = |m: &prost_types::DescriptorProto| {
        m.field
            .iter()
            .map(|f| {
                let real_oneof = f.oneof_index.filter(|_| !f.proto3_optional());
                (f.name().to_string(), f.number(), real_oneof)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(layout(order), layout(theirs));
    // The enum is no message of its own in the file.
    assert!(file.message_type.iter().all(|m| m.name() != "Payment"));
    // The member's message is named where the registered file has it: nested in LineItem.
    let voucher = |m: &prost_types::DescriptorProto| {
        m.field
            .iter()
            .find(|f| f.name() == "voucher")
            .map(|f| f.type_name().to_string())
    };
    assert_eq!(voucher(order), voucher(theirs));
    assert!(
        Order::proto_text().contains("  oneof payment {\n    string card_token = 8;\n    int64 account_number = 9;\n    .oracle.v1.Order.LineItem.Discount voucher = 10;\n  }\n"),
        "{}",
        Order::proto_text()
    );
}

/// What a typed Protobuf reader does with a frame: header, index array (resolved in the
/// registered file, as Confluent's deserializer does), then the payload as `T`.
fn read_frame<T>(wire: &[u8], file: &FileDescriptorProto) -> Result<T, String>
where
    T: StreamSchema + streamhouse_schema::codec::proto::ProtoValue + prost::Message,
{
    let frame = parse_frame(wire).map_err(|e| e.to_string())?;
    let (indexes, payload) = parse_message_indexes(frame.payload).map_err(|e| e.to_string())?;
    message_at_index_path(file, &indexes).ok_or_else(|| format!("no message at {indexes:?}"))?;
    T::decode_proto(payload).map_err(|e| e.to_string())
}

#[test]
fn negative_frames_for_modelled_messages_are_rejected() {
    let file = registered(&case("proto_scalars_all"));
    let many = registered(&case("proto_many_target"));
    let mut checked = 0;
    for c in cases() {
        let name = c["name"].as_str().unwrap().to_string();
        if c["format"] != "PROTOBUF" || c["kind"] != "negative" {
            continue;
        }
        let wire = hex_field(&c, "wire_hex");
        let result = match c["message_type"].as_str().unwrap() {
            // An unknown schema id is the registry client's to reject.
            _ if name == "neg_proto_unknown_schema_id" => continue,
            "oracle.v1.Scalars" => read_frame::<Scalars>(&wire, &file).map(|_| ()),
            "oracle.v1.Order.LineItem" => read_frame::<LineItem>(&wire, &file).map(|_| ()),
            "oracle.v1.Order" => read_frame::<Order>(&wire, &file).map(|_| ()),
            "oracle.many.Target" => read_frame::<Target>(&wire, &many).map(|_| ()),
            other => panic!("{name}: negative case for unmodelled message {other}"),
        };
        assert!(result.is_err(), "{name} must be rejected");
        checked += 1;
    }
    assert_eq!(checked, 9);
}

#[test]
fn frames_python_accepts_decode_to_the_same_value() {
    let file = registered(&case("proto_scalars_all"));
    for name in [
        "acc_proto_nonminimal_index0",
        "acc_proto_index_class_mismatch",
    ] {
        let wire = hex_field(&case(name), "wire_hex");
        assert_eq!(
            read_frame::<Scalars>(&wire, &file),
            Ok(Scalars::all()),
            "{name}"
        );
    }
}
