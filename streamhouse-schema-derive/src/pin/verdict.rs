//! The verdict of a pin: which (pinned version, direction) pairs a compatibility level
//! checks, and what the registry's own checker (`streamhouse_schema_core::compat::can_read`,
//! the function its `check_parsed` calls) finds for each. Pure, so the corpus test can hold
//! it to the registry's verdict on the same schema pairs.
//!
//! One rule is stricter than the registry's: a Protobuf field that kept its name but
//! changed its number (`FIELD_RENUMBERED`, from `compat::protobuf::renumbered_fields`).
//! Confluent accepts it, seeing one field removed and another added, but readers then drop
//! every value written under the old number, which is what an edit of inferred tags
//! does by accident. Every other finding is the registry's, in the registry's order.

use streamhouse_schema_core::compat::protobuf::renumbered_fields;
use streamhouse_schema_core::compat::{
    can_read, parse_schema_with_references, versions_to_check, CompatError, CompatibilityLevel,
    Incompatibility, ParsedSchema,
};
use streamhouse_schema_core::SchemaFormat;

/// Which readers break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// BACKWARD: the new schema reads data written with the pinned one.
    NewReadsOld,
    /// FORWARD: the pinned schema reads data written with the new one.
    OldReadsNew,
}

/// One broken rule against one pinned version.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the pinned version (0 = oldest).
    pub version: usize,
    pub direction: Direction,
    pub problem: Incompatibility,
}

