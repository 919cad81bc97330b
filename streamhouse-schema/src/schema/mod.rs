//! Schemas: the traits the derive implements, the type model, and the schema views built
//! from it.

pub mod contract;
pub mod export;
mod impls;
pub mod json;
pub mod protobuf;
mod reference_target;
pub(crate) mod schemas;
pub(crate) mod static_name;
pub mod type_contract;

pub use streamhouse_schema_core::{avro, format, model, proto_file, references};

pub use format::SchemaFormat;
pub use json::JsonSchemaDraft;
pub use model::{ModelBuilder, Ty, TypeModel};
pub use protobuf::{ProtoBuildError, ProtoSchema};
#[doc(hidden)]
pub use reference_target::assert_reference_target;
pub use reference_target::ReferenceTarget;
pub use schemas::{schemas_for, try_schemas_for, SchemaBuildError, Schemas};
#[doc(hidden)]
pub(crate) use static_name::str_eq;
pub(crate) use static_name::StaticName;

use crate::codec::avro::{AvroDecode, AvroEncode, DecodeError, EncodeError};

/// Types that can appear in a schema: they describe themselves into the type model.
///
/// Implemented by `#[derive(StreamSchema)]` and, here, for std and common crate types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no stream schema",
    label = "this type cannot be mapped to Avro/JSON Schema/Protobuf",
    note = "derive it with #[derive(StreamSchema)], or for u64/u128/i128 pick a mapping with #[stream_schema(repr = \"long\")] or #[stream_schema(repr = \"fixed\")]; map keys must be strings"
)]
pub trait SchemaType {
    /// Describes this type, defining any named types it needs in `builder`.
    fn describe(builder: &mut ModelBuilder) -> Ty;

    /// A short, stable label used to name generic instantiations (`Envelope_Order`).
    fn type_label() -> String;

    /// How many Avro union branches a use of this type takes (more than one only for
    /// data enums, whose variants are flattened into an enclosing `Option`'s union).
    #[doc(hidden)]
    const AVRO_UNION_WIDTH: usize = 1;

    /// The type's schema name when the derive knows it for certain at compile time (a
    /// non-generic derived named type, also through `Option`, `Vec`, `Box`, ...), for the
    /// compile-time check of two types with one schema name in one struct.
    #[doc(hidden)]
    const STATIC_NAME: Option<StaticName> = None;

    /// Describes `Vec<Self>`; `u8` overrides it so that `Vec<u8>` is bytes.
    #[doc(hidden)]
    fn describe_seq(builder: &mut ModelBuilder) -> Ty {
        Ty::Array(Box::new(Self::describe(builder)))
    }

    /// Labels `Vec<Self>`.
    #[doc(hidden)]
    fn seq_label() -> String {
        format!("array_{}", Self::type_label())
    }

    /// The JSON Schema `title` of the type when its root is not a named type (a derived
    /// newtype over a map, a sequence or a scalar): the derive returns the type's name, so
    /// that every derived type's JSON Schema has a `title`, which record-name subject
    /// strategies read. `None` (std types) leaves such a root untitled.
    #[doc(hidden)]
    fn json_title() -> Option<String> {
        None
    }
}

/// A type that is a message on a stream: its schemas and codec.
///
/// `#[derive(StreamSchema)]` implements it; the schemas are built on first use and cached.
pub trait StreamSchema: AvroEncode + Sized {
    /// Every schema view of the type, built once.
    ///
    /// # Panics
    /// When the type's schemas cannot be built ([`try_schemas`](Self::try_schemas) says
    /// why): two Rust types in it claim the same schema name where the derive could not
    /// see both at compile time, or a pinned type's sources hid a field's real type. Typed
    /// sends and decodes check [`try_schemas`](Self::try_schemas) first and return that
    /// error instead; the other accessors of this trait go through here.
    fn schemas() -> &'static Schemas;

    /// Every schema view of the type, built once, or the reason they cannot be built
    /// (e.g. [`ModelError::NameConflict`](model::ModelError::NameConflict): two Rust types
    /// with the same schema name). `#[derive(StreamSchema)]` caches the outcome; the
    /// default, for hand-written impls, is [`schemas`](Self::schemas).
    fn try_schemas() -> Result<&'static Schemas, &'static SchemaBuildError> {
        Ok(Self::schemas())
    }

