//! `not`, as Confluent's `SchemaDiff` judges it (json-schema-provider,
//! `io/confluent/kafka/schemaregistry/json/diff/SchemaDiff.java` and `NotSchemaDiff.java`),
//! with the writer as Confluent's *original* and the reader as its *update*.
//!
//! The Java loader turns a schema made only of `not` into a `NotSchema`, and `not` next to
//! other keywords into an `allOf` of the rest and that `NotSchema`. `SchemaDiff.compareTypes`
//! calls two schemas of different classes `TYPE_CHANGED` (unless the original is `false` or
//! the update accepts anything), so:
//! - a reader with `not` against a writer without it is `TYPE_CHANGED`: `{"not": {}}` or
//!   `{"not": true}` (which accept nothing) in place of an object schema, but also an object
//!   schema that gains a `not`;
//! - a writer made only of `not` against a reader without `not` is `TYPE_CHANGED` too;
//! - a writer with `not` next to other keywords against a reader without `not`: the reader
//!   only dropped a conjunct (`PRODUCT_TYPE_NARROWED`, fine), the rest is compared;
//! - both with `not`: `NotSchemaDiff` compares the two excluded schemas the other way round
//!   (the reader must exclude no more than the writer did): `NOT_TYPE_EXTENDED` when it
//!   excludes more, nothing when it excludes less (`NOT_TYPE_NARROWED`, fine).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::node::is_unconstrained;
use super::Checker;
use crate::compat::report::{Incompatibility, IncompatibilityKind};

/// What the `not` rules decide for a pair of schemas.
pub(super) enum NotVerdict {
    /// The pair's types differ: report this and compare nothing else.
    TypeChanged(Incompatibility),
    /// Compare the rest of the schemas (without `not`), adding these problems.
    CompareRest(Vec<Incompatibility>),
}

/// Whether a schema is only `not` (plus annotations): Java's `NotSchema`.
fn is_only_not(schema: &Map<String, Value>) -> bool {
    schema.contains_key("not")
        && schema
            .iter()
            .all(|(key, value)| key == "not" || is_unconstrained(&single(key, value)))
}

fn single(key: &str, value: &Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(key.to_string(), value.clone());
    map
}

impl Checker<'_> {
    /// Applies the `not` rules to a reader and a writer schema (both objects, after `$ref`
    /// and `allOf` resolution).
    pub(super) fn compare_not(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> NotVerdict {
        let type_changed = |message: &str| {
            NotVerdict::TypeChanged(Incompatibility::new(
                IncompatibilityKind::TypeChanged,
                "",
                message,
            ))
        };
        match (reader.get("not"), writer.get("not")) {
            (None, None) => NotVerdict::CompareRest(Vec::new()),
            (Some(_), None) => type_changed(
                "the reader schema has `not` and the writer's has none (Confluent compares a \
                 `not` schema with any other kind of schema as a changed type)",
            ),
            (None, Some(_)) if is_only_not(writer) => type_changed(
                "the writer schema was a `not` schema and the reader's is another kind of \
                 schema (Confluent compares them as a changed type)",
            ),
            (None, Some(_)) => NotVerdict::CompareRest(Vec::new()),
            (Some(reader_not), Some(writer_not)) => {
                let problems = self.check_reversed(writer_not, reader_not);
                if problems.is_empty() {
                    return NotVerdict::CompareRest(Vec::new());
                }
                let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
                NotVerdict::CompareRest(vec![Incompatibility::new(
                    IncompatibilityKind::NotTypeExtended,
                    "/not",
                    format!(
                        "the reader's `not` excludes values the writer's `not` allowed, since \
                         the writer's excluded schema cannot read the reader's: {}",
                        reasons.join("; ")
                    ),
                )])
            }
        }
    }

    /// [`check`](Checker::check) with the documents' roles swapped: `reader` is a node of
    /// the *writer's* document and `writer` one of the reader's (for `not`, whose excluded
    /// schemas are compared the other way round). Shares this check's step budget.
    fn check_reversed(&mut self, reader: &Value, writer: &Value) -> Vec<Incompatibility> {
        let mut reversed = Checker {
            reader_root: self.writer_root,
            writer_root: self.reader_root,
            in_progress: HashSet::new(),
            steps_left: self.steps_left,
            depth: self.depth,
            limit_hit: false,
        };
        let found = reversed.check(reader, writer);
        self.steps_left = reversed.steps_left;
        self.limit_hit |= reversed.limit_hit;
        found
    }
}
