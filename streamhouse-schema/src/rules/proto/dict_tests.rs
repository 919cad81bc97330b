//! The dict migration rules see of a Protobuf message and the message read back from one,
//! against Confluent's Python (`json_format.MessageToDict(msg, True)` / `ParseDict` with
//! protobuf 7.36): the expected dicts and bytes below were printed by Python for the same
//! schema and message.

use std::sync::Arc;

use prost::Message as _;
use prost_reflect::DynamicMessage;
use serde_json::json;

use super::dict::message_to_dict;
use super::parse::dict_to_message;
use super::wkt_time::{parse_duration, parse_timestamp, timestamp_text};
use crate::registry::Schema;
use crate::rules::message::{ParsedSchema, RuleSchema};
use crate::rules::RuleError;
use crate::schema::SchemaFormat;

const ITEM: &str = r#"syntax = "proto3";
package mig;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/field_mask.proto";

message Item {
  string name = 1;
  int32 count = 2;
  int64 big = 3;
  uint64 ubig = 4;
  float ratio = 5;
  double price = 6;
  bool active = 7;
  bytes blob = 8;
  Kind kind = 9;
  repeated string labels = 10;
  map<string, int64> totals = 11;
  Inner inner = 12;
  optional string note = 13;
  google.protobuf.Timestamp at = 14;
  google.protobuf.Duration ttl = 15;
  google.protobuf.StringValue alias = 16;
  google.protobuf.Struct extra = 17;
  oneof choice { string text = 18; int32 number = 19; }
  google.protobuf.FieldMask mask = 20;
  repeated Inner people = 21;
  Inner absent = 22;
  message Inner { string first_name = 1; }
}
enum Kind { KIND_UNKNOWN = 0; KIND_BIG = 1; }
"#;

/// Python's bytes of an Item with every field kind set (see the module doc).
const FULL_HEX: &str = "0a046b69746510fdffffffffffffffff0118818080808080801020ffffffffffffffffff012dcdcccc3d310000000000000440420300ff1048015201615201625a050a0178100762050a034164616a00720b0880e2cfaa0610c096b1027a1608ffffffffffffffffff011080b6ca91feffffffff018201030a016b8a01390a140a016c120f320d0a0220010a0208000a031a01730a0e0a016e120911000000000000f83f0a110a016f120c2a0a0a080a017a12031a0177980100a2011e0a0a66697273745f6e616d650a10696e6e65722e66697273745f6e616d65aa01040a02426f";

fn item() -> prost_reflect::MessageDescriptor {
    let schema = RuleSchema::parse(Arc::new(Schema::new(ITEM, SchemaFormat::Protobuf)))
        .expect("the schema compiles");
    match &schema.parsed {
        ParsedSchema::Protobuf(proto) => proto.message_at(&[0]).expect("Item"),
        _ => unreachable!("a Protobuf schema"),
    }
}

fn decode(hex_text: &str) -> DynamicMessage {
    DynamicMessage::decode(item(), hex::decode(hex_text).unwrap().as_slice()).unwrap()
}

fn reason(error: RuleError) -> String {
    match error {
        RuleError::Execution { message, .. } => message,
        other => panic!("expected an execution error, got {other:?}"),
    }
}

#[test]
fn the_dict_is_pythons_message_to_dict_with_fields_without_presence() {
    assert_eq!(
        message_to_dict(&decode(FULL_HEX)).unwrap(),
        json!({"active": false, "alias": "k", "at": "2023-11-14T22:13:20.005Z",
               "big": "9007199254740993", "blob": "AP8Q", "count": -3,
               "extra": {"l": [true, null, "s"], "n": 1.5, "o": {"z": "w"}},
               "inner": {"firstName": "Ada"}, "kind": "KIND_BIG", "labels": ["a", "b"],
               "mask": "firstName,inner.firstName", "name": "kite", "note": "", "number": 0,
               "people": [{"firstName": "Bo"}], "price": 2.5, "ratio": 0.1,
               "totals": {"x": "7"}, "ttl": "-1.500s", "ubig": "18446744073709551615"})
    );
    // The empty message: every field without presence at its default, none with.
    assert_eq!(
        message_to_dict(&DynamicMessage::new(item())).unwrap(),
        json!({"active": false, "big": "0", "blob": "", "count": 0, "kind": "KIND_UNKNOWN",
               "labels": [], "name": "", "people": [], "price": 0.0, "ratio": 0.0,
               "totals": {}, "ubig": "0"})
    );
}

#[test]
fn the_dict_reads_back_into_the_same_message() {
    // One descriptor pool: messages of different pools never compare equal.
    let descriptor = item();
    let python = hex::decode(FULL_HEX).unwrap();
    let original = DynamicMessage::decode(descriptor.clone(), python.as_slice()).unwrap();
    let dict = message_to_dict(&original).unwrap();
    let bytes = dict_to_message(&dict, &descriptor).unwrap().encode_to_vec();
    // The same message, in as many bytes as Python's (the Struct's map entries may come
    // in another order).
    assert_eq!(
        DynamicMessage::decode(descriptor, bytes.as_slice()).unwrap(),
        original
    );
    assert_eq!(bytes.len(), FULL_HEX.len() / 2);
}

