//! The payload format of typed sends and typed reads, chosen per type or per producer.
//!
//! A typed send writes `T` in the first format that applies:
//!
//! 1. the one chosen on the builder with
//!    `ProducerBuilder::format_for::<T>(Avro | Json | Protobuf)`;
//! 2. the type's own, from `#[stream_schema(format = "avro" | "json" | "protobuf")]` on
//!    its derive ([`StreamSchema::FORMAT`]);
//! 3. the producer's `ProducerBuilder::default_format` (Avro
//!    unless set), except that a Protobuf default leaves keys in Avro (a string or number
//!    key is no message) unless the key type itself says Protobuf.
//!
//! Avro and JSON codecs are generated for every derived type. The Protobuf codec (a
//! generated `prost::Message`) exists for types derived with `#[stream_schema(protobuf)]`,
//! `format = "protobuf"` or field tags: `send_typed` and `Consumer::decode` reach it through
//! the type itself, so such a type needs no registration. A generic type's codec depends on
//! its type arguments, so a generic type is sent or read as Protobuf only once registered
//! with `format_for::<T>(Protobuf)` or
//! `ConsumerBuilder::protobuf::<T>()`,
//! where the compiler checks the codec exists.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::schema_ids::SchemaKey;
use crate::codec::json::JsonEncode;
use crate::codec::proto::{Message, ProtoCodec, ProtoValue};
use crate::schema::{SchemaFormat, StreamSchema};

/// Chooses Avro for a type in `ProducerBuilder::format_for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Avro;

/// Chooses JSON (JSON Schema) for a type in
/// `ProducerBuilder::format_for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Json;

/// Chooses Protobuf for a type in
/// `ProducerBuilder::format_for`; the type must be
/// derived with `#[stream_schema(protobuf)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Protobuf;

/// A payload format `T` has a generated codec for (one of [`Avro`], [`Json`], [`Protobuf`]).
pub trait TypeFormat<T>: sealed::Sealed {
    /// How `T` is written in this format.
    #[doc(hidden)]
    fn entry() -> TypeEntry;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Avro {}
    impl Sealed for super::Json {}
    impl Sealed for super::Protobuf {}
}

impl<T: StreamSchema> TypeFormat<T> for Avro {
    fn entry() -> TypeEntry {
        TypeEntry {
            format: SchemaFormat::Avro,
            protobuf: None,
        }
    }
}

impl<T: StreamSchema + JsonEncode> TypeFormat<T> for Json {
    fn entry() -> TypeEntry {
        TypeEntry {
            format: SchemaFormat::Json,
            protobuf: None,
        }
    }
}

impl<T: StreamSchema + Message + ProtoValue + 'static> TypeFormat<T> for Protobuf {
    fn entry() -> TypeEntry {
        TypeEntry {
            format: SchemaFormat::Protobuf,
            protobuf: Some(Arc::new(ProtoCodec::<T>::generated())),
        }
    }
}

/// The format chosen for one type, with its Protobuf codec when that is the format.
#[doc(hidden)]
#[derive(Clone)]
pub struct TypeEntry {
    pub(crate) format: SchemaFormat,
    /// A `ProtoCodec<T>` for the type the entry was made for.
    protobuf: Option<Arc<dyn Any + Send + Sync>>,
}

impl fmt::Debug for TypeEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypeEntry")
            .field("format", &self.format)
            .field("protobuf_codec", &self.protobuf.is_some())
            .finish()
    }
}

/// Per-type format choices (and Protobuf codecs), fixed when a producer or consumer is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct TypeFormats {
    by_type: FxHashMap<SchemaKey, TypeEntry>,
}

impl TypeFormats {
    /// Sets `T`'s format to `format`'s (the value only names its type).
    pub(crate) fn set_from<T: StreamSchema, F: TypeFormat<T>>(&mut self, format: F) {
        let _ = format;
        self.set::<T, F>();
    }

    pub(crate) fn set<T: StreamSchema, F: TypeFormat<T>>(&mut self) {
        self.by_type.insert(SchemaKey::of::<T>(), F::entry());
    }

    /// The entry of `T`, if one was set (no hashing when none was).
    #[inline]
    pub(crate) fn get<T: StreamSchema>(&self) -> Option<&TypeEntry> {
        if self.by_type.is_empty() {
            return None;
        }
        self.by_type.get(&SchemaKey::of::<T>())
    }

