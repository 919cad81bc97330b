//! Turning a JSON Schema node into what the rules compare: booleans made explicit, `$ref`s
//! resolved within the document, `allOf` conjuncts merged into one schema.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Keywords that describe but never constrain; a schema made only of these accepts anything.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "id",
    "$comment",
    "$anchor",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
    "definitions",
    "$defs",
];

/// How many `$ref` hops a chain of references may take before it is called unresolvable
/// (`{"$ref": "#/a"}` where `a` is `{"$ref": "#/b"}` ...), so a loop of bare refs ends.
const MAX_REF_CHAIN: usize = 32;

/// A schema node ready for comparison.
pub(super) enum Node<'a> {
    /// `true` or a schema without constraints.
    Any,
    /// `false`: no value is valid.
    Nothing,
    /// A schema object; `identity` is set when it is borrowed from the document unchanged
    /// (so that recursion through `$ref` can be recognised).
    Schema {
        map: Cow<'a, Map<String, Value>>,
        identity: Option<usize>,
    },
    /// A `$ref` that does not resolve within the document.
    Unresolved(String),
}

/// Prepares `value` (a node of the document `root`).
pub(super) fn prepare<'a>(root: &'a Value, value: &'a Value) -> Node<'a> {
    prepare_nested(root, value, 0)
}

/// How deeply `allOf`s may nest inside `allOf`s; a self-including `allOf` stops here
/// instead of recursing forever.
const MAX_ALL_OF_DEPTH: usize = 8;

/// [`prepare`] inside `depth` enclosing `allOf` merges.
fn prepare_nested<'a>(root: &'a Value, value: &'a Value, depth: usize) -> Node<'a> {
    if depth > MAX_ALL_OF_DEPTH {
        return Node::Unresolved("an allOf that includes itself".to_string());
    }
    let mut current = value;
    let mut siblings: Option<&'a Map<String, Value>> = None;
    for _ in 0..MAX_REF_CHAIN {
        let map = match current {
            Value::Bool(true) => return with_siblings(Node::Any, siblings),
            Value::Bool(false) => return Node::Nothing,
            Value::Object(map) => map,
            // Not a schema; parse_schema rejects such documents, nested ones accept anything
            // as validators ignore them.
            _ => return Node::Any,
        };
        let Some(reference) = map.get("$ref") else {
            let node = Node::Schema {
                map: Cow::Borrowed(map),
                identity: Some(map as *const Map<String, Value> as usize),
            };
            return merge_all_of(root, with_siblings(node, siblings), depth);
        };
        let Some(target) = reference.as_str().and_then(|r| resolve(root, r)) else {
            let text = reference.as_str().unwrap_or("<not a string>").to_string();
            return Node::Unresolved(text);
        };
        // Keywords next to `$ref` still apply (JSON Schema 2019-09 and later).
        if map
            .keys()
            .any(|k| k != "$ref" && !ANNOTATIONS.contains(&k.as_str()))
        {
            siblings = Some(map);
        }
        current = target;
    }
    Node::Unresolved("a chain of more than 32 $ref hops".to_string())
}

/// Adds the constraints written next to a `$ref` to the referenced schema.
fn with_siblings<'a>(node: Node<'a>, siblings: Option<&'a Map<String, Value>>) -> Node<'a> {
    let Some(siblings) = siblings else {
        return node;
    };
    let mut merged = match node {
        Node::Any => Map::new(),
        Node::Schema { map, .. } => map.into_owned(),
        other => return other,
    };
    for (key, value) in siblings {
        if key != "$ref" {
            merge_keyword(&mut merged, key, value);
        }
    }
    Node::Schema {
        map: Cow::Owned(merged),
        identity: None,
    }
}

/// Folds `allOf` conjuncts into the schema: properties and required lists are united, other
/// keywords of later conjuncts win. An approximation of the intersection that is exact for
/// the common "`$ref` plus extra properties" use.
fn merge_all_of<'a>(root: &'a Value, node: Node<'a>, depth: usize) -> Node<'a> {
    let Node::Schema { map, identity } = node else {
        return node;
    };
    let Some(Value::Array(conjuncts)) = map.get("allOf") else {
        return Node::Schema { map, identity };
    };
    let mut merged = map.as_ref().clone();
    merged.remove("allOf");
    for conjunct in conjuncts {
        match prepare_nested(root, conjunct, depth + 1) {
            Node::Any => {}
            Node::Nothing => return Node::Nothing,
            Node::Unresolved(reference) => return Node::Unresolved(reference),
            Node::Schema { map: part, .. } => {
                for (key, value) in part.iter() {
                    merge_keyword(&mut merged, key, value);
                }
            }
        }
    }
    Node::Schema {
        map: Cow::Owned(merged),
        identity: None,
    }
}

fn merge_keyword(target: &mut Map<String, Value>, key: &str, value: &Value) {
    match (key, target.get_mut(key), value) {
        ("properties", Some(Value::Object(existing)), Value::Object(more)) => {
            for (name, schema) in more {
                existing.insert(name.clone(), schema.clone());
            }
        }
        ("required", Some(Value::Array(existing)), Value::Array(more)) => {
            for name in more {
                if !existing.contains(name) {
                    existing.push(name.clone());
                }
            }
        }
        _ => {
            target.insert(key.to_string(), value.clone());
        }
    }
}

/// Resolves a `$ref` within the document: `#` or a JSON pointer fragment `#/...`
/// (percent-encoding and `~0`/`~1` escapes handled). Other references (other documents,
/// `$anchor` names) are not resolved.
pub(super) fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(root);
    }
    let decoded = percent_decode(fragment)?;
    root.pointer(&decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(byte);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a schema object constrains nothing (only annotations).
pub(super) fn is_unconstrained(map: &Map<String, Value>) -> bool {
    map.keys().all(|key| ANNOTATIONS.contains(&key.as_str()))
}

/// Whether a (raw, unprepared) schema value accepts every instance.
pub(super) fn accepts_anything(root: &Value, value: &Value) -> bool {
    match prepare(root, value) {
        Node::Any => true,
        Node::Schema { map, .. } => is_unconstrained(&map),
        Node::Nothing | Node::Unresolved(_) => false,
    }
}
