//! Rules for what objects contain: properties under open, closed and partially open
//! content models, and `required`. (Array items: `items.rs`.)

use serde_json::{Map, Value};

use super::node::accepts_anything;
use super::{nested, Checker};
use crate::compat::report::{Incompatibility, IncompatibilityKind};

/// What an object schema says about properties it does not list.
enum ContentModel<'v> {
    /// Any other property with any value (`additionalProperties` absent, `true` or `{}`).
    Open,
    /// No other property (`additionalProperties: false`, or `unevaluatedProperties: false`).
    Closed,
    /// Other properties whose values match this schema.
    Partial(&'v Value),
}

impl<'v> ContentModel<'v> {
    /// What `additionalProperties` alone says (`unevaluatedProperties` has its own rule).
    fn of_additional(schema: &'v Map<String, Value>, root: &Value) -> Self {
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => ContentModel::Closed,
            Some(extra) if !accepts_anything(root, extra) => ContentModel::Partial(extra),
            _ => ContentModel::Open,
        }
    }

    fn of(schema: &'v Map<String, Value>, root: &Value) -> Self {
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => ContentModel::Closed,
            Some(extra) if !accepts_anything(root, extra) => ContentModel::Partial(extra),
            Some(_) => ContentModel::Open,
            None if schema.get("unevaluatedProperties") == Some(&Value::Bool(false)) => {
                ContentModel::Closed
            }
            None => ContentModel::Open,
        }
    }
}

fn properties(schema: &Map<String, Value>) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

fn required(schema: &Map<String, Value>) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

