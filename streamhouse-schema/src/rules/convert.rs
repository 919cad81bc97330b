//! Conversions between Avro values and JSON, guided by the Avro schema.
//!
//! Avro → JSON is what the DLQ writes and what JSON-based executors (JSONata migrations,
//! CEL message transforms) read; JSON → Avro checks their results back into the schema,
//! the way fastavro takes a Python dict (a union takes the first branch the value fits;
//! a missing record field takes its default).

use std::collections::HashMap;

use apache_avro::types::Value as AvroValue;
use apache_avro::Schema as AvroSchema;
use serde_json::{Number, Value as JsonValue};

use super::error::RuleError;
use super::message::Message;

/// How deep values are converted (deeper values are an error, not a stack overflow).
const MAX_DEPTH: usize = 128;

/// A message as JSON (Avro values through [`avro_to_json`], Protobuf messages in the
/// proto3 JSON mapping's shape).
pub fn message_to_json(message: &Message) -> JsonValue {
    match message {
        Message::Avro(value) => avro_to_json(value),
        Message::Json(value) => value.clone(),
        Message::Protobuf(value) => super::proto::json::message_to_json(&value.message),
    }
}

/// An Avro value as JSON: records as objects, unions as their branch's value, bytes and
/// fixed as ISO-8859-1 strings (one char per byte, as Confluent's DLQ and Avro's JSON
/// encoding write them), enums as their symbol, logical types as their underlying number
/// or string. Non-finite floats become `null` (JSON has none).
pub fn avro_to_json(value: &AvroValue) -> JsonValue {
    avro_to_json_at(value, 0)
}

fn avro_to_json_at(value: &AvroValue, depth: usize) -> JsonValue {
    if depth > MAX_DEPTH {
        return JsonValue::Null;
    }
    let float = |f: f64| Number::from_f64(f).map_or(JsonValue::Null, JsonValue::Number);
    match value {
        AvroValue::Null => JsonValue::Null,
        AvroValue::Boolean(b) => JsonValue::Bool(*b),
        AvroValue::Int(i) | AvroValue::Date(i) | AvroValue::TimeMillis(i) => JsonValue::from(*i),
        AvroValue::Long(l)
        | AvroValue::TimeMicros(l)
        | AvroValue::TimestampMillis(l)
        | AvroValue::TimestampMicros(l)
        | AvroValue::TimestampNanos(l)
        | AvroValue::LocalTimestampMillis(l)
        | AvroValue::LocalTimestampMicros(l)
        | AvroValue::LocalTimestampNanos(l) => JsonValue::from(*l),
        AvroValue::Float(f) => float(f64::from(*f)),
        AvroValue::Double(d) => float(*d),
        AvroValue::Bytes(b) | AvroValue::Fixed(_, b) => JsonValue::String(latin1(b)),
        AvroValue::String(s) => JsonValue::String(s.clone()),
        AvroValue::Enum(_, symbol) => JsonValue::String(symbol.clone()),
        AvroValue::Union(_, inner) => avro_to_json_at(inner, depth + 1),
        AvroValue::Array(items) => JsonValue::Array(
            items
                .iter()
                .map(|item| avro_to_json_at(item, depth + 1))
                .collect(),
        ),
        AvroValue::Map(entries) => JsonValue::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), avro_to_json_at(v, depth + 1)))
                .collect(),
        ),
        AvroValue::Record(fields) => JsonValue::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), avro_to_json_at(v, depth + 1)))
                .collect(),
        ),
        AvroValue::Decimal(d) => match Vec::<u8>::try_from(d) {
            Ok(bytes) => JsonValue::String(latin1(&bytes)),
            Err(_) => JsonValue::Null,
        },
        AvroValue::BigDecimal(d) => JsonValue::String(d.to_string()),
        AvroValue::Uuid(u) => JsonValue::String(u.to_string()),
        AvroValue::Duration(d) => {
            let bytes: [u8; 12] = (*d).into();
            JsonValue::String(latin1(&bytes))
        }
    }
}

