//! Parsing schema text of any of the three formats, and its normalized form.

use apache_avro::Schema as AvroSchema;
use prost_types::FileDescriptorProto;
use serde_json::{Map, Value};

use super::error::CompatError;
use super::protobuf::ProtoFileWithImports;
use crate::proto_file::{parse_proto, print_proto};
use crate::SchemaFormat;

/// A schema parsed into the model its format's checker works on.
// The variants hold the parsed models directly (no boxing) because other modules match on
// them; a parsed schema is long-lived and rarely moved, so the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ParsedSchema {
    /// An Avro schema.
    Avro(AvroSchema),
    /// A Protobuf file (from `.proto` text or a base64 serialized descriptor).
    Protobuf(FileDescriptorProto),
    /// A Protobuf file that imports other (non-well-known) files, with those files, so that
    /// the message types it uses from them are compared field by field
    /// ([`parse_schema_with_references`](super::parse_schema_with_references) builds it from
    /// a registry's `references`). Everything else treats it as its file.
    ProtobufWithImports(ProtoFileWithImports),
    /// A JSON Schema document.
    Json(Value),
}

/// Parses schema text of the given format.
///
/// - Avro: JSON schema text, checked by apache-avro (names, defaults, unions...).
/// - Protobuf: `.proto` text or a base64 `FileDescriptorProto` (see
///   [`parse_proto`](crate::proto_file::parse_proto)).
/// - JSON: a JSON Schema document, which must be a JSON object or a boolean.
///
/// ```
/// use streamhouse_schema_core::compat::{parse_schema, CompatError, ParsedSchema};
/// use streamhouse_schema_core::SchemaFormat;
///
/// let parsed = parse_schema(SchemaFormat::Json, r#"{"type":"string"}"#).unwrap();
/// assert!(matches!(parsed, ParsedSchema::Json(_)));
/// let err = parse_schema(SchemaFormat::Avro, r#"{"type":"nope"}"#).unwrap_err();
/// assert!(matches!(err, CompatError::InvalidSchema { format: SchemaFormat::Avro, .. }));
/// ```
pub fn parse_schema(format: SchemaFormat, text: &str) -> Result<ParsedSchema, CompatError> {
    let invalid = |message: String| CompatError::InvalidSchema { format, message };
    match format {
        SchemaFormat::Avro => {
            let schema = AvroSchema::parse_str(text).map_err(|e| invalid(e.to_string()))?;
            super::avro::check_depth(&schema, &[]).map_err(invalid)?;
            Ok(ParsedSchema::Avro(schema))
        }
        SchemaFormat::Protobuf => parse_proto(text)
            .map(ParsedSchema::Protobuf)
            .map_err(|e| invalid(e.to_string())),
        SchemaFormat::Json => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
            match value {
                Value::Object(_) | Value::Bool(_) => {
                    super::json::validate_document(&value).map_err(invalid)?;
                    Ok(ParsedSchema::Json(value))
                }
                other => Err(invalid(format!(
                    "a JSON Schema must be an object or a boolean, found {}",
                    json_kind(&other)
                ))),
            }
        }
    }
}

impl ParsedSchema {
    /// The format of this schema.
    pub fn format(&self) -> SchemaFormat {
        match self {
            ParsedSchema::Avro(_) => SchemaFormat::Avro,
            ParsedSchema::Protobuf(_) | ParsedSchema::ProtobufWithImports(_) => {
                SchemaFormat::Protobuf
            }
            ParsedSchema::Json(_) => SchemaFormat::Json,
        }
    }

    /// The Protobuf file itself (without its imports); `None` for Avro and JSON.
    ///
    /// ```
    /// use streamhouse_schema_core::compat::parse_schema_with_references;
    /// use streamhouse_schema_core::SchemaFormat;
    ///
    /// let money = "syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }";
    /// let order = "syntax = \"proto3\"; package shop; import \"money.proto\";
    ///              message Order { Money total = 1; }";
    /// let parsed =
    ///     parse_schema_with_references(SchemaFormat::Protobuf, order, &[("money.proto", money)])
    ///         .unwrap();
    /// let file = parsed.protobuf_file().unwrap();
    /// assert_eq!(file.message_type[0].name(), "Order");
    /// ```
    pub fn protobuf_file(&self) -> Option<&FileDescriptorProto> {
        match self {
            ParsedSchema::Protobuf(file) => Some(file),
            ParsedSchema::ProtobufWithImports(parsed) => Some(parsed.file()),
            ParsedSchema::Avro(_) | ParsedSchema::Json(_) => None,
        }
    }

