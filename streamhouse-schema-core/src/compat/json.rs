//! JSON Schema compatibility, following the rules of Confluent's JSON Schema diff
//! (`SchemaDiff` and its `Difference.Type`s; [`rules`] lists every type and what this
//! checker does with it): a reader schema can read a writer schema's data when it accepts
//! every instance the writer accepted.
//!
//! - Types: the reader must accept every writer type (`integer` reads as `number`); a
//!   schema without `type` allows every type.
//! - `enum`/`const`: the reader must list every value the writer lists.
//! - Numbers (`minimum`, `maximum`, `exclusive*` in draft 4 and 6+ forms, `multipleOf`),
//!   strings (`minLength`, `maxLength`, `pattern`, `format`), arrays (`minItems`,
//!   `maxItems`, `uniqueItems`, `minContains`, `maxContains`) and objects (`minProperties`,
//!   `maxProperties`): the reader may loosen but not tighten.
//! - Objects and their content model (`additionalProperties`): a property added to the
//!   reader is fine when the writer's model was closed (`false`), must accept the writer's
//!   `additionalProperties` schema when it was partially open, and is incompatible when it
//!   was open (the writer may have written any value under that name) unless the property
//!   accepts anything. A property removed from the reader is fine when the reader's model is
//!   open, must be covered by its `additionalProperties` schema when partially open, and is
//!   incompatible when closed. `additionalProperties`, `unevaluatedProperties` and
//!   dependencies may not narrow. A newly `required` property is incompatible unless the
//!   reader gives it a `default`.
//! - Arrays: the single `items` schema, the tuple (`items` array, `prefixItems`) and what may
//!   follow it (`additionalItems`, `unevaluatedItems`) are compared apart, as Confluent's
//!   `ArraySchemaDiff` does (see `items.rs`).
//! - `anyOf`/`oneOf`: every writer alternative must be read by some reader alternative, and
//!   the reader may not drop alternatives; `allOf` conjuncts are merged into one schema first.
//! - `not`: compared as Confluent's `NotSchemaDiff` does; a `not` schema against any other
//!   kind of schema is a changed type (see `negation.rs`).
//! - `$ref`s are resolved within each document (`#`, `#/definitions/..`, `#/$defs/..`, any
//!   JSON pointer); recursive schemas terminate. References to other documents cannot be
//!   resolved: they are compatible only when both sides use the same one.
//!
//! `if`/`then`/`else`, `patternProperties`, `propertyNames` and `contains` are not compared.

mod bounds;
mod dependencies;
mod items;
mod negation;
mod node;
pub mod rules;
mod structure;
#[cfg(test)]
mod tests;
mod unevaluated;
mod validate;

pub(super) use validate::validate as validate_document;

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::report::{Incompatibility, IncompatibilityKind};
use bounds::JsonType;
use node::{is_unconstrained, prepare, Node};

/// How many schema pairs one check may compare before giving up (as incompatible): bounds
/// the work on adversarial documents whose references or alternatives multiply.
const MAX_STEPS: usize = 100_000;

/// How deeply comparisons may nest (schema nesting plus `$ref` and alternative expansion)
/// before giving up (as incompatible), so a self-expanding schema cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

/// Lists why `reader` cannot read data written with `writer`; empty when it can.
///
/// ```
/// use serde_json::json;
/// use streamhouse_schema_core::compat::json::can_read;
/// use streamhouse_schema_core::compat::IncompatibilityKind;
///
/// let writer = json!({"type": "object", "properties": {"id": {"type": "integer"}},
///                     "additionalProperties": false});
/// let reader = json!({"type": "object", "properties": {"id": {"type": "number"},
///                     "note": {"type": "string"}}, "additionalProperties": false});
/// assert!(can_read(&reader, &writer).is_empty());
/// let problems = can_read(&writer, &reader);
/// assert_eq!(problems.len(), 2);
/// assert_eq!(problems[0].kind, IncompatibilityKind::TypeNarrowed);
/// assert_eq!(problems[0].path, "/properties/id/type");
/// assert_eq!(problems[1].kind, IncompatibilityKind::PropertyRemovedFromClosedContentModel);
/// ```
pub fn can_read(reader: &Value, writer: &Value) -> Vec<Incompatibility> {
    let mut checker = Checker {
        reader_root: reader,
        writer_root: writer,
        in_progress: HashSet::new(),
        steps_left: MAX_STEPS,
        depth: 0,
        limit_hit: false,
    };
    let mut found = checker.check(reader, writer);
    if checker.limit_hit {
        found.push(Incompatibility::new(
            IncompatibilityKind::ComparisonLimitExceeded,
            "",
            format!(
                "the schemas need more than {MAX_STEPS} comparisons or nest deeper than \
                 {MAX_DEPTH} levels; treated as incompatible"
            ),
        ));
    }
    found
}

