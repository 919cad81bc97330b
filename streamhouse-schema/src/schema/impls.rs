//! `SchemaType` for std types and the optional crate types (uuid, chrono, time, bytes).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use super::model::{IntKind, ModelBuilder, Ty};
use super::SchemaType;

macro_rules! primitive {
    ($($t:ty => $ty:expr, $label:literal;)*) => {$(
        impl SchemaType for $t {
            #[inline]
            fn describe(_: &mut ModelBuilder) -> Ty {
                $ty
            }
            fn type_label() -> String {
                $label.to_string()
            }
        }
    )*};
}

primitive! {
    () => Ty::Null, "null";
    bool => Ty::Boolean, "boolean";
    i8 => Ty::Int(IntKind::I8), "int";
    i16 => Ty::Int(IntKind::I16), "int";
    i32 => Ty::Int(IntKind::I32), "int";
    u16 => Ty::Int(IntKind::U16), "int";
    u32 => Ty::Long(IntKind::U32), "long";
    i64 => Ty::Long(IntKind::I64), "long";
    f32 => Ty::Float, "float";
    f64 => Ty::Double, "double";
    String => Ty::String, "string";
    str => Ty::String, "string";
    Cow<'_, str> => Ty::String, "string";
}

/// `u8` is an Avro `int`, but a sequence of `u8` is `bytes`.
impl SchemaType for u8 {
    fn describe(_: &mut ModelBuilder) -> Ty {
        Ty::Int(IntKind::U8)
    }
    fn type_label() -> String {
        "int".to_string()
    }
    fn describe_seq(_: &mut ModelBuilder) -> Ty {
        Ty::Bytes
    }
    fn seq_label() -> String {
        "bytes".to_string()
    }
}

primitive! {
    bytes::Bytes => Ty::Bytes, "bytes";
    Cow<'_, [u8]> => Ty::Bytes, "bytes";
}

/// `[u8; N]` is an Avro `fixed` of size N, named `fixed_N` in the enclosing namespace.
impl<const N: usize> SchemaType for [u8; N] {
    fn describe(b: &mut ModelBuilder) -> Ty {
        Ty::Fixed {
            full_name: b.full_name(&format!("fixed_{N}"), None),
            size: N,
        }
    }
    fn type_label() -> String {
        format!("fixed_{N}")
    }
}

macro_rules! sequence {
    ($($t:ident),*) => {$(
        impl<T: SchemaType> SchemaType for $t<T> {
            const STATIC_NAME: Option<super::StaticName> = T::STATIC_NAME;
            fn describe(b: &mut ModelBuilder) -> Ty {
                T::describe_seq(b)
            }
            fn type_label() -> String {
                T::seq_label()
            }
        }
    )*};
}
sequence!(Vec);

impl<T: SchemaType> SchemaType for [T] {
    fn describe(b: &mut ModelBuilder) -> Ty {
        T::describe_seq(b)
    }
    fn type_label() -> String {
        T::seq_label()
    }
}

/// Other collections are always arrays (only `Vec<u8>` is `bytes`, matching its codec).
macro_rules! array_of {
    ($($t:ident $(, $s:ident)?);*) => {$(
        impl<T: SchemaType $(, $s)?> SchemaType for $t<T $(, $s)?> {
            fn describe(b: &mut ModelBuilder) -> Ty {
                Ty::Array(Box::new(T::describe(b)))
            }
            fn type_label() -> String {
                format!("array_{}", T::type_label())
            }
        }
    )*};
}
array_of!(VecDeque; BTreeSet; HashSet, S);

/// String-like map keys: Avro, JSON and Protobuf maps all key by string here.
#[diagnostic::on_unimplemented(
    message = "map key `{Self}` is not a string",
    note = "Avro maps are keyed by strings: use String keys"
)]
pub trait MapKey {}
impl MapKey for String {}
impl MapKey for Box<str> {}
impl MapKey for Arc<str> {}
impl MapKey for Rc<str> {}

impl<K: MapKey, V: SchemaType, S> SchemaType for HashMap<K, V, S> {
    fn describe(b: &mut ModelBuilder) -> Ty {
        Ty::Map(Box::new(V::describe(b)))
    }
    fn type_label() -> String {
        format!("map_{}", V::type_label())
    }
}

impl<K: MapKey, V: SchemaType> SchemaType for BTreeMap<K, V> {
    fn describe(b: &mut ModelBuilder) -> Ty {
        Ty::Map(Box::new(V::describe(b)))
    }
    fn type_label() -> String {
        format!("map_{}", V::type_label())
    }
}

/// A map that keeps its insertion order (feature `indexmap`): the same `map` as `HashMap`.
#[cfg(feature = "indexmap")]
impl<K: MapKey, V: SchemaType, S> SchemaType for indexmap::IndexMap<K, V, S> {
    fn describe(b: &mut ModelBuilder) -> Ty {
        Ty::Map(Box::new(V::describe(b)))
    }
    fn type_label() -> String {
        format!("map_{}", V::type_label())
    }
}

