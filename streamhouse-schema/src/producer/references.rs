//! The schema references of a typed Protobuf send: the files a type's `.proto` imports (the
//! own files of the types of other packages it uses, `ProtoSchema::imports`) are registered
//! before the type's own file, each under its import path, and the type's file refers to
//! them by name, subject and version, as Confluent's Protobuf serializer does with
//! `auto.register.schemas` (confluent-kafka-python `schema_registry/_sync/protobuf.py`
//! `_resolve_dependencies`, subjects named by the default `reference.subject.name.strategy`:
//! the import path).

use std::sync::Arc;

use super::Producer;
use crate::client::schema_ids::SchemaIds;
use crate::error::ClientError;
use crate::registry::{Schema, SchemaReference};
use crate::schema::StreamSchema;

impl Producer {
    /// The references of `T`'s Protobuf file, its imported files registered first (or, with
    /// `auto_register(false)`, looked up: a missing one is
    /// [`ClientError::SchemaNotRegistered`] naming its subject). Empty for a file that imports
    /// none. Runs once per type and topic: the id it leads to is cached.
    pub(super) async fn proto_references<T: StreamSchema>(
        &self,
        registry: &Arc<dyn SchemaIds>,
    ) -> Result<Vec<SchemaReference>, ClientError> {
        let Ok(schema) = T::try_proto_schema() else {
            // The send fails on the missing schema where its text is asked for.
            return Ok(Vec::new());
        };
        let register = self.inner.settings.auto_register;
        // Each import comes after the files it imports, whose references are then known.
        let mut known: Vec<SchemaReference> = Vec::with_capacity(schema.imports().len());
        for import in schema.imports() {
            let references = references_to(import.model_imports(), &known);
            let subject = import.name();
            let file = Schema::protobuf(import.text()).with_references(references);
            let version = registry
                .reference_version(subject, &file, register)
                .await?
                .ok_or_else(|| ClientError::SchemaNotRegistered {
                    subject: subject.to_string(),
                    detail: format!(
                        "`{}` imports \"{subject}\", which is not registered under subject \"{subject}\" and auto_register is off",
                        T::full_name()
                    ),
                })?;
            known.push(SchemaReference::new(import.name(), subject, version));
        }
        Ok(references_to(schema.model_imports(), &known))
    }
}

/// The references among `known` that `imports` names, in import order.
fn references_to<'a>(
    imports: impl Iterator<Item = &'a str>,
    known: &[SchemaReference],
) -> Vec<SchemaReference> {
    imports
        .filter_map(|name| known.iter().find(|r| r.name == name).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_follow_the_import_order_and_skip_unknown_names() {
        let known = [
            SchemaReference::new("fx/Rate.proto", "fx/Rate.proto", 2),
            SchemaReference::new("billing/Money.proto", "billing/Money.proto", 1),
        ];
        let refs = references_to(
            [
                "billing/Money.proto",
                "google/protobuf/timestamp.proto",
                "fx/Rate.proto",
            ]
            .into_iter(),
            &known,
        );
        assert_eq!(refs, [known[1].clone(), known[0].clone()]);
        assert!(references_to(std::iter::empty(), &known).is_empty());
    }
}
