//! The type model: one description of a Rust type from which every schema format is emitted.
//!
//! The derive generates code that builds this model at run time (once per type, cached), so
//! the Avro, JSON Schema and Protobuf views of a type are always views of the same thing.

use std::collections::HashMap;

/// The integer width a Rust integer type had, kept so that JSON Schema can state its bounds
/// and Protobuf can pick the matching scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `i64`
    I64,
    /// `u64` mapped to `long` with a checked conversion.
    U64,
    /// `u128` mapped to `long` with a checked conversion.
    U128,
    /// `i128` mapped to `long` with a checked conversion.
    I128,
}

/// A use of a type: a primitive, a container around other uses, or a reference to a
/// named definition held by the [`ModelBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// Avro `null` (the unit type).
    Null,
    /// `bool`.
    Boolean,
    /// A 32-bit Avro `int`.
    Int(IntKind),
    /// A 64-bit Avro `long`.
    Long(IntKind),
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// UTF-8 text.
    String,
    /// Opaque bytes.
    Bytes,
    /// A fixed-size byte array, a named Avro type (`full_name`).
    Fixed {
        /// Full name of the fixed type.
        full_name: String,
        /// Size in bytes.
        size: usize,
    },
    /// A UUID, carried as its 36-character string.
    Uuid,
    /// Days since the Unix epoch.
    Date,
    /// Milliseconds after midnight.
    TimeMillis,
    /// Microseconds after midnight.
    TimeMicros,
    /// Milliseconds since the Unix epoch, UTC.
    TimestampMillis,
    /// Microseconds since the Unix epoch, UTC.
    TimestampMicros,
    /// Milliseconds since the Unix epoch in local (unspecified) time.
    LocalTimestampMillis,
    /// Microseconds since the Unix epoch in local (unspecified) time.
    LocalTimestampMicros,
    /// A decimal number: two's-complement big-endian unscaled value.
    Decimal {
        /// Total number of digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
        /// `Some((full_name, size))` when carried in a fixed instead of bytes.
        fixed: Option<(String, usize)>,
    },
    /// A sequence.
    Array(Box<Ty>),
    /// A map from strings.
    Map(Box<Ty>),
    /// A value that may be absent.
    Optional {
        /// The present value's type.
        inner: Box<Ty>,
        /// `true`: Avro union `["null", T]`; `false`: `[T, "null"]` (a non-null default).
        null_first: bool,
    },
    /// A named definition (record, enum or union) by full name.
    Named(String),
}

/// A named definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Def {
    /// A struct.
    Record(RecordDef),
    /// A unit-only enum.
    Enum(EnumDef),
    /// An enum with data: a union of its variants.
    Union(UnionDef),
}

impl Def {
    /// The definition's full name (`namespace.name`).
    pub fn full_name(&self) -> &str {
        match self {
            Def::Record(r) => &r.full_name,
            Def::Enum(e) => &e.full_name,
            Def::Union(u) => &u.full_name,
        }
    }
}

/// A record (struct) definition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordDef {
    /// Full name.
    pub full_name: String,
    /// Documentation (from doc comments or `doc = "..."`).
    pub doc: Option<String>,
    /// Former full names, for readers of older data.
    pub aliases: Vec<String>,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
    /// Protobuf field numbers and names retired from use.
    pub reserved_tags: Vec<u32>,
    /// Protobuf field names retired from use.
    pub reserved_names: Vec<String>,
    /// JSON Schema `additionalProperties` for the record's object: `None` leaves it
    /// unstated (open), `Some(false)` closes it (`#[stream_schema(additional_properties = false)]`).
    pub additional_properties: Option<bool>,
}

