//! One test per Protobuf rule (Confluent SchemaDiff): a writer/reader pair and the verdict.

use prost_types::FileDescriptorProto;

use super::{can_read, renumbered_fields};
use crate::compat::report::{Incompatibility, IncompatibilityKind};
use crate::proto_file::parse_proto;
use IncompatibilityKind::*;

fn parse(text: &str) -> FileDescriptorProto {
    parse_proto(text).unwrap_or_else(|e| panic!("test schema does not parse: {e}\n{text}"))
}

/// A proto3 file in package `shop` with `body` as the contents of message `Order`.
fn order(body: &str) -> String {
    format!("syntax = \"proto3\";\npackage shop;\nmessage Order {{\n{body}\n}}\n")
}

fn problems(reader: &str, writer: &str) -> Vec<Incompatibility> {
    can_read(&parse(reader), &parse(writer))
}

fn assert_compatible(reader: &str, writer: &str) {
    let found = problems(reader, writer);
    assert!(found.is_empty(), "expected compatible, got {found:#?}");
}

fn assert_one(reader: &str, writer: &str, kind: IncompatibilityKind, path: &str) -> String {
    let found = problems(reader, writer);
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    assert_eq!(found[0].kind, kind, "{found:#?}");
    assert_eq!(found[0].path, path, "{found:#?}");
    found[0].message.clone()
}

#[test]
fn adding_and_removing_fields_is_compatible_both_ways() {
    let small = order("string id = 1;");
    let large = order("string id = 1; int64 total = 2; repeated string tags = 3;");
    assert_compatible(&large, &small);
    assert_compatible(&small, &large);
}

#[test]
fn renaming_a_field_is_compatible() {
    assert_compatible(&order("string order_id = 1;"), &order("string id = 1;"));
}

#[test]
fn scalar_changes_within_a_group_are_compatible() {
    let groups: [&[&str]; 5] = [
        &["int32", "int64", "uint32", "uint64", "bool"],
        &["sint32", "sint64"],
        &["string", "bytes"],
        &["fixed32", "sfixed32"],
        &["fixed64", "sfixed64"],
    ];
    for group in groups {
        for writer in group {
            for reader in group {
                assert_compatible(
                    &order(&format!("{reader} f = 1;")),
                    &order(&format!("{writer} f = 1;")),
                );
            }
        }
    }
}

#[test]
fn enum_and_general_numbers_share_a_group() {
    let with_enum = "enum Kind { KIND_A = 0; }\nKind f = 1;";
    assert_compatible(&order(with_enum), &order("int32 f = 1;"));
    assert_compatible(&order("uint64 f = 1;"), &order(with_enum));
}

#[test]
fn scalar_changes_across_groups_are_incompatible() {
    let pairs = [
        ("int32", "sint32"),
        ("int64", "fixed64"),
        ("string", "int32"),
        ("float", "double"),
        ("fixed32", "fixed64"),
        ("bool", "sint64"),
    ];
    for (writer, reader) in pairs {
        let message = assert_one(
            &order(&format!("{reader} f = 1;")),
            &order(&format!("{writer} f = 1;")),
            FieldScalarKindChanged,
            "/Order/fields/1",
        );
        assert!(message.starts_with("field 'f' (1) of message 'Order' changed its scalar type"));
    }
}

#[test]
fn scalar_to_message_is_a_kind_change() {
    let writer = order("string customer = 1;");
    let reader = order("message Customer { string id = 1; }\nCustomer customer = 1;");
    let message = assert_one(&reader, &writer, FieldKindChanged, "/Order/fields/1");
    assert_eq!(
        message,
        "field 'customer' (1) of message 'Order' changed its kind from scalar to message"
    );
    // And a map is a kind of its own.
    assert_one(
        &order("map<string, string> attrs = 1;"),
        &order("string attrs = 1;"),
        FieldKindChanged,
        "/Order/fields/1",
    );
}

