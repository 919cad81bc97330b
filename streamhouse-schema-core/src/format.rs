//! The three schema formats a registry understands.

use std::fmt;
use std::str::FromStr;

/// A schema's format, as the Confluent registry names it in `schemaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SchemaFormat {
    /// Apache Avro (the registry's default when `schemaType` is absent).
    #[default]
    Avro,
    /// Protocol Buffers (proto3 text or a serialized `FileDescriptorProto`).
    Protobuf,
    /// JSON Schema.
    Json,
}

impl SchemaFormat {
    /// The registry's spelling: `AVRO`, `PROTOBUF` or `JSON`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaFormat::Avro => "AVRO",
            SchemaFormat::Protobuf => "PROTOBUF",
            SchemaFormat::Json => "JSON",
        }
    }
}

impl fmt::Display for SchemaFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a `schemaType` that is none of `AVRO`, `PROTOBUF`, `JSON`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown schema type {0:?}: expected AVRO, PROTOBUF or JSON")]
pub struct UnknownSchemaFormat(pub String);

impl FromStr for SchemaFormat {
    type Err = UnknownSchemaFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AVRO" => Ok(SchemaFormat::Avro),
            "PROTOBUF" => Ok(SchemaFormat::Protobuf),
            "JSON" => Ok(SchemaFormat::Json),
            _ => Err(UnknownSchemaFormat(s.to_string())),
        }
    }
}

impl serde::Serialize for SchemaFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SchemaFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
