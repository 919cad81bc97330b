//! A Protobuf message as JSON, for what reads messages as JSON (the DLQ's record body).
//!
//! The proto3 JSON mapping's shape: set fields only (a proto3 scalar at its default value
//! is not set), keys as the fields' JSON names (`lowerCamelCase`), 64-bit integers as
//! strings, bytes as standard base64, enums by value name (the number when the value is
//! not declared), non-finite floats as `"NaN"`, `"Infinity"`, `"-Infinity"`, maps as objects
//! keyed by the key's text. Well-known types (`Timestamp`, wrappers) are written as the
//! messages they are, not in their special JSON forms.

use base64::Engine as _;
use prost_reflect::{DynamicMessage, Kind, MapKey, Value};
use serde_json::{Map, Number, Value as JsonValue};

/// How deep values are converted (deeper ones become `null`).
const MAX_DEPTH: usize = 128;

/// `message` as a JSON object.
pub fn message_to_json(message: &DynamicMessage) -> JsonValue {
    message_at(message, 0)
}

fn message_at(message: &DynamicMessage, depth: usize) -> JsonValue {
    if depth > MAX_DEPTH {
        return JsonValue::Null;
    }
    let mut object = Map::new();
    for (field, value) in message.fields() {
        let kind = field.kind();
        let kind = match (&kind, field.is_map()) {
            (Kind::Message(entry), true) => entry.map_entry_value_field().kind(),
            _ => kind,
        };
        object.insert(
            field.json_name().to_string(),
            value_to_json(value, &kind, depth + 1),
        );
    }
    JsonValue::Object(object)
}

fn value_to_json(value: &Value, kind: &Kind, depth: usize) -> JsonValue {
    if depth > MAX_DEPTH {
        return JsonValue::Null;
    }
    match value {
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::I32(i) => JsonValue::from(*i),
        Value::U32(u) => JsonValue::from(*u),
        Value::I64(i) => JsonValue::String(i.to_string()),
        Value::U64(u) => JsonValue::String(u.to_string()),
        Value::F32(f) => float(f64::from(*f)),
        Value::F64(d) => float(*d),
        Value::String(s) => JsonValue::String(s.clone()),
        Value::Bytes(b) => JsonValue::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(e) => e.get_value(*number).map_or(JsonValue::from(*number), |v| {
                JsonValue::String(v.name().to_string())
            }),
            _ => JsonValue::from(*number),
        },
        Value::Message(inner) => message_at(inner, depth + 1),
        Value::List(items) => JsonValue::Array(
            items
                .iter()
                .map(|item| value_to_json(item, kind, depth + 1))
                .collect(),
        ),
        Value::Map(entries) => {
            let mut object = Map::new();
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (key, entry) in sorted {
                object.insert(key_text(key), value_to_json(entry, kind, depth + 1));
            }
            JsonValue::Object(object)
        }
    }
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

fn float(value: f64) -> JsonValue {
    match Number::from_f64(value) {
        Some(n) => JsonValue::Number(n),
        None if value.is_nan() => JsonValue::String("NaN".to_string()),
        None if value > 0.0 => JsonValue::String("Infinity".to_string()),
        None => JsonValue::String("-Infinity".to_string()),
    }
}
