//! One test per Avro rule: a reader/writer pair and the expected verdict.

use apache_avro::Schema;

use super::can_read;
use crate::compat::report::{Incompatibility, IncompatibilityKind};
use IncompatibilityKind::*;

fn parse(text: &str) -> Schema {
    Schema::parse_str(text).unwrap_or_else(|e| panic!("test schema does not parse: {e}\n{text}"))
}

fn problems(reader: &str, writer: &str) -> Vec<Incompatibility> {
    can_read(&parse(reader), &parse(writer))
}

fn assert_compatible(reader: &str, writer: &str) {
    let found = problems(reader, writer);
    assert!(found.is_empty(), "expected compatible, got {found:#?}");
}

/// Asserts exactly one problem, of `kind` at `path`, and returns its message.
fn assert_one(reader: &str, writer: &str, kind: IncompatibilityKind, path: &str) -> String {
    let found = problems(reader, writer);
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    assert_eq!(found[0].kind, kind, "{found:#?}");
    assert_eq!(found[0].path, path, "{found:#?}");
    found[0].message.clone()
}

fn record(name: &str, fields: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[{fields}]}}"#)
}

fn one_field(ty: &str) -> String {
    record("R", &format!(r#"{{"name":"f","type":{ty}}}"#))
}

#[test]
fn identical_primitives_are_compatible() {
    for ty in [
        "null", "boolean", "int", "long", "float", "double", "bytes", "string",
    ] {
        let schema = format!("\"{ty}\"");
        assert_compatible(&schema, &schema);
    }
}

#[test]
fn promotions_follow_the_avro_spec() {
    let allowed = [
        ("long", "int"),
        ("float", "int"),
        ("double", "int"),
        ("float", "long"),
        ("double", "long"),
        ("double", "float"),
        ("bytes", "string"),
        ("string", "bytes"),
    ];
    for (reader, writer) in allowed {
        assert_compatible(
            &one_field(&format!("\"{reader}\"")),
            &one_field(&format!("\"{writer}\"")),
        );
    }
}

#[test]
fn narrowing_is_a_type_mismatch() {
    let refused = [
        ("int", "long"),
        ("long", "float"),
        ("float", "double"),
        ("int", "string"),
        ("boolean", "int"),
        ("string", "int"),
    ];
    for (reader, writer) in refused {
        let message = assert_one(
            &one_field(&format!("\"{reader}\"")),
            &one_field(&format!("\"{writer}\"")),
            TypeMismatch,
            "/fields/f",
        );
        assert_eq!(
            message,
            format!("field 'f': reader type {reader} cannot read writer type {writer}")
        );
    }
}

#[test]
fn added_reader_field_needs_a_default() {
    let writer = record("Order", r#"{"name":"id","type":"int"}"#);
    let without_default = record(
        "Order",
        r#"{"name":"id","type":"int"},{"name":"amount","type":"double"}"#,
    );
    let message = assert_one(
        &without_default,
        &writer,
        ReaderFieldMissingDefaultValue,
        "/fields/amount",
    );
    assert_eq!(
        message,
        "reader field 'amount' has no default and is missing from the writer"
    );
    let with_default = record(
        "Order",
        r#"{"name":"id","type":"int"},{"name":"amount","type":"double","default":0.0}"#,
    );
    assert_compatible(&with_default, &writer);
}

#[test]
fn removed_field_is_backward_ok_but_forward_needs_a_default() {
    let old = record(
        "Order",
        r#"{"name":"id","type":"int"},{"name":"note","type":"string"}"#,
    );
    let new = record("Order", r#"{"name":"id","type":"int"}"#);
    // Backward: the new schema reads old data and skips `note`.
    assert_compatible(&new, &old);
    // Forward: the old schema reads new data and misses `note`, which has no default.
    assert_one(&old, &new, ReaderFieldMissingDefaultValue, "/fields/note");
    let old_with_default = record(
        "Order",
        r#"{"name":"id","type":"int"},{"name":"note","type":"string","default":""}"#,
    );
    assert_compatible(&old_with_default, &new);
}

#[test]
fn enum_symbols_removed_need_a_reader_default() {
    let writer = r#"{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}"#;
    let fewer = r#"{"type":"enum","name":"Color","symbols":["RED","GREEN"]}"#;
    let message = assert_one(fewer, writer, MissingEnumSymbols, "/symbols");
    assert_eq!(
        message,
        "reader enum 'Color' lacks the writer's symbols [BLUE] and has no default symbol"
    );
    let fewer_with_default =
        r#"{"type":"enum","name":"Color","symbols":["UNKNOWN","RED","GREEN"],"default":"UNKNOWN"}"#;
    assert_compatible(fewer_with_default, writer);
    // Adding symbols is fine for a reader.
    let more = r#"{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE","BLACK"]}"#;
    assert_compatible(more, writer);
}

#[test]
fn writer_union_branch_must_be_readable() {
    let writer = one_field(r#"["null","int","string"]"#);
    let reader = one_field(r#"["null","long"]"#);
    let message = assert_one(&reader, &writer, MissingUnionBranch, "/fields/f/2");
    assert_eq!(
        message,
        "field 'f': writer union branch 2 (string) matches no branch of the reader union"
    );
    // int promotes to long, null matches null: the wider reader union reads everything.
    assert_compatible(&one_field(r#"["null","long","string"]"#), &writer);
}

#[test]
fn non_union_writer_needs_a_matching_reader_branch() {
    assert_compatible(
        &one_field(r#"["null","string"]"#),
        &one_field(r#""string""#),
    );
    let message = assert_one(
        &one_field(r#"["null","string"]"#),
        &one_field(r#""int""#),
        MissingUnionBranch,
        "/fields/f",
    );
    assert_eq!(
        message,
        "field 'f': writer type int matches no branch of the reader union"
    );
}

#[test]
fn union_writer_against_non_union_reader_checks_every_branch() {
    let found = problems(
        &one_field(r#""string""#),
        &one_field(r#"["null","string"]"#),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, TypeMismatch);
    assert_eq!(
        found[0].message,
        "field 'f': reader type string cannot read writer type null (writer union branch 0 is \
         not readable by the non-union reader)"
    );
    assert_compatible(&one_field(r#""long""#), &one_field(r#"["int","long"]"#));
}

#[test]
fn renamed_field_needs_a_reader_field_alias() {
    let writer = record("R", r#"{"name":"qty","type":"int"}"#);
    let renamed = record("R", r#"{"name":"quantity","type":"int"}"#);
    assert_one(
        &renamed,
        &writer,
        ReaderFieldMissingDefaultValue,
        "/fields/quantity",
    );
    let aliased = record("R", r#"{"name":"quantity","type":"int","aliases":["qty"]}"#);
    assert_compatible(&aliased, &writer);
    // A *writer* field alias does not help the reader (Java semantics).
    let writer_alias = record("R", r#"{"name":"qty","type":"int","aliases":["quantity"]}"#);
    assert_one(
        &renamed,
        &writer_alias,
        ReaderFieldMissingDefaultValue,
        "/fields/quantity",
    );
}

#[test]
fn renamed_record_needs_an_alias_with_the_writer_full_name() {
    let writer = r#"{"type":"record","name":"Order","namespace":"shop","fields":[]}"#;
    let renamed = r#"{"type":"record","name":"Purchase","namespace":"shop","fields":[]}"#;
    let message = assert_one(renamed, writer, NameMismatch, "/name");
    assert_eq!(
        message,
        "reader record 'shop.Purchase' does not match writer record 'shop.Order' (renamed); \
         add the alias 'shop.Order' to the reader record"
    );
    let aliased =
        r#"{"type":"record","name":"Purchase","namespace":"shop","aliases":["Order"],"fields":[]}"#;
    assert_compatible(aliased, writer);
    let fully_aliased = r#"{"type":"record","name":"Purchase","namespace":"shop",
        "aliases":["shop.Order"],"fields":[]}"#;
    assert_compatible(fully_aliased, writer);
}

/// Avro Java `SchemaCompatibility.schemaNameEquals` compares `reader.getName()` with
/// `writer.getName()`, the *unqualified* names: a record, enum or fixed that only moved to
/// another namespace is still the same type (Confluent's registry says compatible).
#[test]
fn namespace_change_alone_is_compatible() {
    let writer = r#"{"type":"record","name":"Order","namespace":"shop.v1","fields":[
        {"name":"id","type":"string"}]}"#;
    let moved = r#"{"type":"record","name":"Order","namespace":"shop.v2","fields":[
        {"name":"id","type":"string"}]}"#;
    assert_compatible(moved, writer);
    assert_compatible(writer, moved);
    // No namespace at all on one side.
    let bare = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
    assert_compatible(bare, writer);
    assert_compatible(writer, bare);
    // Enum and fixed follow the same rule (`checkSchemaNames` for ENUM and FIXED).
    assert_compatible(
        r#"{"type":"enum","name":"Color","namespace":"b","symbols":["RED"]}"#,
        r#"{"type":"enum","name":"Color","namespace":"a","symbols":["RED"]}"#,
    );
    assert_compatible(
        r#"{"type":"fixed","name":"Hash","namespace":"b","size":16}"#,
        r#"{"type":"fixed","name":"Hash","namespace":"a","size":16}"#,
    );
    // Nested named types too: the item record moved along with its parent.
    let nested = |ns: &str| {
        format!(
            r#"{{"type":"record","name":"Order","namespace":"{ns}","fields":[
            {{"name":"item","type":{{"type":"record","name":"Item","fields":[
                {{"name":"sku","type":"string"}}]}}}},
            {{"name":"again","type":"Item"}}]}}"#
        )
    };
    assert_compatible(&nested("shop.v2"), &nested("shop.v1"));
}

/// A rename *and* a namespace change: Java's `schemaNameEquals` then needs a reader alias
/// equal to the writer's full name; an alias relative to the reader's namespace names a
/// type in that namespace (`Schema.getAliases` returns full names).
#[test]
fn renamed_and_moved_needs_an_alias_with_the_writer_full_name() {
    let writer = r#"{"type":"record","name":"Order","namespace":"shop.v1","fields":[]}"#;
    let moved = r#"{"type":"record","name":"Purchase","namespace":"shop.v2","fields":[]}"#;
    let message = assert_one(moved, writer, NameMismatch, "/name");
    assert_eq!(
        message,
        "reader record 'shop.v2.Purchase' does not match writer record 'shop.v1.Order' \
         (renamed); add the alias 'shop.v1.Order' to the reader record"
    );
    let aliased = r#"{"type":"record","name":"Purchase","namespace":"shop.v2",
        "aliases":["shop.v1.Order"],"fields":[]}"#;
    assert_compatible(aliased, writer);
    // "Order" relative to shop.v2 is shop.v2.Order, not the writer's shop.v1.Order.
    let relative_alias = r#"{"type":"record","name":"Purchase","namespace":"shop.v2",
        "aliases":["Order"],"fields":[]}"#;
    assert_one(relative_alias, writer, NameMismatch, "/name");
}

/// Java reads a non-union writer with the first reader union branch that is compatible
/// (`calculateCompatibility`, reader UNION case), so a named branch is found by the same
/// name rule: unqualified name, or alias.
#[test]
fn union_branches_match_named_types_by_unqualified_name_or_alias() {
    let reader = |ty: &str| one_field(&format!(r#"["null",{ty}]"#));
    let item = |name: &str, ns: &str, extra: &str| {
        format!(
            r#"{{"type":"record","name":"{name}","namespace":"{ns}"{extra},"fields":[
            {{"name":"sku","type":"string"}}]}}"#
        )
    };
    assert_compatible(
        &reader(&item("Item", "b", "")),
        &one_field(&item("Item", "a", "")),
    );
    assert_compatible(
        &reader(&item("Line", "b", r#","aliases":["a.Item"]"#)),
        &one_field(&item("Item", "a", "")),
    );
    // A writer union whose named branch moved namespace: still read.
    assert_compatible(
        &reader(&item("Item", "b", "")),
        &one_field(&format!(r#"["null",{}]"#, item("Item", "a", ""))),
    );
    let message = assert_one(
        &reader(&item("Line", "b", "")),
        &one_field(&item("Item", "a", "")),
        MissingUnionBranch,
        "/fields/f",
    );
    assert_eq!(
        message,
        "field 'f': writer type record 'a.Item' matches no branch of the reader union"
    );
}

/// Java's `lookupWriterField` throws when the reader field's name and aliases find more
/// than one writer field; Confluent's `AvroSchema.isBackwardCompatible` catches it and
/// answers incompatible.
#[test]
fn reader_field_matching_two_writer_fields_is_incompatible() {
    let writer = record(
        "R",
        r#"{"name":"qty","type":"int"},{"name":"quantity","type":"int"}"#,
    );
    let reader = record("R", r#"{"name":"quantity","type":"int","aliases":["qty"]}"#);
    let message = assert_one(
        &reader,
        &writer,
        ReaderFieldMatchesMultipleWriterFields,
        "/fields/quantity",
    );
    assert_eq!(
        message,
        "reader field 'quantity' matches the writer fields 'quantity' and 'qty' by its name \
         and aliases"
    );
    assert_eq!(
        ReaderFieldMatchesMultipleWriterFields.as_str(),
        "READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS"
    );
}

/// Java's `checkReaderEnumContainsAllWriterEnumSymbols`: missing writer symbols are fine
/// when the reader enum has a default (the symbol list is all that counts, not the order).
#[test]
fn enum_default_covers_missing_symbols_whatever_the_order() {
    let writer = r#"{"type":"enum","name":"E","symbols":["C","B","A"]}"#;
    assert_compatible(
        r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#,
        writer,
    );
    assert_compatible(
        r#"{"type":"enum","name":"E","symbols":["A","U"],"default":"U"}"#,
        writer,
    );
    let message = assert_one(
        r#"{"type":"enum","name":"E","symbols":["A","U"]}"#,
        writer,
        MissingEnumSymbols,
        "/symbols",
    );
    assert_eq!(
        message,
        "reader enum 'E' lacks the writer's symbols [C, B] and has no default symbol"
    );
}

#[test]
fn renamed_enum_and_fixed_honour_aliases() {
    let enum_writer = r#"{"type":"enum","name":"Color","symbols":["RED"]}"#;
    let enum_renamed = r#"{"type":"enum","name":"Colour","symbols":["RED"]}"#;
    assert_one(enum_renamed, enum_writer, NameMismatch, "/name");
    let enum_aliased = r#"{"type":"enum","name":"Colour","aliases":["Color"],"symbols":["RED"]}"#;
    assert_compatible(enum_aliased, enum_writer);

    let fixed_writer = r#"{"type":"fixed","name":"Hash","size":16}"#;
    let fixed_renamed = r#"{"type":"fixed","name":"Digest","size":16}"#;
    assert_one(fixed_renamed, fixed_writer, NameMismatch, "/name");
    let fixed_aliased = r#"{"type":"fixed","name":"Digest","aliases":["Hash"],"size":16}"#;
    assert_compatible(fixed_aliased, fixed_writer);
}

#[test]
fn nested_named_type_rename_is_found_inside_the_field() {
    let line = |name: &str, aliases: &str| {
        format!(
            r#"{{"type":"record","name":"Order","namespace":"shop","fields":[
            {{"name":"item","type":{{"type":"record","name":"{name}"{aliases},"fields":[
                {{"name":"sku","type":"string"}}]}}}}]}}"#
        )
    };
    let writer = line("LineItem", "");
    let message = assert_one(
        &line("Item", ""),
        &writer,
        NameMismatch,
        "/fields/item/name",
    );
    assert!(
        message.starts_with("field 'item': reader record 'shop.Item'"),
        "{message}"
    );
    assert_compatible(&line("Item", r#","aliases":["LineItem"]"#), &writer);
}

#[test]
fn fixed_size_must_match() {
    let writer = r#"{"type":"fixed","name":"Hash","size":16}"#;
    let reader = r#"{"type":"fixed","name":"Hash","size":32}"#;
    let message = assert_one(reader, writer, FixedSizeMismatch, "/size");
    assert_eq!(
        message,
        "fixed 'Hash' has size 32 in the reader but 16 in the writer"
    );
}

#[test]
fn arrays_and_maps_compare_their_items_and_values() {
    assert_compatible(
        r#"{"type":"array","items":"long"}"#,
        r#"{"type":"array","items":"int"}"#,
    );
    assert_one(
        r#"{"type":"array","items":"int"}"#,
        r#"{"type":"array","items":"string"}"#,
        TypeMismatch,
        "/items",
    );
    assert_one(
        r#"{"type":"map","values":"int"}"#,
        r#"{"type":"map","values":"long"}"#,
        TypeMismatch,
        "/values",
    );
    assert_one(
        r#"{"type":"map","values":"int"}"#,
        r#"{"type":"array","items":"int"}"#,
        TypeMismatch,
        "",
    );
}

#[test]
fn logical_types_are_read_as_their_underlying_type() {
    // timestamp-millis is a long: a plain long reader reads it, an int reader does not.
    let writer = one_field(r#"{"type":"long","logicalType":"timestamp-millis"}"#);
    assert_compatible(&one_field(r#""long""#), &writer);
    assert_one(&one_field(r#""int""#), &writer, TypeMismatch, "/fields/f");
    // date (int) promotes to a timestamp-micros (long) reader, as the int→long rule says.
    assert_compatible(
        &one_field(r#"{"type":"long","logicalType":"timestamp-micros"}"#),
        &one_field(r#"{"type":"int","logicalType":"date"}"#),
    );
    // uuid on string reads as string.
    assert_compatible(
        &one_field(r#""string""#),
        &one_field(r#"{"type":"string","logicalType":"uuid"}"#),
    );
}

#[test]
fn recursive_schemas_terminate() {
    let list = |value: &str, extra: &str| {
        format!(
            r#"{{"type":"record","name":"Node","fields":[
            {{"name":"value","type":"{value}"}},
            {{"name":"next","type":["null","Node"]}}{extra}]}}"#
        )
    };
    assert_compatible(&list("long", ""), &list("int", ""));
    assert_one(
        &list("int", ""),
        &list("string", ""),
        TypeMismatch,
        "/fields/value",
    );
    let found = problems(
        &list("int", r#",{"name":"label","type":"string"}"#),
        &list("int", ""),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "/fields/label");
}

#[test]
fn mutually_recursive_named_types_terminate() {
    let schema = |tail: &str| {
        format!(
            r#"{{"type":"record","name":"A","fields":[
            {{"name":"b","type":["null",{{"type":"record","name":"B","fields":[
                {{"name":"a","type":["null","A"]}}{tail}]}}]}}]}}"#
        )
    };
    assert_compatible(&schema(""), &schema(""));
    let found = problems(&schema(r#",{"name":"x","type":"int"}"#), &schema(""));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, ReaderFieldMissingDefaultValue);
    assert_eq!(found[0].path, "/fields/b/1/fields/x");
}

#[test]
fn a_type_used_twice_reports_at_each_use() {
    let schema = |money_type: &str| {
        format!(
            r#"{{"type":"record","name":"Order","fields":[
            {{"name":"price","type":{{"type":"record","name":"Money","fields":[
                {{"name":"cents","type":"{money_type}"}}]}}}},
            {{"name":"tax","type":"Money"}}]}}"#
        )
    };
    let found = problems(&schema("int"), &schema("long"));
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/fields/price/fields/cents", "/fields/tax/fields/cents"]
    );
}

#[test]
fn problems_inside_an_optional_record_are_reported_in_place() {
    let schema = |extra: &str| {
        format!(
            r#"{{"type":"record","name":"Order","fields":[
            {{"name":"customer","type":["null",{{"type":"record","name":"Customer","fields":[
                {{"name":"id","type":"string"}}{extra}]}}]}}]}}"#
        )
    };
    let message = assert_one(
        &schema(r#",{"name":"email","type":"string"}"#),
        &schema(""),
        ReaderFieldMissingDefaultValue,
        "/fields/customer/1/fields/email",
    );
    assert_eq!(
        message,
        "field 'customer': reader field 'email' has no default and is missing from the writer"
    );
    // A non-union writer against an optional reader record gets the same detail.
    let plain_writer = r#"{"type":"record","name":"Order","fields":[
        {"name":"customer","type":{"type":"record","name":"Customer","fields":[
            {"name":"id","type":"string"}]}}]}"#;
    assert_one(
        &schema(r#",{"name":"email","type":"string"}"#),
        plain_writer,
        ReaderFieldMissingDefaultValue,
        "/fields/customer/fields/email",
    );
}