/// A record field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name on the wire (after renames).
    pub name: String,
    /// The field's type.
    pub ty: Ty,
    /// Documentation.
    pub doc: Option<String>,
    /// Former names.
    pub aliases: Vec<String>,
    /// The reader default, as JSON.
    pub default: Option<serde_json::Value>,
    /// The Protobuf field number, when given.
    pub tag: Option<u32>,
    /// The Protobuf integer encoding chosen with `#[stream_schema(proto = "...")]`
    /// (`None`: the plain varint scalar that matches the Rust width).
    pub proto: Option<ProtoInt>,
    /// Confluent field tags (`#[stream_schema(tags("PII"))]`): Avro and JSON Schema
    /// `"confluent:tags"`, Protobuf `(confluent.field_meta).tags`. Data-contract rules
    /// select fields by them (e.g. the fields an `ENCRYPT` rule encrypts).
    pub tags: Vec<String>,
}

/// A Protobuf integer encoding other than the default varint, picked per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtoInt {
    /// `sint32`: zigzag varint.
    Sint32,
    /// `sint64`: zigzag varint.
    Sint64,
    /// `fixed32`: 4 bytes little-endian, unsigned.
    Fixed32,
    /// `fixed64`: 8 bytes little-endian, unsigned.
    Fixed64,
    /// `sfixed32`: 4 bytes little-endian, signed.
    Sfixed32,
    /// `sfixed64`: 8 bytes little-endian, signed.
    Sfixed64,
}

impl Field {
    /// A field with just a name and a type.
    pub fn new(name: impl Into<String>, ty: Ty) -> Self {
        Field {
            name: name.into(),
            ty,
            doc: None,
            aliases: Vec::new(),
            default: None,
            tag: None,
            proto: None,
            tags: Vec::new(),
        }
    }
}

/// A unit-only enum definition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnumDef {
    /// Full name.
    pub full_name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Former full names.
    pub aliases: Vec<String>,
    /// Symbols in declaration order.
    pub symbols: Vec<String>,
    /// The Protobuf number of each symbol (Rust discriminants), parallel to `symbols`;
    /// empty means declaration order from 0.
    pub numbers: Vec<i32>,
    /// The symbol a reader uses for a symbol it does not know.
    pub default: Option<String>,
}

/// An enum with data, seen as a union of its variants.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnionDef {
    /// Full name (used by JSON Schema `$defs` and the Protobuf wrapper message).
    pub full_name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Variants in declaration order; each is one union branch.
    pub variants: Vec<Variant>,
}

/// One variant of a data enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The variant's name (after renames).
    pub name: String,
    /// The branch type: `Null` for a unit variant, `Named` record for a variant with fields,
    /// or any type for a newtype variant of an untagged (bare) union.
    pub ty: Ty,
    /// Protobuf field number inside the `oneof`, when given.
    pub tag: Option<u32>,
}

/// A whole type: its root use and every named definition it needs, in first-use order.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeModel {
    /// The root type.
    pub root: Ty,
    /// Named definitions, in order of first use.
    pub defs: Vec<Def>,
    /// The full names of the records and enums registered as schemas of their own and
    /// referred to by the type's Avro and JSON schemas (`#[stream_schema(reference)]`), in
    /// first-use order; never the root. Empty for most types, whose schemas define every
    /// named type inline.
    pub references: Vec<String>,
}

impl TypeModel {
    /// The definition with this full name.
    pub fn def(&self, full_name: &str) -> Option<&Def> {
        self.defs.iter().find(|d| d.full_name() == full_name)
    }

    /// The full name of the root type when it is named.
    pub fn root_name(&self) -> Option<&str> {
        match &self.root {
            Ty::Named(n) => Some(n),
            _ => None,
        }
    }
}

