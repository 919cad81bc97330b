//! Following a schema's `references` to the registered schemas they name, transitively, so
//! that Avro named types, JSON Schema `$ref`s and Protobuf imports resolve when a schema is
//! validated, checked for compatibility or serialized.

use std::collections::HashSet;

use crate::compat::{parse_schema_with_references, ParsedSchema};
use crate::schema::SchemaFormat;

use super::error::ApiError;
use super::model::ReferenceBody;
use super::store::reads::Visibility;
use super::store::{SchemaRecord, Store};
use super::subject::validate_subject;
use super::version::VersionSpec;

/// More referenced schemas than this is treated as a reference cycle or abuse (42201).
const MAX_REFERENCED_SCHEMAS: usize = 1000;

/// How long a chain of references may be (a schema referencing one that references another
/// ... counts each link): deeper chains are refused (42201), so that the schema parsers and
/// compatibility walks, which follow named types through references, stay within a bounded
/// nesting depth.
pub const MAX_REFERENCE_DEPTH: usize = 32;

/// The schemas a schema needs, as (reference name, schema text) pairs: its direct
/// references and theirs, each (subject, version) once. The name of a nested reference is
/// the one its own referrer gave it, which is what a Protobuf import or a JSON `$ref`
/// inside that referenced schema uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ReferencedSchemas {
    pub(crate) pairs: Vec<(String, String)>,
    /// The direct references with `-1` (latest) replaced by the version it resolved to, as
    /// Confluent stores them: the stored reference then protects exactly that version from
    /// deletion and keeps meaning the same schema when the subject gets newer versions.
    pub(crate) resolved: Vec<ReferenceBody>,
}

/// Why the references could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReferenceError {
    /// A reference names a subject version that does not exist (or is not visible).
    Missing {
        name: String,
        subject: String,
        version: i64,
    },
    /// A reference's version is not `-1` or 1..=2^31-1.
    BadVersion { name: String, version: i64 },
    /// A reference's subject is not a valid subject name.
    BadSubject { name: String, detail: String },
    /// The chain of references is longer than [`MAX_REFERENCE_DEPTH`].
    TooDeep,
    /// More than [`MAX_REFERENCED_SCHEMAS`] schemas.
    TooMany,
    /// The store failed.
    Store(ApiError),
}

impl std::fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReferenceError::Missing {
                name,
                subject,
                version,
            } => write!(
                f,
                "reference \"{name}\" names subject '{subject}' version {version}, which does not exist"
            ),
            ReferenceError::BadVersion { name, version } => {
                write!(f, "reference \"{name}\" has invalid version {version}")
            }
            ReferenceError::BadSubject { name, detail } => {
                write!(f, "reference \"{name}\" has an invalid subject: {detail}")
            }
            ReferenceError::TooDeep => write!(
                f,
                "the references nest more than {MAX_REFERENCE_DEPTH} levels deep"
            ),
            ReferenceError::TooMany => write!(
                f,
                "the schema references more than {MAX_REFERENCED_SCHEMAS} schemas"
            ),
            ReferenceError::Store(error) => write!(f, "{}", error.message),
        }
    }
}

impl ReferenceError {
    /// As the error of a request schema: 42201, except for store failures.
    pub(crate) fn into_request_error(self) -> ApiError {
        match self {
            ReferenceError::Store(error) => error,
            other => ApiError::invalid_schema(other),
        }
    }

    /// As the error of a stored schema: 42201 naming the stored schema, except for store
    /// failures. Its references were valid when it was stored, but data written before
    /// `-1` references were pinned (or by hand) may no longer resolve; that is the
    /// request's dead end, not a server fault.
    pub(crate) fn into_stored_error(self, id: i64) -> ApiError {
        match self {
            ReferenceError::Store(error) => error,
            other => ApiError::invalid_schema(format!(
                "the references of stored schema {id} cannot be resolved: {other}"
            )),
        }
    }
}

impl ReferencedSchemas {
    /// Follows `references` through `store`. `visibility` says whether soft-deleted versions
    /// may be referenced (stored schemas keep resolving after a soft delete).
    pub(crate) async fn load(
        store: &Store,
        references: &[ReferenceBody],
        visibility: Visibility,
    ) -> Result<ReferencedSchemas, ReferenceError> {
        if references.len() > MAX_REFERENCED_SCHEMAS {
            return Err(ReferenceError::TooMany);
        }
        let mut pairs = Vec::new();
        let mut resolved = Vec::with_capacity(references.len());
        let mut seen: HashSet<(String, i64)> = HashSet::new();
        let mut names: HashSet<String> = HashSet::new();
        // (reference, how many links from the schema itself: 1 for a direct reference).
        let mut pending: Vec<(ReferenceBody, usize)> =
            references.iter().rev().cloned().map(|r| (r, 1)).collect();
        while let Some((reference, depth)) = pending.pop() {
            if depth > MAX_REFERENCE_DEPTH {
                return Err(ReferenceError::TooDeep);
            }
            let spec = VersionSpec::parse(&reference.version.to_string()).map_err(|_| {
                ReferenceError::BadVersion {
                    name: reference.name.clone(),
                    version: reference.version,
                }
            })?;
            validate_subject(&reference.subject).map_err(|error| ReferenceError::BadSubject {
                name: reference.name.clone(),
                detail: error.message,
            })?;
            // A pinned version already followed (a duplicate, or a diamond in the graph)
            // needs no second look-up: its schema and its own references are in.
            if reference.version != -1
                && seen.contains(&(reference.subject.clone(), reference.version))
            {
                if depth == 1 {
                    resolved.push(reference);
                }
                continue;
            }
            let target = match store.version(&reference.subject, spec, visibility).await {
                Ok(target) => target,
                Err(error) if matches!(error.error_code, 40401 | 40402) => {
                    return Err(ReferenceError::Missing {
                        name: reference.name,
                        subject: reference.subject,
                        version: reference.version,
                    })
                }
                Err(error) => return Err(ReferenceError::Store(error)),
            };
            if depth == 1 {
                resolved.push(ReferenceBody {
                    name: reference.name.clone(),
                    subject: reference.subject.clone(),
                    version: target.version,
                });
            }
            if !seen.insert((target.subject.clone(), target.version)) {
                continue;
            }
            if seen.len() > MAX_REFERENCED_SCHEMAS {
                return Err(ReferenceError::TooMany);
            }
            // Referenced schemas' own references come after them, depth first.
            pending.extend(
                target
                    .schema
                    .references
                    .iter()
                    .rev()
                    .cloned()
                    .map(|r| (r, depth + 1)),
            );
            if names.insert(reference.name.clone()) {
                pairs.push((reference.name, target.schema.text));
            }
        }
        Ok(ReferencedSchemas { pairs, resolved })
    }

