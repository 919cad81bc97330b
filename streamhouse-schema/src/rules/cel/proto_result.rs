//! A `CEL` TRANSFORM's result on a Protobuf message, made back into the message.
//!
//! Confluent's Go and Java executors declare the message's type in the CEL environment
//! (`cel.Types(msg)` in `rules/cel/cel_executor.go`), so a TRANSFORM returns a message of
//! that type (`message` itself, or one built in the expression), which replaces the record's
//! message; Python's executor returns its CEL map, which its Protobuf serializer cannot
//! write. The `cel` crate has no Protobuf types, so here `message` is bound as a map of its
//! fields by proto name ([`message_to_cel`](super::proto::message_to_cel)) and the result
//! must be such a map: each entry sets the field of that name, converted to the field's
//! type (messages from maps, wrappers from their value, repeated fields from lists, map
//! fields from maps, enums from numbers); `null` or a missing entry leaves a field unset.
//! A field whose value is what it was bound as keeps its original state (an unset field
//! read as its zero value stays unset), and unknown fields of the original survive, so
//! `message` returned as is changes nothing. A result that is not a map, names a field the
//! message does not have or holds a value of the wrong type is an error naming the path.

use std::collections::HashMap;

use cel::objects::Key;
use cel::Value;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage,
    Value as ProtoValue,
};

use super::proto::{field_to_cel, WRAPPERS};
use crate::rules::error::RuleError;

/// How deep results nest (deeper is an error).
const MAX_DEPTH: usize = 64;

/// `result` as a message of `original`'s type, `original` giving the state of fields the
/// result leaves as they were bound.
pub(crate) fn cel_to_message(
    result: &Value,
    original: &DynamicMessage,
) -> Result<DynamicMessage, RuleError> {
    message(result, &original.descriptor(), Some(original), "message", 0)
}

fn error(path: &str, what: impl std::fmt::Display) -> RuleError {
    RuleError::execution(format!(
        "the CEL result does not fit the message: {path}: {what}"
    ))
}

