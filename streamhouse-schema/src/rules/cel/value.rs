//! Messages and field values as CEL values and back (`msg_to_cel` / `_value_to_cel` of
//! Confluent's `cel_executor.py`).

use std::collections::HashMap;
use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use cel::common::traits::Indexer;
use cel::common::types::{CelBool, CelDouble, CelInt, CelNull, CelString, Type, MAP_TYPE};
use cel::common::value::{CowVal, Val};
use cel::objects::{Key, Map};
use cel::{ExecutionError, Value};
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

/// A record (object) bound as `message` to an expression that only reads its fields
/// (`message.<field>`, `has(message.<field>)`): each field is converted when the
/// expression reads it, strings borrowed rather than copied, so a rule that reads two
/// fields of a large message converts two values. Other uses of `message` bind the whole
/// message ([`message_to_cel`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LazyRecord<'a>(MessageRef<'a>);

impl<'a> LazyRecord<'a> {
    /// `message` as a lazy record, if it is an Avro record or a JSON object.
    pub(crate) fn of(message: MessageRef<'a>) -> Option<Self> {
        matches!(
            message,
            MessageRef::Avro(AvroValue::Record(_)) | MessageRef::Json(JsonValue::Object(_))
        )
        .then_some(LazyRecord(message))
    }
}

impl Val for LazyRecord<'_> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(*self)
    }
}

impl Indexer for LazyRecord<'_> {
    fn get<'b, 'w>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        let Some(name) = idx.downcast_ref::<CelString>().map(|s| s.inner()) else {
            return Err(ExecutionError::no_such_key(&format!("{idx:?}")));
        };
        let found = match self.0 {
            MessageRef::Avro(AvroValue::Record(fields)) => fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| avro_to_val(value, 1)),
            MessageRef::Json(JsonValue::Object(fields)) => {
                fields.get(name).map(|value| json_to_val(value, 1))
            }
            _ => None,
        };
        match found {
            Some(value) => value.map(CowVal::Owned),
            None => Err(ExecutionError::no_such_key(name)),
        }
    }

    fn steal<'w>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

/// An Avro value as a CEL value borrowing its strings; compound values through
/// [`avro_to_cel`].
fn avro_to_val(value: &AvroValue, depth: usize) -> Result<Box<dyn Val + '_>, ExecutionError> {
    Ok(match value {
        AvroValue::Null => Box::new(CelNull),
        AvroValue::Boolean(b) => Box::new(CelBool::from(*b)),
        AvroValue::Int(i) => Box::new(CelInt::from(i64::from(*i))),
        AvroValue::Long(l) => Box::new(CelInt::from(*l)),
        AvroValue::Double(d) => Box::new(CelDouble::from(*d)),
        AvroValue::String(s) => Box::new(CelString::from(s.as_str())),
        AvroValue::Union(_, inner) if depth <= MAX_DEPTH => avro_to_val(inner, depth + 1)?,
        other => boxed(avro_to_cel(other, depth))?,
    })
}

/// A JSON value as a CEL value borrowing its strings; compound values through
/// [`json_to_cel`].
fn json_to_val(value: &JsonValue, depth: usize) -> Result<Box<dyn Val + '_>, ExecutionError> {
    Ok(match value {
        JsonValue::String(s) => Box::new(CelString::from(s.as_str())),
        other => boxed(json_to_cel(other, depth))?,
    })
}

/// A converted value as the interpreter's own.
pub(crate) fn boxed(value: Value) -> Result<Box<dyn Val>, ExecutionError> {
    value.try_into()
}

/// A field value as a CEL value, borrowing its string.
pub(crate) fn field_to_val(value: &FieldValue) -> Result<Box<dyn Val + '_>, ExecutionError> {
    Ok(match value {
        FieldValue::String(s) => Box::new(CelString::from(s.as_str())),
        other => boxed(field_to_cel(other))?,
    })
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