#[test]
fn named_type_change_is_incompatible() {
    let types = "message Money { int64 cents = 1; }\nmessage Price { int64 cents = 1; }\n";
    let writer = order(&format!("{types}Money total = 1;"));
    let reader = order(&format!("{types}Price total = 1;"));
    let message = assert_one(&reader, &writer, FieldNamedTypeChanged, "/Order/fields/1");
    assert_eq!(
        message,
        "field 'total' (1) of message 'Order' changed its type from 'Order.Money' to \
         'Order.Price'"
    );
}

#[test]
fn numeric_label_change_is_incompatible_but_string_label_change_is_not() {
    assert_one(
        &order("repeated int32 f = 1;"),
        &order("int32 f = 1;"),
        FieldNumericLabelChanged,
        "/Order/fields/1",
    );
    assert_one(
        &order("double f = 1;"),
        &order("repeated double f = 1;"),
        FieldNumericLabelChanged,
        "/Order/fields/1",
    );
    assert_compatible(&order("repeated string f = 1;"), &order("string f = 1;"));
}

#[test]
fn map_key_and_value_types_follow_the_scalar_groups() {
    assert_compatible(
        &order("map<string, int64> totals = 1;"),
        &order("map<string, int32> totals = 1;"),
    );
    let message = assert_one(
        &order("map<string, string> totals = 1;"),
        &order("map<string, int32> totals = 1;"),
        FieldScalarKindChanged,
        "/Order/fields/1",
    );
    assert!(message.contains("(map value)"), "{message}");
    // Renaming a map field renames its synthetic entry type: still compatible.
    assert_compatible(
        &order("map<string, int32> sums = 1;"),
        &order("map<string, int32> totals = 1;"),
    );
}

#[test]
fn removed_message_is_incompatible() {
    let writer = "syntax = \"proto3\"; package shop; message Order {} message Refund {}";
    let reader = "syntax = \"proto3\"; package shop; message Order {}";
    let message = assert_one(reader, writer, MessageRemoved, "/Refund");
    assert_eq!(
        message,
        "message 'Refund' of the writer is missing from the reader"
    );
    // Adding one is fine.
    assert_compatible(writer, reader);
}

#[test]
fn removed_nested_message_is_incompatible() {
    let writer = order("message Line { string sku = 1; }");
    assert_one(&order(""), &writer, MessageRemoved, "/Order.Line");
}

#[test]
fn changed_package_is_incompatible() {
    let writer = "syntax = \"proto3\"; package shop.v1; message Order { string id = 1; }";
    let reader = "syntax = \"proto3\"; package shop.v2; message Order { string id = 1; }";
    let message = assert_one(reader, writer, PackageChanged, "/package");
    assert_eq!(message, "the package changed from 'shop.v1' to 'shop.v2'");
}

#[test]
fn nested_message_fields_are_compared() {
    let writer = order("message Line { int32 qty = 1; }\nrepeated Line lines = 1;");
    let reader = order("message Line { string qty = 1; }\nrepeated Line lines = 1;");
    assert_one(
        &reader,
        &writer,
        FieldScalarKindChanged,
        "/Order.Line/fields/1",
    );
}

#[test]
fn enum_changes_are_compatible() {
    let writer = order("enum Kind { KIND_A = 0; KIND_B = 1; }\nKind kind = 1;");
    let reader = order("enum Kind { KIND_A = 0; KIND_C = 2; }\nKind kind = 1;");
    assert_compatible(&reader, &writer);
}

#[test]
fn oneof_field_removed_is_incompatible() {
    let writer = order("oneof payment { string card = 1; string iban = 2; }");
    let reader = order("oneof payment { string card = 1; }");
    let message = assert_one(&reader, &writer, OneofFieldRemoved, "/Order/fields/2");
    assert_eq!(
        message,
        "field 'iban' (2) was removed from oneof 'payment' of message 'Order'"
    );
    // Adding a field to a oneof, or a new oneof, is fine.
    assert_compatible(&writer, &reader);
}

