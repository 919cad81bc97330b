//! Protobuf schemas as the registry exchanges them: `.proto` text or a base64 serialized
//! `FileDescriptorProto` in, a [`prost_types::FileDescriptorProto`] in the middle, `.proto`
//! text or base64 out, plus Confluent's message-index paths that name one message of a file
//! in the wire format.
//!
//! ```
//! use streamhouse_schema_core::proto_file::{message_index_path, parse_proto, print_proto};
//!
//! let file = parse_proto(r#"
//!     syntax = "proto3";
//!     package oracle.v1;
//!     import "google/protobuf/timestamp.proto";
//!     message Order {
//!       message LineItem { string sku = 1; }
//!       repeated LineItem items = 1;
//!       google.protobuf.Timestamp placed_at = 2;
//!     }
//! "#).unwrap();
//! assert_eq!(message_index_path(&file, "oracle.v1.Order.LineItem"), Some(vec![0, 0]));
//! assert!(print_proto(&file).contains("repeated .oracle.v1.Order.LineItem items = 1;"));
//! ```

mod c_escape;
mod index;
mod json_names;
mod parse;
mod print;

pub use index::{message_at_index_path, message_index_path};
pub use parse::{
    descriptor_from_base64, descriptor_set_with_imports, parse_proto, parse_proto_with_imports,
    serialized_proto_with_imports,
};
pub use print::print_proto;
pub(crate) use print::quote as quote_proto_string;

/// The option Confluent's field annotations are read from (`confluent/meta.proto`).
pub const FIELD_META: &str = "confluent.field_meta";

use base64::Engine as _;
use prost::Message as _;

/// Why a Protobuf schema could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtoSchemaError {
    /// The schema text is empty.
    #[error("the protobuf schema is empty")]
    Empty,
    /// The text looked like base64 but is not valid base64.
    #[error("the protobuf schema is neither .proto text nor valid base64: {0}")]
    Base64(String),
    /// The base64 payload is not a serialized `FileDescriptorProto`.
    #[error("the base64 payload is not a serialized FileDescriptorProto: {0}")]
    Descriptor(String),
    /// The `.proto` text (or descriptor) does not compile: syntax errors, unknown types,
    /// duplicate numbers, imports that cannot be resolved...
    #[error("the protobuf schema does not compile: {0}")]
    Compile(String),
}

/// Serializes `file` and encodes it as standard base64 (what Confluent's registry returns for
/// `?format=serialized` and what its Python serializer registers).
pub fn to_base64_descriptor(file: &prost_types::FileDescriptorProto) -> String {
    base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec())
}

#[cfg(test)]
mod tests;
