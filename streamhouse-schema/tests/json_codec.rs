//! The generated JSON codec and JSON Schema of derived types: exact bytes, exact schemas,
//! typed decode errors.

use std::collections::BTreeMap;

use serde_json::json;
use streamhouse_schema::{
    JsonDecode, JsonDecodeError, JsonEncode, JsonEncodeError, JsonSchemaDraft, StreamSchema,
};

/// A line of an order.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme")]
struct Line {
    sku: String,
    /// How many.
    qty: u16,
}

#[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
#[stream_schema(rename_all = "UPPERCASE")]
enum Status {
    New,
    #[stream_schema(alias = "PAYED")]
    Paid,
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
enum Payment {
    Cash,
    Card {
        last4: String,
        token: Option<String>,
    },
    Voucher(i64),
}

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(untagged)]
enum Scalar {
    Int(i32),
    Text(String),
}

/// An order.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "com.acme", additional_properties = false)]
struct Order {
    id: String,
    #[stream_schema(rename = "total")]
    amount: f64,
    note: Option<String>,
    lines: Vec<Line>,
    status: Status,
    payment: Payment,
    attrs: BTreeMap<String, i32>,
    #[stream_schema(default = 3)]
    priority: i8,
    #[stream_schema(skip, default)]
    cache: Vec<u8>,
}

fn order() -> Order {
    Order {
        id: "o-1".into(),
        amount: 12.5,
        note: None,
        lines: vec![Line {
            sku: "a\"b".into(),
            qty: 2,
        }],
        status: Status::Paid,
        payment: Payment::Card {
            last4: "4242".into(),
            token: None,
        },
        attrs: [("x".to_string(), -1)].into(),
        priority: 1,
        cache: Vec::new(),
    }
}

#[test]
fn encodes_fields_in_declaration_order_with_renames() {
    let json = order().to_json_vec().unwrap();
    assert_eq!(
        std::str::from_utf8(&json).unwrap(),
        r#"{"id":"o-1","total":12.5,"note":null,"lines":[{"sku":"a\"b","qty":2}],"status":"PAID","payment":{"Card":{"last4":"4242","token":null}},"attrs":{"x":-1},"priority":1}"#
    );
    assert_eq!(Order::decode_json(&json), Ok(order()));
}