    /// The payload format the type chose for itself with
    /// `#[stream_schema(format = "avro" | "json" | "protobuf")]`, or `None` (the default).
    ///
    /// Typed sends (`Producer::send_typed`, `send_typed_to`, typed keys) write the type in
    /// the format chosen for it on the producer builder
    /// (`ProducerBuilder::format_for`), else
    /// in this one, else in the producer's
    /// `default_format`.
    ///
    /// ```
    /// use streamhouse_schema::{SchemaFormat, StreamSchema};
    ///
    /// #[derive(StreamSchema)]
    /// #[stream_schema(topic = "clicks", format = "json")]
    /// struct Click { x: i32 }
    ///
    /// // `format = "protobuf"` makes the type a Protobuf message (fields need tags), which
    /// // `send_typed` and `Consumer::decode` then use with no builder registration.
    /// #[derive(StreamSchema)]
    /// #[stream_schema(topic = "orders", format = "protobuf")]
    /// struct Order {
    ///     #[stream_schema(key, tag = 1)]
    ///     id: String,
    ///     #[stream_schema(tag = 2)]
    ///     cents: i64,
    /// }
    ///
    /// #[derive(StreamSchema)]
    /// struct Note { text: String }
    ///
    /// assert_eq!(Click::FORMAT, Some(SchemaFormat::Json));
    /// assert_eq!(Order::FORMAT, Some(SchemaFormat::Protobuf));
    /// assert_eq!(Note::FORMAT, None);
    /// ```
    const FORMAT: Option<SchemaFormat> = None;

    /// The generated Protobuf codec of a type derived with Protobuf (`protobuf`,
    /// `format = "protobuf"` or field tags), so that generic code can reach its
    /// `prost::Message` implementation; `None` for other types and for generic types,
    /// whose codec depends on their type arguments.
    #[doc(hidden)]
    #[inline]
    fn proto_codec() -> Option<crate::codec::proto::ProtoCodec<Self>> {
        None
    }

    /// Whether the type is a plain key (a string, bytes, an `int` or `long`) that Kafka's own
    /// serializers write without a schema; see [`raw_key_bytes`](Self::raw_key_bytes).
    #[doc(hidden)]
    const PLAIN_KEY: bool = false;

    /// Appends the bytes Kafka's `StringSerializer`, byte-array, `IntegerSerializer` or
    /// `LongSerializer` write for this value (UTF-8, the bytes, 4 or 8 big-endian bytes) and
    /// returns `true`, for types with [`PLAIN_KEY`](Self::PLAIN_KEY); `false` (and nothing
    /// written) for others.
    #[doc(hidden)]
    #[inline]
    fn write_raw_key(&self, buf: &mut bytes::BytesMut) -> bool {
        let _ = buf;
        false
    }

