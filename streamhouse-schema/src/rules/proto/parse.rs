//! A dict made into a Protobuf message, as Confluent's Python deserializer turns a
//! migration's result into the reader's message: `json_format.ParseDict(obj, msg)`
//! (`_sync/protobuf.py`, after `_execute_migrations`).
//!
//! Fields are found by JSON name or by proto name; an unknown field, a field given twice
//! (by both names), two members of one oneof, or a value of the wrong type is an error
//! naming its path. `null` leaves a field unset (in a `google.protobuf.Value`, it is the
//! null value). Integers are read from numbers, from whole floats and from decimal strings,
//! in the field's range; floats from numbers and from `"NaN"`, `"Infinity"`, `"-Infinity"`
//! and decimal strings; bools only from `true`/`false` (map keys from `"true"`/`"false"`);
//! bytes from standard or URL-safe base64, with or without padding; enums from a value
//! name or a number (an undeclared number only for an open enum). Well-known types are
//! read from their JSON forms ([`wkt`](super::wkt)). Nesting is bounded by
//! [`MAX_DEPTH`](super::dict::MAX_DEPTH).

use std::collections::HashMap;

use base64::Engine as _;
use prost_reflect::{
    DynamicMessage, EnumDescriptor, FieldDescriptor, Kind, MapKey, MessageDescriptor, Syntax, Value,
};
use serde_json::{Map, Value as JsonValue};

use super::dict::MAX_DEPTH;
use super::wkt;
use crate::rules::error::RuleError;

/// `json` as a message of `descriptor` (`ParseDict`).
pub(crate) fn dict_to_message(
    json: &JsonValue,
    descriptor: &MessageDescriptor,
) -> Result<DynamicMessage, RuleError> {
    message(json, descriptor, "$", 0)
}

fn error(path: &str, what: impl std::fmt::Display) -> RuleError {
    RuleError::execution(format!("{path}: {what}"))
}

/// Whether an enum rejects numbers it does not declare (a proto2 enum).
pub(super) fn is_closed(descriptor: &EnumDescriptor) -> bool {
    descriptor.parent_file().syntax() == Syntax::Proto2
}

fn kind_of(json: &JsonValue) -> &'static str {
    match json {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "a boolean",
        JsonValue::Number(_) => "a number",
        JsonValue::String(_) => "a string",
        JsonValue::Array(_) => "an array",
        JsonValue::Object(_) => "an object",
    }
}

fn message(
    json: &JsonValue,
    descriptor: &MessageDescriptor,
    path: &str,
    depth: usize,
) -> Result<DynamicMessage, RuleError> {
    if depth > MAX_DEPTH {
        return Err(error(
            path,
            format!("the value nests deeper than {MAX_DEPTH} messages"),
        ));
    }
    if let Some(message) = wkt::from_json(json, descriptor, path, depth)? {
        return Ok(message);
    }
    let JsonValue::Object(object) = json else {
        return Err(error(
            path,
            format!(
                "{} where a message {} belongs",
                kind_of(json),
                descriptor.full_name()
            ),
        ));
    };
    fields(object, descriptor, path, depth)
}

fn fields(
    object: &Map<String, JsonValue>,
    descriptor: &MessageDescriptor,
    path: &str,
    depth: usize,
) -> Result<DynamicMessage, RuleError> {
    let mut out = DynamicMessage::new(descriptor.clone());
    let mut seen: HashMap<u32, &str> = HashMap::new();
    let mut oneofs: HashMap<String, &str> = HashMap::new();
    for (name, value) in object {
        let field_path = format!("{path}.{name}");
        let field = descriptor
            .get_field_by_json_name(name)
            .or_else(|| descriptor.get_field_by_name(name))
            .ok_or_else(|| {
                error(
                    &field_path,
                    format!("{} has no field named {name:?}", descriptor.full_name()),
                )
            })?;
        if let Some(previous) = seen.insert(field.number(), name) {
            return Err(error(
                &field_path,
                format!(
                    "the field {} is given twice ({previous:?} and {name:?})",
                    field.name()
                ),
            ));
        }
        if value.is_null() && !is_value_type(&field) {
            continue;
        }
        if let Some(oneof) = field.containing_oneof().filter(|o| !o.is_synthetic()) {
            if let Some(previous) = oneofs.insert(oneof.name().to_string(), name) {
                return Err(error(
                    &field_path,
                    format!(
                        "the oneof {} is set twice ({previous:?} and {name:?})",
                        oneof.name()
                    ),
                ));
            }
        }
        let parsed = field_value(value, &field, &field_path, depth)?;
        out.try_set_field(&field, parsed)
            .map_err(|e| error(&field_path, e))?;
    }
    Ok(out)
}