#[test]
fn moving_one_field_into_a_new_oneof_is_compatible() {
    let writer = order("string card = 1;");
    let reader = order("oneof payment { string card = 1; string iban = 2; }");
    assert_compatible(&reader, &writer);
}

#[test]
fn moving_several_fields_into_a_oneof_is_incompatible() {
    let writer = order("string card = 1; string iban = 2;");
    let reader = order("oneof payment { string card = 1; string iban = 2; }");
    let message = assert_one(
        &reader,
        &writer,
        MultipleFieldsMovedToOneof,
        "/Order/oneofs/payment",
    );
    assert_eq!(
        message,
        "fields [card, iban] of message 'Order' were moved into oneof 'payment' together"
    );
}

#[test]
fn moving_a_field_into_an_existing_oneof_is_incompatible() {
    let writer = order("oneof payment { string card = 1; }\nstring iban = 2;");
    let reader = order("oneof payment { string card = 1; string iban = 2; }");
    assert_one(
        &reader,
        &writer,
        FieldMovedToExistingOneof,
        "/Order/oneofs/payment",
    );
}

#[test]
fn moving_a_field_out_of_a_oneof_is_compatible() {
    let writer = order("oneof payment { string card = 1; string iban = 2; }");
    let reader = order("oneof payment { string card = 1; }\nstring iban = 2;");
    assert_compatible(&reader, &writer);
}

#[test]
fn proto3_optional_is_not_a_oneof() {
    // `optional` creates a synthetic oneof; moving in and out of it is a label detail.
    assert_compatible(
        &order("optional string note = 1;"),
        &order("string note = 1;"),
    );
    assert_compatible(
        &order("string note = 1;"),
        &order("optional string note = 1;"),
    );
}

#[test]
fn required_fields_added_or_removed_are_incompatible() {
    let proto2 = |body: &str| format!("syntax = \"proto2\";\nmessage Item {{\n{body}\n}}\n");
    let base = proto2("optional string id = 1;");
    let with_required = proto2("optional string id = 1;\nrequired int32 qty = 2;");
    assert_one(&with_required, &base, RequiredFieldAdded, "/Item/fields/2");
    assert_one(
        &base,
        &with_required,
        RequiredFieldRemoved,
        "/Item/fields/2",
    );
}

#[test]
fn types_from_imports_are_compared_by_name() {
    let with = |ty: &str| {
        format!(
            "syntax = \"proto3\"; package shop;
             import \"google/protobuf/timestamp.proto\";
             import \"google/protobuf/duration.proto\";
             message Order {{ {ty} at = 1; }}"
        )
    };
    assert_compatible(
        &with("google.protobuf.Timestamp"),
        &with("google.protobuf.Timestamp"),
    );
    assert_one(
        &with("google.protobuf.Duration"),
        &with("google.protobuf.Timestamp"),
        FieldNamedTypeChanged,
        "/Order/fields/1",
    );
}

#[test]
fn renumbered_fields_are_found_separately_from_confluent_rules() {
    let writer = order("string id = 1;\nint32 qty = 2;");
    let reader = order("string id = 1;\nint32 qty = 5;");
    // Confluent: a removed field and an added one, both fine.
    assert_compatible(&reader, &writer);
    let found = renumbered_fields(&parse(&reader), &parse(&writer));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, FieldRenumbered);
    assert_eq!(found[0].path, "/Order/fields/2");
    assert_eq!(
        found[0].message,
        "field 'qty' of message 'Order' moved from number 2 to 5"
    );
    assert!(renumbered_fields(&parse(&writer), &parse(&writer)).is_empty());
    // A plain rename keeps the number: not a renumbering.
    let renamed = order("string id = 1;\nint32 quantity = 2;");
    assert!(renumbered_fields(&parse(&renamed), &parse(&writer)).is_empty());
}
