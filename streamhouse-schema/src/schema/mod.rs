//! Schemas: the traits the derive implements, the type model, formats and fingerprints.

pub mod format;
pub mod proto_file;

pub use format::SchemaFormat;
