//! A field as field rules see it: its name, full name, type name and tags, its value.

use std::collections::BTreeSet;

use super::message::MessageRef;

/// The type of a field by Confluent's names (`serde.py` `FieldType`), bound to CEL_FIELD
/// rules as `typeName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// An Avro record, a JSON object with properties.
    Record,
    /// An Avro enum, a JSON schema with `enum` or `const`.
    Enum,
    /// An array.
    Array,
    /// An Avro map, a JSON object without properties.
    Map,
    /// A union (`oneOf`/`anyOf`/`allOf`, a JSON boolean schema).
    Combined,
    /// An Avro fixed.
    Fixed,
    /// A string.
    String,
    /// Bytes.
    Bytes,
    /// A 32-bit int (Avro), any integer (JSON Schema `integer`).
    Int,
    /// A 64-bit long.
    Long,
    /// A 32-bit float.
    Float,
    /// A double (JSON Schema `number`).
    Double,
    /// A boolean.
    Boolean,
    /// Null.
    Null,
}

impl FieldType {
    /// The name Confluent binds as `typeName` (`FieldContext.type_name`).
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Record => "RECORD",
            FieldType::Enum => "ENUM",
            FieldType::Array => "ARRAY",
            FieldType::Map => "MAP",
            FieldType::Combined => "COMBINED",
            FieldType::Fixed => "FIXED",
            FieldType::String => "STRING",
            FieldType::Bytes => "BYTES",
            FieldType::Int => "INT",
            FieldType::Long => "LONG",
            FieldType::Float => "FLOAT",
            FieldType::Double => "DOUBLE",
            FieldType::Boolean => "BOOLEAN",
            FieldType::Null => "NULL",
        }
    }

    /// `FieldContext.is_primitive`: the types CEL_FIELD rules run on.
    pub fn is_primitive(self) -> bool {
        matches!(
            self,
            FieldType::Int
                | FieldType::Long
                | FieldType::Float
                | FieldType::Double
                | FieldType::Boolean
                | FieldType::Null
                | FieldType::String
                | FieldType::Bytes
        )
    }
}

/// The value of a primitive field, the same for every schema format.
///
/// Field transforms receive it and return it; the walk checks a returned value back into
/// the field's type (an `Int` in a `STRING` field is an error, an `Int` out of range of an
/// Avro `int` too) before writing it into the message. Non-primitive fields (records,
/// arrays, maps, enums, fixed) are walked into, not handed to transforms, as in Confluent's
/// walkers.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Null (the null branch of a union, a JSON null).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (`INT` and `LONG`).
    Int(i64),
    /// A floating-point number (`FLOAT` and `DOUBLE`).
    Double(f64),
    /// A string.
    String(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl FieldValue {
    /// A short name of the value's kind, for errors.
    pub fn kind(&self) -> &'static str {
        match self {
            FieldValue::Null => "null",
            FieldValue::Bool(_) => "bool",
            FieldValue::Int(_) => "int",
            FieldValue::Double(_) => "double",
            FieldValue::String(_) => "string",
            FieldValue::Bytes(_) => "bytes",
        }
    }
}

/// The field a transform is applied to (`serde.py` `FieldContext`).
#[derive(Debug, Clone, Copy)]
pub struct FieldContext<'a> {
    /// The field's name in its record.
    pub name: &'a str,
    /// The full name: `{record full name}.{field}` for Avro, `$.{path}` for JSON Schema
    /// (as Confluent's walkers build it); metadata tags are matched against it.
    pub full_name: &'a str,
    /// The type of the value (for a union, of the branch the value is in).
    pub field_type: FieldType,
    /// The field's tags: inline `confluent:tags` ∪ `metadata.tags` whose path matches.
    pub tags: &'a BTreeSet<String>,
    /// The record (object) the field is in.
    pub containing: MessageRef<'a>,
}
