//! Codecs: the traits derived types implement to write and read themselves (Avro, JSON,
//! Protobuf), Avro schema resolution, the decoding limits and zero-copy `Bytes` fields
//! ([`frame`]). The helpers generated code calls (varints, field keys, the codecs of
//! explicit mappings, resolution steps, oneof members) are private to the crate and reach
//! the derive through the hidden `streamhouse_schema::__private`.

pub mod avro;
pub(crate) mod field_context;
pub mod frame;
pub mod json;
pub mod limits;
pub mod proto;
