//! Messages and field values as CEL values and back (`msg_to_cel` / `_value_to_cel` of
//! Confluent's `cel_executor.py`).

use std::collections::HashMap;
use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use cel::objects::{Key, Map};
use cel::Value;
use serde_json::Value as JsonValue;

use crate::rules::error::RuleError;
use crate::rules::field::FieldValue;
use crate::rules::message::MessageRef;

/// How deep values are converted (deeper ones become null).
const MAX_DEPTH: usize = 128;

/// A message (or record) as a CEL value.
pub(crate) fn message_to_cel(message: MessageRef<'_>) -> Value {
    match message {
        MessageRef::Avro(value) => avro_to_cel(value, 0),
        MessageRef::Json(value) => json_to_cel(value, 0),
        MessageRef::Protobuf(message) => super::proto::message_to_cel(message),
    }
}

/// The fields `fields` of a record (object) as a CEL map; other values whole.
pub(crate) fn message_fields_to_cel(message: MessageRef<'_>, fields: &[String]) -> Value {
    match message {
        MessageRef::Avro(AvroValue::Record(entries)) => map(entries
            .iter()
            .filter(|(k, _)| fields.iter().any(|f| f == k))
            .map(|(k, v)| (k.as_str(), avro_to_cel(v, 1)))),
        MessageRef::Json(JsonValue::Object(entries)) => map(entries
            .iter()
            .filter(|(k, _)| fields.iter().any(|f| f == *k))
            .map(|(k, v)| (k.as_str(), json_to_cel(v, 1)))),
        MessageRef::Protobuf(message) => super::proto::message_fields_to_cel(message, fields),
        other => message_to_cel(other),
    }
}

/// An Avro value as CEL: records and maps as maps, arrays as lists, unions as their
/// branch, enums as their symbol, fixed as bytes, logical types as their underlying
/// int/long/string (Python's client binds dates as days too; it binds timestamps as CEL
/// timestamps, which this client does not).
fn avro_to_cel(value: &AvroValue, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match value {
        AvroValue::Null => Value::Null,
        AvroValue::Boolean(b) => Value::Bool(*b),
        AvroValue::Int(i) | AvroValue::Date(i) | AvroValue::TimeMillis(i) => {
            Value::Int(i64::from(*i))
        }
        AvroValue::Long(l)
        | AvroValue::TimeMicros(l)
        | AvroValue::TimestampMillis(l)
        | AvroValue::TimestampMicros(l)
        | AvroValue::TimestampNanos(l)
        | AvroValue::LocalTimestampMillis(l)
        | AvroValue::LocalTimestampMicros(l)
        | AvroValue::LocalTimestampNanos(l) => Value::Int(*l),
        AvroValue::Float(f) => Value::Float(f64::from(*f)),
        AvroValue::Double(d) => Value::Float(*d),
        AvroValue::Bytes(b) | AvroValue::Fixed(_, b) => Value::Bytes(Arc::new(b.clone())),
        AvroValue::String(s) => Value::String(Arc::new(s.clone())),
        AvroValue::Enum(_, symbol) => Value::String(Arc::new(symbol.clone())),
        AvroValue::Union(_, inner) => avro_to_cel(inner, depth + 1),
        AvroValue::Array(items) => Value::List(Arc::new(
            items
                .iter()
                .map(|item| avro_to_cel(item, depth + 1))
                .collect(),
        )),
        AvroValue::Map(entries) => map(entries
            .iter()
            .map(|(k, v)| (k.as_str(), avro_to_cel(v, depth + 1)))),
        AvroValue::Record(fields) => map(fields
            .iter()
            .map(|(k, v)| (k.as_str(), avro_to_cel(v, depth + 1)))),
        AvroValue::Uuid(u) => Value::String(Arc::new(u.to_string())),
        AvroValue::Decimal(d) => match Vec::<u8>::try_from(d) {
            Ok(bytes) => Value::Bytes(Arc::new(bytes)),
            Err(_) => Value::Null,
        },
        AvroValue::BigDecimal(d) => Value::String(Arc::new(d.to_string())),
        AvroValue::Duration(d) => {
            let bytes: [u8; 12] = (*d).into();
            Value::Bytes(Arc::new(bytes.to_vec()))
        }
    }
}

