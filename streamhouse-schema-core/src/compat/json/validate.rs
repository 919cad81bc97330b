//! Structural validation of a JSON Schema document, so the registry refuses documents the
//! checker would have to guess about: keywords of the wrong JSON type, unknown type names,
//! and `#` references that point nowhere.

use serde_json::{Map, Value};

use super::node::resolve;

/// Keywords whose value is one subschema.
const SUBSCHEMA: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords whose value is an object of subschemas.
const SUBSCHEMA_MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is a non-empty array of subschemas.
const SUBSCHEMA_LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value must be a number.
const NUMBERS: &[&str] = &["minimum", "maximum"];
/// Keywords whose value must be a non-negative integer.
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
const TYPE_NAMES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "integer", "string",
];

/// Checks `root` and returns the first problem, with its JSON pointer.
pub(crate) fn validate(root: &Value) -> Result<(), String> {
    check(root, root, "")
}

fn check(root: &Value, schema: &Value, at: &str) -> Result<(), String> {
    let map = match schema {
        Value::Bool(_) => return Ok(()),
        Value::Object(map) => map,
        _ => {
            return Err(format!(
                "at '{}': a schema must be an object or a boolean",
                shown(at)
            ))
        }
    };
    let fail =
        |keyword: &str, what: &str| Err(format!("at '{}': '{keyword}' must be {what}", shown(at)));
    if let Some(ty) = map.get("type") {
        let valid = match ty {
            Value::String(name) => TYPE_NAMES.contains(&name.as_str()),
            Value::Array(names) => {
                !names.is_empty()
                    && names
                        .iter()
                        .all(|n| n.as_str().is_some_and(|n| TYPE_NAMES.contains(&n)))
            }
            _ => false,
        };
        if !valid {
            return fail("type", "a type name or a non-empty array of type names");
        }
    }
    if let Some(required) = map.get("required") {
        if !required
            .as_array()
            .is_some_and(|names| names.iter().all(Value::is_string))
        {
            return fail("required", "an array of property names");
        }
    }
    if map.get("enum").is_some_and(|values| !values.is_array()) {
        return fail("enum", "an array");
    }
    for keyword in NUMBERS {
        if map.get(*keyword).is_some_and(|v| !v.is_number()) {
            return fail(keyword, "a number");
        }
    }
    for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
        if map
            .get(keyword)
            .is_some_and(|v| !v.is_number() && !v.is_boolean())
        {
            return fail(keyword, "a number (or a boolean in draft 4)");
        }
    }
    if map
        .get("multipleOf")
        .is_some_and(|v| !v.as_f64().is_some_and(|n| n > 0.0))
    {
        return fail("multipleOf", "a number greater than 0");
    }
    for keyword in COUNTS {
        if map.get(*keyword).is_some_and(|v| v.as_u64().is_none()) {
            return fail(keyword, "a non-negative integer");
        }
    }
    if map.get("pattern").is_some_and(|v| !v.is_string()) {
        return fail("pattern", "a string");
    }
    if let Some(reference) = map.get("$ref") {
        let Some(target) = reference.as_str() else {
            return fail("$ref", "a string");
        };
        if target.starts_with('#') && resolve(root, target).is_none() {
            return Err(format!(
                "at '{}': the reference '{target}' does not resolve within the document",
                shown(at)
            ));
        }
    }
    check_subschemas(root, map, at)
}

fn check_subschemas(root: &Value, map: &Map<String, Value>, at: &str) -> Result<(), String> {
    for (keyword, value) in map {
        let path = format!("{at}/{}", escape(keyword));
        let keyword = keyword.as_str();
        if SUBSCHEMA.contains(&keyword) {
            check(root, value, &path)?;
        } else if SUBSCHEMA_MAP.contains(&keyword) {
            let Some(entries) = value.as_object() else {
                return Err(format!("at '{}': '{keyword}' must be an object", shown(at)));
            };
            for (name, inner) in entries {
                check(root, inner, &format!("{path}/{}", escape(name)))?;
            }
        } else if SUBSCHEMA_LIST.contains(&keyword) {
            let Some(items) = value.as_array().filter(|items| !items.is_empty()) else {
                return Err(format!(
                    "at '{}': '{keyword}' must be a non-empty array of schemas",
                    shown(at)
                ));
            };
            for (index, inner) in items.iter().enumerate() {
                check(root, inner, &format!("{path}/{index}"))?;
            }
        } else if keyword == "items" {
            match value {
                Value::Array(items) => {
                    for (index, inner) in items.iter().enumerate() {
                        check(root, inner, &format!("{path}/{index}"))?;
                    }
                }
                other => check(root, other, &path)?,
            }
        }
    }
    Ok(())
}

fn shown(at: &str) -> &str {
    if at.is_empty() {
        "/"
    } else {
        at
    }
}

/// JSON pointer escaping of one path segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::validate;

    #[test]
    fn valid_documents_pass() {
        let schema = json!({
            "$defs": {"Money": {"type": "integer", "minimum": 0, "multipleOf": 1}},
            "type": "object",
            "properties": {
                "price": {"$ref": "#/$defs/Money"},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}},
                "pair": {"items": [{"type": "string"}, true]},
                "kind": {"enum": ["a", "b"]},
                "other": {"$ref": "https://example.com/other.json"}
            },
            "required": ["price"],
            "anyOf": [{"required": ["tags"]}, {"required": ["kind"]}]
        });
        assert_eq!(validate(&schema), Ok(()));
        assert_eq!(validate(&json!(false)), Ok(()));
    }

    #[test]
    fn problems_name_the_place_and_the_keyword() {
        let cases = [
            (
                json!({"type": "text"}),
                "at '/': 'type' must be a type name or a non-empty array of type names",
            ),
            (
                json!({"properties": {"a": {"type": ["string", 1]}}}),
                "at '/properties/a': 'type' must be a type name or a non-empty array of type names",
            ),
            (
                json!({"required": "a"}),
                "at '/': 'required' must be an array of property names",
            ),
            (json!({"enum": "a"}), "at '/': 'enum' must be an array"),
            (
                json!({"maximum": "10"}),
                "at '/': 'maximum' must be a number",
            ),
            (
                json!({"multipleOf": 0}),
                "at '/': 'multipleOf' must be a number greater than 0",
            ),
            (
                json!({"items": {"maxLength": -1}}),
                "at '/items': 'maxLength' must be a non-negative integer",
            ),
            (
                json!({"anyOf": []}),
                "at '/': 'anyOf' must be a non-empty array of schemas",
            ),
            (
                json!({"properties": []}),
                "at '/': 'properties' must be an object",
            ),
            (
                json!({"properties": {"a/b": 3}}),
                "at '/properties/a~1b': a schema must be an object or a boolean",
            ),
            (
                json!({"$ref": "#/$defs/Missing"}),
                "at '/': the reference '#/$defs/Missing' does not resolve within the document",
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(validate(&schema), Err(expected.to_string()), "{schema}");
        }
    }
}
