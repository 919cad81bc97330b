//! Why a consumed record could not be read.

use crate::codec::avro::DecodeError;
use crate::codec::json::JsonDecodeError;
use crate::schema::SchemaFormat;
use crate::wire::WireError;

/// A record the consumer could not read, and where it is. The consumer has already moved
/// past it: the next poll returns the next record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("record {topic}/{partition}@{offset}: {reason}")]
pub struct InvalidRecord {
    /// The record's topic.
    pub topic: String,
    /// Its partition.
    pub partition: i32,
    /// Its offset.
    pub offset: i64,
    /// What is wrong with it.
    pub reason: RecordError,
}

/// What is wrong with a consumed record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    /// The value is not a Confluent frame (wrong magic byte, truncated header, bad message
    /// indexes).
    #[error("not a schema-registry frame: {0}")]
    Frame(#[from] WireError),
    /// The frame names its schema by GUID, which this consumer does not resolve.
    #[error(
        "the frame names its schema by GUID, which is not supported; only integer schema ids are"
    )]
    GuidNotSupported,
    /// The frame's schema id is not known to the registry.
    #[error("schema id {0} is not known to the registry")]
    UnknownSchemaId(i32),
    /// The record is not of the format the caller decodes.
    #[error("the writer schema (id {schema_id}) is {actual}, not {expected}")]
    WrongFormat {
        /// The writer schema id.
        schema_id: i32,
        /// The format asked for.
        expected: SchemaFormat,
        /// The writer schema's format.
        actual: SchemaFormat,
    },
    /// The record has no schema (read without a registry, or not framed).
    #[error("the record carries no schema id (is a schema registry configured?)")]
    NoSchema,
    /// The type asked for cannot read what the writer schema wrote.
    #[error("{reader} cannot read data written with schema id {schema_id}: {message}")]
    Incompatible {
        /// The writer schema id.
        schema_id: i32,
        /// The full name of the type asked for.
        reader: String,
        /// Why (names the field).
        message: String,
    },
    /// A Protobuf frame's message indexes name no message of the writer schema, or one the
    /// type asked for cannot read.
    #[error("{reader} cannot read message {path:?} of schema id {schema_id}{}: {reason}",
        found.as_ref().map(|name| format!(" ('{name}')")).unwrap_or_default())]
    MessageIndexes {
        /// The writer schema id.
        schema_id: i32,
        /// The frame's message-index path.
        path: Vec<i32>,
        /// The full name of the message at that path, if there is one.
        found: Option<String>,
        /// The full name of the reader type's message.
        reader: String,
        /// Why it cannot be read (no message there, or the incompatibilities found).
        reason: String,
    },
    /// The writer schema text does not parse.
    #[error("the writer schema (id {schema_id}) is invalid: {message}")]
    InvalidSchema {
        /// The writer schema id.
        schema_id: i32,
        /// The parser's message.
        message: String,
    },
    /// The payload does not decode with the writer schema.
    #[error("the payload does not decode: {0}")]
    Decode(#[from] DecodeError),
    /// The JSON payload does not decode into the type asked for.
    #[error("the JSON payload does not decode: {0}")]
    Json(#[from] JsonDecodeError),
    /// The Protobuf payload does not decode into the type asked for.
    #[error("the Protobuf payload does not decode: {0}")]
    Protobuf(String),
    /// The payload does not decode with the writer schema (generic Avro reader).
    #[error("the payload does not decode with the writer schema: {0}")]
    Avro(String),
}
