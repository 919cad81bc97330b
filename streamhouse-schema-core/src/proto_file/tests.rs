//! Parsing, printing and message-index paths of Protobuf schemas.

use prost::Message as _;
use prost_types::FileDescriptorProto;

use super::*;

/// Covers what the printer must render: nested messages and enums, oneofs, proto3
/// `optional`, maps, imports of well-known types, reserved ranges and names, negative enum
/// values, repeated and json_name options.
const RICH_PROTO3: &str = r#"
syntax = "proto3";

package oracle.v1;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

option java_package = "com.example.oracle";
option go_package = "example.com/oracle/v1;oraclev1";

message Order {
  reserved 4, 8 to 10, 100 to max;
  reserved "legacy", "old_total";

  enum Status {
    STATUS_UNSPECIFIED = 0;
    STATUS_OPEN = 1;
    STATUS_VOID = -1;
  }

  message LineItem {
    string sku = 1;
    int32 quantity = 2;
    map<string, string> attributes = 3;
  }

  string id = 1;
  repeated LineItem items = 2;
  map<string, int64> totals = 3;
  Status status = 5;
  optional string note = 6;
  oneof payment {
    string card_token = 7;
    .oracle.v1.Order.LineItem voucher = 11;
  }
  google.protobuf.Timestamp placed_at = 12;
  google.protobuf.StringValue coupon = 13;
  repeated int32 flags = 14 [packed = false];
  string customer_ref = 15 [json_name = "customer"];
  bytes blob = 16 [deprecated = true];
}

enum Region {
  REGION_UNSPECIFIED = 0;
  REGION_EU = 1;
}

service Orders {
  rpc Place(.oracle.v1.Order) returns (stream .oracle.v1.Order);
}
"#;

const EXPECTED_RICH_PRINT: &str = r#"syntax = "proto3";

package oracle.v1;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

option java_package = "com.example.oracle";
option go_package = "example.com/oracle/v1;oraclev1";

message Order {
  reserved 4, 8 to 10, 100 to max;
  reserved "legacy", "old_total";
  enum Status {
    STATUS_UNSPECIFIED = 0;
    STATUS_OPEN = 1;
    STATUS_VOID = -1;
  }
  string id = 1;
  repeated .oracle.v1.Order.LineItem items = 2;
  message LineItem {
    string sku = 1;
    int32 quantity = 2;
    map<string, string> attributes = 3;
  }
  map<string, int64> totals = 3;
  .oracle.v1.Order.Status status = 5;
  optional string note = 6;
  oneof payment {
    string card_token = 7;
    .oracle.v1.Order.LineItem voucher = 11;
  }
  .google.protobuf.Timestamp placed_at = 12;
  .google.protobuf.StringValue coupon = 13;
  repeated int32 flags = 14 [packed = false];
  string customer_ref = 15 [json_name = "customer"];
  bytes blob = 16 [deprecated = true];
}

enum Region {
  REGION_UNSPECIFIED = 0;
  REGION_EU = 1;
}

service Orders {
  rpc Place(.oracle.v1.Order) returns (stream .oracle.v1.Order);
}
"#;

fn parse(text: &str) -> FileDescriptorProto {
    parse_proto(text).unwrap_or_else(|e| panic!("test schema does not parse: {e}"))
}

/// The descriptor without its file name (text schemas get a generated one).
fn unnamed(mut file: FileDescriptorProto) -> FileDescriptorProto {
    file.name = None;
    file
}

#[test]
fn prints_every_construct() {
    assert_eq!(print_proto(&parse(RICH_PROTO3)), EXPECTED_RICH_PRINT);
}

#[test]
fn printed_text_compiles_back_to_the_same_descriptor() {
    let original = parse(RICH_PROTO3);
    let reparsed = parse(&print_proto(&original));
    assert_eq!(unnamed(reparsed), unnamed(original));
}

#[test]
fn proto2_round_trips_with_labels_defaults_and_extensions() {
    let text = r#"
        syntax = "proto2";
        package legacy;
        message Item {
          required string id = 1;
          optional int32 count = 2 [default = -5];
          optional string label = 3 [default = "a \"quoted\"\nline"];
          repeated double weights = 4;
          optional Kind kind = 5 [default = KIND_B];
          extensions 100 to 199;
          enum Kind { KIND_A = 1; KIND_B = 2; }
        }
        extend Item { optional string extra = 100; }
    "#;
    let original = parse(text);
    let printed = print_proto(&original);
    assert!(printed.starts_with("syntax = \"proto2\";"), "{printed}");
    assert!(printed.contains("  required string id = 1;"), "{printed}");
    assert!(
        printed.contains("  optional int32 count = 2 [default = -5];"),
        "{printed}"
    );
    assert!(
        printed.contains(r#"  optional string label = 3 [default = "a \"quoted\"\nline"];"#),
        "{printed}"
    );
    assert!(printed.contains("  extensions 100 to 199;"), "{printed}");
    assert!(
        printed.contains("extend .legacy.Item {\n  optional string extra = 100;\n}"),
        "{printed}"
    );
    assert_eq!(unnamed(parse(&printed)), unnamed(original));
}

#[test]
fn base64_descriptor_is_accepted_and_round_trips() {
    let original = parse(RICH_PROTO3);
    let encoded = to_base64_descriptor(&original);
    let decoded = parse_proto(&encoded).unwrap();
    assert_eq!(decoded, original);
    // The payload really is the protobuf encoding of the descriptor.
    let bytes =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &encoded).unwrap();
    assert_eq!(
        FileDescriptorProto::decode(bytes.as_slice()).unwrap(),
        original
    );
}

