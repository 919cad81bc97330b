//! Target `schema_parse`: the registry's schema parsers (Avro, JSON Schema, `.proto` text,
//! serialized `FileDescriptorProto`), with references.
//!
//! Input: a mode byte, then parts separated by [`SEPARATOR`](super::split::SEPARATOR): the
//! schema, then (reference name, reference schema) pairs. Mode `% 4`: Avro, JSON Schema,
//! `.proto` text, or descriptor bytes (each schema part is base64-encoded before parsing, so
//! that the fuzzer mutates the binary descriptor itself).
//!
//! Property: without references, the normalized form of what parsed parses again to the
//! same normalized form (the registry stores and compares that form).

use streamhouse_schema::compat::{parse_schema, parse_schema_with_references};
use streamhouse_schema::SchemaFormat;

use super::split;

/// At most this many (name, schema) reference pairs per input.
const MAX_REFERENCES: usize = 3;

/// Decodes the mode byte: the format and whether schema parts are descriptor bytes.
pub fn mode(byte: u8) -> (SchemaFormat, bool) {
    match byte % 4 {
        0 => (SchemaFormat::Avro, false),
        1 => (SchemaFormat::Json, false),
        2 => (SchemaFormat::Protobuf, false),
        _ => (SchemaFormat::Protobuf, true),
    }
}

/// A schema part as the parser gets it: UTF-8 text, or base64 of descriptor bytes.
pub fn schema_text(part: &[u8], descriptor: bool) -> Option<String> {
    if descriptor {
        Some(base64(part))
    } else {
        std::str::from_utf8(part).ok().map(str::to_string)
    }
}

/// The `schema_parse` body.
pub fn parse(data: &[u8]) {
    let Some((&mode_byte, rest)) = data.split_first() else {
        return;
    };
    let (format, descriptor) = mode(mode_byte);
    let parts = split::parts(rest, 1 + 2 * MAX_REFERENCES);
    let Some(text) = schema_text(parts[0], descriptor) else {
        return;
    };
    let mut references = Vec::new();
    for pair in parts[1..].chunks(2) {
        let (Ok(name), Some(schema)) = (
            std::str::from_utf8(pair[0]),
            pair.get(1).and_then(|part| schema_text(part, descriptor)),
        ) else {
            return;
        };
        references.push((name, schema));
    }
    let references: Vec<(&str, &str)> = references
        .iter()
        .map(|(name, schema)| (*name, schema.as_str()))
        .collect();

    let Ok(parsed) = parse_schema_with_references(format, &text, &references) else {
        return;
    };
    let normalized = parsed.normalized();
    if !references.is_empty() {
        return;
    }
    let again = parse_schema(format, &normalized)
        .unwrap_or_else(|e| panic!("the normalized form does not parse: {e}\n{normalized}"));
    assert_eq!(
        again.normalized(),
        normalized,
        "normalizing is not idempotent"
    );
}

/// Standard base64 with padding (the form the registry accepts for descriptors).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
