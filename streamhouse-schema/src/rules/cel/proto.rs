//! A Protobuf message as a CEL value, as Confluent's Python executor binds one
//! (`MessageType` / `_field_to_cel` of `rules/cel/constraints.py`).
//!
//! A message is a map from field names to values, every field present: a field that is not
//! set reads as its zero value (a default scalar, an empty message, `null` for a wrapper),
//! as Python's `MessageType` answers a read of it. CEL's `has()` is therefore true for every
//! field here (Python's answers false for an unset one). Enums are their
//! number (`int`), the unsigned integer types `uint`, the signed ones `int`, `float` and
//! `double` CEL doubles, repeated fields lists, map fields maps. The wrappers
//! (`google.protobuf.StringValue`, ...) are their wrapped value; `Timestamp` and
//! `Duration` are maps of their fields (CEL timestamps need the `cel` crate's `chrono`
//! feature, which this client does not enable).

use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::Value;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage, Value as ProtoValue,
};

/// How deep values are converted (deeper ones become null).
const MAX_DEPTH: usize = 128;

/// The wrapper types bound as the value they wrap (`_MSG_TYPE_URL_TO_CTOR`).
pub(super) const WRAPPERS: [&str; 9] = [
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
    "google.protobuf.Int32Value",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.FloatValue",
    "google.protobuf.DoubleValue",
    "google.protobuf.BoolValue",
];

/// `message` as a CEL map (a wrapper as its value).
pub(crate) fn message_to_cel(message: &DynamicMessage) -> Value {
    message_at(message, None, false, 0)
}

/// `message` as a map of all its fields. An unset field with presence reads as its zero
/// value (`MessageType.__getitem__`): a default scalar, an empty message (whose own unset
/// message fields are `null`, so recursive types stay finite), `null` for a wrapper.
fn message_at(
    message: &DynamicMessage,
    only: Option<&[String]>,
    zero: bool,
    depth: usize,
) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let descriptor = message.descriptor();
    if WRAPPERS.contains(&descriptor.full_name()) {
        return descriptor.get_field(1).map_or(Value::Null, |field| {
            value_to_cel(&message.get_field(&field), depth + 1)
        });
    }
    let mut map = HashMap::new();
    for field in descriptor.fields() {
        if only.is_some_and(|names| !names.iter().any(|n| n == field.name())) {
            continue;
        }
        let value = field_at(message, &field, zero, depth);
        map.insert(Key::String(Arc::new(field.name().to_string())), value);
    }
    Value::Map(Map { map: Arc::new(map) })
}

/// Field `field` of `message` as `message` binds it.
pub(super) fn field_to_cel(message: &DynamicMessage, field: &FieldDescriptor) -> Value {
    field_at(message, field, false, 0)
}

fn field_at(message: &DynamicMessage, field: &FieldDescriptor, zero: bool, depth: usize) -> Value {
    let unset = field.supports_presence() && !message.has_field(field);
    match field.kind() {
        Kind::Message(inner) if unset && !field.is_list() => {
            if zero || WRAPPERS.contains(&inner.full_name()) {
                Value::Null
            } else {
                message_at(&DynamicMessage::new(inner), None, true, depth + 1)
            }
        }
        _ => value_to_cel(&message.get_field(field), depth + 1),
    }
}

fn value_to_cel(value: &ProtoValue, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match value {
        ProtoValue::Bool(b) => Value::Bool(*b),
        ProtoValue::I32(i) | ProtoValue::EnumNumber(i) => Value::Int(i64::from(*i)),
        ProtoValue::I64(i) => Value::Int(*i),
        ProtoValue::U32(u) => Value::UInt(u64::from(*u)),
        ProtoValue::U64(u) => Value::UInt(*u),
        ProtoValue::F32(f) => Value::Float(f64::from(*f)),
        ProtoValue::F64(d) => Value::Float(*d),
        ProtoValue::String(s) => Value::String(Arc::new(s.clone())),
        ProtoValue::Bytes(b) => Value::Bytes(Arc::new(b.to_vec())),
        ProtoValue::Message(inner) => message_at(inner, None, false, depth + 1),
        ProtoValue::List(items) => Value::List(Arc::new(
            items
                .iter()
                .map(|item| value_to_cel(item, depth + 1))
                .collect(),
        )),
        ProtoValue::Map(entries) => {
            let map: HashMap<Key, Value> = entries
                .iter()
                .map(|(k, v)| (key(k), value_to_cel(v, depth + 1)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

fn key(key: &MapKey) -> Key {
    match key {
        MapKey::Bool(b) => Key::Bool(*b),
        MapKey::I32(i) => Key::Int(i64::from(*i)),
        MapKey::I64(i) => Key::Int(*i),
        MapKey::U32(u) => Key::Uint(u64::from(*u)),
        MapKey::U64(u) => Key::Uint(*u),
        MapKey::String(s) => Key::String(Arc::new(s.clone())),
    }
}