#[test]
fn descriptor_with_its_own_file_name_keeps_it() {
    let mut file = parse("syntax = \"proto3\"; message A { int32 x = 1; }");
    file.name = Some("shop/a.proto".to_string());
    let decoded = parse_proto(&to_base64_descriptor(&file)).unwrap();
    assert_eq!(decoded.name(), "shop/a.proto");
}

#[test]
fn bad_input_gets_typed_errors() {
    assert_eq!(parse_proto("  \n"), Err(ProtoSchemaError::Empty));
    assert!(matches!(
        parse_proto("abc"),
        Err(ProtoSchemaError::Base64(_))
    ));
    // Valid base64, but the bytes are not a FileDescriptorProto (field 1 with wire type 7).
    assert!(matches!(
        parse_proto("D////w=="),
        Err(ProtoSchemaError::Descriptor(_))
    ));
    let missing_type = parse_proto("syntax = \"proto3\"; message A { Missing m = 1; }");
    let Err(ProtoSchemaError::Compile(message)) = missing_type else {
        panic!("expected a compile error, got {missing_type:?}");
    };
    assert!(message.contains("Missing"), "{message}");
    let syntax_error = parse_proto("syntax = \"proto3\"; message A { int32 x = ; }");
    assert!(matches!(syntax_error, Err(ProtoSchemaError::Compile(_))));
    let unknown_import = parse_proto("syntax = \"proto3\"; import \"shop/money.proto\";");
    let Err(ProtoSchemaError::Compile(message)) = unknown_import else {
        panic!("expected a compile error, got {unknown_import:?}");
    };
    assert!(message.contains("shop/money.proto"), "{message}");
}

#[test]
fn well_known_imports_resolve() {
    for import in [
        "timestamp",
        "duration",
        "wrappers",
        "any",
        "struct",
        "empty",
        "field_mask",
    ] {
        let text = format!("syntax = \"proto3\"; import \"google/protobuf/{import}.proto\";");
        let file = parse_proto(&text).unwrap_or_else(|e| panic!("{import}: {e}"));
        assert_eq!(file.dependency, [format!("google/protobuf/{import}.proto")]);
    }
}

#[test]
fn confluent_imports_resolve_with_field_tags() {
    let text = r#"syntax = "proto3";
        package shop;
        import "confluent/meta.proto";
        import "confluent/type/decimal.proto";
        message Order {
          option (confluent.message_meta).doc = "an order";
          string ssn = 1 [(confluent.field_meta).tags = "PII", (confluent.field_meta).tags = "PRIVATE"];
          confluent.type.Decimal total = 2;
        }"#;
    let file = parse_proto(text).unwrap();
    assert_eq!(
        file.dependency,
        ["confluent/meta.proto", "confluent/type/decimal.proto"]
    );
    let order = &file.message_type[0];
    assert_eq!(order.field[1].type_name(), ".confluent.type.Decimal");
    // The tags are kept as the field's options (extension 1088).
    assert!(order.field[0].options.is_some());
    // An unknown extension is still an error.
    let wrong = r#"syntax = "proto3"; import "confluent/meta.proto";
        message A { string s = 1 [(confluent.no_such_meta).tags = "PII"]; }"#;
    assert!(parse_proto(wrong).is_err());
}

#[test]
fn imports_can_be_supplied_as_references() {
    let money = "syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }";
    let order = "syntax = \"proto3\"; package shop; import \"shop/money.proto\";
                 message Order { Money total = 1; }";
    let file = parse_proto_with_imports(order, &[("shop/money.proto", money)]).unwrap();
    assert_eq!(file.message_type[0].field[0].type_name(), ".shop.Money");
    // A reference may itself be a base64 descriptor.
    let money_descriptor = to_base64_descriptor(&parse(money));
    let file = parse_proto_with_imports(order, &[("shop/money.proto", &money_descriptor)]).unwrap();
    assert_eq!(file.message_type[0].field[0].type_name(), ".shop.Money");
}

#[test]
fn message_index_paths_count_map_entries() {
    let file = parse(RICH_PROTO3);
    assert_eq!(message_index_path(&file, "oracle.v1.Order"), Some(vec![0]));
    // Order's nested types in declaration order: LineItem, then TotalsEntry (map entry).
    assert_eq!(
        message_index_path(&file, "oracle.v1.Order.LineItem"),
        Some(vec![0, 0])
    );
    assert_eq!(
        message_index_path(&file, "oracle.v1.Order.TotalsEntry"),
        Some(vec![0, 1])
    );
    assert_eq!(message_index_path(&file, "other.Order"), None);
    assert_eq!(
        message_index_path(&file, "oracle.v1.Region"),
        None,
        "an enum is no message"
    );
    let (name, message) = message_at_index_path(&file, &[0, 0]).unwrap();
    assert_eq!(name, "oracle.v1.Order.LineItem");
    assert_eq!(message.name(), "LineItem");
    assert!(message_at_index_path(&file, &[-1]).is_none());
    assert!(message_at_index_path(&file, &[1]).is_none());
}