    /// Parses `text` of `format` with these schemas; the message says what is wrong.
    pub(crate) fn parse(&self, format: SchemaFormat, text: &str) -> Result<ParsedSchema, String> {
        let pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        parse_schema_with_references(format, text, &pairs).map_err(|error| error.to_string())
    }
}

/// A stored Protobuf schema as Confluent's `?format=serialized` gives it: a base64
/// `FileDescriptorProto` compiled with everything it references, custom options such as
/// `(confluent.field_meta)` tags kept
/// ([`serialized_proto_with_imports`](crate::schema::proto_file::serialized_proto_with_imports)).
pub(crate) async fn serialized_stored(
    store: &Store,
    record: &SchemaRecord,
) -> Result<String, ApiError> {
    let referenced = ReferencedSchemas::load(store, &record.references, Visibility::IncludeDeleted)
        .await
        .map_err(|error| error.into_stored_error(record.id))?;
    let pairs: Vec<(&str, &str)> = referenced
        .pairs
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    crate::schema::proto_file::serialized_proto_with_imports(&record.text, &pairs).map_err(
        |error| {
            ApiError::invalid_schema(format!(
                "stored schema {} cannot be parsed: {error}",
                record.id
            ))
        },
    )
}

/// Parses a stored schema with everything it references (42201 naming the stored schema
/// when that fails: it was valid when it was stored, so what it needs is gone).
pub(crate) async fn parse_stored(
    store: &Store,
    record: &SchemaRecord,
) -> Result<ParsedSchema, ApiError> {
    let referenced = ReferencedSchemas::load(store, &record.references, Visibility::IncludeDeleted)
        .await
        .map_err(|error| error.into_stored_error(record.id))?;
    referenced
        .parse(record.format, &record.text)
        .map_err(|error| {
            ApiError::invalid_schema(format!(
                "stored schema {} cannot be parsed: {error}",
                record.id
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_stored_errors_are_42201() {
        let missing = ReferenceError::Missing {
            name: "shop.Money".into(),
            subject: "money".into(),
            version: 3,
        };
        let as_request = missing.clone().into_request_error();
        assert_eq!(as_request.error_code, 42201);
        assert_eq!(
            as_request.message,
            "Invalid schema: reference \"shop.Money\" names subject 'money' version 3, which \
             does not exist"
        );
        let as_stored = missing.into_stored_error(12);
        assert_eq!(as_stored.error_code, 42201);
        assert!(
            as_stored.message.starts_with(
                "Invalid schema: the references of stored schema 12 cannot be resolved"
            ),
            "{}",
            as_stored.message
        );
        let bad_version = ReferenceError::BadVersion {
            name: "a.proto".into(),
            version: 0,
        };
        assert_eq!(
            bad_version.into_request_error().message,
            "Invalid schema: reference \"a.proto\" has invalid version 0"
        );
        for error in [ReferenceError::TooMany, ReferenceError::TooDeep] {
            assert_eq!(error.into_request_error().error_code, 42201);
        }
        // A store failure keeps its own code either way.
        let store = ReferenceError::Store(ApiError::store(&sqlx::Error::PoolClosed));
        assert_eq!(store.clone().into_request_error().error_code, 50001);
        assert_eq!(store.into_stored_error(1).error_code, 50001);
    }

    #[test]
    fn referenced_schemas_parse_with_their_names() {
        let referenced = ReferencedSchemas {
            resolved: Vec::new(),
            pairs: vec![(
                "money.json".to_string(),
                r#"{"type":"object","properties":{"cents":{"type":"integer"}}}"#.to_string(),
            )],
        };
        let parsed = referenced
            .parse(
                SchemaFormat::Json,
                r#"{"type":"object","properties":{"total":{"$ref":"money.json"}}}"#,
            )
            .unwrap();
        assert_eq!(parsed.format(), SchemaFormat::Json);
        let empty = ReferencedSchemas::default();
        let error = empty
            .parse(
                SchemaFormat::Avro,
                r#"{"type":"record","name":"O","fields":[{"name":"m","type":"Money"}]}"#,
            )
            .unwrap_err();
        assert!(error.contains("Money"), "{error}");
    }
}