/// Bytes as an ISO-8859-1 string.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// An ISO-8859-1 string as bytes; `None` if a char is above U+00FF.
fn from_latin1(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// A JSON value as an Avro value of `schema`, `names` resolving references. An error
/// names the path where the value does not fit.
pub fn json_to_avro(
    json: &JsonValue,
    schema: &AvroSchema,
    names: &HashMap<String, AvroSchema>,
) -> Result<AvroValue, RuleError> {
    to_avro(json, schema, names, "$", 0)
}

fn to_avro(
    json: &JsonValue,
    schema: &AvroSchema,
    names: &HashMap<String, AvroSchema>,
    path: &str,
    depth: usize,
) -> Result<AvroValue, RuleError> {
    if depth > MAX_DEPTH {
        return Err(RuleError::execution(format!("{path}: nested too deeply")));
    }
    let mismatch = |expected: &str| {
        RuleError::execution(format!(
            "{path}: {} does not fit the Avro type {expected}",
            short(json)
        ))
    };
    let int = |json: &JsonValue| json.as_i64().or_else(|| whole(json.as_f64()?));
    Ok(match schema {
        AvroSchema::Null => match json {
            JsonValue::Null => AvroValue::Null,
            _ => return Err(mismatch("null")),
        },
        AvroSchema::Boolean => {
            AvroValue::Boolean(json.as_bool().ok_or_else(|| mismatch("boolean"))?)
        }
        AvroSchema::Int | AvroSchema::Date | AvroSchema::TimeMillis => {
            let i = int(json)
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(|| mismatch("int"))?;
            match schema {
                AvroSchema::Date => AvroValue::Date(i),
                AvroSchema::TimeMillis => AvroValue::TimeMillis(i),
                _ => AvroValue::Int(i),
            }
        }
        AvroSchema::Long
        | AvroSchema::TimeMicros
        | AvroSchema::TimestampMillis
        | AvroSchema::TimestampMicros
        | AvroSchema::TimestampNanos
        | AvroSchema::LocalTimestampMillis
        | AvroSchema::LocalTimestampMicros
        | AvroSchema::LocalTimestampNanos => {
            let l = int(json).ok_or_else(|| mismatch("long"))?;
            match schema {
                AvroSchema::TimeMicros => AvroValue::TimeMicros(l),
                AvroSchema::TimestampMillis => AvroValue::TimestampMillis(l),
                AvroSchema::TimestampMicros => AvroValue::TimestampMicros(l),
                AvroSchema::TimestampNanos => AvroValue::TimestampNanos(l),
                AvroSchema::LocalTimestampMillis => AvroValue::LocalTimestampMillis(l),
                AvroSchema::LocalTimestampMicros => AvroValue::LocalTimestampMicros(l),
                AvroSchema::LocalTimestampNanos => AvroValue::LocalTimestampNanos(l),
                _ => AvroValue::Long(l),
            }
        }
        AvroSchema::Float => {
            AvroValue::Float(json.as_f64().ok_or_else(|| mismatch("float"))? as f32)
        }
        AvroSchema::Double => AvroValue::Double(json.as_f64().ok_or_else(|| mismatch("double"))?),
        AvroSchema::Bytes => AvroValue::Bytes(
            json.as_str()
                .and_then(from_latin1)
                .ok_or_else(|| mismatch("bytes"))?,
        ),
        AvroSchema::String => {
            AvroValue::String(json.as_str().ok_or_else(|| mismatch("string"))?.to_string())
        }
        AvroSchema::Uuid(_) => {
            let text = json.as_str().ok_or_else(|| mismatch("uuid"))?;
            match text.parse() {
                Ok(uuid) => AvroValue::Uuid(uuid),
                Err(_) => return Err(mismatch("uuid")),
            }
        }
        AvroSchema::Decimal(_) => AvroValue::Decimal(
            json.as_str()
                .and_then(from_latin1)
                .ok_or_else(|| mismatch("decimal"))?
                .into(),
        ),
        AvroSchema::Fixed(fixed) => {
            let bytes = json
                .as_str()
                .and_then(from_latin1)
                .filter(|b| b.len() == fixed.size)
                .ok_or_else(|| mismatch(&format!("fixed({})", fixed.size)))?;
            AvroValue::Fixed(fixed.size, bytes)
        }
        AvroSchema::Enum(e) => {
            let symbol = json.as_str().ok_or_else(|| mismatch("enum"))?;
            let index = e
                .symbols
                .iter()
                .position(|s| s == symbol)
                .ok_or_else(|| mismatch(&format!("enum {}", e.name.fullname(None))))?;
            AvroValue::Enum(index as u32, symbol.to_string())
        }
        AvroSchema::Array(array) => {
            let items = json.as_array().ok_or_else(|| mismatch("array"))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(to_avro(
                    item,
                    &array.items,
                    names,
                    &format!("{path}[{i}]"),
                    depth + 1,
                )?);
            }
            AvroValue::Array(out)
        }
        AvroSchema::Map(map) => {
            let entries = json.as_object().ok_or_else(|| mismatch("map"))?;
            let mut out = HashMap::with_capacity(entries.len());
            for (k, v) in entries {
                out.insert(
                    k.clone(),
                    to_avro(v, &map.types, names, &format!("{path}.{k}"), depth + 1)?,
                );
            }
            AvroValue::Map(out)
        }
        AvroSchema::Record(record) => {
            let object = json
                .as_object()
                .ok_or_else(|| mismatch(&record.name.fullname(None)))?;
            let mut out = Vec::with_capacity(record.fields.len());
            for field in &record.fields {
                let field_path = format!("{path}.{}", field.name);
                let value = match (object.get(&field.name), &field.default) {
                    (Some(v), _) => to_avro(v, &field.schema, names, &field_path, depth + 1)?,
                    (None, Some(default)) => {
                        default_value(default, &field.schema, names, &field_path, depth)?
                    }
                    (None, None) => {
                        return Err(RuleError::execution(format!(
                            "{field_path}: missing, and the field has no default"
                        )))
                    }
                };
                out.push((field.name.clone(), value));
            }
            AvroValue::Record(out)
        }
        AvroSchema::Union(union) => {
            for (i, variant) in union.variants().iter().enumerate() {
                if let Ok(value) = to_avro(json, variant, names, path, depth + 1) {
                    return Ok(AvroValue::Union(i as u32, Box::new(value)));
                }
            }
            return Err(mismatch("union"));
        }
        AvroSchema::Ref { name } => {
            let named = names.get(&name.fullname(None)).ok_or_else(|| {
                RuleError::execution(format!("{path}: unknown type {}", name.fullname(None)))
            })?;
            return to_avro(json, named, names, path, depth + 1);
        }
        AvroSchema::BigDecimal | AvroSchema::Duration(_) => {
            return Err(RuleError::Unsupported(format!(
                "{path}: big-decimal and duration values are not converted from JSON"
            )))
        }
    })
}

/// A field's default: for a union, of its first branch (the Avro specification).
fn default_value(
    default: &JsonValue,
    schema: &AvroSchema,
    names: &HashMap<String, AvroSchema>,
    path: &str,
    depth: usize,
) -> Result<AvroValue, RuleError> {
    if let AvroSchema::Union(union) = schema {
        if let Some(first) = union.variants().first() {
            let value = to_avro(default, first, names, path, depth + 1)?;
            return Ok(AvroValue::Union(0, Box::new(value)));
        }
    }
    to_avro(default, schema, names, path, depth + 1)
}

/// A float with no fractional part as an integer.
fn whole(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// A value's kind for errors.
fn short(json: &JsonValue) -> &'static str {
    match json {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "a boolean",
        JsonValue::Number(_) => "a number",
        JsonValue::String(_) => "a string",
        JsonValue::Array(_) => "an array",
        JsonValue::Object(_) => "an object",
    }
}
