use std::collections::BTreeMap;
use streamhouse_schema::StreamSchema;

mod proto_support;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Item {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: u32,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
enum Currency {
    Unspecified = 0,
    Eur = 1,
    Usd = 2,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1")]
enum Payment {
    #[stream_schema(tag = 1)]
    Cash,
    #[stream_schema(tag = 2)]
    Card(String),
    #[stream_schema(tag = 3)]
    Voucher {
        #[stream_schema(tag = 1)]
        code: String,
        #[stream_schema(tag = 2, proto = "sint64")]
        cents: i64,
    },
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    items: Vec<Item>,
    #[stream_schema(tag = 3)]
    qtys: Vec<i32>,
    #[stream_schema(tag = 4)]
    note: Option<String>,
    #[stream_schema(tag = 5)]
    attrs: BTreeMap<String, i64>,
    #[stream_schema(tag = 6)]
    currency: Currency,
    #[stream_schema(tag = 7)]
    payment: Payment,
    #[stream_schema(tag = 8)]
    at: chrono::DateTime<chrono::Utc>,
}

fn sample() -> Order {
    Order {
        id: "o-1".into(),
        items: vec![
            Item {
                sku: "a".into(),
                qty: 2,
            },
            Item {
                sku: String::new(),
                qty: 0,
            },
        ],
        qtys: vec![1, -1],
        note: Some(String::new()),
        attrs: [("x".to_string(), 5)].into(),
        currency: Currency::Usd,
        payment: Payment::Voucher {
            code: "V".into(),
            cents: -3,
        },
        at: chrono::DateTime::from_timestamp(1_700_000_000, 5_000).unwrap(),
    }
}

const EXPECTED_TEXT: &str = r#"syntax = "proto3";

package shop.v1;

import "google/protobuf/empty.proto";
import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  repeated .shop.v1.Item items = 2;
  repeated int32 qtys = 3;
  optional string note = 4;
  map<string, int64> attrs = 5;
  .shop.v1.Currency currency = 6;
  .shop.v1.Payment payment = 7;
  .google.protobuf.Timestamp at = 8;
}

message Item {
  string sku = 1;
  uint32 qty = 2;
}

message Payment {
  oneof value {
    .google.protobuf.Empty Cash = 1;
    string Card = 2;
    .shop.v1.Voucher Voucher = 3;
  }
}

message Voucher {
  string code = 1;
  sint64 cents = 2;
}

enum Currency {
  Unspecified = 0;
  Eur = 1;
  Usd = 2;
}
"#;

#[test]
fn proto_text_is_root_first_and_compiles_with_protoc() {
    assert_eq!(Order::proto_text(), EXPECTED_TEXT);
    let set = proto_support::protoc_compile("order.proto", Order::proto_text());
    let ours = set
        .file
        .iter()
        .find(|f| f.package() == "shop.v1")
        .expect("our file in protoc's output");
    let names: Vec<_> = ours.message_type.iter().map(|m| m.name()).collect();
    assert_eq!(names, ["Order", "Item", "Payment", "Voucher"]);
    assert_eq!(Order::proto_message_indexes(), &[0]);
    assert_eq!(Order::proto_file().package(), "shop.v1");
}

#[test]
fn exact_bytes_of_a_small_message() {
    let item = Item {
        sku: "a".into(),
        qty: 300,
    };
    let mut buf = Vec::new();
    item.encode_proto(&mut buf);
    // 1: "a" (0a 01 61), 2: varint 300 (10 ac 02)
    assert_eq!(buf, [0x0a, 0x01, b'a', 0x10, 0xac, 0x02]);
    assert_eq!(prost::Message::encoded_len(&item), buf.len());
    assert_eq!(Item::decode_proto(&buf).unwrap(), item);
    // Zero values are not written (implicit presence).
    let mut empty = Vec::new();
    Item {
        sku: String::new(),
        qty: 0,
    }
    .encode_proto(&mut empty);
    assert!(empty.is_empty());
}

#[test]
fn protoc_decodes_our_bytes_to_the_expected_text() {
    let mut buf = Vec::new();
    sample().encode_proto(&mut buf);
    let text =
        proto_support::protoc_decode("order.proto", Order::proto_text(), "shop.v1.Order", &buf);
    assert_eq!(
        text,
        r#"id: "o-1"
items {
  sku: "a"
  qty: 2
}
items {
}
qtys: 1
qtys: -1
note: ""
attrs {
  key: "x"
  value: 5
}
currency: Usd
payment {
  Voucher {
    code: "V"
    cents: -3
  }
}
at {
  seconds: 1700000000
  nanos: 5000
}
"#
    );
}

#[test]
fn prost_reflect_decodes_our_bytes_with_our_descriptor() {
    use prost_reflect::{MapKey, Value};
    let mut buf = Vec::new();
    sample().encode_proto(&mut buf);
    let m = proto_support::reflect_decode(Order::proto_file(), "shop.v1.Order", &buf);
    assert_eq!(m.get_field_by_name("id").unwrap().as_str(), Some("o-1"));
    assert_eq!(
        m.get_field_by_name("qtys").unwrap().as_list().unwrap(),
        &[Value::I32(1), Value::I32(-1)]
    );
    assert!(m.has_field_by_name("note"));
    assert_eq!(
        m.get_field_by_name("currency").unwrap().as_enum_number(),
        Some(2)
    );
    let attrs = m.get_field_by_name("attrs").unwrap();
    assert_eq!(
        attrs.as_map().unwrap().get(&MapKey::String("x".into())),
        Some(&Value::I64(5))
    );
    let payment = m.get_field_by_name("payment").unwrap();
    let voucher = payment
        .as_message()
        .unwrap()
        .get_field_by_name("Voucher")
        .unwrap();
    let voucher = voucher.as_message().unwrap();
    assert_eq!(
        voucher.get_field_by_name("cents").unwrap().as_i64(),
        Some(-3)
    );
    let at = m.get_field_by_name("at").unwrap();
    assert_eq!(
        at.as_message()
            .unwrap()
            .get_field_by_name("seconds")
            .unwrap()
            .as_i64(),
        Some(1_700_000_000)
    );
    // And prost-reflect's own encoding of that message decodes back to our value.
    let again = prost::Message::encode_to_vec(&m);
    assert_eq!(Order::decode_proto(&again).unwrap(), sample());
}

#[test]
fn round_trips_every_variant_and_presence() {
    for payment in [
        Payment::Cash,
        Payment::Card(String::new()),
        Payment::Card("tok".into()),
    ] {
        let mut o = sample();
        o.payment = payment;
        o.note = None;
        let mut buf = Vec::new();
        o.encode_proto(&mut buf);
        assert_eq!(prost::Message::encoded_len(&o), buf.len());
        assert_eq!(Order::decode_proto(&buf).unwrap(), o);
    }
}

#[test]
fn malformed_input_is_a_typed_error() {
    let mut buf = Vec::new();
    sample().encode_proto(&mut buf);
    for cut in 1..buf.len() {
        // Every strict prefix that ends inside a field is an error, never a panic.
        let _ = Order::decode_proto(&buf[..cut]);
    }
    assert!(Order::decode_proto(&buf[..buf.len() - 1]).is_err());
    // A length prefix beyond the input.
    assert!(Order::decode_proto(&[0x0a, 0x05, b'a']).is_err());
    // Invalid UTF-8 in a string.
    assert!(Order::decode_proto(&[0x0a, 0x01, 0xff]).is_err());
    // Wrong wire type for field 1 (string sent as varint).
    assert!(Order::decode_proto(&[0x08, 0x01]).is_err());
    // Unknown enum number.
    let err = Order::decode_proto(&[0x30, 0x07]).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown value 7 for enum Currency"),
        "{err}"
    );
    // Unknown fields are skipped, as proto3 readers do.
    let o = Order::decode_proto(&[0xf8, 0x01, 0x05]).unwrap();
    assert_eq!(o.id, "");
}
