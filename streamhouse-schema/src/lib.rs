//! # streamhouse-schema
//!
//! Turn plain Rust types into schema-governed stream messages.
//!
//! `#[derive(StreamSchema)]` generates, from one model of the type, its Avro schema
//! (plus Parsing Canonical Form and CRC-64-AVRO fingerprint) and a generated Avro
//! codec that writes straight into a caller's buffer. The rest of the crate frames
//! payloads in the Confluent wire format, talks to a Confluent-compatible schema
//! registry, and moves typed records over a transport.
//!
//! ```
//! use streamhouse_schema::{AvroDecode, AvroEncode, StreamSchema};
//!
//! /// An order placed in the shop.
//! #[derive(StreamSchema, Debug, PartialEq)]
//! #[stream_schema(namespace = "com.acme.shop", topic = "orders")]
//! struct Order {
//!     #[stream_schema(key)]
//!     id: String,
//!     amount: f64,
//! }
//!
//! let order = Order { id: "o-1".into(), amount: 9.5 };
//! let mut buf = Vec::new();
//! order.encode_avro(&mut buf).unwrap();
//! assert_eq!(buf, [0x06, b'o', b'-', b'1', 0, 0, 0, 0, 0, 0, 0x23, 0x40]);
//! assert_eq!(Order::decode_avro(&mut buf.as_slice()).unwrap(), order);
//! assert_eq!(
//!     Order::avro_canonical_form(),
//!     r#"{"name":"com.acme.shop.Order","type":"record","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}"#
//! );
//! ```
//!
//! The everyday client types are at the root too:
//!
//! ```
//! use streamhouse_schema::{ClientError, Consumer, Producer, SchemaFormat, SchemaRegistryClient};
//!
//! # async fn demo() -> Result<(), ClientError> {
//! let producer: Producer = Producer::builder().schema_registry("mock://docs").build().await?; // in-process registry, embedded log
//! let client = SchemaRegistryClient::try_new("mock://docs")?;
//! let consumer: Consumer = Consumer::builder().schema_registry_client(client).build().await?;
//! # let _ = (producer, consumer, SchemaFormat::Avro);
//! # Ok(()) }
//! ```
//!
//! ## What is public
//!
//! At the root: the derive ([`StreamSchema`]) and its traits ([`StreamSchema`], [`Topic`],
//! [`SchemaType`], [`AvroEncode`]/[`AvroDecode`], [`JsonEncode`]/[`JsonDecode`]), the schema
//! views ([`Schemas`], [`SchemaFormat`], [`JsonSchemaDraft`]), the clients ([`Producer`],
//! [`ProducerBuilder`], [`ProducerConfig`], [`Consumer`], [`ConsumerBuilder`],
//! [`SchemaRegistryClient`]) and their errors ([`ClientError`], [`RegistryError`],
//! [`DecodeError`], [`EncodeError`], [`JsonDecodeError`], [`JsonEncodeError`]).
//!
//! Modules, from the bottom up (each uses only those above it in this list):
//!
//! - [`schema`]: the type model and the Avro / JSON Schema / Protobuf views built from it;
//!   [`compat`]: the registry's compatibility rules for the three formats;
//! - [`codec`]: the codec traits the derive implements (Avro, JSON, Protobuf), Avro schema
//!   resolution ([`codec::avro::resolve::Resolution`]) and the decoding limits;
//!   [`wire`]: the Confluent frame (magic byte, schema id, message indexes);
//! - [`transport`]: where records go: the embedded log, and Apache Kafka (feature `kafka`);
//! - [`registry`]: the schema registry client (HTTP or `mock://`), with caches;
//! - [`producer`] and [`consumer`]: typed sends and reads, siblings on a shared client layer;
//! - [`server`] (feature `server`): the Confluent-compatible registry server.
//!
//! The helpers the derive's generated code calls (varints, field keys, the codecs of
//! `unit`/`decimal`/`repr` mappings, resolution steps, oneof members, compile-time name
//! checks) live in a hidden `__private` module whose paths may change in any release; the
//! public modules above do not expose them.
//!
//! Reference: [`type_mapping`] (how each Rust type appears in each format) and
//! [`attributes`] (every `#[stream_schema(...)]` attribute).
#![warn(missing_docs)]

// Lets the derive's `::streamhouse_schema` paths resolve inside this crate's own tests.
extern crate self as streamhouse_schema;

