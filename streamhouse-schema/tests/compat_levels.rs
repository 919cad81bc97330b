//! `check_compatibility` under every level, for all three formats, through the public API.

use streamhouse_schema::compat::{
    check_compatibility, parse_schema, CompatError, CompatibilityLevel, ParsedSchema,
};
use streamhouse_schema::schema::SchemaFormat;

use CompatibilityLevel::*;

/// Avro history of an `Order` record, oldest first (fixtures/compat/order-v*.avsc):
/// v1 {id: int, note: string (no default)}, v2 drops `note`, v3 adds `note` back
/// with a default.
const ORDER_V1: &str = include_str!("fixtures/compat/order-v1.avsc");
const ORDER_V2: &str = include_str!("fixtures/compat/order-v2.avsc");
const ORDER_V3_INT_NOTE: &str = include_str!("fixtures/compat/order-v3.avsc");

fn avro(level: CompatibilityLevel, candidate: &str, existing: &[&str]) -> Vec<String> {
    check_compatibility(SchemaFormat::Avro, level, candidate, existing)
        .unwrap_or_else(|e| panic!("check failed: {e}"))
        .messages
}

#[test]
fn transitive_and_non_transitive_levels_differ_on_a_three_version_history() {
    // v3's `note` is an int with a default: it reads v2 data (no `note` at all), but v1 wrote
    // `note` as a string, which an int reader cannot read.
    let history = [ORDER_V1, ORDER_V2];
    assert!(avro(Backward, ORDER_V3_INT_NOTE, &history).is_empty());
    let transitive = avro(BackwardTransitive, ORDER_V3_INT_NOTE, &history);
    assert_eq!(
        transitive,
        [
            "TYPE_MISMATCH at '/fields/note': field 'note': reader type int cannot read writer \
             type string (BACKWARD_TRANSITIVE: the new schema cannot read data written with \
             existing schema 1 of 2)"
        ]
    );
    // FULL_TRANSITIVE finds the same problem in both directions.
    let full = avro(FullTransitive, ORDER_V3_INT_NOTE, &history);
    assert_eq!(full.len(), 2, "{full:#?}");
    assert!(full[1].contains("existing schema 1 of 2 cannot read data written with the new schema"));
    assert!(avro(Full, ORDER_V3_INT_NOTE, &history).is_empty());
}

#[test]
fn forward_checks_that_the_old_schema_reads_the_new_one() {
    // v2 dropped `note`, which v1 reads without a default: fine backward, not forward.
    assert!(avro(Backward, ORDER_V2, &[ORDER_V1]).is_empty());
    let forward = avro(Forward, ORDER_V2, &[ORDER_V1]);
    assert_eq!(
        forward,
        [
            "READER_FIELD_MISSING_DEFAULT_VALUE at '/fields/note': reader field 'note' has no \
             default and is missing from the writer (FORWARD: existing schema 1 of 1 cannot \
             read data written with the new schema)"
        ]
    );
    assert_eq!(
        avro(ForwardTransitive, ORDER_V2, &[ORDER_V1]),
        forward
            .iter()
            .map(|m| m.replace("(FORWARD:", "(FORWARD_TRANSITIVE:"))
            .collect::<Vec<_>>()
    );
    assert_eq!(avro(Full, ORDER_V2, &[ORDER_V1]).len(), 1);
}

#[test]
fn none_and_empty_history_are_always_compatible() {
    assert!(avro(None, ORDER_V3_INT_NOTE, &[ORDER_V1, ORDER_V2]).is_empty());
    for level in CompatibilityLevel::ALL {
        let report =
            check_compatibility(SchemaFormat::Avro, level, ORDER_V1, &[]).expect("valid schema");
        assert!(report.is_compatible(), "{level}");
    }
}

#[test]
fn non_transitive_levels_ignore_older_versions() {
    // v1 is incompatible with the candidate, but only the latest (v3 = candidate itself) counts.
    assert!(avro(Backward, ORDER_V3_INT_NOTE, &[ORDER_V1, ORDER_V3_INT_NOTE]).is_empty());
    assert!(!avro(
        BackwardTransitive,
        ORDER_V3_INT_NOTE,
        &[ORDER_V1, ORDER_V3_INT_NOTE]
    )
    .is_empty());
}

#[test]
fn invalid_schemas_are_typed_errors_even_under_none() {
    let err =
        check_compatibility(SchemaFormat::Avro, None, "{\"type\":\"nope\"}", &[]).unwrap_err();
    assert!(matches!(
        err,
        CompatError::InvalidSchema {
            format: SchemaFormat::Avro,
            ..
        }
    ));
    let err = check_compatibility(
        SchemaFormat::Avro,
        Backward,
        ORDER_V1,
        &[ORDER_V2, "not json"],
    )
    .unwrap_err();
    assert!(
        matches!(err, CompatError::InvalidExistingSchema { index: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn protobuf_levels() {
    let v1 = include_str!("fixtures/compat/order-v1.proto");
    let v2 = include_str!("fixtures/compat/order-v2.proto");
    // v2 changes `quantity` from int32 to string: incompatible both ways.
    let report = check_compatibility(SchemaFormat::Protobuf, Backward, v2, &[v1]).unwrap();
    assert_eq!(report.messages.len(), 1, "{report:#?}");
    assert!(report.messages[0].starts_with("FIELD_SCALAR_KIND_CHANGED at '/Order/fields/2'"));
    let report = check_compatibility(SchemaFormat::Protobuf, None, v2, &[v1]).unwrap();
    assert!(report.is_compatible());
    // The same v1 as a base64 descriptor is compatible with itself as text, under FULL.
    let ParsedSchema::Protobuf(file) = parse_schema(SchemaFormat::Protobuf, v1).unwrap() else {
        panic!("expected protobuf");
    };
    let base64 = streamhouse_schema::schema::proto_file::to_base64_descriptor(&file);
    let report =
        check_compatibility(SchemaFormat::Protobuf, FullTransitive, &base64, &[v1]).unwrap();
    assert!(report.is_compatible(), "{report:#?}");
}

#[test]
fn json_levels() {
    let open = r#"{"type":"object","properties":{"id":{"type":"string"}}}"#;
    let open_with_note =
        r#"{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}}}"#;
    // Adding a property to an open content model breaks BACKWARD (old data may carry any
    // `note`), while FORWARD holds (the old open schema reads anything).
    let backward =
        check_compatibility(SchemaFormat::Json, Backward, open_with_note, &[open]).unwrap();
    assert_eq!(backward.messages.len(), 1);
    assert!(backward.messages[0].starts_with("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"));
    let forward =
        check_compatibility(SchemaFormat::Json, Forward, open_with_note, &[open]).unwrap();
    assert!(forward.is_compatible(), "{forward:#?}");
}