/// Checks `current` against the pinned versions (oldest first) under `level`, exactly as the
/// registry checks a candidate against a subject's registered versions: non-transitive
/// levels against the latest only, transitive ones against all, `NONE` against none.
///
/// For Protobuf, renumbered fields are added after the registry's findings of each version
/// (once per version, in the first direction the level checks).
///
/// Every schema is parsed first, so a broken pinned file is an error even under `NONE`
/// (`InvalidExistingSchema` names its index). `imports` are the files the schemas import
/// (a Protobuf file importing the own files of the types of other packages it uses), as
/// (import path, text) pairs the way the registry resolves references, given to the current
/// schema and to every pinned version.
pub fn verdict(
    format: SchemaFormat,
    level: CompatibilityLevel,
    current: &str,
    pinned: &[&str],
    imports: &[(&str, &str)],
) -> Result<Vec<Finding>, CompatError> {
    let candidate = parse_schema_with_references(format, current, imports)?;
    let parsed = pinned
        .iter()
        .enumerate()
        .map(|(index, text)| {
            parse_schema_with_references(format, text, imports).map_err(|e| match e {
                CompatError::InvalidSchema { format, message } => {
                    CompatError::InvalidExistingSchema {
                        format,
                        index,
                        message,
                    }
                }
                other => other,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // NONE checks nothing; otherwise the versions the registry would check.
    let to_check = match level {
        CompatibilityLevel::None => &[],
        _ => versions_to_check(level, &parsed),
    };
    let first = parsed.len() - to_check.len();
    let mut findings = Vec::new();
    for (version, old) in (first..).zip(to_check) {
        if level.checks_backward() {
            findings.extend(
                can_read(&candidate, old)
                    .into_iter()
                    .map(|problem| Finding {
                        version,
                        direction: Direction::NewReadsOld,
                        problem,
                    }),
            );
        }
        if level.checks_forward() {
            findings.extend(
                can_read(old, &candidate)
                    .into_iter()
                    .map(|problem| Finding {
                        version,
                        direction: Direction::OldReadsNew,
                        problem,
                    }),
            );
        }
        findings.extend(renumbered(level, &candidate, old, version));
    }
    Ok(findings)
}

/// The Protobuf fields that kept their name but not their number between the pinned
/// version `old` and `candidate`, as findings in the first direction `level` checks.
fn renumbered(
    level: CompatibilityLevel,
    candidate: &ParsedSchema,
    old: &ParsedSchema,
    version: usize,
) -> Vec<Finding> {
    let (Some(new_file), Some(old_file)) = (candidate.protobuf_file(), old.protobuf_file()) else {
        return Vec::new();
    };
    let (direction, problems) = if level.checks_backward() {
        (
            Direction::NewReadsOld,
            renumbered_fields(new_file, old_file),
        )
    } else if level.checks_forward() {
        (
            Direction::OldReadsNew,
            renumbered_fields(old_file, new_file),
        )
    } else {
        return Vec::new();
    };
    problems
        .into_iter()
        .map(|problem| Finding {
            version,
            direction,
            problem,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use streamhouse_schema_core::compat::{check_compatibility, IncompatibilityKind};

    /// The corpus the registry's own tests run (`streamhouse-schema/tests/compat_corpus.rs`).
    const CORPUS: &str =
        include_str!("../../../streamhouse-schema/tests/fixtures/compat/corpus.json");

    fn schema_text(value: &Value) -> String {
        match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }

    /// The build and the registry never disagree: on every corpus pair, the pin verdict and
    /// the registry's `check_compatibility` find the same rules in the same order, and both
    /// match the verdict the corpus records.
    #[test]
    fn pin_verdict_equals_the_registry_verdict_on_the_corpus() {
        let corpus: Value = serde_json::from_str(CORPUS).unwrap();
        let cases = corpus["cases"].as_array().unwrap();
        assert!(cases.len() >= 40, "the corpus lost cases: {}", cases.len());
        let mut incompatible = 0;
        let mut renumbered = Vec::new();
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let format: SchemaFormat = case["format"].as_str().unwrap().parse().unwrap();
            let level: CompatibilityLevel = case["level"].as_str().unwrap().parse().unwrap();
            let candidate = schema_text(&case["candidate"]);
            let existing: Vec<String> = case["existing"]
                .as_array()
                .unwrap()
                .iter()
                .map(schema_text)
                .collect();
            let existing: Vec<&str> = existing.iter().map(String::as_str).collect();

            let registry = check_compatibility(format, level, &candidate, &existing).unwrap();
            let registry_kinds: Vec<&str> = registry
                .messages
                .iter()
                .filter_map(|m| m.split(' ').next())
                .collect();
            let pin = verdict(format, level, &candidate, &existing, &[]).unwrap();
            // The one stricter rule aside, the pin finds what the registry finds.
            let (stricter, pin): (Vec<Finding>, Vec<Finding>) = pin
                .into_iter()
                .partition(|f| f.problem.kind == IncompatibilityKind::FieldRenumbered);
            let pin_kinds: Vec<&str> = pin.iter().map(|f| f.problem.kind.as_str()).collect();
            assert_eq!(pin_kinds, registry_kinds, "{name}");
            if !stricter.is_empty() {
                renumbered.push(name.to_string());
            }

            let expected: Vec<&str> = case["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(pin_kinds, expected, "{name}");
            assert_eq!(
                pin.is_empty(),
                case["compatible"].as_bool().unwrap(),
                "{name}"
            );
            if !pin.is_empty() {
                incompatible += 1;
            }
        }
        // Both verdicts occur, in every format, so the comparison is not vacuous.
        assert!(incompatible > 10 && incompatible < cases.len());
        for format in ["AVRO", "JSON", "PROTOBUF"] {
            let of_format = |compatible: bool| {
                cases
                    .iter()
                    .any(|c| c["format"] == format && c["compatible"].as_bool() == Some(compatible))
            };
            assert!(of_format(true) && of_format(false), "{format}");
        }
        // The renumbered field the registry accepts is the only corpus pair the pin refuses.
        assert_eq!(
            renumbered,
            ["protobuf: field renumbered (Confluent: removed + added)"]
        );
    }

    #[test]
    fn levels_pick_the_registry_pairs() {
        let v1 = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
        let v2 = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
        // Drops `b` without a default and makes `a` a long: only old readers of v2 break on `b`.
        let current = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#;
        let kinds = |level| -> Vec<(usize, Direction, &'static str)> {
            verdict(SchemaFormat::Avro, level, current, &[v1, v2], &[])
                .unwrap()
                .into_iter()
                .map(|f| (f.version, f.direction, f.problem.kind.as_str()))
                .collect()
        };
        assert_eq!(kinds(CompatibilityLevel::None), vec![]);
        assert_eq!(kinds(CompatibilityLevel::Backward), vec![]);
        assert_eq!(
            kinds(CompatibilityLevel::Forward),
            vec![
                (1, Direction::OldReadsNew, "TYPE_MISMATCH"),
                (
                    1,
                    Direction::OldReadsNew,
                    "READER_FIELD_MISSING_DEFAULT_VALUE"
                )
            ]
        );
        assert_eq!(
            kinds(CompatibilityLevel::ForwardTransitive),
            vec![
                (0, Direction::OldReadsNew, "TYPE_MISMATCH"),
                (1, Direction::OldReadsNew, "TYPE_MISMATCH"),
                (
                    1,
                    Direction::OldReadsNew,
                    "READER_FIELD_MISSING_DEFAULT_VALUE"
                )
            ]
        );
    }

    /// A file importing the own file of a type of another package is checked with that
    /// import resolved (without it, neither side would compile), renumbered fields included.
    #[test]
    fn proto_pins_with_imports_are_checked_with_the_imported_files() {
        let money = "syntax = \"proto3\"; package billing; message Money { int64 cents = 1; }";
        let imports = [("billing/Money.proto", money)];
        let v1 = "syntax = \"proto3\"; package shop; import \"billing/Money.proto\"; \
                  message Order { string id = 1; .billing.Money total = 2; }";
        let added = "syntax = \"proto3\"; package shop; import \"billing/Money.proto\"; \
                     message Order { string id = 1; .billing.Money total = 2; string note = 3; }";
        let found = |current: &str| -> Vec<(&'static str, String)> {
            verdict(
                SchemaFormat::Protobuf,
                CompatibilityLevel::Full,
                current,
                &[v1],
                &imports,
            )
            .unwrap()
            .into_iter()
            .map(|f| (f.problem.kind.as_str(), f.problem.path))
            .collect()
        };
        assert_eq!(found(added), vec![]);
        let renumbered = "syntax = \"proto3\"; package shop; import \"billing/Money.proto\"; \
                          message Order { string id = 1; .billing.Money total = 4; }";
        assert_eq!(
            found(renumbered),
            vec![("FIELD_RENUMBERED", "/Order/fields/2".to_string())]
        );
        let retyped = "syntax = \"proto3\"; package shop; import \"billing/Money.proto\"; \
                       message Order { string id = 1; string total = 2; }";
        assert!(!found(retyped).is_empty());
        // Without the import the schemas do not compile: an error, not a pass.
        assert!(verdict(
            SchemaFormat::Protobuf,
            CompatibilityLevel::Full,
            added,
            &[v1],
            &[]
        )
        .is_err());
    }

    /// A renumbered Protobuf field is reported once per pinned version, in the first
    /// direction the level checks, with the number it had in that direction's writer.
    #[test]
    fn renumbered_proto_fields_are_refused_in_the_checked_direction() {
        let v1 = "syntax = \"proto3\"; package p; message M { string id = 1; int32 qty = 2; }";
        let current = "syntax = \"proto3\"; package p; message M { string id = 1; int32 qty = 3; }";
        let found = |level| -> Vec<(Direction, &'static str, String)> {
            verdict(SchemaFormat::Protobuf, level, current, &[v1], &[])
                .unwrap()
                .into_iter()
                .map(|f| (f.direction, f.problem.kind.as_str(), f.problem.path))
                .collect()
        };
        let kind = "FIELD_RENUMBERED";
        let backward = vec![(Direction::NewReadsOld, kind, "/M/fields/2".to_string())];
        assert_eq!(found(CompatibilityLevel::Backward), backward);
        assert_eq!(found(CompatibilityLevel::Full), backward);
        assert_eq!(
            found(CompatibilityLevel::Forward),
            vec![(Direction::OldReadsNew, kind, "/M/fields/3".to_string())]
        );
        assert_eq!(found(CompatibilityLevel::None), vec![]);
        // The registry itself accepts the pair.
        let registry = check_compatibility(
            SchemaFormat::Protobuf,
            CompatibilityLevel::Full,
            current,
            &[v1],
        )
        .unwrap();
        assert!(registry.is_compatible(), "{registry:?}");
    }

    #[test]
    fn a_broken_pinned_file_is_an_error_naming_its_version() {
        let ok = r#"{"type":"record","name":"R","fields":[]}"#;
        let err = verdict(
            SchemaFormat::Avro,
            CompatibilityLevel::None,
            ok,
            &[ok, r#"{"type":"record""#],
            &[],
        )
        .unwrap_err();
        assert!(matches!(
            err,
            CompatError::InvalidExistingSchema { index: 1, .. }
        ));
    }
}