#[cfg(feature = "client")]
mod client;
pub mod codec;
pub use streamhouse_schema_core::compat;
#[cfg(feature = "client")]
pub mod consumer;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod producer;
#[cfg(feature = "client")]
pub mod registry;
#[cfg(feature = "rules")]
pub mod rules;
pub mod schema;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "client")]
pub mod telemetry;
#[cfg(feature = "client")]
pub mod transport;
pub mod wire;

// The everyday types at the root, so that the original design's
// `use streamhouse_schema::{Producer, SchemaFormat};` compiles as written.
pub use codec::avro::{AvroBorrowDecode, AvroDecode, AvroEncode, DecodeError, EncodeError};
pub use codec::json::{JsonBorrowDecode, JsonDecode, JsonDecodeError, JsonEncode, JsonEncodeError};
pub use codec::proto::ProtoBorrowDecode;
#[cfg(feature = "client")]
pub use consumer::{Consumer, ConsumerBuilder};
#[cfg(feature = "client")]
pub use error::ClientError;
#[cfg(feature = "client")]
pub use producer::{Producer, ProducerBuilder, ProducerConfig};
#[cfg(feature = "client")]
pub use registry::{RegistryError, SchemaRegistryClient};
pub use schema::{JsonSchemaDraft, SchemaFormat, SchemaType, Schemas, StreamSchema, Topic};
pub use streamhouse_schema_derive::StreamSchema;

#[doc = include_str!("../docs/type-mapping.md")]
pub mod type_mapping {}

#[doc = include_str!("../docs/attributes.md")]
pub mod attributes {}

// Every Rust snippet of the README compiles (and runs) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeSnippets;

/// Items the generated code refers to. Not part of the public API: paths here may
/// change without notice.
///
/// Everything the derive's output names lives here or at the root: the codec traits of
/// explicit mappings, the resolving decoder's steps, the Protobuf runtime and the
/// compile-time name checks are re-exported from modules that are private to the crate,
/// so the public modules (`codec`, `schema`) show only what users call.
#[doc(hidden)]
pub mod __private {
    pub use crate::codec::avro::logical::{DecimalCodec, TemporalUnitCodec, WideIntCodec};
    pub use crate::codec::avro::resolve::step::{Source, Step};
    pub use crate::codec::field_context::in_field;
    pub use crate::codec::json::logical::JsonTemporalMillis;
    pub use crate::codec::json::JsonReader;
    pub use crate::schema::contract::{RuleKind, RuleMode};
    pub use crate::schema::model;
    pub use crate::schema::schemas::schemas_or_panic;
    pub use crate::schema::static_name::{names_clash, StaticName};
    pub use crate::schema::type_contract::{declared_rule, TypeContract};
    pub use bytes::BufMut;
    pub use serde_json;
    pub use std::sync::OnceLock;
    pub use streamhouse_schema_core::cel::fields as cel_fields;

    /// Avro varints, lengths and blocks.
    pub mod varint {
        pub use crate::codec::avro::varint::*;
    }

    /// Avro codecs of fields with an explicit mapping (`repr`, `unit`, `decimal`, a
    /// non-null default on an `Option`).
    pub mod with {
        pub use crate::codec::avro::collections::adapters::*;
        pub use crate::codec::avro::collections::option_null_last;
        pub use crate::codec::avro::logical::with::*;
    }

    /// The slots of a generated JSON object decoder.
    pub mod json_slot {
        pub use crate::codec::json::slots::*;
    }

    /// JSON codecs of fields with an explicit mapping (`repr`, `unit`, `decimal`).
    pub mod json_with {
        pub use crate::codec::json::collections::adapters::*;
        pub use crate::codec::json::logical::with::*;
    }

    /// The Protobuf runtime of generated `prost::Message` code.
    pub mod proto {
        pub use crate::codec::proto::generated::ProtoCodec;
        pub use crate::codec::proto::oneof::{
            any_tag_between, names_contain, names_overlap, tags_contain, tags_overlap, ProtoOneof,
        };
        pub use crate::codec::proto::runtime::*;
        pub use crate::codec::proto::{
            Buf, BufMut, DecodeContext, DecodeError, Message, ProtoBorrowDecode,
            ProtoBorrowElement, ProtoBorrowField, ProtoBorrowRecord, ProtoBorrowValue,
            ProtoElement, ProtoField, ProtoValue, WireType,
        };

        /// The `sint`/`fixed`/`sfixed` encodings of `#[stream_schema(proto = "...")]`.
        pub mod ints {
            pub use crate::codec::proto::ints::*;
        }

        /// The one-slice decoding path of generated messages (keys, varints, bodies read
        /// from a `&[u8]` cursor).
        pub mod slice {
            pub use crate::codec::proto::slice::*;
        }
    }
}
