//! Turning a request's schema into something storable: its format, validation (42201), the
//! normalized form used to dedupe registrations, and compatibility checks against stored
//! versions. The rules themselves live in [`crate::compat`].

use sha2::{Digest, Sha256};

use crate::compat::{
    check_parsed, parse_schema, CompatibilityLevel, CompatibilityReport, ParsedSchema,
};
use crate::schema::proto_file::parse_proto_with_imports;
use crate::schema::SchemaFormat;

use super::error::ApiError;
use super::model::SchemaRequest;
use super::store::reads::Visibility;
use super::store::{ExistingSchema, NewSchema, Store};
use super::version::VersionSpec;

/// A validated request schema.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) new: NewSchema,
    pub(crate) parsed: ParsedSchema,
}

/// Validates `request` (42201 when the schema, its type or a reference is invalid).
/// With `normalize`, the normalized text is what gets stored.
pub(crate) async fn prepare(
    store: &Store,
    request: SchemaRequest,
    normalize: bool,
) -> Result<Candidate, ApiError> {
    let format = match request.schema_type.as_deref() {
        None | Some("") => SchemaFormat::Avro,
        Some(raw) => raw
            .parse::<SchemaFormat>()
            .map_err(ApiError::invalid_schema)?,
    };
    let references = request.references.unwrap_or_default();
    let mut imports = Vec::with_capacity(references.len());
    for reference in &references {
        let spec = VersionSpec::parse(&reference.version.to_string())
            .map_err(|_| ApiError::invalid_schema(format!("invalid reference {reference:?}")))?;
        let target = store
            .version(&reference.subject, spec, Visibility::Live)
            .await
            .map_err(|error| match error.error_code {
                40401 | 40402 => ApiError::invalid_schema(format!(
                    "reference {:?} names subject '{}' version {}, which does not exist",
                    reference.name, reference.subject, reference.version
                )),
                _ => error,
            })?;
        imports.push((reference.name.clone(), target.schema.text));
    }

    let parsed = if format == SchemaFormat::Protobuf && !imports.is_empty() {
        let pairs: Vec<(&str, &str)> = imports
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        parse_proto_with_imports(&request.schema, &pairs)
            .map(ParsedSchema::Protobuf)
            .map_err(ApiError::invalid_schema)?
    } else {
        parse_schema(format, &request.schema).map_err(ApiError::invalid_schema)?
    };

    let normalized = parsed.normalized();
    // A Protobuf schema sent as a base64 descriptor is stored as .proto text, as Confluent does.
    let text =
        if normalize || (format == SchemaFormat::Protobuf && looks_like_base64(&request.schema)) {
            normalized.clone()
        } else {
            request.schema
        };
    let references_json = serde_json::to_string(&references).map_err(ApiError::bad_request)?;
    let fingerprint = fingerprint(format, &normalized, &references_json);
    Ok(Candidate {
        new: NewSchema {
            format,
            text,
            references_json,
            fingerprint,
        },
        parsed,
    })
}

/// `.proto` text always has a `;` or `{`; base64 never does.
fn looks_like_base64(text: &str) -> bool {
    !text.contains(';') && !text.contains('{')
}

/// The dedupe key: equal exactly for equal (format, normalized schema, references).
fn fingerprint(format: SchemaFormat, normalized: &str, references_json: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(normalized.as_bytes());
    hasher.update([0]);
    hasher.update(references_json.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Checks `candidate` against `existing` (oldest first) under `level`.
pub(crate) fn check(
    level: CompatibilityLevel,
    candidate: &ParsedSchema,
    existing: &[ExistingSchema],
) -> Result<CompatibilityReport, ApiError> {
    if level == CompatibilityLevel::None || existing.is_empty() {
        return Ok(CompatibilityReport::compatible());
    }
    let parsed = existing
        .iter()
        .map(|old| {
            parse_schema(old.format, &old.text).map_err(|error| {
                ApiError::internal(format!(
                    "stored schema of version {} cannot be parsed for the compatibility check: {error}",
                    old.version
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(check_parsed(level, candidate, &parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_separates_format_text_and_references() {
        let a = fingerprint(SchemaFormat::Json, "{}", "[]");
        assert_eq!(a.len(), 64);
        assert_eq!(a, fingerprint(SchemaFormat::Json, "{}", "[]"));
        assert_ne!(a, fingerprint(SchemaFormat::Avro, "{}", "[]"));
        assert_ne!(a, fingerprint(SchemaFormat::Json, "{ }", "[]"));
        assert_ne!(a, fingerprint(SchemaFormat::Json, "{}", "[{}]"));
    }

    #[test]
    fn base64_detection_never_mistakes_proto_text() {
        assert!(looks_like_base64("CgVhLnByb3RvEgFh"));
        assert!(!looks_like_base64("syntax = \"proto3\";"));
        assert!(!looks_like_base64("message A {}"));
    }
}
