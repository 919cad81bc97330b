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

        for (name, reader_schema) in reader_props {
            if writer_props.contains_key(name) {
                continue;
            }
            let path = format!("/properties/{name}");
            match &writer_model {
                ContentModel::Closed => {}
                ContentModel::Open => {
                    if !accepts_anything(self.reader_root, reader_schema) {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::PropertyAddedToOpenContentModel,
                            path,
                            format!(
                                "property '{name}' was added, but the writer's open content \
                                 model allowed any value under that name"
                            ),
                        ));
                    }
                }
                ContentModel::Partial(extra) => {
                    if !self.check(reader_schema, extra).is_empty() {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::PropertyAddedNotCoveredByPartiallyOpenContentModel,
                            path,
                            format!(
                                "property '{name}' was added, but does not accept every value \
                                 the writer's additionalProperties schema allowed"
                            ),
                        ));
                    }
                }
            }
        }

        found.extend(self.compare_additional(&reader_model, &writer_model));

        let writer_required = required(writer);
        for name in required(reader) {
            let has_default = reader_props
                .get(name)
                .and_then(Value::as_object)
                .is_some_and(|schema| schema.contains_key("default"));
            if !writer_required.contains(&name) && !has_default {
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
        let narrowed = |message: &str| {
            vec![Incompatibility::new(
                IncompatibilityKind::AdditionalPropertiesNarrowed,
                "/additionalProperties",
                message,
            )]
        };
        match (writer, reader) {
            (ContentModel::Closed, _) | (_, ContentModel::Open) => Vec::new(),
            (ContentModel::Open, ContentModel::Closed) => narrowed(
                "the reader forbids additional properties, which the writer's open content \
                 model allowed",
            ),
            (ContentModel::Open, ContentModel::Partial(_)) => narrowed(
                "the reader restricts additional properties to a schema, while the writer's \
                 open content model allowed any value",
            ),
            (ContentModel::Partial(_), ContentModel::Closed) => narrowed(
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
