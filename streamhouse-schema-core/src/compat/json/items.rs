//! Array items as Confluent's `ArraySchemaDiff` compares them (json-schema-provider,
//! `io/confluent/kafka/schemaregistry/json/diff/ArraySchemaDiff.java`), with the writer as
//! Confluent's *original* and the reader as its *update*. Three parts are compared apart:
//!
//! 1. the single `items` schema every item must match (`getAllItemSchema`; 2020-12 `items`
//!    without `prefixItems`): compared when both have one; one only in the reader is
//!    `SCHEMA_ADDED` (incompatible), one only in the writer is `SCHEMA_REMOVED` (fine);
//! 2. the tuple (`getItemSchemas`: `items` array, 2020-12 `prefixItems`), position by
//!    position. A position only the reader has is judged against the writer's content model
//!    for items past its tuple, a position only the writer has against the reader's:
//!    `ITEM_ADDED_TO_OPEN_CONTENT_MODEL`, `ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`,
//!    `ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL`,
//!    `ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL` (the fine cases of the same
//!    table report nothing);
//! 3. the items past the tuple (`additionalItems`; 2020-12 `items` next to `prefixItems`):
//!    `ADDITIONAL_ITEMS_REMOVED` when the reader forbids what the writer allowed,
//!    `ADDITIONAL_ITEMS_NARROWED` when the reader adds a schema where anything was allowed.
//!
//! 4. `unevaluatedItems`, as `unevaluated.rs` compares it.
//!
//! So an array whose single `items` schema becomes a tuple is incompatible both ways, as in
//! Confluent: reading old data with the tuple adds positions to the writer's open content
//! model, and reading tuple data with the single schema adds that schema.

use serde_json::{Map, Value};

use super::node::accepts_anything;
use super::{nested, Checker};
use crate::compat::report::{Incompatibility, IncompatibilityKind};

/// What an array schema allows past its tuple (`ArraySchemaDiff.isOpenContentModel` and
/// `schemaFromPartiallyOpenContentModel`).
enum ItemModel<'v> {
    /// Any further item (`additionalItems` absent or `true`, and no restricting
    /// `unevaluatedItems`).
    Open,
    /// No further item (`additionalItems: false`, or `unevaluatedItems: false` without it).
    Closed,
    /// Further items matching this schema.
    Partial(&'v Value),
}

/// The item keywords of one array schema.
struct Items<'v> {
    /// The single schema of every item, if any.
    all: Option<&'v Value>,
    /// The tuple's positional schemas (empty without a tuple).
    tuple: &'v [Value],
    /// The keyword holding the tuple (`items` or `prefixItems`), for paths.
    tuple_keyword: &'static str,
    /// The keyword about items past the tuple and its value, if present.
    additional: Option<(&'static str, &'v Value)>,
    /// `unevaluatedItems`, consulted when `additional` is absent.
    unevaluated: Option<&'v Value>,
}

impl<'v> Items<'v> {
    fn of(schema: &'v Map<String, Value>) -> Self {
        let unevaluated = schema.get("unevaluatedItems");
        // JSON Schema 2020-12: prefixItems is the tuple, items what follows it.
        if let Some(Value::Array(tuple)) = schema.get("prefixItems") {
            return Items {
                all: None,
                tuple,
                tuple_keyword: "prefixItems",
                additional: schema.get("items").map(|v| ("items", v)),
                unevaluated,
            };
        }
        let additional = schema
            .get("additionalItems")
            .map(|v| ("additionalItems", v));
        match schema.get("items") {
            // Drafts 4 to 2019-09: an items array is the tuple.
            Some(Value::Array(tuple)) => Items {
                all: None,
                tuple,
                tuple_keyword: "items",
                additional,
                unevaluated,
            },
            all => Items {
                all,
                tuple: &[],
                tuple_keyword: "items",
                additional,
                unevaluated,
            },
        }
    }

    fn model(&self) -> ItemModel<'v> {
        match self.additional {
            Some((_, Value::Bool(false))) => ItemModel::Closed,
            Some((_, Value::Bool(true))) => ItemModel::Open,
            Some((_, schema)) => ItemModel::Partial(schema),
            None => match self.unevaluated {
                Some(Value::Bool(false)) => ItemModel::Closed,
                None | Some(Value::Bool(true)) => ItemModel::Open,
                Some(schema) if schema.as_object().is_some_and(Map::is_empty) => ItemModel::Open,
                Some(schema) => ItemModel::Partial(schema),
            },
        }
    }

    /// Whether items past the tuple are allowed at all (`permitsAdditionalItems`).
    fn permits_additional(&self) -> bool {
        !matches!(self.additional, Some((_, Value::Bool(false))))
    }

    /// The schema of items past the tuple (`getSchemaOfAdditionalItems`), if one is given.
    fn additional_schema(&self) -> Option<&'v Value> {
        match self.additional {
            Some((_, Value::Bool(_))) | None => None,
            Some((_, schema)) => Some(schema),
        }
    }
}

