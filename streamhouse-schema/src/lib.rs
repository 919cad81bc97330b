//! # streamhouse-schema (skeleton)
#![warn(missing_docs)]

// Lets the derive's `::streamhouse_schema` paths resolve inside this crate's own tests.
extern crate self as streamhouse_schema;

pub mod codec;
pub mod compat;
pub mod consumer;
pub mod error;
pub mod producer;
pub mod registry;
pub mod schema;
#[cfg(feature = "server")]
pub mod server;
pub mod transport;
pub mod wire;

pub use codec::avro::{AvroDecode, AvroEncode, DecodeError, EncodeError};
pub use schema::{SchemaFormat, SchemaType, Schemas, StreamSchema, Topic};
pub use streamhouse_schema_derive::StreamSchema;

/// Items the generated code refers to. Not part of the public API: paths here may
/// change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::codec::avro::varint;
    pub use crate::codec::avro::with;
    pub use crate::schema::model;
    pub use bytes::BufMut;
    pub use serde_json;
    pub use std::sync::OnceLock;
}