impl Checker<'_> {
    /// `properties`, `additionalProperties` and `required`.
    pub(super) fn compare_properties(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> Vec<Incompatibility> {
        let empty = Map::new();
        let reader_props = properties(reader).unwrap_or(&empty);
        let writer_props = properties(writer).unwrap_or(&empty);
        let reader_model = ContentModel::of(reader, self.reader_root);
        let writer_model = ContentModel::of(writer, self.writer_root);
        let mut found = Vec::new();

        for (name, writer_schema) in writer_props {
            let path = format!("/properties/{name}");
            match (reader_props.get(name), &reader_model) {
                (Some(reader_schema), _) => {
                    let problems = self.check(reader_schema, writer_schema);
                    found.extend(nested(&path, &format!("property '{name}'"), problems));
                }
                (None, ContentModel::Open) => {}
                // PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: never written.
                (None, ContentModel::Closed) if *writer_schema == Value::Bool(false) => {}
                (None, ContentModel::Closed) => found.push(Incompatibility::new(
                    IncompatibilityKind::PropertyRemovedFromClosedContentModel,
                    path,
                    format!(
                        "property '{name}' was removed, and the reader's closed content model \
                         (additionalProperties false) rejects it"
                    ),
                )),
                (None, ContentModel::Partial(extra)) => {
                    if !self.check(extra, writer_schema).is_empty() {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::PropertyRemovedNotCoveredByPartiallyOpenContentModel,
                            path,
                            format!(
                                "property '{name}' was removed, and the reader's \
                                 additionalProperties schema does not accept its values"
                            ),
                        ));
                    }
                }
            }
        }

        let reader_required = required(reader);
        let has_default = |name: &str| {
            reader_props
                .get(name)
                .and_then(Value::as_object)
                .is_some_and(|schema| schema.contains_key("default"))
        };
        // Confluent's ObjectSchemaDiff.compareProperties, for a property only the reader has.
        for (name, reader_schema) in reader_props {
            if writer_props.contains_key(name) {
                continue;
            }
            let path = format!("/properties/{name}");
            let is_required = reader_required.contains(&name.as_str());
            let required_without_default = is_required && !has_default(name);
            match &writer_model {
                ContentModel::Open => {
                    let kind = if required_without_default {
                        // Confluent lets a required property whose schema accepts anything
                        // pass here; data without it would not validate, so it is reported.
                        Some(IncompatibilityKind::RequiredPropertyAddedToOpenContentModel)
                    } else if accepts_anything(self.reader_root, reader_schema) {
                        None
                    } else if is_required {
                        Some(
                            IncompatibilityKind::RequiredPropertyWithDefaultAddedToOpenContentModel,
                        )
                    } else {
                        Some(IncompatibilityKind::OptionalPropertyAddedToOpenContentModel)
                    };
                    if let Some(kind) = kind {
                        let what = if is_required {
                            "added as required"
                        } else {
                            "added"
                        };
                        found.push(Incompatibility::new(
                            kind,
                            path,
                            format!(
                                "property '{name}' was {what}, but the writer's open content \
                                 model allowed any value under that name"
                            ),
                        ));
                    }
                }
                ContentModel::Closed | ContentModel::Partial(_) => {
                    if let ContentModel::Partial(extra) = &writer_model {
                        if !self.check(reader_schema, extra).is_empty() {
                            found.push(Incompatibility::new(
                                IncompatibilityKind::PropertyAddedNotCoveredByPartiallyOpenContentModel,
                                path.clone(),
                                format!(
                                    "property '{name}' was added, but does not accept every \
                                     value the writer's additionalProperties schema allowed"
                                ),
                            ));
                        }
                    }
                    if required_without_default {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::RequiredPropertyAddedToUnopenContentModel,
                            path,
                            format!(
                                "property '{name}' was added as required without a default, \
                                 and the writer never wrote it"
                            ),
                        ));
                    }
                }
            }
        }

        found.extend(self.compare_additional(
            &ContentModel::of_additional(reader, self.reader_root),
            &ContentModel::of_additional(writer, self.writer_root),
        ));
        found.extend(self.compare_unevaluated(
            "unevaluatedProperties",
            reader,
            writer,
            (
                IncompatibilityKind::UnevaluatedPropertiesRemoved,
                IncompatibilityKind::UnevaluatedPropertiesNarrowed,
            ),
        ));
        found.extend(self.compare_dependencies(reader, writer));

        // ObjectSchemaDiff.compareRequired: properties both sides have. A name required
        // without any property schema is reported here too (Confluent skips it).
        let writer_required = required(writer);
        for name in reader_required {
            let added_property =
                reader_props.contains_key(name) && !writer_props.contains_key(name);
            if !writer_required.contains(&name) && !has_default(name) && !added_property {
                found.push(Incompatibility::new(
                    IncompatibilityKind::RequiredAttributeAdded,
                    "/required",
                    format!(
                        "property '{name}' is required by the reader but was not required by \
                         the writer"
                    ),
                ));
            }
        }
        found
    }

    /// `additionalProperties` may not narrow.
    fn compare_additional(
        &mut self,
        reader: &ContentModel<'_>,
        writer: &ContentModel<'_>,
    ) -> Vec<Incompatibility> {
        // ObjectSchemaDiff.compareAdditionalProperties: REMOVED when they become
        // forbidden, NARROWED when a schema replaces "anything".
        let problem = |kind, message: &str| {
            vec![Incompatibility::new(kind, "/additionalProperties", message)]
        };
        match (writer, reader) {
            (ContentModel::Closed, _) | (_, ContentModel::Open) => Vec::new(),
            (ContentModel::Open, ContentModel::Closed) => problem(
                IncompatibilityKind::AdditionalPropertiesRemoved,
                "the reader forbids additional properties, which the writer's open content \
                 model allowed",
            ),
            (ContentModel::Open, ContentModel::Partial(_)) => problem(
                IncompatibilityKind::AdditionalPropertiesNarrowed,
                "the reader restricts additional properties to a schema, while the writer's \
                 open content model allowed any value",
            ),
            (ContentModel::Partial(_), ContentModel::Closed) => problem(
                IncompatibilityKind::AdditionalPropertiesRemoved,
                "the reader forbids additional properties, which the writer allowed by its \
                 additionalProperties schema",
            ),
            (ContentModel::Partial(writer_extra), ContentModel::Partial(reader_extra)) => {
                let problems = self.check(reader_extra, writer_extra);
                nested("/additionalProperties", "additional properties", problems)
            }
        }
    }
}
