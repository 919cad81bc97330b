//! Turning a request's schema into something storable: its format, validation (42201), the
//! normalized form used to dedupe registrations, and compatibility checks against stored
//! versions. The rules themselves live in [`crate::compat`].

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::compat::{parse_schema, ParsedSchema};
use crate::schema::contract::{Metadata, RuleSet};
use crate::schema::SchemaFormat;

use super::error::ApiError;
use super::model::SchemaRequest;
use super::references::{parse_stored, ReferenceError, ReferencedSchemas};
use super::store::reads::Visibility;
use super::store::{ExistingSchema, NewSchema, Store, VersionRecord};

/// A validated request schema.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) new: NewSchema,
    pub(crate) parsed: ParsedSchema,
    /// The normalized text the fingerprint is made from.
    normalized: String,
    /// The metadata the fingerprint covers (none when empty).
    pub(crate) metadata: Option<Metadata>,
    /// The rule set the fingerprint covers (none when empty).
    pub(crate) rule_set: Option<RuleSet>,
}

impl Candidate {
    /// This schema with `metadata` and `rule_set` instead (after merging in the subject's
    /// defaults, overrides and previous version): its stored JSON and fingerprint follow.
    pub(crate) fn with_contract(
        &self,
        metadata: Option<Metadata>,
        rule_set: Option<RuleSet>,
    ) -> Result<Candidate, ApiError> {
        let metadata = metadata.filter(|m| !m.is_empty());
        let rule_set = rule_set.filter(|r| !r.is_empty() || r.enable_at.is_some());
        let metadata_json = metadata.as_ref().map(to_json).transpose()?;
        let rule_set_json = rule_set.as_ref().map(to_json).transpose()?;
        let fingerprint = fingerprint(
            self.new.format,
            &self.normalized,
            &self.new.references_json,
            metadata_json.as_deref(),
            rule_set_json.as_deref(),
        );
        let mut candidate = self.clone();
        candidate.new.metadata_json = metadata_json;
        candidate.new.rule_set_json = rule_set_json;
        candidate.new.fingerprint = fingerprint;
        candidate.metadata = metadata;
        candidate.rule_set = rule_set;
        Ok(candidate)
    }
}

/// A contract part as stored JSON.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::bad_request)
}

/// Validates `request` (42201 when the schema, its type or a reference is invalid): the
/// schema is parsed together with the schemas its `references` name, transitively.
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
    refuse_nul(&request.schema)?;
    if let Some(rule_set) = &request.rule_set {
        rule_set.validate().map_err(ApiError::invalid_rule_set)?;
    }
    let references = request.references.unwrap_or_default();
    let referenced = ReferencedSchemas::load(store, &references, Visibility::Live)
        .await
        .map_err(ReferenceError::into_request_error)?;
    // Stored (and fingerprinted) with `-1` pinned to the version it resolved to.
    let references = referenced.resolved.clone();
    let parsed = referenced
        .parse(format, &request.schema)
        .map_err(ApiError::invalid_schema)?;

    let normalized = parsed.normalized();
    // A Protobuf schema sent as a base64 descriptor is stored as .proto text, as Confluent
    // does (its imports stay imports). Avro and JSON schemas with references are normalized
    // with the referenced schemas inlined, which is right for dedupe but not as stored text:
    // the text must keep naming them, so it is stored as sent.
    let store_normalized = match format {
        SchemaFormat::Protobuf => normalize || looks_like_base64(&request.schema),
        SchemaFormat::Avro | SchemaFormat::Json => normalize && references.is_empty(),
    };
    let text = if store_normalized {
        normalized.clone()
    } else {
        request.schema
    };
    refuse_nul(&text)?;
    let references_json = serde_json::to_string(&references).map_err(ApiError::bad_request)?;
    let candidate = Candidate {
        new: NewSchema {
            format,
            text,
            references_json,
            metadata_json: None,
            rule_set_json: None,
            fingerprint: String::new(),
            references,
        },
        parsed,
        normalized,
        metadata: None,
        rule_set: None,
    };
    candidate.with_contract(request.metadata, request.rule_set)
}

/// 42201 for a schema holding U+0000, on every backend alike: PostgreSQL cannot store it in
/// text, and no schema language needs it raw (JSON escapes it as `\u0000`).
fn refuse_nul(text: &str) -> Result<(), ApiError> {
    if text.contains('\0') {
        return Err(ApiError::invalid_schema(
            "the schema contains the character U+0000 (NUL)",
        ));
    }
    Ok(())
}

/// `.proto` text always has a `;` or `{`; base64 never does.
fn looks_like_base64(text: &str) -> bool {
    !text.contains(';') && !text.contains('{')
}

