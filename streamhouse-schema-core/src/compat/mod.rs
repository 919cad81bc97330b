//! Schema compatibility: the one implementation shared by the registry server, the
//! in-memory registry and the compile-time drift checks, so that they never disagree.
//!
//! A check asks whether a *reader* schema can read data written with a *writer* schema
//! ([`avro::can_read`], [`protobuf::can_read`], [`json::can_read`]). A
//! [`CompatibilityLevel`] decides which pairs are checked when a new schema (the
//! *candidate*) joins the registered versions of a subject:
//!
//! | level | pairs checked |
//! |---|---|
//! | `BACKWARD` | candidate reads the latest version |
//! | `FORWARD` | the latest version reads the candidate |
//! | `FULL` | both |
//! | `*_TRANSITIVE` | the same, against every registered version |
//! | `NONE` | nothing |
//!
//! [`check_compatibility`] takes schema text; a registry that stores schemas with
//! `references` parses them with [`parse_schema_with_references`] and calls
//! [`check_parsed`]. [`ParsedSchema::normalized`] gives the text to dedupe registrations on.
//!
//! ```
//! use streamhouse_schema_core::compat::{check_compatibility, CompatibilityLevel};
//! use streamhouse_schema_core::SchemaFormat;
//!
//! let v1 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"int"}]}"#;
//! let v2 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},
//!             {"name":"note","type":"string","default":""}]}"#;
//! let report =
//!     check_compatibility(SchemaFormat::Avro, CompatibilityLevel::Full, v2, &[v1]).unwrap();
//! // BACKWARD holds (int promotes to long) but FORWARD does not (long does not narrow to int).
//! assert!(!report.is_compatible());
//! assert_eq!(report.messages.len(), 1);
//! assert!(report.messages[0].starts_with("TYPE_MISMATCH at '/fields/id'"));
//! ```

pub mod avro;
mod error;
pub mod json;
mod level;
mod parsed;
pub mod protobuf;
mod references;
mod report;

pub use error::CompatError;
pub use level::{CompatibilityLevel, UnknownCompatibilityLevel};
pub use parsed::{parse_schema, ParsedSchema};
pub use references::parse_schema_with_references;
pub use report::{CompatibilityReport, Incompatibility, IncompatibilityKind};

use crate::SchemaFormat;

/// Checks `candidate` (the schema being registered or tested) against `existing` (the
/// registered versions, OLDEST FIRST) under `level`.
///
/// Non-transitive levels check only against the last element of `existing`, transitive ones
/// against all of them; `NONE` and an empty `existing` are always compatible. Every schema is
/// parsed first, so invalid text is an error even under `NONE`.
///
/// # Errors
/// [`CompatError::InvalidSchema`] when `candidate` does not parse,
/// [`CompatError::InvalidExistingSchema`] when one of `existing` does not.
pub fn check_compatibility(
    format: SchemaFormat,
    level: CompatibilityLevel,
    candidate: &str,
    existing: &[&str],
) -> Result<CompatibilityReport, CompatError> {
    let candidate = parse_schema(format, candidate)?;
    let existing = parse_existing(format, existing)?;
    Ok(check_parsed(level, &candidate, &existing))
}

