//! Protobuf field values as field rules see them, and back.

use prost_reflect::{FieldDescriptor, Kind, Value};

use crate::rules::error::RuleError;
use crate::rules::field::{FieldType, FieldValue};

/// The Confluent type of a field (`get_type` of `common/protobuf.py`): maps are `MAP`,
/// messages `RECORD`, enums `ENUM`, the 32-bit integers `INT`, the 64-bit ones `LONG`.
/// A repeated field has the type of its items.
pub(crate) fn field_type(field: &FieldDescriptor) -> FieldType {
    if field.is_map() {
        return FieldType::Map;
    }
    kind_type(&field.kind())
}

/// The Confluent type of a value of `kind`.
pub(crate) fn kind_type(kind: &Kind) -> FieldType {
    match kind {
        Kind::Message(_) => FieldType::Record,
        Kind::Enum(_) => FieldType::Enum,
        Kind::String => FieldType::String,
        Kind::Bytes => FieldType::Bytes,
        Kind::Int32 | Kind::Sint32 | Kind::Uint32 | Kind::Fixed32 | Kind::Sfixed32 => {
            FieldType::Int
        }
        Kind::Int64 | Kind::Sint64 | Kind::Uint64 | Kind::Fixed64 | Kind::Sfixed64 => {
            FieldType::Long
        }
        Kind::Float => FieldType::Float,
        Kind::Double => FieldType::Double,
        Kind::Bool => FieldType::Boolean,
    }
}

/// A scalar value as a field value (enums as their number); `None` for messages, lists
/// and maps, which are walked into. A `uint64` beyond `i64::MAX` has no field value: it
/// is an error, not a wrapped number.
pub(crate) fn to_field(value: &Value) -> Result<Option<FieldValue>, RuleError> {
    Ok(Some(match value {
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::I32(i) | Value::EnumNumber(i) => FieldValue::Int(i64::from(*i)),
        Value::I64(i) => FieldValue::Int(*i),
        Value::U32(u) => FieldValue::Int(i64::from(*u)),
        Value::U64(u) => FieldValue::Int(i64::try_from(*u).map_err(|_| {
            RuleError::execution(format!(
                "the uint64 value {u} is beyond the integers rules handle"
            ))
        })?),
        Value::F32(f) => FieldValue::Double(f64::from(*f)),
        Value::F64(d) => FieldValue::Double(*d),
        Value::String(s) => FieldValue::String(s.clone()),
        Value::Bytes(b) => FieldValue::Bytes(b.to_vec()),
        Value::Message(_) | Value::List(_) | Value::Map(_) => return Ok(None),
    }))
}

/// A field value checked into a scalar of `kind` (integers in range, a double for a
/// float or double (or an integer, as for Avro), a string for a string, bytes for bytes, a number for an enum).
pub(crate) fn from_field(kind: &Kind, value: &FieldValue) -> Result<Value, RuleError> {
    let mismatch = || {
        RuleError::execution(format!(
            "the rule returned {} ({:?}), which does not fit the field's type {}",
            value.kind(),
            value,
            kind_type(kind).name()
        ))
    };
    let int = match value {
        FieldValue::Int(i) => Some(*i),
        _ => None,
    };
    Ok(match kind {
        Kind::Bool => match value {
            FieldValue::Bool(b) => Value::Bool(*b),
            _ => return Err(mismatch()),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(
            int.and_then(|i| i32::try_from(i).ok())
                .ok_or_else(mismatch)?,
        ),
        Kind::Enum(_) => Value::EnumNumber(
            int.and_then(|i| i32::try_from(i).ok())
                .ok_or_else(mismatch)?,
        ),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(
            int.and_then(|i| u32::try_from(i).ok())
                .ok_or_else(mismatch)?,
        ),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(int.ok_or_else(mismatch)?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(
            int.and_then(|i| u64::try_from(i).ok())
                .ok_or_else(mismatch)?,
        ),
        Kind::Float => match value {
            FieldValue::Double(d) => Value::F32(*d as f32),
            FieldValue::Int(i) => Value::F32(*i as f32),
            _ => return Err(mismatch()),
        },
        Kind::Double => match value {
            FieldValue::Double(d) => Value::F64(*d),
            FieldValue::Int(i) => Value::F64(*i as f64),
            _ => return Err(mismatch()),
        },
        Kind::String => match value {
            FieldValue::String(s) => Value::String(s.clone()),
            _ => return Err(mismatch()),
        },
        Kind::Bytes => match value {
            FieldValue::Bytes(b) => Value::Bytes(b.clone().into()),
            _ => return Err(mismatch()),
        },
        Kind::Message(_) => return Err(mismatch()),
    })
}
