//! A bound on how deeply an Avro schema nests, checked before anything walks it.
//!
//! apache-avro keeps a named type used a second time as a `Ref`, and a schema parsed with
//! references refers to the referenced schemas' types the same way. Denormalizing,
//! serializing, cloning and the compatibility walk then follow those names recursively, so
//! a chain of named types, each nesting the next a hundred levels down, makes a tree
//! deeper than any one JSON document (which serde_json keeps under 128 levels) and can
//! overflow the stack. [`check_depth`] measures that depth without recursion.

use std::collections::{HashMap, HashSet};

use apache_avro::schema::{InnerDecimalSchema, UuidSchema};
use apache_avro::Schema;

/// How deeply an Avro schema may nest, counting each array, map, union and record level,
/// with every named type it uses (from the schema itself or from its references) counted
/// where it is used; a type used inside itself (recursion) is not expanded again. One JSON
/// document cannot nest deeper than this anyway; deeper schemas are invalid (42201 in the
/// registry) rather than a risk to the stack.
pub const MAX_AVRO_DEPTH: usize = 128;

/// How many schema nodes the measurement may visit (named types used in many places are
/// measured at each place), so that a schema using each type twice, level after level,
/// cannot make it exponential.
const MAX_VISITS: usize = 1_000_000;

/// One step of the explicit walk.
enum Step<'a> {
    /// Measure this node at this depth.
    Enter(&'a Schema, usize),
    /// A named type's subtree is done: it may be expanded again elsewhere.
    Leave(String),
}

/// `Ok` when `schema`, with the named types of `referenced` available to its `Ref`s, nests
/// at most [`MAX_AVRO_DEPTH`] levels; the reason otherwise.
pub(crate) fn check_depth(schema: &Schema, referenced: &[Schema]) -> Result<(), String> {
    let mut names: HashMap<String, &Schema> = HashMap::new();
    for root in std::iter::once(schema).chain(referenced) {
        collect_names(root, &mut names);
    }
    let mut on_path: HashSet<String> = HashSet::new();
    let mut stack = vec![Step::Enter(schema, 1)];
    let mut visits = 0usize;
    while let Some(step) = stack.pop() {
        let (node, depth) = match step {
            Step::Leave(name) => {
                on_path.remove(&name);
                continue;
            }
            Step::Enter(node, depth) => (node, depth),
        };
        visits += 1;
        if visits > MAX_VISITS {
            return Err(format!(
                "the schema expands to more than {MAX_VISITS} nodes with its named types"
            ));
        }
        let node = match node {
            Schema::Ref { name } => match names.get(&name.fullname(None)) {
                Some(definition) => *definition,
                // Unresolved names are apache-avro's to report.
                None => continue,
            },
            other => other,
        };
        if let Some(name) = definition_name(node) {
            if !on_path.insert(name.clone()) {
                continue;
            }
            stack.push(Step::Leave(name));
        }
        let children: Vec<&Schema> = match node {
            Schema::Array(array) => vec![&array.items],
            Schema::Map(map) => vec![&map.types],
            Schema::Union(union) => union.variants().iter().collect(),
            Schema::Record(record) => record.fields.iter().map(|f| &f.schema).collect(),
            _ => Vec::new(),
        };
        if !children.is_empty() && depth >= MAX_AVRO_DEPTH {
            return Err(format!(
                "the schema nests more than {MAX_AVRO_DEPTH} levels deep (counting the named \
                 types it uses where it uses them)"
            ));
        }
        stack.extend(children.into_iter().map(|c| Step::Enter(c, depth + 1)));
    }
    Ok(())
}

/// Adds every named definition in `root` to `names` (first definition wins), without
/// recursion.
fn collect_names<'a>(root: &'a Schema, names: &mut HashMap<String, &'a Schema>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(name) = definition_name(node) {
            names.entry(name).or_insert(node);
        }
        match node {
            Schema::Array(array) => stack.push(&array.items),
            Schema::Map(map) => stack.push(&map.types),
            Schema::Union(union) => stack.extend(union.variants()),
            Schema::Record(record) => stack.extend(record.fields.iter().map(|f| &f.schema)),
            _ => {}
        }
    }
}

/// The full name a schema node defines, if any.
fn definition_name(schema: &Schema) -> Option<String> {
    match schema {
        Schema::Record(r) => Some(r.name.fullname(None)),
        Schema::Enum(e) => Some(e.name.fullname(None)),
        Schema::Fixed(f) | Schema::Duration(f) => Some(f.name.fullname(None)),
        Schema::Decimal(d) => match &d.inner {
            InnerDecimalSchema::Fixed(f) => Some(f.name.fullname(None)),
            InnerDecimalSchema::Bytes => None,
        },
        Schema::Uuid(UuidSchema::Fixed(f)) => Some(f.name.fullname(None)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrays(levels: usize, inner: &str) -> String {
        format!(
            "{}{inner}{}",
            r#"{"type":"array","items":"#.repeat(levels),
            "}".repeat(levels)
        )
    }

    #[test]
    fn one_document_as_deep_as_json_allows_passes() {
        let schema = Schema::parse_str(&arrays(MAX_AVRO_DEPTH - 1, "\"int\"")).unwrap();
        assert_eq!(check_depth(&schema, &[]), Ok(()));
    }

    #[test]
    fn named_types_used_by_name_count_where_they_are_used() {
        // A union of records, each nesting the previous one 100 arrays down by name: every
        // document level is shallow, the expanded schema is not.
        let mut records = vec![r#"{"type":"record","name":"R0","fields":[]}"#.to_string()];
        for i in 1..3 {
            records.push(format!(
                r#"{{"type":"record","name":"R{i}","fields":[{{"name":"f","type":{}}}]}}"#,
                arrays(100, &format!("\"R{}\"", i - 1))
            ));
        }
        let union = Schema::parse_str(&format!("[{}]", records.join(","))).unwrap();
        let error = check_depth(&union, &[]).unwrap_err();
        assert!(error.contains("more than 128 levels"), "{error}");
    }

    #[test]
    fn references_count_too_and_recursion_is_not_expanded() {
        let list =
            r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#;
        let node = Schema::parse_str(list).unwrap();
        assert_eq!(check_depth(&node, &[]), Ok(()));

        let deep = format!(
            r#"{{"type":"record","name":"Deep","fields":[{{"name":"f","type":{}}}]}}"#,
            arrays(100, "\"int\"")
        );
        let user = format!(
            r#"{{"type":"record","name":"User","fields":[{{"name":"d","type":{}}}]}}"#,
            arrays(100, "\"Deep\"")
        );
        let (schema, referenced) = Schema::parse_str_with_list(&user, [deep.as_str()]).unwrap();
        assert!(check_depth(&schema, &referenced).is_err());
    }
}