#[test]
fn message_index_path_and_lookup_are_inverse() {
    let file = parse(
        "syntax = \"proto3\"; package p;
         message A { message B { message C {} } map<int32, B> bs = 1; message D {} }
         message E {}",
    );
    for name in ["p.A", "p.A.B", "p.A.B.C", "p.A.BsEntry", "p.A.D", "p.E"] {
        let path = message_index_path(&file, name).unwrap();
        let (found, _) = message_at_index_path(&file, &path).unwrap();
        assert_eq!(found, name, "path {path:?}");
    }
    assert_eq!(message_index_path(&file, "p.A.D"), Some(vec![0, 2]));
    // Printing keeps the nested order, so the indexes survive a print/parse round trip.
    let reparsed = parse(&print_proto(&file));
    assert_eq!(message_index_path(&reparsed, "p.A.D"), Some(vec![0, 2]));
    assert_eq!(unnamed(reparsed), unnamed(file));
}

#[test]
fn well_known_files_registered_as_descriptor_references_are_accepted() {
    // Confluent's Python serializer registers each import as its own subject, as a base64
    // descriptor named after the import, and passes it back as a reference.
    let mut timestamp = parse(
        "syntax = \"proto3\"; package google.protobuf;
         message Timestamp { int64 seconds = 1; int32 nanos = 2; }",
    );
    timestamp.name = Some("google/protobuf/timestamp.proto".to_string());
    let timestamp_b64 = to_base64_descriptor(&timestamp);
    let registered = parse_proto(&timestamp_b64).unwrap();
    assert_eq!(registered.name(), "google/protobuf/timestamp.proto");

    let mut order = parse(
        "syntax = \"proto3\"; package shop; import \"google/protobuf/timestamp.proto\";
         message Order { google.protobuf.Timestamp at = 1; }",
    );
    order.name = Some("shop/order.proto".to_string());
    let order_b64 = to_base64_descriptor(&order);
    let file = parse_proto_with_imports(
        &order_b64,
        &[("google/protobuf/timestamp.proto", &timestamp_b64)],
    )
    .unwrap();
    assert_eq!(file.name(), "shop/order.proto");
    assert_eq!(
        file.message_type[0].field[0].type_name(),
        ".google.protobuf.Timestamp"
    );
    assert_eq!(
        print_proto(&file),
        print_proto(&parse_proto(&order_b64).unwrap()),
        "with or without the reference, the schema prints the same"
    );
}

#[test]
fn absurdly_deep_nesting_is_a_compile_error_not_a_crash() {
    let depth = 5000;
    let text = format!(
        "syntax = \"proto3\"; {} {}",
        "message A { ".repeat(depth),
        "}".repeat(depth)
    );
    let result = parse_proto(&text);
    assert!(
        matches!(&result, Err(ProtoSchemaError::Compile(m)) if m.contains("recursion limit")),
        "{result:?}"
    );
}

/// `(confluent.field_meta)` as the serialized descriptor carries it: FieldOptions field
/// 1088, length-delimited (key 1088 << 3 | 2 = 8706, varint `82 44`), holding `Meta` whose
/// `tags` are field 3 (`1a`).
const FIELD_META_PII: &[u8] = &[0x82, 0x44, 0x05, 0x1a, 0x03, b'P', b'I', b'I'];

#[test]
fn serialized_form_keeps_confluent_field_meta_tags() {
    let text = r#"syntax = "proto3";
        package shop;
        import "confluent/meta.proto";
        message Order {
          string id = 1;
          string card = 2 [(confluent.field_meta) = { tags: "PII" }];
        }"#;
    let contains = |haystack: &[u8]| {
        haystack
            .windows(FIELD_META_PII.len())
            .any(|w| w == FIELD_META_PII)
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let serialized = b64
        .decode(serialized_proto_with_imports(text, &[]).unwrap())
        .unwrap();
    assert!(contains(&serialized), "{serialized:02x?}");
    // The same file as `parse_proto` reads it, minus the option prost cannot keep and the
    // default `json_name`s (served only where the text sets one, as Confluent serves them).
    let mut decoded = FileDescriptorProto::decode(serialized.as_slice()).unwrap();
    let mut parsed = parse(text);
    for file in [&mut decoded, &mut parsed] {
        file.message_type[0].field[1].options = None;
    }
    for field in &mut parsed.message_type[0].field {
        field.json_name = None;
    }
    assert_eq!(decoded, parsed);
    // Through prost_types the extension is lost: why the serialized form has its own path.
    let through_prost = b64.decode(to_base64_descriptor(&parse(text))).unwrap();
    assert!(!contains(&through_prost));
}

#[test]
fn a_descriptor_of_unknown_syntax_is_an_error_not_a_panic() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-unknown-syntax): protox's prost-reflect panicked on `syntax = "prosos3"`.
    let descriptor = |syntax: &str| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            syntax: Some(syntax.into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("A".into()),
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    for syntax in ["prosos3", "editions", "proto4"] {
        assert_eq!(
            parse_proto(&descriptor(syntax)),
            Err(ProtoSchemaError::Compile(format!(
                "the descriptor's syntax \"{syntax}\" is neither \"proto2\" nor \"proto3\""
            )))
        );
        assert!(serialized_proto_with_imports(&descriptor(syntax), &[]).is_err());
    }
    // An empty syntax is proto2, as protoc reads it.
    let file = parse_proto(&descriptor("")).unwrap();
    assert_eq!(file.message_type[0].name(), "A");
    assert_eq!(file.syntax, None);
    assert!(parse_proto(&descriptor("proto3")).is_ok());
}

