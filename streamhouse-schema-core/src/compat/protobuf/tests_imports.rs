//! Message types used from imported files: schema pairs whose only difference is inside an
//! import, compared field by field by `can_read_with_imports`.

use super::{can_read, can_read_with_imports, ProtoFileWithImports};
use crate::compat::report::{Incompatibility, IncompatibilityKind};
use crate::proto_file::parse_proto_with_imports;
use IncompatibilityKind::*;

const MONEY_PATH: &str = "shop/money.proto";

/// The order file every pair shares: it differs only through the imported `money.proto`.
const ORDER: &str = "syntax = \"proto3\";
package shop;
import \"shop/money.proto\";
message Order {
  string id = 1;
  Money total = 2;
}";

fn money(body: &str) -> String {
    format!("syntax = \"proto3\";\npackage shop;\n{body}\n")
}

/// `main` compiled with `imports` (import path, text), each import compiled too.
fn with_imports(main: &str, imports: &[(&str, &str)]) -> ProtoFileWithImports {
    let compile = |text: &str| {
        parse_proto_with_imports(text, imports)
            .unwrap_or_else(|e| panic!("test schema does not parse: {e}\n{text}"))
    };
    let files = imports
        .iter()
        .map(|(name, text)| {
            let mut file = compile(text);
            file.name = Some((*name).to_string());
            file
        })
        .collect();
    ProtoFileWithImports::new(compile(main), files)
}

fn order_with_money(money_body: &str) -> ProtoFileWithImports {
    with_imports(ORDER, &[(MONEY_PATH, &money(money_body))])
}

fn summary(found: &[Incompatibility]) -> Vec<(IncompatibilityKind, &str)> {
    found.iter().map(|p| (p.kind, p.path.as_str())).collect()
}

#[test]
fn a_field_added_in_the_import_is_compatible_both_ways() {
    let v1 = order_with_money("message Money { int64 cents = 1; }");
    let v2 = order_with_money("message Money { int64 cents = 1; string currency = 2; }");
    assert_eq!(can_read_with_imports(&v2, &v1), []);
    assert_eq!(can_read_with_imports(&v1, &v2), []);
}