impl<T: SchemaType> SchemaType for Option<T> {
    const AVRO_UNION_WIDTH: usize = T::AVRO_UNION_WIDTH + 1;
    const STATIC_NAME: Option<super::StaticName> = T::STATIC_NAME;
    fn describe(b: &mut ModelBuilder) -> Ty {
        Ty::Optional {
            inner: Box::new(T::describe(b)),
            null_first: true,
        }
    }
    fn type_label() -> String {
        format!("optional_{}", T::type_label())
    }
}

macro_rules! transparent {
    ($($p:ident),*) => {$(
        impl<T: SchemaType + ?Sized> SchemaType for $p<T> {
            const AVRO_UNION_WIDTH: usize = T::AVRO_UNION_WIDTH;
            const STATIC_NAME: Option<super::StaticName> = T::STATIC_NAME;
            fn describe(b: &mut ModelBuilder) -> Ty {
                T::describe(b)
            }
            fn type_label() -> String {
                T::type_label()
            }
        }
    )*};
}
transparent!(Box, Arc, Rc);

impl<T: SchemaType + ?Sized> SchemaType for &T {
    const AVRO_UNION_WIDTH: usize = T::AVRO_UNION_WIDTH;
    fn describe(b: &mut ModelBuilder) -> Ty {
        T::describe(b)
    }
    fn type_label() -> String {
        T::type_label()
    }
}

#[cfg(feature = "uuid")]
primitive! {
    uuid::Uuid => Ty::Uuid, "uuid";
}

#[cfg(feature = "chrono")]
primitive! {
    chrono::DateTime<chrono::Utc> => Ty::TimestampMicros, "timestamp_micros";
    chrono::NaiveDateTime => Ty::LocalTimestampMicros, "local_timestamp_micros";
    chrono::NaiveDate => Ty::Date, "date";
    chrono::NaiveTime => Ty::TimeMicros, "time_micros";
}

#[cfg(feature = "time")]
primitive! {
    time::OffsetDateTime => Ty::TimestampMicros, "timestamp_micros";
    time::PrimitiveDateTime => Ty::LocalTimestampMicros, "local_timestamp_micros";
    time::Date => Ty::Date, "date";
    time::Time => Ty::TimeMicros, "time_micros";
}

/// Primitive values can be whole messages too (keys above all): their schemas are the
/// primitive schema (`"string"`, `"long"`, ...).
macro_rules! primitive_message {
    ($($t:ty),*) => {$(
        impl super::StreamSchema for $t {
            fn schemas() -> &'static super::Schemas {
                super::schemas_for::<Self>()
            }
            fn try_schemas() -> Result<&'static super::Schemas, &'static super::SchemaBuildError> {
                super::try_schemas_for::<Self>()
            }
        }
    )*};
}
primitive_message!((), bool, f32, f64);

/// Plain keys: written raw by default, as Kafka's own serializers write them.
macro_rules! plain_key_message {
    ($($t:ty => |$v:ident| $raw:expr;)*) => {$(
        impl super::StreamSchema for $t {
            fn schemas() -> &'static super::Schemas {
                super::schemas_for::<Self>()
            }
            fn try_schemas() -> Result<&'static super::Schemas, &'static super::SchemaBuildError> {
                super::try_schemas_for::<Self>()
            }
            const PLAIN_KEY: bool = true;
            #[inline]
            fn write_raw_key(&self, buf: &mut bytes::BytesMut) -> bool {
                let $v = self;
                bytes::BufMut::put_slice(buf, $raw);
                true
            }
        }
    )*};
}
plain_key_message! {
    i32 => |v| &v.to_be_bytes();
    i64 => |v| &v.to_be_bytes();
    String => |v| v.as_bytes();
}

#[cfg(feature = "uuid")]
plain_key_message! {
    uuid::Uuid => |v| v.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).as_bytes();
}

/// A top-level `bytes` payload is written raw, with no length prefix, as Confluent's Java
/// and Python serializers do; the decoder takes the rest of the payload.
macro_rules! raw_bytes_message {
    ($($t:ty),*) => {$(
        impl super::StreamSchema for $t {
            const PLAIN_KEY: bool = true;
            #[inline]
            fn write_raw_key(&self, buf: &mut bytes::BytesMut) -> bool {
                bytes::BufMut::put_slice(buf, self);
                true
            }
            fn schemas() -> &'static super::Schemas {
                super::schemas_for::<Self>()
            }
            fn try_schemas() -> Result<&'static super::Schemas, &'static super::SchemaBuildError> {
                super::try_schemas_for::<Self>()
            }
            fn encode_value<B: bytes::BufMut>(&self, buf: &mut B) -> Result<(), crate::EncodeError> {
                buf.put_slice(self);
                Ok(())
            }
            fn decode_value(payload: &[u8]) -> Result<Self, crate::DecodeError> {
                Ok(<$t>::from(payload.to_vec()))
            }
        }
    )*};
}
raw_bytes_message!(Vec<u8>, bytes::Bytes);
