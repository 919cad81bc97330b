//! The files a Protobuf schema with rules imports from other subjects, fetched from the
//! registry so that its descriptor pool can be built, as Confluent's Protobuf serde does
//! (`_resolve_named_schema` in `common/protobuf.py`: each reference fetched with
//! `get_version(subject, version)`, recursively, and added to the pool under its name).

use std::collections::HashSet;

use crate::client::schema_ids::SchemaIds;
use crate::error::ClientError;
use crate::registry::{Schema, SchemaReference};

/// How many schemas one schema may reference, directly or not (the registry server's own
/// bound): a hostile registry cannot make the client fetch without end.
const MAX_REFERENCED: usize = 1000;

/// Why a schema's references could not be fetched.
#[derive(Debug)]
pub(crate) enum Unfetched {
    /// The registry could not be asked.
    Registry(ClientError),
    /// A reference is not registered, or there are too many.
    Invalid(String),
}

/// `(import path, schema text)` of every schema `schema` references, directly or through
/// another referenced schema, each fetched once.
pub(crate) async fn proto_imports(
    registry: &dyn SchemaIds,
    schema: &Schema,
) -> Result<Vec<(String, String)>, Unfetched> {
    let mut files = Vec::new();
    let mut seen: HashSet<(String, i32)> = HashSet::new();
    let mut pending: Vec<SchemaReference> = schema.references.iter().rev().cloned().collect();
    while let Some(reference) = pending.pop() {
        if !seen.insert((reference.subject.clone(), reference.version)) {
            continue;
        }
        if seen.len() > MAX_REFERENCED {
            return Err(Unfetched::Invalid(format!(
                "the schema references more than {MAX_REFERENCED} schemas"
            )));
        }
        let found = registry
            .version(&reference.subject, reference.version)
            .await
            .map_err(Unfetched::Registry)?
            .ok_or_else(|| {
                Unfetched::Invalid(format!(
                    "reference {:?}: version {} of subject {:?} is not registered",
                    reference.name, reference.version, reference.subject
                ))
            })?;
        pending.extend(found.references.iter().rev().cloned());
        files.push((reference.name, found.schema.clone()));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::{proto_imports, Unfetched};
    use crate::client::test_support::FakeRegistry;
    use crate::registry::{Schema, SchemaReference};
    use crate::schema::SchemaFormat;

    #[tokio::test]
    async fn a_reference_the_registry_does_not_have_is_named() {
        let mut schema = Schema::new(
            "syntax = \"proto3\"; import \"money.proto\"; message A { Money m = 1; }",
            SchemaFormat::Protobuf,
        );
        schema.references = vec![SchemaReference::new("money.proto", "money", 3)];
        match proto_imports(&FakeRegistry::default(), &schema).await {
            Err(Unfetched::Invalid(message)) => assert_eq!(
                message,
                "reference \"money.proto\": version 3 of subject \"money\" is not registered"
            ),
            other => panic!("expected the missing reference, got {other:?}"),
        }
        // No references: nothing to fetch.
        schema.references.clear();
        assert!(proto_imports(&FakeRegistry::default(), &schema)
            .await
            .unwrap()
            .is_empty());
    }
}