    /// The Protobuf codec registered for `T`.
    pub(crate) fn proto_codec<T: StreamSchema + 'static>(&self) -> Option<ProtoCodec<T>> {
        self.get::<T>()
            .and_then(|entry| entry.protobuf.as_deref())
            .and_then(|codec| codec.downcast_ref::<ProtoCodec<T>>())
            .copied()
    }

    /// The Protobuf codec of `T`: its own (types derived with Protobuf), else the one
    /// registered for it (generic types). Both are the functions of `T`'s one
    /// `prost::Message` implementation; the type's own comes first because it costs no
    /// lookup.
    #[inline]
    pub(crate) fn proto_codec_of<T: StreamSchema + 'static>(&self) -> Option<ProtoCodec<T>> {
        T::proto_codec().or_else(|| self.proto_codec::<T>())
    }
}

/// The schema text `T` is registered with in `format`: with references
/// (`#[stream_schema(reference)]`) the one naming the referenced types.
pub(crate) fn schema_text<T: StreamSchema>(format: SchemaFormat) -> Result<&'static str, String> {
    let registered = |format| match T::try_schemas() {
        Ok(schemas) => schemas
            .registered(format)
            .map(|r| r.map(|r| r.text.as_str()))
            .map_err(|e| format!("`{}`: {e}", T::full_name())),
        // The plain accessors report the build error.
        Err(_) => Ok(None),
    };
    match format {
        SchemaFormat::Avro => Ok(registered(format)?.unwrap_or_else(T::avro_schema_json)),
        SchemaFormat::Json => Ok(registered(format)?.unwrap_or_else(T::json_schema_text)),
        SchemaFormat::Protobuf => T::try_proto_schema()
            .map(|schema| schema.text())
            .map_err(|e| format!("`{}` has no Protobuf schema: {e}", T::full_name())),
    }
}

/// Why a type cannot be sent or read as Protobuf here: it has no Protobuf codec of its own
/// and none was registered for it.
pub(crate) fn no_proto_codec<T: StreamSchema>(role: &str) -> String {
    format!(
        "`{name}` is {role} as Protobuf, but it has no Protobuf codec: derive it with #[stream_schema(protobuf)] or #[stream_schema(format = \"protobuf\")] (and field tags); a generic type must be registered with .format_for::<{name}>(Protobuf) on the producer builder (.protobuf::<{name}>() on the consumer builder)",
        name = std::any::type_name::<T>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::test_support::Ping;
    use bytes::BytesMut;

    #[test]
    fn entries_are_per_type_and_the_last_choice_wins() {
        let mut formats = TypeFormats::default();
        assert!(formats.get::<Ping>().is_none());
        formats.set::<Ping, Json>();
        formats.set::<String, Avro>();
        assert_eq!(
            formats.get::<Ping>().map(|e| e.format),
            Some(SchemaFormat::Json)
        );
        assert_eq!(
            formats.get::<String>().map(|e| e.format),
            Some(SchemaFormat::Avro)
        );
        assert!(formats.get::<i64>().is_none());
        formats.set::<Ping, Avro>();
        assert_eq!(
            formats.get::<Ping>().map(|e| e.format),
            Some(SchemaFormat::Avro)
        );
        // No Protobuf codec unless Protobuf was chosen.
        assert!(formats.proto_codec::<Ping>().is_none());
    }

    #[derive(crate::StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "test.formats", protobuf)]
    struct Tagged {
        #[stream_schema(tag = 1)]
        n: i32,
    }

    #[test]
    fn protobuf_entries_carry_the_generated_codec_of_their_type_only() {
        let mut formats = TypeFormats::default();
        formats.set::<Tagged, Protobuf>();
        let Some(codec) = formats.proto_codec::<Tagged>() else {
            panic!("the codec registered for Tagged");
        };
        let mut buf = BytesMut::new();
        (codec.encode)(&Tagged { n: 5 }, &mut buf);
        assert_eq!(&buf[..], &[0x08, 0x05]);
        assert_eq!((codec.decode)(&buf).ok(), Some(Tagged { n: 5 }));
        assert!((codec.decode)(&[0x08]).is_err());
        assert!(formats.proto_codec::<Ping>().is_none());
    }

    #[test]
    fn schema_texts_follow_the_format() {
        assert_eq!(
            schema_text::<Ping>(SchemaFormat::Avro),
            Ok(Ping::avro_schema_json())
        );
        assert_eq!(
            schema_text::<Ping>(SchemaFormat::Json),
            Ok(Ping::json_schema_text())
        );
        // Ping's model has no Protobuf field numbers.
        let proto = schema_text::<Ping>(SchemaFormat::Protobuf);
        assert!(
            matches!(&proto, Err(message) if message.starts_with("`com.acme.Ping` has no Protobuf schema")),
            "{proto:?}"
        );
    }
}