impl Checker<'_> {
    /// `items`, `prefixItems` and `additionalItems`, as `ArraySchemaDiff.compare` does
    /// (`compareItemSchemaObject`, `compareItemSchemaArray`, `compareAdditionalItems`).
    pub(super) fn compare_items(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> Vec<Incompatibility> {
        let reader_items = Items::of(reader);
        let writer_items = Items::of(writer);
        let mut found = self.compare_all_items(&reader_items, &writer_items);
        found.extend(self.compare_tuples(&reader_items, &writer_items));
        found.extend(self.compare_additional_items(&reader_items, &writer_items));
        found.extend(self.compare_unevaluated(
            "unevaluatedItems",
            reader,
            writer,
            (
                IncompatibilityKind::UnevaluatedItemsRemoved,
                IncompatibilityKind::UnevaluatedItemsNarrowed,
            ),
        ));
        found
    }

    /// `compareItemSchemaObject`: the single schema of every item.
    fn compare_all_items(
        &mut self,
        reader: &Items<'_>,
        writer: &Items<'_>,
    ) -> Vec<Incompatibility> {
        match (reader.all, writer.all) {
            (None, _) => Vec::new(),
            (Some(_), None) => vec![Incompatibility::new(
                IncompatibilityKind::SchemaAdded,
                "/items",
                if writer.tuple.is_empty() {
                    "the reader gives every array item a schema where the writer gave none"
                } else {
                    "the reader gives every array item one schema where the writer had a tuple \
                     (items array or prefixItems)"
                },
            )],
            (Some(reader_all), Some(writer_all)) => {
                let problems = self.check(reader_all, writer_all);
                nested("/items", "array items", problems)
            }
        }
    }

    /// `compareItemSchemaArray`: tuple positions, the extra ones against the other side's
    /// content model for items past its tuple.
    fn compare_tuples(&mut self, reader: &Items<'_>, writer: &Items<'_>) -> Vec<Incompatibility> {
        let keyword = if reader.tuple.is_empty() {
            writer.tuple_keyword
        } else {
            reader.tuple_keyword
        };
        let mut found = Vec::new();
        for (index, (reader_item, writer_item)) in reader.tuple.iter().zip(writer.tuple).enumerate()
        {
            let problems = self.check(reader_item, writer_item);
            let path = format!("/{keyword}/{index}");
            found.extend(nested(&path, &format!("array item {index}"), problems));
        }
        let common = reader.tuple.len().min(writer.tuple.len());
        for (index, writer_item) in writer.tuple.iter().enumerate().skip(common) {
            let path = format!("/{keyword}/{index}");
            match reader.model() {
                ItemModel::Open => {}
                ItemModel::Partial(extra) => {
                    if !self.check(extra, writer_item).is_empty() {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::ItemRemovedNotCoveredByPartiallyOpenContentModel,
                            path,
                            format!(
                                "array item {index} was removed from the tuple, and the schema \
                                 the reader gives items past its tuple does not accept its values"
                            ),
                        ));
                    }
                }
                ItemModel::Closed => {
                    if *writer_item != Value::Bool(false) {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::ItemRemovedFromClosedContentModel,
                            path,
                            format!(
                                "array item {index} was removed from the tuple, and the reader \
                                 allows no items past its tuple"
                            ),
                        ));
                    }
                }
            }
        }
        for (index, reader_item) in reader.tuple.iter().enumerate().skip(common) {
            let path = format!("/{keyword}/{index}");
            match writer.model() {
                ItemModel::Closed => {}
                ItemModel::Open => {
                    if !accepts_anything(self.reader_root, reader_item) {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::ItemAddedToOpenContentModel,
                            path,
                            format!(
                                "array item {index} was added to the tuple, but the writer \
                                 allowed any value at that position (open content model)"
                            ),
                        ));
                    }
                }
                ItemModel::Partial(extra) => {
                    if !self.check(reader_item, extra).is_empty() {
                        found.push(Incompatibility::new(
                            IncompatibilityKind::ItemAddedNotCoveredByPartiallyOpenContentModel,
                            path,
                            format!(
                                "array item {index} was added to the tuple, but does not accept \
                                 every value the writer's schema for items past its tuple allowed"
                            ),
                        ));
                    }
                }
            }
        }
        found
    }

    /// `compareAdditionalItems`: items past the tuple.
    fn compare_additional_items(
        &mut self,
        reader: &Items<'_>,
        writer: &Items<'_>,
    ) -> Vec<Incompatibility> {
        let keyword = reader
            .additional
            .or(writer.additional)
            .map_or("additionalItems", |(keyword, _)| keyword);
        let path = format!("/{keyword}");
        if writer.permits_additional() && !reader.permits_additional() {
            return vec![Incompatibility::new(
                IncompatibilityKind::AdditionalItemsRemoved,
                path,
                "the reader forbids items past its tuple, which the writer allowed",
            )];
        }
        if !writer.permits_additional() {
            return Vec::new();
        }
        match (reader.additional_schema(), writer.additional_schema()) {
            (Some(_), None) => vec![Incompatibility::new(
                IncompatibilityKind::AdditionalItemsNarrowed,
                path,
                "the reader restricts items past its tuple to a schema, while the writer \
                 allowed any value",
            )],
            (Some(reader_extra), Some(writer_extra)) => {
                let problems = self.check(reader_extra, writer_extra);
                nested(&path, "items past the tuple", problems)
            }
            (None, _) => Vec::new(),
        }
    }
}