#[test]
fn data_enums_are_externally_tagged_and_untagged_ones_too() {
    assert_eq!(Payment::Cash.to_json_vec().unwrap(), br#""Cash""#);
    assert_eq!(
        Payment::Voucher(7).to_json_vec().unwrap(),
        br#"{"Voucher":{"value":7}}"#
    );
    assert_eq!(Scalar::Int(7).to_json_vec().unwrap(), br#"{"Int":7}"#);
    assert_eq!(
        Scalar::decode_json(br#"{"Text":"7"}"#),
        Ok(Scalar::Text("7".into()))
    );
    assert_eq!(Payment::decode_json(br#" "Cash" "#), Ok(Payment::Cash));
    assert_eq!(
        Payment::decode_json(br#"{"Voucher":{"value":7}}"#),
        Ok(Payment::Voucher(7))
    );
}

#[test]
fn unknown_fields_are_skipped_and_absent_fields_take_their_defaults() {
    let json = br#"{"zzz":{"deep":[1,{"x":null}]},"id":"o-2","total":1,"lines":[],"status":"NEW",
        "payment":"Cash","attrs":{},"note":"hi"}"#;
    let o = Order::decode_json(json).unwrap();
    assert_eq!(o.priority, 3, "absent field takes its schema default");
    assert_eq!(o.note.as_deref(), Some("hi"));
    assert_eq!(o.amount, 1.0);
    let json = br#"{"id":"o-2","total":1,"lines":[],"status":"PAYED","payment":"Cash","attrs":{}}"#;
    let o = Order::decode_json(json).unwrap();
    assert_eq!(o.note, None, "an absent Option is None");
    assert_eq!(o.status, Status::Paid, "aliases are accepted");
}

#[test]
fn decode_errors_are_typed() {
    let missing = Order::decode_json(br#"{"id":"x"}"#).unwrap_err();
    assert_eq!(missing, JsonDecodeError::MissingField { field: "total" });

    let wrong = Order::decode_json(br#"{"id":5}"#).unwrap_err();
    assert_eq!(
        wrong,
        JsonDecodeError::InField {
            field: "Order.id",
            source: Box::new(JsonDecodeError::WrongType {
                expected: "string",
                found: "a number",
                offset: 6
            })
        }
    );

    assert_eq!(
        Status::decode_json(br#""LOST""#),
        Err(JsonDecodeError::UnknownSymbol {
            symbol: "LOST".into(),
            enum_name: "Status"
        })
    );
    assert_eq!(
        Payment::decode_json(br#"{"Crypto":{}}"#),
        Err(JsonDecodeError::UnknownVariant {
            variant: "Crypto".into(),
            enum_name: "Payment"
        })
    );
    assert_eq!(
        Payment::decode_json(br#""Card""#),
        Err(JsonDecodeError::UnknownVariant {
            variant: "Card".into(),
            enum_name: "Payment"
        })
    );
    assert_eq!(
        Payment::decode_json(br#"{"Voucher":{"value":1},"Cash":null}"#),
        Err(JsonDecodeError::NotOneVariant {
            enum_name: "Payment",
            offset: 22
        })
    );
    assert_eq!(
        Line::decode_json(br#"{"sku":"a","sku":"b","qty":1}"#),
        Err(JsonDecodeError::DuplicateField { field: "sku" })
    );
    assert_eq!(
        Line::decode_json(br#"{"sku":"a","qty":70000}"#).map_err(|e| e.root_cause().clone()),
        Err(JsonDecodeError::IntOutOfRange {
            value: "70000".into(),
            target: "u16",
            offset: 17
        })
    );
    assert!(matches!(
        Line::decode_json(br#"{"sku":"a","qty":1} x"#),
        Err(JsonDecodeError::TrailingCharacters { offset: 20 })
    ));
}

#[test]
fn non_finite_floats_are_an_encode_error() {
    let mut o = order();
    o.amount = f64::NAN;
    assert_eq!(
        o.to_json_vec(),
        Err(JsonEncodeError::InField {
            field: "Order.amount",
            source: Box::new(JsonEncodeError::NonFiniteFloat {
                value: "NaN".into()
            })
        })
    );
}

#[test]
fn the_schema_describes_what_the_codec_writes() {
    let s = Order::json_schema().as_value();
    assert_eq!(
        s["$schema"],
        json!("https://json-schema.org/draft/2020-12/schema")
    );
    assert_eq!(s["title"], json!("Order"));
    assert_eq!(s["description"], json!("An order."));
    assert_eq!(s["additionalProperties"], json!(false));
    assert_eq!(
        s["required"],
        json!(["id", "total", "lines", "status", "payment", "attrs"])
    );
    let keys: Vec<&str> = s["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["id", "total", "note", "lines", "status", "payment", "attrs", "priority"]
    );
    assert_eq!(
        s["properties"]["priority"],
        json!({"type": "integer", "minimum": -128, "maximum": 127, "default": 3})
    );
    assert_eq!(
        s["properties"]["note"],
        json!({"type": ["string", "null"], "default": null})
    );
    assert_eq!(
        s["properties"]["lines"],
        json!({"type": "array", "items": {"$ref": "#/$defs/com.acme.Line"}})
    );
    assert_eq!(
        s["$defs"]["com.acme.Line"],
        json!({
            "title": "Line", "description": "A line of an order.", "type": "object",
            "properties": {
                "sku": {"type": "string"},
                "qty": {"type": "integer", "minimum": 0, "maximum": 65535, "description": "How many."}
            },
            "required": ["sku", "qty"]
        })
    );
    assert_eq!(
        s["$defs"]["com.acme.Status"],
        json!({"title": "Status", "type": "string", "enum": ["NEW", "PAID"]})
    );
    assert_eq!(
        s["$defs"]["com.acme.Payment"]["oneOf"][0],
        json!({"type": "string", "const": "Cash"})
    );
    assert_eq!(
        Order::json_schema_text(),
        serde_json::to_string(Order::json_schema()).unwrap()
    );
    let d7 = Order::json_schema_in(JsonSchemaDraft::Draft07).as_value();
    assert_eq!(
        d7["$schema"],
        json!("http://json-schema.org/draft-07/schema#")
    );
    assert_eq!(
        d7["properties"]["status"],
        json!({"$ref": "#/definitions/com.acme.Status"})
    );
}

/// A tree: recursion goes through `$ref: "#"`.
#[derive(StreamSchema, Debug, PartialEq, Clone)]
struct Tree {
    label: String,
    children: Vec<Tree>,
}

#[test]
fn recursive_types_refer_to_the_root() {
    let s = Tree::json_schema().as_value();
    assert_eq!(s["properties"]["children"]["items"], json!({"$ref": "#"}));
    assert!(s.get("$defs").is_none());
    let t = Tree {
        label: "a".into(),
        children: vec![Tree {
            label: "b".into(),
            children: vec![],
        }],
    };
    let json = t.to_json_vec().unwrap();
    assert_eq!(
        json,
        br#"{"label":"a","children":[{"label":"b","children":[]}]}"#
    );
    assert_eq!(Tree::decode_json(&json), Ok(t));
}