#[test]
fn parse_dict_accepts_what_python_accepts() {
    // Python: ParseDict of this dict serializes to these bytes.
    let dict = json!({"count": "5", "big": 12, "ratio": "NaN", "kind": 1,
                      "inner": {"first_name": "x"}, "at": "2023-11-14T23:13:20.5+01:00",
                      "ttl": "2s", "alias": null, "blob": "AP8Q"});
    let message = dict_to_message(&dict, &item()).unwrap();
    assert_eq!(
        hex::encode(message.encode_to_vec()),
        "1005180c2d0000c07f420300ff10480162030a0178720c0880e2cfaa061080cab5ee017a020802"
    );
    // An undeclared number of an open enum; a null Struct leaves it unset.
    let message = dict_to_message(&json!({"kind": 7, "extra": null}), &item()).unwrap();
    assert_eq!(hex::encode(message.encode_to_vec()), "4807");
}

#[test]
fn parse_dict_refuses_what_python_refuses_naming_the_path() {
    let cases = [
        (
            json!({"size": 1}),
            "$.size: mig.Item has no field named \"size\"",
        ),
        (
            json!({"count": "x"}),
            "$.count: a string (\"x\") does not fit the type int32",
        ),
        (
            json!({"count": 1.5}),
            "$.count: a number (1.5) does not fit the type int32",
        ),
        (
            json!({"count": true}),
            "$.count: a boolean (true) does not fit the type int32",
        ),
        (
            json!({"count": 2_147_483_648_i64}),
            "$.count: a number (2147483648) does not fit the type int32",
        ),
        (
            json!({"name": 5}),
            "$.name: a number (5) does not fit the type string",
        ),
        (
            json!({"labels": [null]}),
            "$.labels[0]: null is not an item of a repeated field",
        ),
        (
            json!({"kind": "NOPE"}),
            "$.kind: \"NOPE\" is not a value of the enum mig.Kind",
        ),
        (
            json!({"totals": {"x": null}}),
            "$.totals.x: null is not a map value",
        ),
        (
            json!({"at": "2023-11-14T22:13:20"}),
            "$.at: \"2023-11-14T22:13:20\" is not an RFC 3339 timestamp in range",
        ),
        (
            json!({"inner": "Ada"}),
            "$.inner: a string where a message mig.Item.Inner belongs",
        ),
        (json!([1]), "$: an array where a message mig.Item belongs"),
    ];
    for (dict, expected) in cases {
        let error = reason(dict_to_message(&dict, &item()).unwrap_err());
        assert_eq!(error, expected, "for {dict}");
    }
    let error = reason(dict_to_message(&json!({"number": 1, "text": "a"}), &item()).unwrap_err());
    assert!(error.contains("the oneof choice is set twice"), "{error}");
}

#[test]
fn deep_values_are_refused_not_overflowing_the_stack() {
    // A Struct nested far past the bound.
    let mut deep = json!("leaf");
    for _ in 0..500 {
        deep = json!({ "d": deep });
    }
    let error = reason(dict_to_message(&json!({ "extra": deep }), &item()).unwrap_err());
    assert!(error.contains("nested too deeply"), "{error}");
}

#[test]
fn timestamps_and_durations_in_their_json_forms() {
    assert_eq!(timestamp_text(0, 0, "$").unwrap(), "1970-01-01T00:00:00Z");
    assert_eq!(
        timestamp_text(-62_135_596_800, 1, "$").unwrap(),
        "0001-01-01T00:00:00.000000001Z"
    );
    assert_eq!(
        timestamp_text(253_402_300_799, 120_000, "$").unwrap(),
        "9999-12-31T23:59:59.000120Z"
    );
    assert!(timestamp_text(253_402_300_800, 0, "$").is_err());
    assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some((0, 0)));
    assert_eq!(
        parse_timestamp("2024-02-29T12:00:00.25-02:30"),
        Some((1_709_217_000, 250_000_000))
    );
    for bad in [
        "2023-02-29T00:00:00Z",
        "2023-01-01t00:00:00Z",
        "2023-01-01T00:00:00",
        "2023-01-01T00:00:00.1234567890Z",
        "2023-01-01T24:00:00Z",
        "",
    ] {
        assert_eq!(parse_timestamp(bad), None, "{bad}");
    }
    assert_eq!(parse_duration("-1.500s"), Some((-1, -500_000_000)));
    assert_eq!(parse_duration("3s"), Some((3, 0)));
    for bad in ["3", "1.s", "s", "--1s", "315576000001s"] {
        assert_eq!(parse_duration(bad), None, "{bad}");
    }
}
