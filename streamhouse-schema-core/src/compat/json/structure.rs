//! Rules for what objects and arrays contain: properties under open, closed and partially
//! open content models, `required`, and array items.

use serde_json::{Map, Value};

use super::node::accepts_anything;
use super::{nested, Checker};
use crate::compat::report::{Incompatibility, IncompatibilityKind};

/// The schema of an absent keyword that would accept anything (`items`, ...).
static ANY: Value = Value::Bool(true);

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

    /// `items` in single-schema and tuple forms (`prefixItems`, or `items` arrays with
    /// `additionalItems`), compared position by position.
    pub(super) fn compare_items(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> Vec<Incompatibility> {
        let reader_items = Items::of(reader);
        let writer_items = Items::of(writer);
        let mut found = Vec::new();
        let positions = reader_items.tuple.len().max(writer_items.tuple.len());
        for index in 0..positions {
            let problems = self.check(reader_items.at(index), writer_items.at(index));
            let path = format!("/{}/{index}", reader_items.tuple_keyword);
            found.extend(nested(&path, &format!("array item {index}"), problems));
        }
        let problems = self.check(reader_items.rest, writer_items.rest);
        found.extend(nested(
            &format!("/{}", reader_items.rest_keyword),
            "array items",
            problems,
        ));
        found
    }
}

/// The item schemas of an array schema.
struct Items<'v> {
    /// Positional schemas (empty unless a tuple form is used).
    tuple: &'v [Value],
    /// The schema of items after the positional ones (or of all items).
    rest: &'v Value,
    tuple_keyword: &'static str,
    rest_keyword: &'static str,
}

impl<'v> Items<'v> {
    fn of(schema: &'v Map<String, Value>) -> Self {
        // JSON Schema 2020-12: prefixItems + items.
        if let Some(Value::Array(tuple)) = schema.get("prefixItems") {
            return Items {
                tuple,
                rest: schema.get("items").unwrap_or(&ANY),
                tuple_keyword: "prefixItems",
                rest_keyword: "items",
            };
        }
        match schema.get("items") {
            // Drafts 4 to 2019-09: items array + additionalItems.
            Some(Value::Array(tuple)) => Items {
                tuple,
                rest: schema.get("additionalItems").unwrap_or(&ANY),
                tuple_keyword: "items",
                rest_keyword: "additionalItems",
            },
            items => Items {
                tuple: &[],
                rest: items.unwrap_or(&ANY),
                tuple_keyword: "items",
                rest_keyword: "items",
            },
        }
    }

    fn at(&self, index: usize) -> &'v Value {
        self.tuple.get(index).unwrap_or(self.rest)
    }
}