    /// Text that is equal for two schemas iff they are the same schema (used by the registry
    /// to dedupe registrations): Avro = apache-avro's JSON form that keeps doc, defaults and
    /// aliases (not only the Parsing Canonical Form), Protobuf = the printed `.proto` text of
    /// the descriptor (the file only: its imports are identified by the references), JSON =
    /// compact JSON with object keys sorted.
    ///
    /// ```
    /// use streamhouse_schema_core::compat::parse_schema;
    /// use streamhouse_schema_core::SchemaFormat;
    ///
    /// let a = parse_schema(SchemaFormat::Json, r#"{ "type": "object", "title": "T" }"#).unwrap();
    /// let b = parse_schema(SchemaFormat::Json, r#"{"title":"T","type":"object"}"#).unwrap();
    /// assert_eq!(a.normalized(), b.normalized());
    /// assert_eq!(a.normalized(), r#"{"title":"T","type":"object"}"#);
    /// ```
    pub fn normalized(&self) -> String {
        match self {
            ParsedSchema::Avro(schema) => avro_normalized(schema),
            ParsedSchema::Protobuf(file) => print_proto(file),
            ParsedSchema::ProtobufWithImports(parsed) => print_proto(parsed.file()),
            ParsedSchema::Json(value) => sorted_keys(value).to_string(),
        }
    }
}

/// An Avro schema as apache-avro serializes it, each object key written once.
///
/// apache-avro's `Serialize` writes a decimal `fixed`'s `precision` and `scale` twice: once
/// among the fixed's other attributes (where its parser keeps them, sorted by name) and once
/// after `logicalType`. Serializing into a [`Value`] keeps each key once (at its first place,
/// with its last value, which is also what apache-avro reads back from repeated keys); then
/// the two keys move back behind `logicalType`, where the decimal writes them, so that
/// normalizing the normalized text again gives the same text. A schema without a decimal
/// `fixed` serializes to the same text as without this step, so its stored fingerprint
/// stays as it was.
fn avro_normalized(schema: &AvroSchema) -> String {
    // Serializing a parsed schema cannot fail (all keys are strings); the canonical form is
    // a correct, if coarser, fallback should apache-avro ever report an error.
    match serde_json::to_value(schema) {
        Ok(mut value) => {
            place_decimal_fixed_keys(&mut value);
            value.to_string()
        }
        Err(_) => schema.canonical_form(),
    }
}

/// Moves `scale` and `precision` behind the other keys of every decimal `fixed` object in
/// `value`. The recursion follows the serialized schema, whose depth the parser bounded.
fn place_decimal_fixed_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let decimal_fixed = map.get("type").and_then(Value::as_str) == Some("fixed")
                && map.get("logicalType").and_then(Value::as_str) == Some("decimal");
            if decimal_fixed {
                for key in ["scale", "precision"] {
                    if let Some(moved) = map.shift_remove(key) {
                        map.insert(key.to_owned(), moved);
                    }
                }
            }
            map.values_mut().for_each(place_decimal_fixed_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(place_decimal_fixed_keys),
        _ => {}
    }
}