struct Checker<'a> {
    reader_root: &'a Value,
    writer_root: &'a Value,
    /// Pairs of document nodes being compared further up the stack (recursion guard).
    in_progress: HashSet<(usize, usize)>,
    steps_left: usize,
    depth: usize,
    /// Set when [`MAX_STEPS`] or [`MAX_DEPTH`] stopped the comparison.
    limit_hit: bool,
}

impl<'a> Checker<'a> {
    /// Compares a reader node with a writer node; paths are relative to these nodes.
    fn check<'n>(&mut self, reader: &'n Value, writer: &'n Value) -> Vec<Incompatibility>
    where
        'a: 'n,
    {
        if self.steps_left == 0 || self.depth >= MAX_DEPTH {
            self.limit_hit = true;
            return Vec::new();
        }
        self.steps_left -= 1;
        self.depth += 1;
        let reader_node = prepare(self.reader_root, reader);
        let writer_node = prepare(self.writer_root, writer);
        let found = self.check_nodes(reader_node, writer_node);
        self.depth -= 1;
        found
    }

    fn check_nodes(&mut self, reader: Node<'_>, writer: Node<'_>) -> Vec<Incompatibility> {
        let (reader_map, reader_identity) = match reader {
            Node::Unresolved(reference) => {
                if matches!(&writer, Node::Unresolved(w) if *w == reference) {
                    return Vec::new();
                }
                return vec![unresolved(&reference)];
            }
            Node::Any => return Vec::new(),
            _ if matches!(writer, Node::Nothing) => return Vec::new(),
            Node::Nothing => {
                return vec![Incompatibility::new(
                    IncompatibilityKind::TypeNarrowed,
                    "",
                    "the reader schema is false and accepts no value",
                )]
            }
            Node::Schema { map, identity } => (map, identity),
        };
        if is_unconstrained(&reader_map) {
            return Vec::new();
        }
        let (writer_map, writer_identity) = match writer {
            Node::Unresolved(reference) => return vec![unresolved(&reference)],
            Node::Any | Node::Nothing => (std::borrow::Cow::Owned(Map::new()), None),
            Node::Schema { map, identity } => (map, identity),
        };
        let pair = reader_identity.zip(writer_identity);
        if let Some(pair) = pair {
            // The same two nodes are already being compared: a recursive schema came back
            // around, assume compatible for this inner occurrence.
            if !self.in_progress.insert(pair) {
                return Vec::new();
            }
        }
        let found = self.compare_schemas(&reader_map, &writer_map);
        if let Some(pair) = pair {
            self.in_progress.remove(&pair);
        }
        found
    }

