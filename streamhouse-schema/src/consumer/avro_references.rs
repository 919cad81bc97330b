//! Avro writer schemas with references, made self-contained for decoding.
//!
//! A writer schema registered with references names the referenced types without defining
//! them (`"type": "shop.LineItem"`), so it does not parse alone. As Confluent's Avro
//! deserializers do (`AbstractKafkaSchemaSerDe` resolves each reference with
//! `getSchemaBySubjectAndVersion`, recursively, and parses the schema with them), the
//! consumer fetches every referenced version once, when it first meets the writer schema,
//! and keeps the schema with the referenced types inlined, which the generated decoder's
//! fingerprint check and schema resolution read like any other.

use std::collections::HashSet;

use crate::client::schema_ids::SchemaIds;
use crate::compat::{parse_schema_with_references, ParsedSchema};
use crate::error::ClientError;
use crate::registry::{RegistryError, Schema, SchemaReference};
use crate::schema::SchemaFormat;

/// How many schemas one writer schema may reference, directly or not (the registry
/// server's own bound): a hostile registry cannot make the consumer fetch without end.
const MAX_REFERENCED: usize = 1000;

/// Why a writer schema with references cannot be made self-contained.
#[derive(Debug)]
pub(super) enum Unresolved {
    /// The registry could not be asked (an outage): the poll fails and is retried.
    Registry(ClientError),
    /// A reference is missing or a schema does not parse: the schema cannot be read.
    Invalid(String),
}

/// `writer` (an Avro schema with references) with every referenced named type inlined,
/// as JSON text.
pub(super) async fn self_contained(
    registry: &dyn SchemaIds,
    writer: &Schema,
) -> Result<String, Unresolved> {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<(String, i32)> = HashSet::new();
    let mut pending: Vec<SchemaReference> = writer.references.iter().rev().cloned().collect();
    while let Some(reference) = pending.pop() {
        if !seen.insert((reference.subject.clone(), reference.version)) {
            continue;
        }
        if seen.len() > MAX_REFERENCED {
            return Err(Unresolved::Invalid(format!(
                "the schema references more than {MAX_REFERENCED} schemas"
            )));
        }
        let found = registry
            .version(&reference.subject, reference.version)
            .await
            .map_err(|error| {
                if error
                    .registry_error()
                    .is_some_and(|e: &RegistryError| e.is_unavailable() || e.is_retriable())
                {
                    Unresolved::Registry(error)
                } else {
                    Unresolved::Invalid(error.to_string())
                }
            })?
            .ok_or_else(|| {
                Unresolved::Invalid(format!(
                    "reference {:?}: version {} of subject {:?} is not registered",
                    reference.name, reference.version, reference.subject
                ))
            })?;
        pending.extend(found.references.iter().rev().cloned());
        texts.push((reference.name, found.schema.clone()));
    }
    let pairs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    match parse_schema_with_references(SchemaFormat::Avro, &writer.schema, &pairs) {
        Ok(ParsedSchema::Avro(schema)) => {
            serde_json::to_string(&schema).map_err(|e| Unresolved::Invalid(e.to_string()))
        }
        Ok(_) => Err(Unresolved::Invalid("not an Avro schema".to_string())),
        Err(error) => Err(Unresolved::Invalid(error.to_string())),
    }
}