/// A copy of `value` whose objects list their keys in sorted order.
fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let mut sorted = Map::new();
            for (key, inner) in entries {
                sorted.insert(key.clone(), sorted_keys(inner));
            }
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_normalized_keeps_doc_default_and_aliases() {
        let text = r#"{"type":"record","name":"Order","namespace":"shop","doc":"An order",
            "aliases":["OldOrder"],
            "fields":[{"name":"qty","type":"int","default":1,"doc":"how many"}]}"#;
        let normalized = parse_schema(SchemaFormat::Avro, text).unwrap().normalized();
        assert!(normalized.contains(r#""doc":"An order""#), "{normalized}");
        assert!(normalized.contains(r#""default":1"#), "{normalized}");
        assert!(
            normalized.contains(r#""aliases":["shop.OldOrder"]"#),
            "{normalized}"
        );
        let other_doc = text.replace("An order", "An order!");
        let other = parse_schema(SchemaFormat::Avro, &other_doc)
            .unwrap()
            .normalized();
        assert_ne!(normalized, other, "a changed doc is another schema");
        let reformatted = text.replace('\n', " ").replace("            ", "");
        let same = parse_schema(SchemaFormat::Avro, &reformatted)
            .unwrap()
            .normalized();
        assert_eq!(normalized, same, "whitespace does not matter");
    }

    #[test]
    fn json_normalized_sorts_nested_keys() {
        let parsed = parse_schema(
            SchemaFormat::Json,
            r#"{"type":"object","properties":{"b":{"type":"string"},"a":{"maxLength":3,"type":"string"}}}"#,
        )
        .unwrap();
        assert_eq!(
            parsed.normalized(),
            r#"{"properties":{"a":{"maxLength":3,"type":"string"},"b":{"type":"string"}},"type":"object"}"#
        );
    }

    #[test]
    fn json_schema_must_be_object_or_boolean() {
        assert!(matches!(
            parse_schema(SchemaFormat::Json, "true"),
            Ok(ParsedSchema::Json(Value::Bool(true)))
        ));
        let err = parse_schema(SchemaFormat::Json, "[1]").unwrap_err();
        assert_eq!(
            err,
            CompatError::InvalidSchema {
                format: SchemaFormat::Json,
                message: "a JSON Schema must be an object or a boolean, found an array".into()
            }
        );
        let err = parse_schema(SchemaFormat::Json, r#"{"type":"text"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid JSON schema: at '/': 'type' must be a type name or a non-empty array of \
             type names"
        );
        let err = parse_schema(SchemaFormat::Json, "{").unwrap_err();
        assert!(
            err.to_string().starts_with("invalid JSON schema: not JSON"),
            "{err}"
        );
    }

    #[test]
    fn invalid_avro_is_a_typed_error() {
        let err = parse_schema(SchemaFormat::Avro, r#"{"type":"record","name":"R"}"#).unwrap_err();
        assert!(matches!(
            err,
            CompatError::InvalidSchema {
                format: SchemaFormat::Avro,
                ..
            }
        ));
    }

    #[test]
    fn protobuf_text_and_descriptor_normalize_alike() {
        let text = "syntax = \"proto3\";\npackage shop;\nmessage Order { string id = 1; }\n";
        let from_text = parse_schema(SchemaFormat::Protobuf, text).unwrap();
        let ParsedSchema::Protobuf(file) = &from_text else {
            panic!("expected a protobuf schema");
        };
        let base64 = crate::proto_file::to_base64_descriptor(file);
        let from_descriptor = parse_schema(SchemaFormat::Protobuf, &base64).unwrap();
        assert_eq!(from_text.normalized(), from_descriptor.normalized());
        assert_eq!(from_text.format(), SchemaFormat::Protobuf);
    }

    #[test]
    fn avro_decimal_fixed_normalizes_without_repeated_keys_and_idempotently() {
        // Found by the schema_parse fuzz target (fuzz/artifacts/schema_parse/
        // crash-decimal-fixed-duplicate-keys): apache-avro wrote `precision` and `scale` twice.
        for (text, expected) in [
            (
                r#"{"type":"fixed","name":"Dec8","size":8,"logicalType":"decimal","precision":18}"#,
                r#"{"type":"fixed","name":"Dec8","size":8,"logicalType":"decimal","scale":0,"precision":18}"#,
            ),
            (
                r#"{"type":"fixed","name":"Dec8","size":8,"logicalType":"decimal","precision":18,"scale":2,"x":1}"#,
                r#"{"type":"fixed","name":"Dec8","size":8,"x":1,"logicalType":"decimal","scale":2,"precision":18}"#,
            ),
            (
                r#"{"type":"bytes","logicalType":"decimal","precision":18,"x":1}"#,
                r#"{"type":"bytes","logicalType":"decimal","scale":0,"precision":18}"#,
            ),
        ] {
            let once = parse_schema(SchemaFormat::Avro, text).unwrap().normalized();
            assert_eq!(once, expected);
            let twice = parse_schema(SchemaFormat::Avro, &once)
                .unwrap()
                .normalized();
            assert_eq!(twice, once, "normalizing {text} again changed it");
        }
    }

    #[test]
    fn avro_normalized_without_decimal_fixed_is_apache_avros_text() {
        // Stored fingerprints hash this text: it must not change for such schemas.
        let text = r#"{"type":"record","name":"R","namespace":"n","doc":"d","fields":[
            {"name":"a","type":"double","default":1.5},{"name":"b","type":["null","string"],"default":null},
            {"name":"c","type":{"type":"map","values":{"type":"array","items":"long"}},"x-y":{"k":[1,2]}},
            {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}},
            {"name":"e","type":{"type":"fixed","name":"F","size":4,"z":"\u00e9\n"}},
            {"name":"f","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}}]}"#;
        let ParsedSchema::Avro(schema) = parse_schema(SchemaFormat::Avro, text).unwrap() else {
            panic!("expected an Avro schema");
        };
        let plain = serde_json::to_string(&schema).unwrap();
        assert_eq!(ParsedSchema::Avro(schema).normalized(), plain);
    }
}