fn map<'a>(entries: impl Iterator<Item = (&'a str, Value)>) -> Value {
    let map: HashMap<Key, Value> = entries
        .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}

/// A JSON value as CEL (integers as int, other numbers as double).
fn json_to_cel(value: &JsonValue, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match value {
        JsonValue::Null => Value::Null,
        JsonValue::Bool(b) => Value::Bool(*b),
        JsonValue::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        JsonValue::String(s) => Value::String(Arc::new(s.clone())),
        JsonValue::Array(items) => Value::List(Arc::new(
            items
                .iter()
                .map(|item| json_to_cel(item, depth + 1))
                .collect(),
        )),
        JsonValue::Object(entries) => map(entries
            .iter()
            .map(|(k, v)| (k.as_str(), json_to_cel(v, depth + 1)))),
    }
}

/// A field value as CEL.
pub(crate) fn field_to_cel(value: &FieldValue) -> Value {
    match value {
        FieldValue::Null => Value::Null,
        FieldValue::Bool(b) => Value::Bool(*b),
        FieldValue::Int(i) => Value::Int(*i),
        FieldValue::Double(d) => Value::Float(*d),
        FieldValue::String(s) => Value::String(Arc::new(s.clone())),
        FieldValue::Bytes(b) => Value::Bytes(Arc::new(b.clone())),
    }
}

/// A CEL result as a field value; lists, maps and other kinds are an error.
pub(crate) fn cel_to_field(value: &Value) -> Result<FieldValue, RuleError> {
    Ok(match value {
        Value::Null => FieldValue::Null,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Int(i) => FieldValue::Int(*i),
        Value::UInt(u) => FieldValue::Int(
            i64::try_from(*u)
                .map_err(|_| RuleError::execution(format!("CEL result {u} is out of range")))?,
        ),
        Value::Float(f) => FieldValue::Double(*f),
        Value::String(s) => FieldValue::String(s.to_string()),
        Value::Bytes(b) => FieldValue::Bytes(b.to_vec()),
        other => {
            return Err(RuleError::execution(format!(
                "a CEL_FIELD transform returned {}, not a primitive value",
                other.type_of()
            )))
        }
    })
}

/// A CEL result as JSON (bytes as ISO-8859-1 strings, as [`avro_to_json`] writes them, so
/// that they convert back into Avro bytes).
///
/// [`avro_to_json`]: crate::rules::convert::avro_to_json
pub(crate) fn cel_to_json(value: &Value, depth: usize) -> Result<JsonValue, RuleError> {
    if depth > MAX_DEPTH {
        return Err(RuleError::execution("the CEL result is nested too deeply"));
    }
    Ok(match value {
        Value::Null => JsonValue::Null,
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::Int(i) => JsonValue::from(*i),
        Value::UInt(u) => JsonValue::from(*u),
        Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(JsonValue::Null, JsonValue::Number)
        }
        Value::String(s) => JsonValue::String(s.to_string()),
        Value::Bytes(b) => JsonValue::String(b.iter().map(|&c| char::from(c)).collect()),
        Value::List(items) => JsonValue::Array(
            items
                .iter()
                .map(|item| cel_to_json(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let mut object = serde_json::Map::new();
            for (k, v) in m.map.iter() {
                let key = match k {
                    Key::String(s) => s.to_string(),
                    Key::Int(i) => i.to_string(),
                    Key::Uint(u) => u.to_string(),
                    Key::Bool(b) => b.to_string(),
                };
                object.insert(key, cel_to_json(v, depth + 1)?);
            }
            JsonValue::Object(object)
        }
        other => {
            return Err(RuleError::execution(format!(
                "a CEL transform returned {}, which has no JSON form",
                other.type_of()
            )))
        }
    })
}

/// Python's truthiness of a CEL result, as `if not result` judges a CONDITION.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::Int(i) => *i != 0,
        Value::UInt(u) => *u != 0,
        Value::Float(f) => *f != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.map.is_empty(),
        _ => true,
    }
}