/// Parses already-registered (or pinned) versions, oldest first; one that does not parse is
/// [`CompatError::InvalidExistingSchema`] naming its index.
///
/// # Errors
/// [`CompatError::InvalidExistingSchema`] for the first version that does not parse.
pub fn parse_existing(
    format: SchemaFormat,
    existing: &[&str],
) -> Result<Vec<ParsedSchema>, CompatError> {
    existing
        .iter()
        .enumerate()
        .map(|(index, text)| {
            parse_schema(format, text).map_err(|e| match e {
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
        .collect()
}

/// [`check_compatibility`] for schemas that are already parsed (e.g. cached by a registry).
///
/// Schemas of different formats are never compatible with each other.
pub fn check_parsed(
    level: CompatibilityLevel,
    candidate: &ParsedSchema,
    existing: &[ParsedSchema],
) -> CompatibilityReport {
    let total = existing.len();
    let messages = find_incompatibilities(level, candidate, existing)
        .into_iter()
        .map(|finding| {
            let number = finding.existing_index + 1;
            let problem = finding.incompatibility;
            match finding.direction {
                Direction::NewReadsExisting => format!(
                    "{problem} ({level}: the new schema cannot read data written with \
                     existing schema {number} of {total})"
                ),
                Direction::ExistingReadsNew => format!(
                    "{problem} ({level}: existing schema {number} of {total} cannot read \
                     data written with the new schema)"
                ),
            }
        })
        .collect();
    CompatibilityReport { messages }
}

/// Which way a [`Finding`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The new schema (reader) cannot read data written with an existing one (BACKWARD).
    NewReadsExisting,
    /// An existing schema (reader) cannot read data written with the new one (FORWARD).
    ExistingReadsNew,
}

/// One problem [`find_incompatibilities`] found, with the version it concerns, for callers
/// that present problems their own way (a registry answering in Confluent's shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index into `existing` (oldest first) of the schema the problem is with.
    pub existing_index: usize,
    /// Whether the new schema reads the existing one or the other way round.
    pub direction: Direction,
    /// The problem, with the reader's path and the rule.
    pub incompatibility: Incompatibility,
}

/// The problems behind [`check_parsed`]'s verdict, one per incompatibility: under `level`,
/// the pairs it selects (the latest of `existing`, oldest first, or all of them when
/// transitive; nothing under `NONE`) are checked, backward before forward for each.
///
/// ```
/// use streamhouse_schema_core::compat::{
///     find_incompatibilities, parse_schema, CompatibilityLevel, Direction, IncompatibilityKind,
/// };
/// use streamhouse_schema_core::SchemaFormat;
///
/// let v1 = parse_schema(SchemaFormat::Avro,
///     r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#).unwrap();
/// let v2 = parse_schema(SchemaFormat::Avro,
///     r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},
///                                               {"name":"b","type":"string"}]}"#).unwrap();
/// let found = find_incompatibilities(CompatibilityLevel::Backward, &v2, &[v1]);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].existing_index, 0);
/// assert_eq!(found[0].direction, Direction::NewReadsExisting);
/// assert_eq!(found[0].incompatibility.kind, IncompatibilityKind::ReaderFieldMissingDefaultValue);
/// assert_eq!(found[0].incompatibility.path, "/fields/b");
/// ```
pub fn find_incompatibilities(
    level: CompatibilityLevel,
    candidate: &ParsedSchema,
    existing: &[ParsedSchema],
) -> Vec<Finding> {
    let to_check = versions_to_check(level, existing);
    let first_index = existing.len() - to_check.len();
    let mut found = Vec::new();
    for (offset, old) in to_check.iter().enumerate() {
        let existing_index = first_index + offset;
        if level.checks_backward() {
            found.extend(
                can_read(candidate, old)
                    .into_iter()
                    .map(|incompatibility| Finding {
                        existing_index,
                        direction: Direction::NewReadsExisting,
                        incompatibility,
                    }),
            );
        }
        if level.checks_forward() {
            found.extend(
                can_read(old, candidate)
                    .into_iter()
                    .map(|incompatibility| Finding {
                        existing_index,
                        direction: Direction::ExistingReadsNew,
                        incompatibility,
                    }),
            );
        }
    }
    found
}

/// The versions (oldest first) a new schema is checked against under `level`: all of them
/// for the transitive levels, the latest only otherwise, none when there are none. The one
/// rule every registry here (server, `mock://`) and the compile-time pin share.
///
/// ```
/// use streamhouse_schema_core::compat::{versions_to_check, CompatibilityLevel};
///
/// let versions = [1, 2, 3];
/// assert_eq!(versions_to_check(CompatibilityLevel::Backward, &versions), &[3]);
/// assert_eq!(versions_to_check(CompatibilityLevel::FullTransitive, &versions), &[1, 2, 3]);
/// assert!(versions_to_check::<i32>(CompatibilityLevel::Forward, &[]).is_empty());
/// ```
pub fn versions_to_check<T>(level: CompatibilityLevel, existing: &[T]) -> &[T] {
    match (level.is_transitive(), existing.split_last()) {
        (_, None) => &[],
        (true, Some(_)) => existing,
        (false, Some((latest, _older))) => std::slice::from_ref(latest),
    }
}

/// Lists why `reader` cannot read data written with `writer`, whatever their format.
///
/// Protobuf files are compared with [`protobuf::can_read_with_imports`] when either carries
/// its imports ([`ParsedSchema::ProtobufWithImports`]), with [`protobuf::can_read`] otherwise.
pub fn can_read(reader: &ParsedSchema, writer: &ParsedSchema) -> Vec<Incompatibility> {
    if let (Some((reader_file, reader_imports)), Some((writer_file, writer_imports))) =
        (protobuf_parts(reader), protobuf_parts(writer))
    {
        return protobuf::compare_files(reader_file, reader_imports, writer_file, writer_imports);
    }
    match (reader, writer) {
        (ParsedSchema::Avro(r), ParsedSchema::Avro(w)) => avro::can_read(r, w),
        (ParsedSchema::Json(r), ParsedSchema::Json(w)) => json::can_read(r, w),
        _ => vec![Incompatibility::new(
            IncompatibilityKind::TypeChanged,
            "",
            format!(
                "the schema format changed from {} to {}",
                writer.format(),
                reader.format()
            ),
        )],
    }
}

/// A Protobuf schema's file and imports (none for a plain file).
fn protobuf_parts(
    schema: &ParsedSchema,
) -> Option<(
    &prost_types::FileDescriptorProto,
    &[prost_types::FileDescriptorProto],
)> {
    match schema {
        ParsedSchema::Protobuf(file) => Some((file, &[])),
        ParsedSchema::ProtobufWithImports(parsed) => Some((parsed.file(), parsed.imports())),
        ParsedSchema::Avro(_) | ParsedSchema::Json(_) => None,
    }
}
