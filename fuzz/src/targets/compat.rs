//! Target `compat_check`: the compatibility checker on schemas the fuzzer writes.
//!
//! Input: a byte naming the format (`% 3`: Avro, Protobuf, JSON) and the level (`/ 3 % 7`,
//! in [`CompatibilityLevel::ALL`] order), then up to three schema texts separated by
//! [`SEPARATOR`](super::split::SEPARATOR): the candidate first, then the existing versions
//! oldest first.
//!
//! Property: every schema that parses can read what it writes itself.

use streamhouse_schema::compat::{can_read, check_parsed, parse_schema, CompatibilityLevel};
use streamhouse_schema::SchemaFormat;

use super::split;

/// Decodes the selector byte into a format and a level.
pub fn selector(byte: u8) -> (SchemaFormat, CompatibilityLevel) {
    let format = match byte % 3 {
        0 => SchemaFormat::Avro,
        1 => SchemaFormat::Protobuf,
        _ => SchemaFormat::Json,
    };
    let level = CompatibilityLevel::ALL[usize::from(byte / 3) % CompatibilityLevel::ALL.len()];
    (format, level)
}

/// The `compat_check` body.
pub fn check(data: &[u8]) {
    let Some((&selector_byte, rest)) = data.split_first() else {
        return;
    };
    let (format, level) = selector(selector_byte);
    let mut parsed = Vec::new();
    for part in split::parts(rest, 3) {
        let Ok(text) = std::str::from_utf8(part) else {
            return;
        };
        let Ok(schema) = parse_schema(format, text) else {
            return;
        };
        parsed.push(schema);
    }
    for schema in &parsed {
        let found = can_read(schema, schema);
        assert!(
            found.is_empty(),
            "a schema cannot read its own data: {found:?}\n{}",
            schema.normalized()
        );
    }
    if let Some((candidate, existing)) = parsed.split_first() {
        let report = check_parsed(level, candidate, existing);
        // Every message names the level it was checked under.
        for message in &report.messages {
            assert!(message.contains(level.as_str()), "{message}");
        }
    }
}