/// Whether `null` is a value of the field (a `google.protobuf.Value` or `NullValue`).
fn is_value_type(field: &FieldDescriptor) -> bool {
    if field.is_list() || field.is_map() {
        return false;
    }
    match field.kind() {
        Kind::Message(m) => m.full_name() == "google.protobuf.Value",
        Kind::Enum(e) => e.full_name() == "google.protobuf.NullValue",
        _ => false,
    }
}

fn field_value(
    json: &JsonValue,
    field: &FieldDescriptor,
    path: &str,
    depth: usize,
) -> Result<Value, RuleError> {
    if field.is_map() {
        let JsonValue::Object(object) = json else {
            return Err(error(
                path,
                format!("{} where a map belongs", kind_of(json)),
            ));
        };
        let Kind::Message(entry) = field.kind() else {
            return Err(error(path, "a map field without an entry type"));
        };
        let key_kind = entry.map_entry_key_field().kind();
        let value_field = entry.map_entry_value_field();
        let mut entries = HashMap::with_capacity(object.len());
        for (key, value) in object {
            let entry_path = format!("{path}.{key}");
            let key = map_key(key, &key_kind, &entry_path)?;
            if value.is_null() && !is_value_type(&value_field) {
                return Err(error(&entry_path, "null is not a map value"));
            }
            entries.insert(key, single(value, &value_field.kind(), &entry_path, depth)?);
        }
        return Ok(Value::Map(entries));
    }
    if field.is_list() {
        let JsonValue::Array(items) = json else {
            return Err(error(
                path,
                format!("{} where a repeated field belongs", kind_of(json)),
            ));
        };
        let kind = field.kind();
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if item.is_null()
                && !matches!(&kind, Kind::Message(m) if m.full_name() == "google.protobuf.Value")
            {
                return Err(error(&item_path, "null is not an item of a repeated field"));
            }
            out.push(single(item, &kind, &item_path, depth)?);
        }
        return Ok(Value::List(out));
    }
    single(json, &field.kind(), path, depth)
}

fn single(json: &JsonValue, kind: &Kind, path: &str, depth: usize) -> Result<Value, RuleError> {
    match kind {
        Kind::Message(descriptor) => message(json, descriptor, path, depth + 1).map(Value::Message),
        other => scalar(json, other, path, false),
    }
}

fn map_key(text: &str, kind: &Kind, path: &str) -> Result<MapKey, RuleError> {
    let json = JsonValue::String(text.to_string());
    Ok(match scalar(&json, kind, path, true)? {
        Value::Bool(b) => MapKey::Bool(b),
        Value::I32(i) => MapKey::I32(i),
        Value::I64(i) => MapKey::I64(i),
        Value::U32(u) => MapKey::U32(u),
        Value::U64(u) => MapKey::U64(u),
        Value::String(s) => MapKey::String(s),
        _ => return Err(error(path, "not a valid map key type")),
    })
}