    /// The canonical form a compile-time guard (`pin`, `fingerprint`) checked, if any.
    #[doc(hidden)]
    fn compile_time_canonical_form() -> Option<&'static str> {
        None
    }

    /// The data contract the type declares (`#[stream_schema(rule(..))]`, `encrypt(..)`,
    /// `metadata(..)`), built once: `send_typed` registers its metadata and rule set with
    /// the type's schema. `None` for a type that declares none.
    fn contract() -> Option<&'static type_contract::TypeContract> {
        None
    }

    /// The result of one of the type's own `CEL` CONDITION rules (`rule(expr = ..)`) on this
    /// value, when the derive compiled that expression to Rust (comparisons of top-level
    /// scalar and string fields with literals, `size`, `&&`, `||`, `!`: see the crate docs'
    /// data-contract section); `None` for any other expression, which the rule engine's
    /// interpreter runs on the encoded message instead.
    #[inline]
    fn declared_condition(&self, expr: &str) -> Option<bool> {
        let _ = expr;
        None
    }

    /// The record's top-level schema fields as CEL conditions read them from the value (in
    /// schema order): what a condition registered on the subject, not declared on the type,
    /// is compiled against when it is within the compiled subset, so that a typed send can
    /// evaluate it on the value with [`cel_value`](Self::cel_value). Empty (the default)
    /// for a type the derive gives no table.
    #[inline]
    fn cel_fields() -> &'static [streamhouse_schema_core::cel::fields::Field<'static>] {
        &[]
    }

    /// Field `field` (an index into [`cel_fields`](Self::cel_fields)) of this value, when
    /// the table gives it a kind or a size.
    #[inline]
    fn cel_value(&self, field: usize) -> Option<streamhouse_schema_core::cel::fields::Value<'_>> {
        let _ = field;
        None
    }

    /// The full name (`namespace.Name`) used by record-name subject strategies.
    fn full_name() -> &'static str {
        Self::schemas().full_name()
    }

    /// The Avro schema, parsed.
    fn avro_schema() -> &'static apache_avro::Schema {
        Self::schemas().avro_schema()
    }

    /// The Avro schema as JSON text, with docs, defaults and aliases: what is registered.
    fn avro_schema_json() -> &'static str {
        Self::schemas().avro_json()
    }

    /// The Avro Parsing Canonical Form.
    fn avro_canonical_form() -> &'static str {
        Self::schemas().avro_canonical_form()
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form.
    fn avro_fingerprint() -> u64 {
        Self::schemas().avro_fingerprint()
    }

    /// The JSON Schema (draft 2020-12) of the type's JSON encoding.
    fn json_schema() -> &'static schemars::Schema {
        Self::schemas().json_schema(JsonSchemaDraft::Draft2020_12)
    }

    /// The JSON Schema in the given draft.
    fn json_schema_in(draft: JsonSchemaDraft) -> &'static schemars::Schema {
        Self::schemas().json_schema(draft)
    }

    /// The JSON Schema (draft 2020-12) as compact text: what is registered with
    /// `schemaType: JSON`.
    fn json_schema_text() -> &'static str {
        Self::schemas().json_schema_text(JsonSchemaDraft::Draft2020_12)
    }

    /// Writes the Avro payload of a stream message (no framing).
    ///
    /// Same as [`AvroEncode::encode_avro`] except for top-level `bytes`, which Confluent's
    /// serializers write raw, without a length prefix.
    #[inline]
    fn encode_value<B: bytes::BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        self.encode_avro(buf)
    }

    /// The Protobuf view of the type (built on first use), or why it has none.
    fn try_proto_schema() -> Result<&'static ProtoSchema, &'static ProtoBuildError> {
        Self::schemas().protobuf()
    }

    /// The Protobuf view of the type: descriptor, `.proto` text, message indexes.
    ///
    /// # Panics
    /// When the type has no Protobuf mapping: it is not a struct or data enum, or it was
    /// derived without field tags. `#[derive(StreamSchema)]` with
    /// `#[stream_schema(protobuf)]` checks all of that at compile time; use
    /// [`try_proto_schema`](Self::try_proto_schema) for the other types.
    fn proto_schema() -> &'static ProtoSchema {
        match Self::try_proto_schema() {
            Ok(p) => p,
            Err(e) => panic!(
                "`{}` has no Protobuf schema: {e}",
                std::any::type_name::<Self>()
            ),
        }
    }

    /// The Protobuf schema as one `FileDescriptorProto`: root message first.
    ///
    /// # Panics
    /// As [`proto_schema`](Self::proto_schema).
    fn proto_file() -> &'static prost_types::FileDescriptorProto {
        Self::proto_schema().file()
    }

    /// The Protobuf schema as proto3 `.proto` text.
    ///
    /// # Panics
    /// As [`proto_schema`](Self::proto_schema).
    fn proto_text() -> &'static str {
        Self::proto_schema().text()
    }

    /// The Confluent message-index path of the type's message in [`proto_file`](Self::proto_file):
    /// `[0]`, the first message (written as the single byte `00` in a frame), unless the type
    /// is named as nested in a message it needs ([`ProtoSchema::message_indexes`]); `[0]`
    /// for a type without a Protobuf schema.
    fn proto_message_indexes() -> &'static [i32] {
        Self::try_proto_schema().map_or(&[0], |schema| schema.message_indexes())
    }

    /// Writes the Protobuf payload of a stream message (no framing), through the
    /// generated `prost::Message` implementation.
    #[inline]
    fn encode_proto<B: bytes::BufMut>(&self, buf: &mut B)
    where
        Self: crate::codec::proto::Message,
    {
        crate::codec::proto::Message::encode_raw(self, buf)
    }

    /// Reads a value from a Protobuf payload (no framing) written with this type's schema.
    #[inline]
    fn decode_proto(payload: &[u8]) -> Result<Self, crate::codec::proto::DecodeError>
    where
        Self: crate::codec::proto::Message + crate::codec::proto::ProtoValue,
    {
        crate::codec::proto::decode_message(payload)
    }

    /// Reads a value from an Avro payload written with this type's schema. Trailing bytes
    /// are ignored, as Confluent's deserializers do.
    #[inline]
    fn decode_value(payload: &[u8]) -> Result<Self, DecodeError>
    where
        Self: AvroDecode,
    {
        let mut input = payload;
        Self::decode_avro(&mut input)
    }
}

/// Types bound to a topic with `#[stream_schema(topic = "...")]`: what `send_typed` needs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no topic",
    label = "send_typed needs a topic",
    note = "add #[stream_schema(topic = \"...\")] to the type, or use send_typed_to(topic, key, &value)"
)]
pub trait Topic: StreamSchema {
    /// The topic the type's records go to.
    const TOPIC: &'static str;
    /// The key's type: the field marked `#[stream_schema(key)]`, or `()` without one.
    type Key: StreamSchema;
    /// The record's key, if the type has a key field.
    fn key(&self) -> Option<&Self::Key>;
}