    fn compare_schemas(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> Vec<Incompatibility> {
        let mut found = match self.compare_not(reader, writer) {
            negation::NotVerdict::TypeChanged(problem) => return vec![problem],
            negation::NotVerdict::CompareRest(problems) => problems,
        };
        if alternatives(reader).is_some() || alternatives(writer).is_some() {
            found.extend(self.compare_alternatives(reader, writer));
            return found;
        }
        let writer_types = bounds::writer_types(writer);
        let (type_problems, disjoint) = bounds::types(reader, &writer_types);
        found.extend(type_problems);
        if disjoint {
            return found;
        }
        found.extend(bounds::listed(reader, writer));
        if bounds::may_write(&writer_types, JsonType::Number) {
            found.extend(bounds::numeric(reader, writer));
        }
        if bounds::may_write(&writer_types, JsonType::String) {
            found.extend(bounds::string(reader, writer));
        }
        if bounds::may_write(&writer_types, JsonType::Array) {
            found.extend(bounds::array(reader, writer));
            found.extend(self.compare_items(reader, writer));
        }
        if bounds::may_write(&writer_types, JsonType::Object) {
            found.extend(bounds::object(reader, writer));
            found.extend(self.compare_properties(reader, writer));
        }
        found
    }

    /// `anyOf`/`oneOf`: every writer alternative must be read by some reader alternative.
    /// A schema without alternatives is its own single alternative.
    fn compare_alternatives(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> Vec<Incompatibility> {
        let reader_alts = match self.expand_alternatives(reader, self.reader_root) {
            Ok(alts) => alts,
            Err(problem) => return vec![problem],
        };
        let writer_alts = match self.expand_alternatives(writer, self.writer_root) {
            Ok(alts) => alts,
            Err(problem) => return vec![problem],
        };
        let reader_keyword = alternatives(reader).map(|(keyword, _)| keyword);
        let mut found = Vec::new();
        if let (Some(reader_kw), Some((writer_kw, _))) = (reader_keyword, alternatives(writer)) {
            // CombinedSchemaDiff.compareCriteria: anyOf → oneOf (neither a single
            // alternative) is COMBINED_TYPE_CHANGED, and Java compares nothing further.
            if writer_kw == "anyOf"
                && reader_kw == "oneOf"
                && reader_alts.len() > 1
                && writer_alts.len() > 1
            {
                return vec![Incompatibility::new(
                    IncompatibilityKind::CombinedTypeChanged,
                    "/oneOf",
                    "the writer's anyOf became a oneOf: a value the writer wrote may match \
                     several alternatives, which oneOf rejects",
                )];
            }
            // CombinedSchemaDiff: fewer alternatives than before is SUM_TYPE_NARROWED.
            if reader_alts.len() < writer_alts.len() {
                found.push(Incompatibility::new(
                    IncompatibilityKind::SumTypeNarrowed,
                    format!("/{reader_kw}"),
                    format!(
                        "the reader's {reader_kw} has {} alternatives, the writer's {writer_kw} \
                         had {}",
                        reader_alts.len(),
                        writer_alts.len()
                    ),
                ));
            }
        }
        for (index, writer_alt) in &writer_alts {
            let mut attempts = Vec::new();
            let mut read = false;
            for (reader_index, reader_alt) in &reader_alts {
                let problems = self.check(reader_alt, writer_alt);
                if problems.is_empty() {
                    read = true;
                    break;
                }
                attempts.push((*reader_index, problems));
            }
            if read {
                continue;
            }
            let writer_part = match alternatives(writer) {
                Some((keyword, _)) => format!("writer {keyword} alternative {index}"),
                None => "the writer schema".to_string(),
            };
            let Some(keyword) = reader_keyword else {
                // A single reader schema: its own problems say more than "no match".
                let problems = attempts.pop().map(|(_, p)| p).unwrap_or_default();
                found.extend(problems.into_iter().map(|mut p| {
                    p.message = format!("{} ({writer_part})", p.message);
                    p
                }));
                continue;
            };
            // Exactly one reader alternative of a matching type (e.g. the object branch of
            // a nullable object): its problems explain the break.
            let mut same_type = attempts.into_iter().filter(|(_, problems)| {
                !problems
                    .iter()
                    .any(|p| p.kind == IncompatibilityKind::TypeChanged && p.path == "/type")
            });
            match (same_type.next(), same_type.next()) {
                (Some((reader_index, problems)), None) => {
                    let path = format!("/{keyword}/{reader_index}");
                    found.extend(nested(&path, "", problems));
                }
                // CombinedSchemaDiff: an old alternative left without a match.
                _ => found.push(Incompatibility::new(
                    IncompatibilityKind::CombinedTypeSubschemasChanged,
                    format!("/{keyword}"),
                    format!("{writer_part} matches no alternative of the reader's {keyword}"),
                )),
            }
        }
        found
    }

    /// The alternatives of a schema, each merged with the keywords next to `anyOf`/`oneOf`
    /// (which apply to every alternative); a schema without alternatives is returned alone.
    fn expand_alternatives(
        &self,
        schema: &Map<String, Value>,
        root: &Value,
    ) -> Result<Vec<(usize, Value)>, Incompatibility> {
        let Some((keyword, alts)) = alternatives(schema) else {
            return Ok(vec![(0, Value::Object(schema.clone()))]);
        };
        let mut base = schema.clone();
        base.remove(keyword);
        // `not` next to the alternatives was judged once already (`compare_not`).
        base.remove("not");
        let mut expanded = Vec::new();
        for (index, alt) in alts.iter().enumerate() {
            let mut merged = base.clone();
            match prepare(root, alt) {
                Node::Any => {}
                // An alternative that accepts nothing never produces or accepts a value.
                Node::Nothing => continue,
                Node::Unresolved(reference) => return Err(unresolved(&reference)),
                Node::Schema { map, .. } => {
                    for (key, value) in map.iter() {
                        merged.insert(key.clone(), value.clone());
                    }
                }
            }
            expanded.push((index, Value::Object(merged)));
        }
        Ok(expanded)
    }
}

/// The `anyOf` or `oneOf` keyword of a schema and its alternatives.
fn alternatives(schema: &Map<String, Value>) -> Option<(&'static str, &Vec<Value>)> {
    ["anyOf", "oneOf"]
        .into_iter()
        .find_map(|keyword| match schema.get(keyword) {
            Some(Value::Array(alts)) => Some((keyword, alts)),
            _ => None,
        })
}

fn unresolved(reference: &str) -> Incompatibility {
    Incompatibility::new(
        IncompatibilityKind::UnresolvedReference,
        "/$ref",
        format!("the reference '{reference}' cannot be resolved within the schema"),
    )
}

/// Puts `prefix` in front of nested problems' paths and `context` in front of their messages.
fn nested(prefix: &str, context: &str, problems: Vec<Incompatibility>) -> Vec<Incompatibility> {
    problems
        .into_iter()
        .map(|mut problem| {
            problem.path = format!("{prefix}{}", problem.path);
            if !context.is_empty() {
                problem.message = format!("{context}: {}", problem.message);
            }
            problem
        })
        .collect()
}