/// A scalar of `kind` (`_ConvertScalarFieldValue`); `key` for a map key, whose bools are
/// the strings `"true"` and `"false"`.
pub(super) fn scalar(
    json: &JsonValue,
    kind: &Kind,
    path: &str,
    key: bool,
) -> Result<Value, RuleError> {
    let mismatch = |expected: &str| {
        let shown = match json {
            JsonValue::Array(_) | JsonValue::Object(_) => String::new(),
            scalar => format!(" ({scalar})"),
        };
        error(
            path,
            format!("{}{shown} does not fit the type {expected}", kind_of(json)),
        )
    };
    Ok(match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(
            integer(json)
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(|| mismatch("int32"))?,
        ),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(
            integer(json)
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| mismatch("uint32"))?,
        ),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(
            integer(json)
                .and_then(|i| i64::try_from(i).ok())
                .ok_or_else(|| mismatch("int64"))?,
        ),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(
            integer(json)
                .and_then(|i| u64::try_from(i).ok())
                .ok_or_else(|| mismatch("uint64"))?,
        ),
        Kind::Double => Value::F64(float(json).ok_or_else(|| mismatch("double"))?),
        Kind::Float => {
            let value = float(json).ok_or_else(|| mismatch("float"))?;
            if value.is_finite() && value.abs() > f64::from(f32::MAX) {
                return Err(mismatch("float (too large)"));
            }
            Value::F32(value as f32)
        }
        Kind::Bool => match (json, key) {
            (JsonValue::Bool(b), false) => Value::Bool(*b),
            (JsonValue::String(s), true) if s == "true" => Value::Bool(true),
            (JsonValue::String(s), true) if s == "false" => Value::Bool(false),
            _ => return Err(mismatch("bool")),
        },
        Kind::String => Value::String(json.as_str().ok_or_else(|| mismatch("string"))?.to_string()),
        Kind::Bytes => {
            let text = json.as_str().ok_or_else(|| mismatch("bytes"))?;
            Value::Bytes(
                base64_bytes(text)
                    .ok_or_else(|| mismatch("bytes (base64)"))?
                    .into(),
            )
        }
        Kind::Enum(descriptor) => Value::EnumNumber(enum_number(json, descriptor, path)?),
        Kind::Message(_) => return Err(mismatch("message")),
    })
}

/// An integer from a number, a whole float, or a decimal string (`_ConvertInteger`).
fn integer(json: &JsonValue) -> Option<i128> {
    match json {
        JsonValue::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| whole(n.as_f64()?)),
        JsonValue::String(s) if !s.contains(' ') => s
            .parse::<i128>()
            .ok()
            .or_else(|| whole(s.parse::<f64>().ok()?)),
        _ => None,
    }
}

fn whole(f: f64) -> Option<i128> {
    // Beyond ±2^100 no integer type fits anyway; the cast is exact below that.
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1.0e30).then_some(f as i128)
}

/// A float from a number or a string (`_ConvertFloat`).
fn float(json: &JsonValue) -> Option<f64> {
    match json {
        JsonValue::Number(n) => n.as_f64(),
        JsonValue::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            text => text.parse::<f64>().ok().filter(|f| f.is_finite()),
        },
        _ => None,
    }
}

/// Standard or URL-safe base64, padded or not.
fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = text.trim_end_matches('=');
    if text.contains(['-', '_']) {
        URL_SAFE_NO_PAD.decode(trimmed).ok()
    } else {
        STANDARD_NO_PAD.decode(trimmed).ok()
    }
}

fn enum_number(
    json: &JsonValue,
    descriptor: &EnumDescriptor,
    path: &str,
) -> Result<i32, RuleError> {
    let undeclared = |what: String| {
        error(
            path,
            format!(
                "{what} is not a value of the enum {}",
                descriptor.full_name()
            ),
        )
    };
    let number = match json {
        JsonValue::String(name) => match descriptor.get_value_by_name(name) {
            Some(value) => return Ok(value.number()),
            None => name
                .parse::<i32>()
                .map_err(|_| undeclared(format!("{name:?}")))?,
        },
        JsonValue::Number(_) => integer(json)
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(|| undeclared(json.to_string()))?,
        other => return Err(undeclared(kind_of(other).to_string())),
    };
    if is_closed(descriptor) && descriptor.get_value(number).is_none() {
        return Err(undeclared(number.to_string()));
    }
    Ok(number)
}
