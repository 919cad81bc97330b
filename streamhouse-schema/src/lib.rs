//! # streamhouse-schema (skeleton)
#![warn(missing_docs)]

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
