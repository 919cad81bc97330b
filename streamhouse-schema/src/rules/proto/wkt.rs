//! The well-known types' JSON forms, both ways, as Python's `json_format` writes and reads
//! them (`_WKTJSONMETHODS`; `well_known_types.py` `Timestamp.ToJsonString` /
//! `FromJsonString`, `Duration`, `FieldMask`): `Timestamp` as RFC 3339 in UTC with 0, 3, 6
//! or 9 fractional digits (read with any `Z` or `±HH:MM` offset), `Duration` as seconds
//! with an `s` suffix, the wrappers as their value, `Struct`, `Value` and `ListValue` as
//! JSON, `FieldMask` as comma-joined `lowerCamelCase` paths. `Any` is refused both ways.
//! The time types' text is `wkt_time`'s.

use prost_reflect::{DynamicMessage, MessageDescriptor, ReflectMessage, Value};
use serde_json::{Map, Number, Value as JsonValue};

use super::wkt_time::{duration_text, parse_duration, parse_timestamp, timestamp_text};
use crate::rules::error::RuleError;

const WRAPPERS: [&str; 9] = [
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
];

fn error(path: &str, what: impl std::fmt::Display) -> RuleError {
    RuleError::execution(format!("{path}: {what}"))
}

/// The JSON form of `message` if it is a well-known type with one, else `None`.
pub(super) fn to_json(
    message: &DynamicMessage,
    path: &str,
    depth: usize,
) -> Result<Option<JsonValue>, RuleError> {
    let descriptor = message.descriptor();
    let name = descriptor.full_name();
    let int = |field: &str| -> i64 {
        match message.get_field_by_name(field).as_deref() {
            Some(Value::I64(i)) => *i,
            Some(Value::I32(i)) => i64::from(*i),
            _ => 0,
        }
    };
    Ok(Some(match name {
        "google.protobuf.Timestamp" => {
            JsonValue::String(timestamp_text(int("seconds"), int("nanos"), path)?)
        }
        "google.protobuf.Duration" => {
            JsonValue::String(duration_text(int("seconds"), int("nanos"), path)?)
        }
        "google.protobuf.FieldMask" => {
            let paths = match message.get_field_by_name("paths").as_deref() {
                Some(Value::List(items)) => items
                    .iter()
                    .filter_map(|p| p.as_str().map(camel_case))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            JsonValue::String(paths.join(","))
        }
        "google.protobuf.Struct" => struct_to_json(message, path, depth)?,
        "google.protobuf.ListValue" => list_to_json(message, path, depth)?,
        "google.protobuf.Value" => value_to_json(message, path, depth)?,
        "google.protobuf.Any" => {
            return Err(error(
                path,
                "google.protobuf.Any is not converted to JSON for migrations by this client",
            ))
        }
        _ if WRAPPERS.contains(&name) => match descriptor.get_field_by_name("value") {
            Some(field) => {
                super::dict::field_to_json(&field, &message.get_field(&field), path, depth)?
            }
            None => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

fn nested(message: &DynamicMessage, field: &str) -> Option<DynamicMessage> {
    message
        .get_field_by_name(field)
        .and_then(|v| v.as_message().cloned())
}

fn struct_to_json(
    message: &DynamicMessage,
    path: &str,
    depth: usize,
) -> Result<JsonValue, RuleError> {
    let mut object = Map::new();
    if let Some(Value::Map(entries)) = message.get_field_by_name("fields").as_deref() {
        let mut sorted: Vec<_> = entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (key, value) in sorted {
            let key = key.as_str().unwrap_or_default().to_string();
            let value = match value.as_message() {
                Some(v) => value_to_json(v, &format!("{path}.{key}"), depth + 1)?,
                None => JsonValue::Null,
            };
            object.insert(key, value);
        }
    }
    Ok(JsonValue::Object(object))
}

fn list_to_json(
    message: &DynamicMessage,
    path: &str,
    depth: usize,
) -> Result<JsonValue, RuleError> {
    let mut out = Vec::new();
    if let Some(Value::List(items)) = message.get_field_by_name("values").as_deref() {
        for (i, item) in items.iter().enumerate() {
            if let Some(item) = item.as_message() {
                out.push(value_to_json(item, &format!("{path}[{i}]"), depth + 1)?);
            }
        }
    }
    Ok(JsonValue::Array(out))
}

fn value_to_json(
    message: &DynamicMessage,
    path: &str,
    depth: usize,
) -> Result<JsonValue, RuleError> {
    if depth > super::dict::MAX_DEPTH {
        return Err(error(path, "nested too deeply"));
    }
    let descriptor = message.descriptor();
    let set = descriptor.fields().find(|f| message.has_field(f));
    let Some(field) = set else {
        return Err(error(path, "a google.protobuf.Value with no value"));
    };
    Ok(match (field.name(), message.get_field(&field).as_ref()) {
        ("null_value", _) => JsonValue::Null,
        ("number_value", Value::F64(d)) => match Number::from_f64(*d) {
            Some(n) => JsonValue::Number(n),
            None => {
                return Err(error(
                    path,
                    "a google.protobuf.Value cannot hold NaN or Infinity",
                ))
            }
        },
        ("string_value", Value::String(s)) => JsonValue::String(s.clone()),
        ("bool_value", Value::Bool(b)) => JsonValue::Bool(*b),
        ("struct_value", _) => match nested(message, "struct_value") {
            Some(inner) => struct_to_json(&inner, path, depth + 1)?,
            None => JsonValue::Object(Map::new()),
        },
        ("list_value", _) => match nested(message, "list_value") {
            Some(inner) => list_to_json(&inner, path, depth + 1)?,
            None => JsonValue::Array(Vec::new()),
        },
        (other, _) => return Err(error(path, format!("unexpected Value field {other}"))),
    })
}

/// `descriptor`'s message read from the JSON form of a well-known type, if it is one with
/// a JSON form of its own; `None` for other messages (read as objects).
pub(super) fn from_json(
    json: &JsonValue,
    descriptor: &MessageDescriptor,
    path: &str,
    depth: usize,
) -> Result<Option<DynamicMessage>, RuleError> {
    let name = descriptor.full_name();
    let mut message = DynamicMessage::new(descriptor.clone());
    let set = |message: &mut DynamicMessage, field: &str, value: Value| {
        let Some(field) = descriptor.get_field_by_name(field) else {
            return Err(error(path, format!("{name} has no field {field}")));
        };
        message
            .try_set_field(&field, value)
            .map_err(|e| error(path, e))
    };
    match name {
        "google.protobuf.Timestamp" => {
            let text = json
                .as_str()
                .ok_or_else(|| error(path, "a Timestamp must be an RFC 3339 string"))?;
            let (seconds, nanos) = parse_timestamp(text).ok_or_else(|| {
                error(
                    path,
                    format!("{text:?} is not an RFC 3339 timestamp in range"),
                )
            })?;
            set(&mut message, "seconds", Value::I64(seconds))?;
            set(&mut message, "nanos", Value::I32(nanos))?;
        }
        "google.protobuf.Duration" => {
            let text = json
                .as_str()
                .ok_or_else(|| error(path, "a Duration must be a string like \"1.5s\""))?;
            let (seconds, nanos) = parse_duration(text)
                .ok_or_else(|| error(path, format!("{text:?} is not a Duration in range")))?;
            set(&mut message, "seconds", Value::I64(seconds))?;
            set(&mut message, "nanos", Value::I32(nanos))?;
        }
        "google.protobuf.FieldMask" => {
            let text = json
                .as_str()
                .ok_or_else(|| error(path, "a FieldMask must be a string"))?;
            let paths = text
                .split(',')
                .filter(|p| !p.is_empty())
                .map(|p| Value::String(snake_case(p)))
                .collect();
            set(&mut message, "paths", Value::List(paths))?;
        }
        "google.protobuf.Struct" => {
            let object = json
                .as_object()
                .ok_or_else(|| error(path, "a Struct must be an object"))?;
            return struct_from_json(object, descriptor, path, depth).map(Some);
        }
        "google.protobuf.ListValue" => {
            let items = json
                .as_array()
                .ok_or_else(|| error(path, "a ListValue must be an array"))?;
            return list_from_json(items, descriptor, path, depth).map(Some);
        }
        "google.protobuf.Value" => return value_from_json(json, descriptor, path, depth).map(Some),
        "google.protobuf.Any" => {
            return Err(error(
                path,
                "google.protobuf.Any is not read from JSON for migrations by this client",
            ))
        }
        _ if WRAPPERS.contains(&name) => {
            let Some(field) = descriptor.get_field_by_name("value") else {
                return Ok(None);
            };
            let value = super::parse::scalar(json, &field.kind(), path, false)?;
            message
                .try_set_field(&field, value)
                .map_err(|e| error(path, e))?;
        }
        _ => return Ok(None),
    }
    Ok(Some(message))
}

/// The descriptor of field `field` of `descriptor`'s message type, for Struct/Value.
fn message_kind(descriptor: &MessageDescriptor, field: &str) -> Option<MessageDescriptor> {
    descriptor
        .get_field_by_name(field)
        .and_then(|f| f.kind().as_message().cloned())
}

fn struct_from_json(
    object: &Map<String, JsonValue>,
    descriptor: &MessageDescriptor,
    path: &str,
    depth: usize,
) -> Result<DynamicMessage, RuleError> {
    let missing = || error(path, "google.protobuf.Struct is not the well-known type");
    let fields = descriptor.get_field_by_name("fields").ok_or_else(missing)?;
    let value_type = match fields.kind() {
        prost_reflect::Kind::Message(entry) => entry
            .map_entry_value_field()
            .kind()
            .as_message()
            .cloned()
            .ok_or_else(missing)?,
        _ => return Err(missing()),
    };
    let mut entries = std::collections::HashMap::new();
    for (key, value) in object {
        let inner = value_from_json(value, &value_type, &format!("{path}.{key}"), depth + 1)?;
        entries.insert(
            prost_reflect::MapKey::String(key.clone()),
            Value::Message(inner),
        );
    }
    let mut message = DynamicMessage::new(descriptor.clone());
    message
        .try_set_field(&fields, Value::Map(entries))
        .map_err(|e| error(path, e))?;
    Ok(message)
}

fn list_from_json(
    items: &[JsonValue],
    descriptor: &MessageDescriptor,
    path: &str,
    depth: usize,
) -> Result<DynamicMessage, RuleError> {
    let missing = || error(path, "google.protobuf.ListValue is not the well-known type");
    let values = descriptor.get_field_by_name("values").ok_or_else(missing)?;
    let value_type = values.kind().as_message().cloned().ok_or_else(missing)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(Value::Message(value_from_json(
            item,
            &value_type,
            &format!("{path}[{i}]"),
            depth + 1,
        )?));
    }
    let mut message = DynamicMessage::new(descriptor.clone());
    message
        .try_set_field(&values, Value::List(out))
        .map_err(|e| error(path, e))?;
    Ok(message)
}

fn value_from_json(
    json: &JsonValue,
    descriptor: &MessageDescriptor,
    path: &str,
    depth: usize,
) -> Result<DynamicMessage, RuleError> {
    if depth > super::dict::MAX_DEPTH {
        return Err(error(path, "nested too deeply"));
    }
    let mut message = DynamicMessage::new(descriptor.clone());
    let (field, value) = match json {
        JsonValue::Null => ("null_value", Value::EnumNumber(0)),
        JsonValue::Bool(b) => ("bool_value", Value::Bool(*b)),
        JsonValue::Number(n) => ("number_value", Value::F64(n.as_f64().unwrap_or(f64::NAN))),
        JsonValue::String(s) => ("string_value", Value::String(s.clone())),
        JsonValue::Object(object) => {
            let kind = message_kind(descriptor, "struct_value")
                .ok_or_else(|| error(path, "google.protobuf.Value is not the well-known type"))?;
            let inner = struct_from_json(object, &kind, path, depth + 1)?;
            ("struct_value", Value::Message(inner))
        }
        JsonValue::Array(items) => {
            let kind = message_kind(descriptor, "list_value")
                .ok_or_else(|| error(path, "google.protobuf.Value is not the well-known type"))?;
            let inner = list_from_json(items, &kind, path, depth + 1)?;
            ("list_value", Value::Message(inner))
        }
    };
    let field = descriptor
        .get_field_by_name(field)
        .ok_or_else(|| error(path, "google.protobuf.Value is not the well-known type"))?;
    message
        .try_set_field(&field, value)
        .map_err(|e| error(path, e))?;
    Ok(message)
}

/// `lower_snake` → `lowerCamel`, as `FieldMask.ToJsonString` writes paths.
fn camel_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `lowerCamel` → `lower_snake`, as `FieldMask.FromJsonString` reads paths.
fn snake_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
