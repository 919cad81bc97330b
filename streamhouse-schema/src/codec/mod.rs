//! Codecs: the runtime pieces that derived encoders and decoders call.

pub mod avro;
pub mod json;
pub mod limits;
pub mod proto;
