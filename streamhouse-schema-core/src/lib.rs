//! The pieces of streamhouse-schema that both the runtime crate and the derive macro use,
//! so that what the build checks and what runs are computed by the same code: the type
//! model, the Avro emitter, the Parsing Canonical Form and the CRC-64-AVRO fingerprint,
//! Protobuf descriptor handling, and the compatibility rules of all three formats.
//!
//! Users reach these through `streamhouse_schema::schema` and `streamhouse_schema::compat`.
#![warn(missing_docs)]

pub mod avro;
pub mod cel;
pub mod compat;
pub mod format;
pub mod json_schema;
pub mod model;
pub mod proto_file;
pub mod protobuf;
pub mod references;

pub use format::SchemaFormat;
