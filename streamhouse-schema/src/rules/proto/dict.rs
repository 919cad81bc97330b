//! A Protobuf message as the dict Confluent's Python deserializer hands to migration rules:
//! `json_format.MessageToDict(msg, True)` (`_sync/protobuf.py`, before
//! `_execute_migrations`), i.e. with `always_print_fields_with_no_presence`.
//!
//! Keys are the fields' JSON names (`lowerCamelCase`); a field with presence (a message
//! field, a proto3 `optional` or proto2 field, a oneof member) appears only when set, every
//! other field always (a repeated field as `[]`, a map as `{}`, a scalar at its default).
//! 64-bit integers are strings, bytes standard base64, enums their value's name (an
//! undeclared number of an open enum stays a number), `float` fields the shortest decimal
//! that reads back as the same `float` (`ToShortestFloat`), non-finite numbers `"NaN"`,
//! `"Infinity"`, `"-Infinity"`. The well-known types take their JSON forms: `Timestamp`
//! (RFC 3339, UTC) and `Duration` (`"1.5s"`) as strings, the wrappers as their value,
//! `Struct`, `Value` and `ListValue` as the JSON they hold, `FieldMask` as its paths in
//! `lowerCamelCase` joined by commas. `google.protobuf.Any` is refused (reading it needs its
//! type from the registry).

use base64::Engine as _;
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage, Value};
use serde_json::{Map, Number, Value as JsonValue};

use super::wkt;
use crate::rules::error::RuleError;

/// How deep messages nest before the conversion stops with an error (`ParseDict`'s
/// `max_recursion_depth` default on the way back).
pub(crate) const MAX_DEPTH: usize = 100;

/// `message` as `MessageToDict(message, True)` writes it.
pub(crate) fn message_to_dict(message: &DynamicMessage) -> Result<JsonValue, RuleError> {
    message_at(message, "$", 0)
}

fn message_at(message: &DynamicMessage, path: &str, depth: usize) -> Result<JsonValue, RuleError> {
    if depth > MAX_DEPTH {
        return Err(RuleError::execution(format!(
            "{path}: the message nests deeper than {MAX_DEPTH} levels"
        )));
    }
    let descriptor = message.descriptor();
    if let Some(json) = wkt::to_json(message, path, depth)? {
        return Ok(json);
    }
    let mut object = Map::new();
    for field in descriptor.fields() {
        if field.supports_presence() && !message.has_field(&field) {
            continue;
        }
        let field_path = format!("{path}.{}", field.json_name());
        let value = message.get_field(&field);
        object.insert(
            field.json_name().to_string(),
            field_to_json(&field, &value, &field_path, depth)?,
        );
    }
    Ok(JsonValue::Object(object))
}

/// A field's value (a list or map whole).
pub(super) fn field_to_json(
    field: &FieldDescriptor,
    value: &Value,
    path: &str,
    depth: usize,
) -> Result<JsonValue, RuleError> {
    match value {
        Value::List(items) => {
            let kind = field.kind();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(value_to_json(item, &kind, &format!("{path}[{i}]"), depth)?);
            }
            Ok(JsonValue::Array(out))
        }
        Value::Map(entries) => {
            let kind = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other,
            };
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            let mut object = Map::new();
            for (key, entry) in sorted {
                let text = key_text(key);
                let entry_path = format!("{path}.{text}");
                object.insert(text, value_to_json(entry, &kind, &entry_path, depth)?);
            }
            Ok(JsonValue::Object(object))
        }
        other => value_to_json(other, &field.kind(), path, depth),
    }
}

/// One value of `kind` (`_FieldToJsonObject`).
pub(super) fn value_to_json(
    value: &Value,
    kind: &Kind,
    path: &str,
    depth: usize,
) -> Result<JsonValue, RuleError> {
    Ok(match value {
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::I32(i) => JsonValue::from(*i),
        Value::U32(u) => JsonValue::from(*u),
        Value::I64(i) => JsonValue::String(i.to_string()),
        Value::U64(u) => JsonValue::String(u.to_string()),
        Value::F32(f) => shortest_float(*f),
        Value::F64(d) => double(*d),
        Value::String(s) => JsonValue::String(s.clone()),
        Value::Bytes(b) => JsonValue::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(e) if e.full_name() == "google.protobuf.NullValue" => JsonValue::Null,
            Kind::Enum(e) => match e.get_value(*number) {
                Some(v) => JsonValue::String(v.name().to_string()),
                None if super::parse::is_closed(e) => {
                    return Err(RuleError::execution(format!(
                        "{path}: {number} is not a value of the closed enum {}",
                        e.full_name()
                    )))
                }
                None => JsonValue::from(*number),
            },
            _ => JsonValue::from(*number),
        },
        Value::Message(inner) => message_at(inner, path, depth + 1)?,
        Value::List(_) | Value::Map(_) => {
            return Err(RuleError::execution(format!(
                "{path}: a list or map where a single value belongs"
            )))
        }
    })
}

fn key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(i) => i.to_string(),
        MapKey::I64(i) => i.to_string(),
        MapKey::U32(u) => u.to_string(),
        MapKey::U64(u) => u.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

/// A `float` as the shortest decimal that reads back as the same `float`
/// (`type_checkers.ToShortestFloat`): `0.1f32` is `0.1`, not `0.10000000149011612`.
fn shortest_float(value: f32) -> JsonValue {
    if !value.is_finite() {
        return non_finite(f64::from(value));
    }
    // `Display` of an `f32` is its shortest round-trip decimal, which parses as an `f64`.
    let shortest = value.to_string().parse::<f64>().unwrap_or(f64::from(value));
    double(shortest)
}

fn double(value: f64) -> JsonValue {
    Number::from_f64(value).map_or_else(|| non_finite(value), JsonValue::Number)
}

fn non_finite(value: f64) -> JsonValue {
    JsonValue::String(
        if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_string(),
    )
}
