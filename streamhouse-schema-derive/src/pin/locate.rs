//! Turns the path of an Avro incompatibility (`/fields/items/items/fields/qty`) into what a
//! user recognises: the annotated type's field it sits under (`items`), where the error can
//! point, and the nested types and fields on the way (`LineItem.qty`).

use std::collections::HashMap;

use serde_json::Value;

/// Where in the schema a problem sits.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The root record's field the path goes through, if any.
    pub root_field: Option<String>,
    /// Nested named types (and their fields) under it: `["LineItem.qty"]`.
    pub nested: Vec<String>,
}

/// Walks `path` over `schema` (the reader's schema, whose paths the checker reports).
pub fn locate(schema: &Value, path: &str) -> Location {
    let mut named = HashMap::new();
    collect_named(schema, None, &mut named);
    let mut loc = Location::default();
    let mut node = resolve(schema, &named);
    let mut at_root = true;
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    while let Some(seg) = segments.next() {
        match seg {
            "fields" => {
                let Some(field_name) = segments.next() else {
                    break;
                };
                let fields = node.get("fields").and_then(Value::as_array);
                if at_root {
                    loc.root_field = Some(field_name.to_string());
                    at_root = false;
                } else if fields.is_some() {
                    let record = short_name(node).unwrap_or("record");
                    loc.nested.push(format!("{record}.{field_name}"));
                }
                match fields.and_then(|fs| fs.iter().find(|f| f["name"] == field_name)) {
                    Some(f) => node = resolve(&f["type"], &named),
                    None => break,
                }
            }
            "items" | "values" => {
                at_root = false;
                node = resolve(&node[seg], &named);
            }
            "symbols" | "size" | "name" => {
                if !at_root {
                    if let Some(name) = short_name(node) {
                        let already = loc
                            .nested
                            .last()
                            .is_some_and(|last| last.split('.').next() == Some(name));
                        if !already {
                            loc.nested.push(name.to_string());
                        }
                    }
                }
                break;
            }
            index => match index.parse::<usize>() {
                Ok(i) => {
                    at_root = false;
                    node = resolve(&node[i], &named);
                }
                Err(_) => break,
            },
        }
    }
    loc
}

/// The root property of a JSON Schema incompatibility path (`/properties/note/...`).
pub fn locate_json(path: &str) -> Location {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let root_field = match (segments.next(), segments.next()) {
        (Some("properties"), Some(name)) => Some(name.to_string()),
        _ => None,
    };
    Location {
        root_field,
        nested: Vec::new(),
    }
}

/// The named type a type reference stands for, or the node itself.
fn resolve<'a>(node: &'a Value, named: &HashMap<String, &'a Value>) -> &'a Value {
    match node {
        Value::String(name) => named.get(name.as_str()).copied().unwrap_or(node),
        Value::Object(map) => match map.get("type") {
            // `{"type": "Name"}` and `{"type": {...}}` wrap another type.
            Some(inner @ Value::Object(_)) => resolve(inner, named),
            Some(Value::String(name)) if named.contains_key(name.as_str()) => {
                resolve(&map["type"], named)
            }
            _ => node,
        },
        _ => node,
    }
}

fn short_name(node: &Value) -> Option<&str> {
    let name = node.get("name")?.as_str()?;
    Some(name.rsplit_once('.').map_or(name, |(_, short)| short))
}

/// Every record, enum and fixed by full name and by short name.
fn collect_named<'a>(node: &'a Value, ns: Option<&str>, out: &mut HashMap<String, &'a Value>) {
    match node {
        Value::Array(branches) => {
            for b in branches {
                collect_named(b, ns, out);
            }
        }
        Value::Object(map) => {
            let kind = map.get("type").and_then(Value::as_str);
            let is_named = matches!(kind, Some("record" | "enum" | "fixed" | "error"));
            let mut inner_ns = ns.map(str::to_string);
            if is_named {
                if let Some(name) = map.get("name").and_then(Value::as_str) {
                    let own_ns = map.get("namespace").and_then(Value::as_str).or(ns);
                    let full = match (name.contains('.'), own_ns) {
                        (false, Some(n)) if !n.is_empty() => format!("{n}.{name}"),
                        _ => name.to_string(),
                    };
                    inner_ns = full.rsplit_once('.').map(|(n, _)| n.to_string());
                    let short = full.rsplit_once('.').map_or(full.as_str(), |(_, s)| s);
                    out.entry(short.to_string()).or_insert(node);
                    out.insert(full.clone(), node);
                }
            }
            for key in ["type", "items", "values"] {
                if let Some(child) = map.get(key) {
                    collect_named(child, inner_ns.as_deref(), out);
                }
            }
            if let Some(fields) = map.get("fields").and_then(Value::as_array) {
                for f in fields {
                    if let Some(t) = f.get("type") {
                        collect_named(t, inner_ns.as_deref(), out);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn order() -> Value {
        json!({"type": "record", "name": "Order", "namespace": "shop", "fields": [
            {"name": "id", "type": "string"},
            {"name": "items", "type": {"type": "array", "items": {"type": "record",
                "name": "LineItem", "fields": [
                    {"name": "qty", "type": "int"},
                    {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A"]}}
                ]}}},
            {"name": "extra", "type": ["null", "LineItem"]},
            {"name": "by_sku", "type": {"type": "map", "values": "shop.LineItem"}}
        ]})
    }

    fn loc(root: Option<&str>, nested: &[&str]) -> Location {
        Location {
            root_field: root.map(str::to_string),
            nested: nested.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn root_fields_and_nested_fields_are_named() {
        let s = order();
        assert_eq!(locate(&s, "/fields/id"), loc(Some("id"), &[]));
        assert_eq!(locate(&s, "/name"), loc(None, &[]));
        assert_eq!(
            locate(&s, "/fields/items/items/fields/qty"),
            loc(Some("items"), &["LineItem.qty"])
        );
        assert_eq!(
            locate(&s, "/fields/items/items/fields/kind/symbols"),
            loc(Some("items"), &["LineItem.kind", "Kind"])
        );
    }

    #[test]
    fn references_through_unions_and_maps_resolve() {
        let s = order();
        assert_eq!(
            locate(&s, "/fields/extra/1/fields/qty"),
            loc(Some("extra"), &["LineItem.qty"])
        );
        assert_eq!(
            locate(&s, "/fields/by_sku/values/fields/qty"),
            loc(Some("by_sku"), &["LineItem.qty"])
        );
        assert_eq!(
            locate(&s, "/fields/extra/1/name"),
            loc(Some("extra"), &["LineItem"])
        );
    }

    #[test]
    fn json_paths_name_the_root_property() {
        assert_eq!(locate_json("/properties/note"), loc(Some("note"), &[]));
        assert_eq!(locate_json("/properties/a/items/type"), loc(Some("a"), &[]));
        assert_eq!(locate_json("/required"), loc(None, &[]));
        assert_eq!(locate_json(""), loc(None, &[]));
    }

    #[test]
    fn unknown_paths_stop_without_panicking() {
        let s = order();
        assert_eq!(locate(&s, "/fields/gone"), loc(Some("gone"), &[]));
        assert_eq!(locate(&s, "/fields/id/7/fields/x"), loc(Some("id"), &[]));
        assert_eq!(locate(&json!("int"), "/fields/a/b"), loc(Some("a"), &[]));
    }
}
