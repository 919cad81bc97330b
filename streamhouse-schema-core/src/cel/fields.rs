//! A record's top-level fields as CEL conditions read them from a Rust value: the table a
//! derived type gives (`StreamSchema::cel_fields`) and the values it reads
//! (`StreamSchema::cel_value`), so a condition compiled against the table
//! ([`subset`](super::subset)) can run on the value instead of on its encoded bytes.

/// A field's CEL kind, for a field whose Rust value binds to CEL exactly as it reads (Avro:
/// ints and longs bind as `int`, floats and doubles as `double`, strings as `string`,
/// booleans as `bool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `i8`..`i64`, `u8`..`u32`.
    Int,
    /// `f32`, `f64`.
    Double,
    /// `String`.
    String,
    /// `bool`.
    Bool,
}

/// How `size(message.f)` counts a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Size {
    /// A string's code points.
    Chars,
    /// A list's elements or a byte field's bytes.
    Len,
}

/// One schema field of a record, as the compiled subset of CEL sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field<'a> {
    /// The field's name in the schema (`message.<name>`).
    pub name: &'a str,
    /// Its kind when it is compared or tested directly; `None` for a field the subset does
    /// not read (an `Option`, a nested record, a mapped type...).
    pub kind: Option<Kind>,
    /// How `size` counts it, when it can.
    pub size: Option<Size>,
}

/// One field's value as a derived type reads it for a compiled condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// An int field, widened.
    Int(i64),
    /// A double field, widened.
    Double(f64),
    /// A string field.
    Str(&'a str),
    /// A bool field.
    Bool(bool),
    /// A list's or byte field's length (only `size` reads it).
    Len(usize),
}
