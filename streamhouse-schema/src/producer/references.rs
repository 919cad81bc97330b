//! The schema references of a typed send.
//!
//! - Protobuf: the files a type's `.proto` imports (the own files of the types of other
//!   packages it uses, `ProtoSchema::imports`) are registered before the type's own file,
//!   each under its import path, and the type's file refers to them by name, subject and
//!   version, as Confluent's Protobuf serializer does with `auto.register.schemas`
//!   (confluent-kafka-python `schema_registry/_sync/protobuf.py` `_resolve_dependencies`,
//!   subjects named by the default `reference.subject.name.strategy`: the import path).
//! - Avro and JSON: the named types marked `#[stream_schema(reference)]`
//!   (`Schemas::registered`) are registered the same way, each under its reference name (the
//!   Avro full name, `<full name>.json` for JSON Schema), which is the subject Confluent's
//!   `DefaultReferenceSubjectNameStrategy` gives a reference.

use std::sync::Arc;

use super::Producer;
use crate::client::schema_ids::SchemaIds;
use crate::error::{schemas_of, ClientError};
use crate::registry::{Schema, SchemaReference};
use crate::schema::{SchemaFormat, StreamSchema};

/// One schema to register before the type's own: its subject (also the reference name),
/// its text and the reference names it uses.
struct Dependency<'a> {
    name: &'a str,
    text: &'a str,
    references: Vec<&'a str>,
}

impl Producer {
    /// The references of `T`'s schema in `format`, the schemas it refers to registered
    /// first (or, with `auto_register(false)`, looked up: a missing one is
    /// [`ClientError::SchemaNotRegistered`] naming its subject). Empty for a schema that
    /// refers to none. Runs once per type and topic: the id it leads to is cached.
    pub(super) async fn references<T: StreamSchema>(
        &self,
        registry: &Arc<dyn SchemaIds>,
        format: SchemaFormat,
    ) -> Result<Vec<SchemaReference>, ClientError> {
        let (dependencies, own): (Vec<Dependency<'_>>, Vec<&str>) = match format {
            SchemaFormat::Protobuf => {
                let Ok(schema) = T::try_proto_schema() else {
                    // The send fails on the missing schema where its text is asked for.
                    return Ok(Vec::new());
                };
                (
                    schema
                        .imports()
                        .iter()
                        .map(|import| Dependency {
                            name: import.name(),
                            text: import.text(),
                            references: import.model_imports().collect(),
                        })
                        .collect(),
                    schema.model_imports().collect(),
                )
            }
            SchemaFormat::Avro | SchemaFormat::Json => {
                let registered = schemas_of::<T>()?.registered(format).map_err(|e| {
                    ClientError::InvalidSchema {
                        type_name: std::any::type_name::<T>(),
                        source: e.clone().into(),
                    }
                })?;
                let Some(registered) = registered else {
                    return Ok(Vec::new());
                };
                (
                    registered
                        .referenced
                        .iter()
                        .map(|r| Dependency {
                            name: &r.name,
                            text: &r.text,
                            references: r.references.iter().map(String::as_str).collect(),
                        })
                        .collect(),
                    registered.references.iter().map(String::as_str).collect(),
                )
            }
        };
        let register = self.inner.settings.auto_register;
        // Each dependency comes after the ones it refers to, whose references are then
        // known.
        let mut known: Vec<SchemaReference> = Vec::with_capacity(dependencies.len());
        for dependency in dependencies {
            let references = references_to(dependency.references.into_iter(), &known);
            let subject = dependency.name;
            let schema = Schema::new(dependency.text, format).with_references(references);
            let version = registry
                .reference_version(subject, &schema, register)
                .await?
                .ok_or_else(|| ClientError::SchemaNotRegistered {
                    subject: subject.to_string(),
                    detail: format!(
                        "`{}` refers to \"{subject}\", which is not registered under subject \"{subject}\" and auto_register is off",
                        T::full_name()
                    ),
                })?;
            known.push(SchemaReference::new(subject, subject, version));
        }
        Ok(references_to(own.into_iter(), &known))
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