/// Collects named definitions while the model of a type is built; breaks recursion and
/// defines each named type once.
#[derive(Debug, Default)]
pub struct ModelBuilder {
    slots: Vec<Option<Def>>,
    index: HashMap<String, (usize, &'static str)>,
    namespaces: Vec<Option<String>>,
    conflicts: Vec<String>,
    references: Vec<String>,
}

impl ModelBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Finishes a build whose root type is `root`.
    ///
    /// Fails when two different Rust types claimed the same full name.
    pub fn finish(self, root: Ty) -> Result<TypeModel, ModelError> {
        if !self.conflicts.is_empty() {
            return Err(ModelError::NameConflict(self.conflicts.join("; ")));
        }
        let defs: Vec<Def> = self.slots.into_iter().flatten().collect();
        // Only records and enums are named types of Avro (a union is anonymous); the
        // derive refuses `reference` on anything else at compile time.
        let references = self
            .references
            .into_iter()
            .filter(|name| {
                Some(name.as_str()) != root_name(&root)
                    && defs.iter().any(|d| {
                        d.full_name() == name && matches!(d, Def::Record(_) | Def::Enum(_))
                    })
            })
            .collect();
        Ok(TypeModel {
            root,
            defs,
            references,
        })
    }

    /// Marks the named type `full_name` as a schema of its own that the type's Avro and
    /// JSON schemas refer to instead of defining it inline (`#[stream_schema(reference)]`
    /// on the type).
    pub fn mark_reference(&mut self, full_name: &str) {
        if !self.references.iter().any(|r| r == full_name) {
            self.references.push(full_name.to_string());
        }
    }

    /// Marks the named type a field of type `ty` holds (through `Option`, arrays and maps)
    /// as a reference, as [`mark_reference`](Self::mark_reference)
    /// (`#[stream_schema(reference)]` on the field). A type without a named type inside
    /// marks nothing.
    pub fn mark_reference_in(&mut self, ty: &Ty) {
        let mut ty = ty;
        loop {
            match ty {
                Ty::Optional { inner, .. } => ty = inner,
                Ty::Array(inner) | Ty::Map(inner) => ty = inner,
                Ty::Named(full_name) => return self.mark_reference(full_name),
                _ => return,
            }
        }
    }

    /// The namespace a named type without its own namespace inherits here.
    pub fn current_namespace(&self) -> Option<&str> {
        self.namespaces
            .iter()
            .rev()
            .flatten()
            .next()
            .map(String::as_str)
    }

    /// The full name for `name` given an optional explicit namespace.
    pub fn full_name(&self, name: &str, namespace: Option<&str>) -> String {
        match namespace.or_else(|| self.current_namespace()) {
            Some(ns) if !ns.is_empty() => format!("{ns}.{name}"),
            _ => name.to_string(),
        }
    }

    /// Claims `full_name` for the Rust type `rust_type`: returns `true` when the caller must
    /// define it now, `false` when it is already defined or being defined (recursion). A
    /// second Rust type claiming the same name is recorded as a conflict.
    pub fn begin(&mut self, full_name: &str, rust_type: &'static str) -> bool {
        if let Some((_, owner)) = self.index.get(full_name) {
            if *owner != rust_type {
                self.conflicts.push(format!(
                    "`{owner}` and `{rust_type}` both use the schema name `{full_name}`: rename one with #[stream_schema(name = \"...\")] or give it another namespace"
                ));
            }
            return false;
        }
        self.index
            .insert(full_name.to_string(), (self.slots.len(), rust_type));
        self.slots.push(None);
        let ns = full_name.rsplit_once('.').map(|(ns, _)| ns.to_string());
        self.namespaces.push(ns);
        true
    }

    /// Stores the definition claimed by [`begin`](Self::begin).
    pub fn define(&mut self, def: Def) {
        self.namespaces.pop();
        if let Some(&(i, _)) = self.index.get(def.full_name()) {
            if let Some(slot) = self.slots.get_mut(i) {
                *slot = Some(def);
            }
        }
    }
}

fn root_name(root: &Ty) -> Option<&str> {
    match root {
        Ty::Named(n) => Some(n),
        _ => None,
    }
}

/// A type whose model cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Two Rust types map to the same schema name.
    #[error("schema name conflict: {0}")]
    NameConflict(String),
}

/// Parses a default the derive already checked as JSON (so this never fails in practice).
#[doc(hidden)]
pub fn __json_default(json: &str) -> Option<serde_json::Value> {
    serde_json::from_str(json).ok()
}
