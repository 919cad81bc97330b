//! The structural view of an apache-avro [`Schema`] that the reader/writer rules work on:
//! logical types reduced to their underlying type and `Ref`s resolved to definitions.

use std::collections::HashMap;

use apache_avro::schema::{
    EnumSchema, FixedSchema, InnerDecimalSchema, RecordSchema, UnionSchema, UuidSchema,
};
use apache_avro::Schema;

/// Named types of one schema by full name, so that `Schema::Ref` can be followed.
#[derive(Default)]
pub(super) struct NameTable<'a> {
    by_full_name: HashMap<String, &'a Schema>,
}

impl<'a> NameTable<'a> {
    /// Collects every named definition reachable from `root`.
    pub(super) fn collect(root: &'a Schema) -> Self {
        let mut table = NameTable::default();
        table.visit(root);
        table
    }

    fn visit(&mut self, schema: &'a Schema) {
        if let Some(name) = definition_name(schema) {
            if self.by_full_name.contains_key(&name) {
                return;
            }
            self.by_full_name.insert(name, schema);
        }
        match schema {
            Schema::Array(array) => self.visit(&array.items),
            Schema::Map(map) => self.visit(&map.types),
            Schema::Union(union) => union.variants().iter().for_each(|v| self.visit(v)),
            Schema::Record(record) => record.fields.iter().for_each(|f| self.visit(&f.schema)),
            _ => {}
        }
    }

    fn get(&self, full_name: &str) -> Option<&'a Schema> {
        self.by_full_name.get(full_name).copied()
    }
}

/// The full name a schema node *defines* (not refers to), if any.
fn definition_name(schema: &Schema) -> Option<String> {
    match schema {
        Schema::Record(r) => Some(r.name.fullname(None)),
        Schema::Enum(e) => Some(e.name.fullname(None)),
        Schema::Fixed(f) | Schema::Duration(f) => Some(f.name.fullname(None)),
        Schema::Decimal(d) => match &d.inner {
            InnerDecimalSchema::Fixed(f) => Some(f.name.fullname(None)),
            InnerDecimalSchema::Bytes => None,
        },
        Schema::Uuid(UuidSchema::Fixed(f)) => Some(f.name.fullname(None)),
        _ => None,
    }
}

/// A schema node reduced to what decides whether data can be read: logical types are
/// ignored (as Avro Java's `SchemaCompatibility` does) and references are followed.
#[derive(Clone, Copy)]
pub(super) enum Shape<'a> {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(&'a Schema),
    Map(&'a Schema),
    Union(&'a UnionSchema),
    Record(&'a RecordSchema),
    Enum(&'a EnumSchema),
    Fixed(&'a FixedSchema),
    /// A `Ref` whose name is not defined in the schema (cannot happen for a parsed schema,
    /// but the checker must not panic on hand-built ones).
    Unresolved(&'a str),
}

impl<'a> Shape<'a> {
    /// Reduces `schema`, following references through `names`.
    pub(super) fn of(schema: &'a Schema, names: &NameTable<'a>) -> Shape<'a> {
        match schema {
            Schema::Null => Shape::Null,
            Schema::Boolean => Shape::Boolean,
            Schema::Int | Schema::Date | Schema::TimeMillis => Shape::Int,
            Schema::Long
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => Shape::Long,
            Schema::Float => Shape::Float,
            Schema::Double => Shape::Double,
            Schema::Bytes | Schema::BigDecimal | Schema::Uuid(UuidSchema::Bytes) => Shape::Bytes,
            Schema::String | Schema::Uuid(UuidSchema::String) => Shape::String,
            Schema::Array(a) => Shape::Array(&a.items),
            Schema::Map(m) => Shape::Map(&m.types),
            Schema::Union(u) => Shape::Union(u),
            Schema::Record(r) => Shape::Record(r),
            Schema::Enum(e) => Shape::Enum(e),
            Schema::Fixed(f) | Schema::Duration(f) | Schema::Uuid(UuidSchema::Fixed(f)) => {
                Shape::Fixed(f)
            }
            Schema::Decimal(d) => match &d.inner {
                InnerDecimalSchema::Bytes => Shape::Bytes,
                InnerDecimalSchema::Fixed(f) => Shape::Fixed(f),
            },
            Schema::Ref { name } => {
                let full = name.fullname(None);
                match names.get(&full) {
                    // A definition is never itself a `Ref`, so this recursion is one step deep.
                    Some(target) if !matches!(target, Schema::Ref { .. }) => {
                        Shape::of(target, names)
                    }
                    _ => Shape::Unresolved(name.name()),
                }
            }
        }
    }

    /// A short description for messages: `int`, `record 'ns.Order'`, `union`, ...
    pub(super) fn describe(&self) -> String {
        match self {
            Shape::Null => "null".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Int => "int".into(),
            Shape::Long => "long".into(),
            Shape::Float => "float".into(),
            Shape::Double => "double".into(),
            Shape::Bytes => "bytes".into(),
            Shape::String => "string".into(),
            Shape::Array(_) => "array".into(),
            Shape::Map(_) => "map".into(),
            Shape::Union(_) => "union".into(),
            Shape::Record(r) => format!("record '{}'", r.name.fullname(None)),
            Shape::Enum(e) => format!("enum '{}'", e.name.fullname(None)),
            Shape::Fixed(f) => format!("fixed '{}'", f.name.fullname(None)),
            Shape::Unresolved(name) => format!("unresolved reference '{name}'"),
        }
    }
}