#[test]
fn a_wire_incompatible_type_change_in_the_import_names_the_imported_field() {
    let v1 = order_with_money("message Money { int64 cents = 1; }");
    let v2 = order_with_money("message Money { string cents = 1; }");
    let found = can_read_with_imports(&v2, &v1);
    assert_eq!(
        summary(&found),
        [
            (FieldScalarKindChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
    assert_eq!(
        found[0].message,
        "field 'cents' (1) of message 'Money' (from 'shop/money.proto') changed its scalar \
         type from the group {int32, int64, uint32, uint64, bool, enum} to the group \
         {string, bytes}"
    );
    assert_eq!(
        found[1].message,
        "field 'total' (2) of message 'Order' has the type 'Money' from 'shop/money.proto', \
         which changed incompatibly"
    );
    // The other way round fails the same way.
    assert_eq!(
        summary(&can_read_with_imports(&v1, &v2)),
        [
            (FieldScalarKindChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
}

#[test]
fn a_scalar_change_within_its_group_in_the_import_is_compatible() {
    let v1 = order_with_money("message Money { int32 cents = 1; bytes note = 2; }");
    let v2 = order_with_money("message Money { int64 cents = 1; string note = 2; }");
    assert_eq!(can_read_with_imports(&v2, &v1), []);
}

#[test]
fn without_the_imports_the_same_pair_is_compared_by_name_only() {
    let v1 = order_with_money("message Money { int64 cents = 1; }");
    let v2 = order_with_money("message Money { string cents = 1; }");
    assert_eq!(can_read(v2.file(), v1.file()), []);
    // And files without imports give what `can_read` gives.
    let plain = with_imports(
        "syntax = \"proto3\"; package shop; message Order { string id = 1; }",
        &[],
    );
    let changed = with_imports(
        "syntax = \"proto3\"; package shop; message Order { int64 id = 1; }",
        &[],
    );
    assert_eq!(
        can_read_with_imports(&changed, &plain),
        can_read(changed.file(), plain.file())
    );
    assert_eq!(
        summary(&can_read_with_imports(&changed, &plain)),
        [(FieldScalarKindChanged, "/Order/fields/1")]
    );
}

#[test]
fn a_field_number_reused_in_the_import_is_incompatible() {
    // `currency` is dropped and its number 2 reused by a field of another wire type.
    let v1 = order_with_money("message Money { int64 cents = 1; string currency = 2; }");
    let v2 = order_with_money("message Money { int64 cents = 1; double rate = 2; }");
    let found = can_read_with_imports(&v2, &v1);
    assert_eq!(
        summary(&found),
        [
            (FieldScalarKindChanged, "/Money/fields/2"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
    assert!(found[0]
        .message
        .starts_with("field 'rate' (2) of message 'Money' (from"));
}

#[test]
fn a_renumbered_field_in_the_import_is_a_removed_and_an_added_field() {
    // As for local messages (Confluent's rules): compatible unless a number is reused.
    let v1 = order_with_money("message Money { int64 cents = 1; string currency = 2; }");
    let moved = order_with_money("message Money { int64 cents = 1; string currency = 3; }");
    assert_eq!(can_read_with_imports(&moved, &v1), []);
    let swapped = order_with_money("message Money { string currency = 1; int64 cents = 2; }");
    assert_eq!(
        summary(&can_read_with_imports(&swapped, &v1)),
        [
            (FieldScalarKindChanged, "/Money/fields/1"),
            (FieldScalarKindChanged, "/Money/fields/2"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
}

#[test]
fn kind_and_label_changes_in_the_import_are_incompatible() {
    let v1 = order_with_money("message Money { int64 cents = 1; }");
    let repeated = order_with_money("message Money { repeated int64 cents = 1; }");
    assert_eq!(
        summary(&can_read_with_imports(&repeated, &v1)),
        [
            (FieldNumericLabelChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
    let message =
        order_with_money("message Cents { int64 value = 1; } message Money { Cents cents = 1; }");
    assert_eq!(
        summary(&can_read_with_imports(&message, &v1)),
        [
            (FieldKindChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
}

#[test]
fn map_fields_of_imported_messages_follow_the_scalar_groups() {
    let v1 = order_with_money("message Money { map<string, int64> parts = 1; }");
    let widened = order_with_money("message Money { map<string, int32> parts = 1; }");
    assert_eq!(can_read_with_imports(&widened, &v1), []);
    let text = order_with_money("message Money { map<string, string> parts = 1; }");
    let found = can_read_with_imports(&text, &v1);
    assert_eq!(
        summary(&found),
        [
            (FieldScalarKindChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
    assert!(found[0].message.contains("(map value)"), "{found:#?}");
}

#[test]
fn messages_used_by_imported_messages_are_compared_too() {
    let v1 = order_with_money(
        "message Currency { string code = 1; }
         message Money { int64 cents = 1; Currency currency = 2; }",
    );
    let v2 = order_with_money(
        "message Currency { int32 code = 1; }
         message Money { int64 cents = 1; Currency currency = 2; }",
    );
    assert_eq!(
        summary(&can_read_with_imports(&v2, &v1)),
        [
            (FieldScalarKindChanged, "/Currency/fields/1"),
            (FieldNamedTypeChanged, "/Money/fields/2"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
    // A nested message of the import, named relative to the package.
    let nested = |code: &str| {
        order_with_money(&format!(
            "message Money {{ message Unit {{ {code} code = 1; }} Unit unit = 1; }}"
        ))
    };
    assert_eq!(
        summary(&can_read_with_imports(&nested("int32"), &nested("string"))),
        [
            (FieldScalarKindChanged, "/Money.Unit/fields/1"),
            (FieldNamedTypeChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
}

#[test]
fn an_imported_message_used_twice_is_compared_once() {
    let order = "syntax = \"proto3\"; package shop; import \"shop/money.proto\";
                 message Order { Money total = 1; Money tax = 2; }
                 message Refund { Money amount = 1; }";
    let v1 = with_imports(
        order,
        &[(MONEY_PATH, &money("message Money { int64 cents = 1; }"))],
    );
    let v2 = with_imports(
        order,
        &[(MONEY_PATH, &money("message Money { string cents = 1; }"))],
    );
    assert_eq!(
        summary(&can_read_with_imports(&v2, &v1)),
        [
            (FieldScalarKindChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
            (FieldNamedTypeChanged, "/Refund/fields/1"),
        ]
    );
}

#[test]
fn a_recursive_imported_message_is_compared_without_looping() {
    let tree = |size: &str| {
        money(&format!(
            "message Money {{ repeated Money parts = 1; {size} size = 2; }}"
        ))
    };
    let v1 = with_imports(ORDER, &[(MONEY_PATH, &tree("int64"))]);
    let v2 = with_imports(ORDER, &[(MONEY_PATH, &tree("string"))]);
    assert_eq!(can_read_with_imports(&v1, &v1), []);
    assert_eq!(
        summary(&can_read_with_imports(&v2, &v1)),
        [
            (FieldScalarKindChanged, "/Money/fields/2"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
}

#[test]
fn a_changed_package_of_the_import_changes_the_type() {
    let order = |type_name: &str| {
        format!(
            "syntax = \"proto3\"; package shop; import \"shop/money.proto\";
             message Order {{ {type_name} total = 1; }}"
        )
    };
    let v1 = with_imports(
        &order("shop.Money"),
        &[(MONEY_PATH, &money("message Money { int64 cents = 1; }"))],
    );
    let moved = "syntax = \"proto3\"; package bank; message Money { int64 cents = 1; }";
    let v2 = with_imports(&order("bank.Money"), &[(MONEY_PATH, moved)]);
    let found = can_read_with_imports(&v2, &v1);
    assert_eq!(
        summary(&found),
        [(FieldNamedTypeChanged, "/Order/fields/1")]
    );
    assert_eq!(
        found[0].message,
        "field 'total' (1) of message 'Order' changed its type from 'Money' to 'bank.Money'"
    );
}

#[test]
fn imports_from_other_packages_and_files_of_imports_are_followed() {
    let currency = |code: &str| {
        format!("syntax = \"proto3\"; package common; message Currency {{ {code} code = 1; }}")
    };
    let money_text = "syntax = \"proto3\"; package shop; import \"common/currency.proto\";
                      message Money { int64 cents = 1; common.Currency currency = 2; }";
    let build = |code: &str| {
        let currency = currency(code);
        with_imports(
            ORDER,
            &[
                (MONEY_PATH, money_text),
                ("common/currency.proto", &currency),
            ],
        )
    };
    let found = can_read_with_imports(&build("int32"), &build("string"));
    assert_eq!(
        summary(&found),
        [
            (FieldScalarKindChanged, "/common.Currency/fields/1"),
            (FieldNamedTypeChanged, "/Money/fields/2"),
            (FieldNamedTypeChanged, "/Order/fields/2"),
        ]
    );
    assert!(
        found[0]
            .message
            .contains("of message 'common.Currency' (from 'common/currency.proto')"),
        "{found:#?}"
    );
}

#[test]
fn a_message_moved_to_another_import_is_compared_field_by_field() {
    // Version 1 imports Money from one file, version 2 from another (same package): both
    // are imports, so the message is compared wherever it lives.
    let order = |path: &str| {
        format!(
            "syntax = \"proto3\"; package shop; import \"{path}\";
             message Order {{ Money total = 1; }}"
        )
    };
    let v1 = with_imports(
        &order(MONEY_PATH),
        &[(MONEY_PATH, &money("message Money { int64 cents = 1; }"))],
    );
    let v2 = with_imports(
        &order("shop/amounts.proto"),
        &[(
            "shop/amounts.proto",
            &money("message Money { string cents = 1; }"),
        )],
    );
    let found = can_read_with_imports(&v2, &v1);
    assert_eq!(
        summary(&found),
        [
            (FieldScalarKindChanged, "/Money/fields/1"),
            (FieldNamedTypeChanged, "/Order/fields/1"),
        ]
    );
    assert!(
        found[0].message.contains("(from 'shop/amounts.proto')"),
        "{found:#?}"
    );
}