/// The dedupe key: equal exactly for equal (format, normalized schema, references, metadata,
/// rule set), as Confluent's `MD5.ofSchema` covers all of them. Without metadata and rules
/// it is what the first release computed, so stored fingerprints stay valid.
fn fingerprint(
    format: SchemaFormat,
    normalized: &str,
    references_json: &str,
    metadata_json: Option<&str>,
    rule_set_json: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(normalized.as_bytes());
    hasher.update([0]);
    hasher.update(references_json.as_bytes());
    if let Some(metadata) = metadata_json {
        hasher.update(b"\0metadata\0");
        hasher.update(metadata.as_bytes());
    }
    if let Some(rule_set) = rule_set_json {
        hasher.update(b"\0ruleSet\0");
        hasher.update(rule_set.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Stored versions parsed with their references, by schema id. Registration parses them
/// before its transaction (resolving references reads the store, which the transaction's
/// connection is busy with) and the check inside it takes them from here.
#[derive(Debug, Default)]
pub(crate) struct ParsedVersions {
    by_id: HashMap<i64, ParsedSchema>,
}

impl ParsedVersions {
    /// Parses the live versions of `subject` that have references (the others parse on the
    /// spot, without the store).
    pub(crate) async fn load(store: &Store, subject: &str) -> Result<ParsedVersions, ApiError> {
        let versions = match store.visible_versions(subject, Visibility::Live).await {
            Ok(versions) => versions,
            Err(error) if error.error_code == 40401 => Vec::new(),
            Err(error) => return Err(error),
        };
        let mut by_id = HashMap::new();
        for version in versions {
            if !version.schema.references.is_empty() && !by_id.contains_key(&version.schema.id) {
                let parsed = parse_stored(store, &version.schema).await?;
                by_id.insert(version.schema.id, parsed);
            }
        }
        Ok(ParsedVersions { by_id })
    }

    /// `existing` parsed; `Ok(None)` when one of them has references but was not loaded
    /// (registered after [`ParsedVersions::load`] ran).
    pub(crate) fn parse_all(
        &self,
        existing: &[ExistingSchema],
    ) -> Result<Option<Vec<ParsedSchema>>, ApiError> {
        let mut parsed = Vec::with_capacity(existing.len());
        for old in existing {
            if let Some(known) = self.by_id.get(&old.id) {
                parsed.push(known.clone());
            } else if old.references.is_empty() {
                parsed.push(parse_schema(old.format, &old.text).map_err(|error| {
                    ApiError::internal(format!(
                        "stored schema of version {} cannot be parsed for the compatibility check: {error}",
                        old.version
                    ))
                })?);
            } else {
                return Ok(None);
            }
        }
        Ok(Some(parsed))
    }
}

/// Parses stored versions (with their references) for a compatibility check.
pub(crate) async fn parse_versions(
    store: &Store,
    versions: &[VersionRecord],
) -> Result<Vec<ParsedSchema>, ApiError> {
    let mut parsed = Vec::with_capacity(versions.len());
    for version in versions {
        parsed.push(parse_stored(store, &version.schema).await?);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_separates_format_text_and_references() {
        let plain = |format, text, references| fingerprint(format, text, references, None, None);
        let a = plain(SchemaFormat::Json, "{}", "[]");
        assert_eq!(a.len(), 64);
        assert_eq!(a, plain(SchemaFormat::Json, "{}", "[]"));
        assert_ne!(a, plain(SchemaFormat::Avro, "{}", "[]"));
        assert_ne!(a, plain(SchemaFormat::Json, "{ }", "[]"));
        assert_ne!(a, plain(SchemaFormat::Json, "{}", "[{}]"));
        let m = fingerprint(SchemaFormat::Json, "{}", "[]", Some("{}"), None);
        let r = fingerprint(SchemaFormat::Json, "{}", "[]", None, Some("{}"));
        assert_ne!(a, m);
        assert_ne!(m, r);
        // The first release's fingerprint of `{}` (JSON, no references): stored rows keep
        // matching.
        assert_eq!(
            a,
            "ddb7be729a53181480d4f28c500f0d66f591f6d84e4cb17c8f45de490c79c0ee"
        );
    }

    #[test]
    fn nul_is_refused_with_42201() {
        let error = refuse_nul("message A {}\0").unwrap_err();
        assert_eq!((error.status.as_u16(), error.error_code), (422, 42201));
        assert_eq!(refuse_nul("{\"doc\":\"\\u0000\"}"), Ok(()));
    }

    #[test]
    fn base64_detection_never_mistakes_proto_text() {
        assert!(looks_like_base64("CgVhLnByb3RvEgFh"));
        assert!(!looks_like_base64("syntax = \"proto3\";"));
        assert!(!looks_like_base64("message A {}"));
    }
}