fn message(
    value: &Value,
    descriptor: &MessageDescriptor,
    original: Option<&DynamicMessage>,
    path: &str,
    depth: usize,
) -> Result<DynamicMessage, RuleError> {
    if depth > MAX_DEPTH {
        return Err(error(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if WRAPPERS.contains(&descriptor.full_name()) {
        let mut out = DynamicMessage::new(descriptor.clone());
        if let Some(field) = descriptor.get_field(1) {
            let wrapped = scalar(value, &field.kind(), path)?;
            out.try_set_field(&field, wrapped)
                .map_err(|e| error(path, e))?;
        }
        return Ok(out);
    }
    let Value::Map(map) = value else {
        return Err(error(
            path,
            format!(
                "a {} where a message {} belongs",
                value.type_of(),
                descriptor.full_name()
            ),
        ));
    };
    // Unknown fields of the original are kept; its known fields are replaced.
    let mut out = original
        .cloned()
        .unwrap_or_else(|| DynamicMessage::new(descriptor.clone()));
    for field in descriptor.fields() {
        out.clear_field(&field);
    }
    for (key, entry) in map.map.iter() {
        let Key::String(name) = key else {
            return Err(error(path, format!("the key {key:?} is not a field name")));
        };
        let field_path = format!("{path}.{name}");
        let field = descriptor.get_field_by_name(name).ok_or_else(|| {
            error(
                &field_path,
                format!("{} has no field {name}", descriptor.full_name()),
            )
        })?;
        if let Some(original) = original {
            if *entry == field_to_cel(original, &field) {
                if original.has_field(&field) {
                    out.try_set_field(&field, original.get_field(&field).into_owned())
                        .map_err(|e| error(&field_path, e))?;
                }
                continue;
            }
        }
        if matches!(entry, Value::Null) {
            continue;
        }
        let nested = original
            .filter(|o| o.has_field(&field))
            .and_then(|o| o.get_field(&field).as_message().cloned());
        let converted = field_value(entry, &field, nested.as_ref(), &field_path, depth)?;
        out.try_set_field(&field, converted)
            .map_err(|e| error(&field_path, e))?;
    }
    Ok(out)
}

fn field_value(
    value: &Value,
    field: &FieldDescriptor,
    original: Option<&DynamicMessage>,
    path: &str,
    depth: usize,
) -> Result<ProtoValue, RuleError> {
    if field.is_map() {
        let Value::Map(map) = value else {
            return Err(error(
                path,
                format!("a {} where a map belongs", value.type_of()),
            ));
        };
        let Kind::Message(entry) = field.kind() else {
            return Err(error(path, "a map field without an entry type"));
        };
        let key_kind = entry.map_entry_key_field().kind();
        let value_kind = entry.map_entry_value_field().kind();
        let mut out = HashMap::with_capacity(map.map.len());
        for (key, item) in map.map.iter() {
            let item_path = format!("{path}[{key:?}]");
            out.insert(
                map_key(key, &key_kind, &item_path)?,
                single(item, &value_kind, None, &item_path, depth)?,
            );
        }
        return Ok(ProtoValue::Map(out));
    }
    if field.is_list() {
        let Value::List(items) = value else {
            return Err(error(
                path,
                format!("a {} where a repeated field belongs", value.type_of()),
            ));
        };
        let kind = field.kind();
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(single(item, &kind, None, &format!("{path}[{i}]"), depth)?);
        }
        return Ok(ProtoValue::List(out));
    }
    single(value, &field.kind(), original, path, depth)
}

fn single(
    value: &Value,
    kind: &Kind,
    original: Option<&DynamicMessage>,
    path: &str,
    depth: usize,
) -> Result<ProtoValue, RuleError> {
    match kind {
        Kind::Message(descriptor) => {
            message(value, descriptor, original, path, depth + 1).map(ProtoValue::Message)
        }
        other => scalar(value, other, path),
    }
}

fn map_key(key: &Key, kind: &Kind, path: &str) -> Result<MapKey, RuleError> {
    let value = match key {
        Key::Int(i) => Value::Int(*i),
        Key::Uint(u) => Value::UInt(*u),
        Key::Bool(b) => Value::Bool(*b),
        Key::String(s) => Value::String(s.clone()),
    };
    Ok(match scalar(&value, kind, path)? {
        ProtoValue::Bool(b) => MapKey::Bool(b),
        ProtoValue::I32(i) => MapKey::I32(i),
        ProtoValue::I64(i) => MapKey::I64(i),
        ProtoValue::U32(u) => MapKey::U32(u),
        ProtoValue::U64(u) => MapKey::U64(u),
        ProtoValue::String(s) => MapKey::String(s),
        _ => return Err(error(path, "not a valid map key type")),
    })
}

/// A CEL scalar as a value of `kind`: integers in the field's range (an `int` or `uint`
/// either way), doubles for `float`/`double` (integers too), strings, bytes, bools, enum
/// numbers.
fn scalar(value: &Value, kind: &Kind, path: &str) -> Result<ProtoValue, RuleError> {
    let integer: Option<i128> = match value {
        Value::Int(i) => Some(i128::from(*i)),
        Value::UInt(u) => Some(i128::from(*u)),
        _ => None,
    };
    let mismatch = || {
        error(
            path,
            format!(
                "a {} does not fit the type {}",
                value.type_of(),
                crate::rules::proto::value::kind_type(kind).name()
            ),
        )
    };
    let int = |check: fn(i128) -> Option<ProtoValue>| integer.and_then(check).ok_or_else(mismatch);
    Ok(match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            int(|i| i32::try_from(i).ok().map(ProtoValue::I32))?
        }
        Kind::Enum(_) => int(|i| i32::try_from(i).ok().map(ProtoValue::EnumNumber))?,
        Kind::Uint32 | Kind::Fixed32 => int(|i| u32::try_from(i).ok().map(ProtoValue::U32))?,
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            int(|i| i64::try_from(i).ok().map(ProtoValue::I64))?
        }
        Kind::Uint64 | Kind::Fixed64 => int(|i| u64::try_from(i).ok().map(ProtoValue::U64))?,
        Kind::Double => match value {
            Value::Float(f) => ProtoValue::F64(*f),
            _ => ProtoValue::F64(integer.ok_or_else(mismatch)? as f64),
        },
        Kind::Float => match value {
            Value::Float(f) => ProtoValue::F32(*f as f32),
            _ => ProtoValue::F32(integer.ok_or_else(mismatch)? as f32),
        },
        Kind::Bool => match value {
            Value::Bool(b) => ProtoValue::Bool(*b),
            _ => return Err(mismatch()),
        },
        Kind::String => match value {
            Value::String(s) => ProtoValue::String(s.to_string()),
            _ => return Err(mismatch()),
        },
        Kind::Bytes => match value {
            Value::Bytes(b) => ProtoValue::Bytes(b.to_vec().into()),
            _ => return Err(mismatch()),
        },
        Kind::Message(_) => return Err(mismatch()),
    })
}