/// A descriptor field: `name = number`, label and type by their descriptor numbers.
fn scalar_field(name: &str, number: i32, label: i32, ty: i32) -> prost_types::FieldDescriptorProto {
    prost_types::FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(label),
        r#type: Some(ty),
        ..Default::default()
    }
}

#[test]
fn a_descriptor_naming_a_message_with_no_identifier_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-invalid-message-name): a message named " 7" compiled, and its printed text did
    // not parse.
    let named = |package: &str, message: &str, field: &str| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some(package.into()),
            syntax: Some("proto3".into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some(message.into()),
                field: vec![prost_types::FieldDescriptorProto {
                    name: Some(field.into()),
                    number: Some(1),
                    label: Some(1),
                    r#type: Some(5),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    let error = |what: &str, name: &str| {
        Err(ProtoSchemaError::Compile(format!(
            "the descriptor's {what} name {name:?} is not an identifier"
        )))
    };
    assert_eq!(parse_proto(&named("p", " 7", "x")), error("message", " 7"));
    assert_eq!(parse_proto(&named("p", "A", "")), error("field", ""));
    assert_eq!(parse_proto(&named("p", "A", "1x")), error("field", "1x"));
    assert_eq!(
        parse_proto(&named("p..q", "A", "x")),
        error("package", "p..q")
    );
    let file = parse_proto(&named("p.v_1", "_A", "x9")).unwrap();
    assert_eq!(print_proto(&file).lines().nth(2), Some("package p.v_1;"));
}

#[test]
fn a_descriptor_reserving_a_name_that_is_no_identifier_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-reserved-name): a message reserving the name "\n\u{1}x" compiled, and its
    // printed text (`reserved "\n\001x";`) did not parse.
    let reserving = |message: &[&str], enumeration: &[&str]| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("p".into()),
            syntax: Some("proto3".into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("A".into()),
                field: vec![scalar_field("x", 1, 1, 5)],
                reserved_name: message.iter().map(|n| n.to_string()).collect(),
                enum_type: vec![prost_types::EnumDescriptorProto {
                    name: Some("E".into()),
                    value: vec![prost_types::EnumValueDescriptorProto {
                        name: Some("E_ZERO".into()),
                        number: Some(0),
                        ..Default::default()
                    }],
                    reserved_name: enumeration.iter().map(|n| n.to_string()).collect(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    let error = |name: &str| {
        Err(ProtoSchemaError::Compile(format!(
            "the descriptor's reserved name {name:?} is not an identifier"
        )))
    };
    assert_eq!(
        parse_proto(&reserving(&["\n\u{1}x"], &[])),
        error("\n\u{1}x")
    );
    assert_eq!(parse_proto(&reserving(&["ok", "a b"], &[])), error("a b"));
    assert_eq!(parse_proto(&reserving(&[], &["E ONE"])), error("E ONE"));
    // Identifiers stay reserved, and the printed text parses again to the same text.
    let file = parse_proto(&reserving(&["old_name"], &["E_OLD"])).unwrap();
    let printed = print_proto(&file);
    assert!(printed.contains("reserved \"old_name\";"), "{printed}");
    assert!(printed.contains("reserved \"E_OLD\";"), "{printed}");
    assert_eq!(print_proto(&parse_proto(&printed).unwrap()), printed);
}

#[test]
fn a_map_entry_used_by_a_singular_field_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-printed-map-entry): `notes` (no label, so optional) had the map entry
    // `NotesEntry` as its type; it compiled, and the printed text named `NotesEntry`
    // without defining it (entries print as `map<K, V>` fields).
    let entry = prost_types::DescriptorProto {
        name: Some("NotesEntry".into()),
        field: vec![scalar_field("key", 1, 1, 5), scalar_field("value", 2, 1, 9)],
        options: Some(prost_types::MessageOptions {
            map_entry: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    // `ty` 11 is a message field, 10 a group.
    let file_typed = |label: Option<i32>, ty: i32| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("p".into()),
            syntax: Some("proto3".into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("Order".into()),
                field: vec![prost_types::FieldDescriptorProto {
                    name: Some("notes".into()),
                    number: Some(1),
                    label,
                    r#type: Some(ty),
                    type_name: Some(".p.Order.NotesEntry".into()),
                    ..Default::default()
                }],
                nested_type: vec![entry.clone()],
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    let file = |label: Option<i32>| file_typed(label, 11);
    let refused = Err(ProtoSchemaError::Compile(
        "field \"notes\" of message \"p.Order\" uses the map entry \"p.Order.NotesEntry\": a map entry is only the type of a repeated message field of the message it is nested in (a map<K, V> field)".into(),
    ));
    assert_eq!(parse_proto(&file(None)), refused);
    assert_eq!(parse_proto(&file(Some(1))), refused);
    // A repeated group typed with the entry: no map either (fuzz/artifacts/proto_descriptor/
    // crash-map-field-printed-as-repeated-entry printed it as `repeated .p.Order.NotesEntry`).
    assert_eq!(parse_proto(&file_typed(Some(3), 10)), refused);
    // As a map (repeated), it compiles and prints as one.
    let map = parse_proto(&file(Some(3))).unwrap();
    assert!(print_proto(&map).contains("map<int32, string> notes = 1;"));
}

#[test]
fn a_map_entry_not_shaped_as_protoc_makes_one_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-map-entry-value-number): an entry whose `value` field was numbered 6 compiled,
    // and the printed `map<string, > lines = 6;` had no value type.
    let file = |entry_name: &str, key: prost_types::FieldDescriptorProto, value_number: i32| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("p".into()),
            syntax: Some("proto3".into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("Order".into()),
                field: vec![prost_types::FieldDescriptorProto {
                    name: Some("line_notes".into()),
                    number: Some(1),
                    label: Some(3),
                    r#type: Some(11),
                    type_name: Some(format!(".p.Order.{entry_name}")),
                    ..Default::default()
                }],
                nested_type: vec![prost_types::DescriptorProto {
                    name: Some(entry_name.into()),
                    field: vec![key, scalar_field("value", value_number, 1, 9)],
                    options: Some(prost_types::MessageOptions {
                        map_entry: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    let shape = |entry: &str| {
        Err(ProtoSchemaError::Compile(format!(
            "map entry {entry:?} of message \"Order\" is not shaped as protoc makes one (fields `key = 1` of a scalar type other than float, double and bytes and `value = 2`, both singular, and nothing else)"
        )))
    };
    let int_key = || scalar_field("key", 1, 1, 5);
    assert_eq!(
        parse_proto(&file("LineNotesEntry", int_key(), 6)),
        shape("LineNotesEntry")
    );
    // A bytes key (type 12), a key numbered 2, a repeated key.
    assert_eq!(
        parse_proto(&file("LineNotesEntry", scalar_field("key", 1, 1, 12), 2)),
        shape("LineNotesEntry")
    );
    assert_eq!(
        parse_proto(&file("LineNotesEntry", scalar_field("key", 3, 1, 5), 2)),
        shape("LineNotesEntry")
    );
    assert_eq!(
        parse_proto(&file("LineNotesEntry", scalar_field("key", 1, 3, 5), 2)),
        shape("LineNotesEntry")
    );
    // The entry must be named after its field, as protoc names it.
    assert_eq!(
        parse_proto(&file("NotesEntry", int_key(), 2)),
        Err(ProtoSchemaError::Compile(
            "map field \"line_notes\" of message \"p.Order\" uses the entry \"p.Order.NotesEntry\": protoc names it \"LineNotesEntry\"".into()
        ))
    );
    // Shaped and named as protoc makes it, it compiles and prints as a map.
    let map = parse_proto(&file("LineNotesEntry", int_key(), 2)).unwrap();
    let printed = print_proto(&map);
    assert!(
        printed.contains("map<int32, string> line_notes = 1;"),
        "{printed}"
    );
    assert_eq!(print_proto(&parse_proto(&printed).unwrap()), printed);
}

#[test]
fn a_oneof_named_as_an_optional_fields_synthetic_oneof_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-synthetic-oneof-name): a real oneof `_amount` beside the proto3 optional field
    // `amount` (whose own synthetic oneof is another one) compiled, and the printed text
    // defined `_amount` twice.
    let file = |real_oneof: &str| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("p".into()),
            syntax: Some("proto3".into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("Order".into()),
                field: vec![
                    prost_types::FieldDescriptorProto {
                        oneof_index: Some(0),
                        ..scalar_field("phone", 1, 1, 9)
                    },
                    prost_types::FieldDescriptorProto {
                        oneof_index: Some(1),
                        proto3_optional: Some(true),
                        ..scalar_field("amount", 2, 1, 3)
                    },
                ],
                oneof_decl: vec![
                    prost_types::OneofDescriptorProto {
                        name: Some(real_oneof.into()),
                        ..Default::default()
                    },
                    prost_types::OneofDescriptorProto {
                        name: Some("_amount".into()),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    assert_eq!(
        parse_proto(&file("_amount")),
        Err(ProtoSchemaError::Compile(
            "oneof \"_amount\" of message \"Order\" has the name of optional field \"amount\"'s synthetic oneof".into()
        ))
    );
    // The fuzzer's input: `phone` inside `amount`'s synthetic oneof.
    let shared = {
        let mut file = FileDescriptorProto::decode(
            base64::engine::general_purpose::STANDARD
                .decode(file("contact"))
                .unwrap()
                .as_slice(),
        )
        .unwrap();
        file.message_type[0].field[0].oneof_index = Some(1);
        to_base64_descriptor(&file)
    };
    assert_eq!(
        parse_proto(&shared),
        Err(ProtoSchemaError::Compile(
            "optional field \"amount\" of message \"Order\" shares its synthetic oneof with other fields".into()
        ))
    );
    let fine = parse_proto(&file("contact")).unwrap();
    let text = print_proto(&fine);
    assert!(text.contains("oneof contact {"), "{text}");
    assert!(text.contains("optional int64 amount = 2;"), "{text}");
    assert_eq!(print_proto(&parse_proto(&text).unwrap()), text);
}

#[test]
fn a_proto3_descriptor_with_what_protoc_refuses_in_proto3_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-proto3-required-field): a proto3 descriptor with a `required` field compiled,
    // and its printed `required int32 x = 1;` under `syntax = "proto3"` did not parse.
    let file = |syntax: &str, field: prost_types::FieldDescriptorProto| {
        to_base64_descriptor(&FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("p".into()),
            syntax: Some(syntax.into()),
            message_type: vec![prost_types::DescriptorProto {
                name: Some("F".into()),
                field: vec![field],
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    let refused = |what: &str| {
        Err(ProtoSchemaError::Compile(format!(
            "field \"x\": {what} not allowed in proto3"
        )))
    };
    // label 2 = required, type 5 = int32, type 10 = group.
    assert_eq!(
        parse_proto(&file("proto3", scalar_field("x", 1, 2, 5))).map(|_| ()),
        refused("required fields are")
    );
    let with_default = prost_types::FieldDescriptorProto {
        default_value: Some("7".into()),
        ..scalar_field("x", 1, 1, 5)
    };
    assert_eq!(
        parse_proto(&file("proto3", with_default.clone())).map(|_| ()),
        refused("explicit default values are")
    );
    // The same fields are proto2's own: they compile and print as they are.
    let required = parse_proto(&file("proto2", scalar_field("x", 1, 2, 5))).unwrap();
    assert!(print_proto(&required).contains("required int32 x = 1;"));
    assert!(parse_proto(&file("proto2", with_default)).is_ok());
    assert!(parse_proto(&file("proto3", scalar_field("x", 1, 1, 5))).is_ok());
}

#[test]
fn a_descriptor_with_ranges_protoc_refuses_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-extension-range-zero): a nested message with the extension range 0..0 compiled,
    // and its printed `extensions 0 to -1;` did not parse.
    use prost_types::descriptor_proto::{ExtensionRange, ReservedRange};
    use prost_types::enum_descriptor_proto::EnumReservedRange;
    let file = |reserved: Vec<ReservedRange>, extensions: Vec<ExtensionRange>, enum_reserved| {
        let message = prost_types::DescriptorProto {
            name: Some("F".into()),
            field: vec![scalar_field("x", 1, 1, 5)],
            reserved_range: reserved,
            extension_range: extensions,
            enum_type: vec![prost_types::EnumDescriptorProto {
                reserved_range: enum_reserved,
                ..enum_a("E")
            }],
            ..Default::default()
        };
        descriptor_text("proto2", vec![message], vec![])
    };
    let reserved = |start, end| ReservedRange {
        start: Some(start),
        end: Some(end),
    };
    let extensions = |start, end| ExtensionRange {
        start: Some(start),
        end: Some(end),
        options: None,
    };
    let enum_reserved = |start, end| EnumReservedRange {
        start: Some(start),
        end: Some(end),
    };
    let refused = |text: &str, expected: &str| match parse_proto(text) {
        Err(ProtoSchemaError::Compile(message)) => {
            assert!(message.contains(expected), "{message}");
        }
        other => panic!("expected a compile error with {expected:?}, got {other:?}"),
    };
    refused(
        &file(vec![], vec![extensions(0, 0)], vec![]),
        "extension range 0 to 0 (end exclusive) of message \"p.F\": numbers must be positive integers",
    );
    refused(
        &file(vec![reserved(0, 3)], vec![], vec![]),
        "reserved range 0 to 3 (end exclusive) of message \"p.F\": numbers must be positive",
    );
    refused(
        &file(vec![reserved(5, 5)], vec![], vec![]),
        "the end number must be greater than the start number",
    );
    refused(
        &file(vec![], vec![extensions(100, 536_870_913)], vec![]),
        "numbers cannot be greater than 536870911",
    );
    refused(
        &file(vec![], vec![], vec![enum_reserved(4, 3)]),
        "reserved range 4 to 3 of enum \"E\": the end number must not be less",
    );
    // The widest valid ranges compile, and their printed text parses to the same ranges.
    let valid = parse_proto(&file(
        vec![reserved(2, 3), reserved(10, 536_870_912)],
        vec![extensions(5, 10)],
        vec![enum_reserved(-3, -3), enum_reserved(5, i32::MAX)],
    ))
    .unwrap();
    let printed = print_proto(&valid);
    assert!(printed.contains("reserved 2, 10 to max;"), "{printed}");
    assert!(printed.contains("extensions 5 to 9;"), "{printed}");
    assert!(printed.contains("reserved -3, 5 to max;"), "{printed}");
    assert_eq!(print_proto(&parse_proto(&printed).unwrap()), printed);
}

#[test]
fn a_descriptor_with_defaults_protoc_refuses_is_an_error() {
    let mk = |f: prost_types::FieldDescriptorProto| {
        let message = |name: &str, field: Vec<prost_types::FieldDescriptorProto>| {
            prost_types::DescriptorProto {
                name: Some(name.into()),
                field,
                ..Default::default()
            }
        };
        descriptor_text(
            "proto2",
            vec![message("F", vec![f]), message("G", vec![])],
            vec![enum_a("E")],
        )
    };
    let d = |mut f: prost_types::FieldDescriptorProto, v: &str| {
        f.default_value = Some(v.into());
        f
    };
    let typed = |mut f: prost_types::FieldDescriptorProto, t: &str| {
        f.type_name = Some(t.into());
        f
    };
    let cases = vec![
        ("int32 abc", d(scalar_field("x", 1, 1, 5), "abc")),
        ("int32 1e3", d(scalar_field("x", 1, 1, 5), "1e3")),
        (
            "int32 too big",
            d(scalar_field("x", 1, 1, 5), "99999999999"),
        ),
        ("uint32 -1", d(scalar_field("x", 1, 1, 13), "-1")),
        ("bool maybe", d(scalar_field("x", 1, 1, 8), "maybe")),
        ("double nan", d(scalar_field("x", 1, 1, 1), "nan")),
        ("double inf", d(scalar_field("x", 1, 1, 1), "-inf")),
        ("double junk", d(scalar_field("x", 1, 1, 1), "1.2.3")),
        ("string quote", d(scalar_field("x", 1, 1, 9), "a\"b\\c\n")),
        ("bytes escape", d(scalar_field("x", 1, 1, 12), "\\001\\xff")),
        ("bytes bad escape", d(scalar_field("x", 1, 1, 12), "\\q")),
        ("bytes octal 400", d(scalar_field("x", 1, 1, 12), "\\400")),
        (
            "bytes hex nonascii",
            d(scalar_field("x", 1, 1, 12), "\\xa\u{e9}"),
        ),
        (
            "group default",
            d(typed(scalar_field("x", 1, 1, 10), ".p.G"), "x"),
        ),
        (
            "enum missing",
            d(typed(scalar_field("x", 1, 1, 14), ".p.E"), "B"),
        ),
        (
            "enum ok",
            d(typed(scalar_field("x", 1, 1, 14), ".p.E"), "A"),
        ),
        (
            "message default",
            d(typed(scalar_field("x", 1, 1, 11), ".p.G"), "x"),
        ),
        ("repeated default", d(scalar_field("x", 1, 3, 5), "1")),
        ("required default", d(scalar_field("x", 1, 2, 5), "1")),
        ("empty int default", d(scalar_field("x", 1, 1, 5), "")),
        ("empty string default", d(scalar_field("x", 1, 1, 9), "")),
    ];
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-repeated-field-default): a repeated field with a default compiled and printed as
    // `repeated string c_d = 2 [default = "x"];`, which does not parse. The bytes cases:
    // `\400` overflowed inside prost-reflect (a panic in debug builds), and `\xff` printed
    // as it was did not print the same once compiled again (protox stores `\377`).
    let refused = [
        "int32 abc",
        "int32 1e3",
        "int32 too big",
        "uint32 -1",
        "bool maybe",
        "double junk",
        "bytes bad escape",
        "bytes octal 400",
        "bytes hex nonascii",
        "group default",
        "enum missing",
        "message default",
        "repeated default",
        "empty int default",
    ];
    for (what, f) in cases {
        let text = mk(f);
        let parsed = parse_proto(&text);
        if refused.contains(&what) {
            assert!(
                matches!(parsed, Err(ProtoSchemaError::Compile(_))),
                "{what}: {parsed:?}"
            );
            continue;
        }
        let Ok(file) = parsed else {
            panic!("{what}: {parsed:?}");
        };
        let printed = print_proto(&file);
        let again = parse_proto(&printed).unwrap_or_else(|e| panic!("{what}: {e}\n{printed}"));
        assert_eq!(print_proto(&again), printed, "{what}");
        if what == "bytes escape" {
            assert!(printed.contains(r#"[default = "\001\377"]"#), "{printed}");
        }
    }
}

#[test]
fn extendee_and_oneof_index_are_where_protoc_allows_them() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-field-in-extension-range): a message field with an `extendee` skipped the check
    // of its number against the message's extension ranges, compiled, and its printed
    // `optional string a_b = 122;` beside `extensions 100 to 200;` did not parse.
    let file = |field: prost_types::FieldDescriptorProto,
                extension: prost_types::FieldDescriptorProto| {
        let message = prost_types::DescriptorProto {
            name: Some("A".into()),
            field: vec![field],
            extension_range: vec![prost_types::descriptor_proto::ExtensionRange {
                start: Some(100),
                end: Some(201),
                options: None,
            }],
            oneof_decl: vec![prost_types::OneofDescriptorProto {
                name: Some("o".into()),
                options: None,
            }],
            ..Default::default()
        };
        to_base64_descriptor(&FileDescriptorProto {
            extension: vec![extension],
            ..descriptor_file("proto2", vec![message], vec![])
        })
    };
    let field = scalar_field("a_b", 122, 1, 9);
    let extension = prost_types::FieldDescriptorProto {
        extendee: Some(".p.A".into()),
        ..scalar_field("e", 100, 1, 9)
    };
    let refused = |text: &str, expected: &str| match parse_proto(text) {
        Err(ProtoSchemaError::Compile(message)) => assert!(message.contains(expected), "{message}"),
        other => panic!("expected {expected:?}, got {other:?}"),
    };
    refused(
        &file(
            prost_types::FieldDescriptorProto {
                extendee: Some("other".into()),
                ..field.clone()
            },
            extension.clone(),
        ),
        "field \"a_b\": extendee set for a field that is no extension",
    );
    refused(
        &file(
            scalar_field("a_b", 1, 1, 9),
            prost_types::FieldDescriptorProto {
                extendee: None,
                ..extension.clone()
            },
        ),
        "field \"e\": extendee not set for an extension",
    );
    refused(
        &file(
            scalar_field("a_b", 1, 1, 9),
            prost_types::FieldDescriptorProto {
                oneof_index: Some(0),
                ..extension.clone()
            },
        ),
        "field \"e\": oneof_index set for an extension",
    );
    // Without the extendee, the field's number is checked against the extension range.
    refused(
        &file(field, extension.clone()),
        "conflicts with extension range",
    );
    let valid = parse_proto(&file(scalar_field("a_b", 1, 1, 9), extension)).unwrap();
    let printed = print_proto(&valid);
    assert_eq!(print_proto(&parse_proto(&printed).unwrap()), printed);
}

#[test]
fn a_required_extension_is_an_error() {
    // Found by the `proto_descriptor` fuzz target (fuzz/artifacts/proto_descriptor/
    // crash-required-extension): a `required` extension compiled, and its printed
    // `extend .j.A { required string e_f = 100; }` did not parse.
    let extended = |label: i32, nested: bool| {
        let extension = prost_types::FieldDescriptorProto {
            extendee: Some(".p.A".into()),
            ..scalar_field("e", 100, label, 9)
        };
        let (file_level, in_message) = if nested {
            (vec![], vec![extension])
        } else {
            (vec![extension], vec![])
        };
        let message = prost_types::DescriptorProto {
            name: Some("A".into()),
            field: vec![scalar_field("x", 1, 1, 5)],
            extension: in_message,
            extension_range: vec![prost_types::descriptor_proto::ExtensionRange {
                start: Some(100),
                end: Some(201),
                options: None,
            }],
            ..Default::default()
        };
        to_base64_descriptor(&FileDescriptorProto {
            extension: file_level,
            ..descriptor_file("proto2", vec![message], vec![])
        })
    };
    for nested in [false, true] {
        // label 2 = required, 1 = optional.
        assert_eq!(
            parse_proto(&extended(2, nested)).map(|_| ()),
            Err(ProtoSchemaError::Compile(
                "field \"e\": extension fields may not be required".into()
            )),
            "nested: {nested}"
        );
        let optional = parse_proto(&extended(1, nested)).unwrap();
        let printed = print_proto(&optional);
        assert!(printed.contains("optional string e = 100;"), "{printed}");
        assert_eq!(print_proto(&parse_proto(&printed).unwrap()), printed);
    }
}

/// [`descriptor_file`] serialized as the registry reads one (base64).
fn descriptor_text(
    syntax: &str,
    messages: Vec<prost_types::DescriptorProto>,
    enums: Vec<prost_types::EnumDescriptorProto>,
) -> String {
    to_base64_descriptor(&descriptor_file(syntax, messages, enums))
}

/// File `a.proto` of package `p` in `syntax`, holding `messages` and the file-level `enums`.
fn descriptor_file(
    syntax: &str,
    messages: Vec<prost_types::DescriptorProto>,
    enums: Vec<prost_types::EnumDescriptorProto>,
) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some("a.proto".into()),
        package: Some("p".into()),
        syntax: Some(syntax.into()),
        message_type: messages,
        enum_type: enums,
        ..Default::default()
    }
}

/// An enum `name` with the one value `A = 0`.
fn enum_a(name: &str) -> prost_types::EnumDescriptorProto {
    prost_types::EnumDescriptorProto {
        name: Some(name.into()),
        value: vec![prost_types::EnumValueDescriptorProto {
            name: Some("A".into()),
            number: Some(0),
            options: None,
        }],
        ..Default::default()
    }
}
