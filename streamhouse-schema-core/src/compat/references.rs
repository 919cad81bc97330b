//! Parsing schemas that refer to other schemas (the registry's `references`), so that the
//! result is self-contained and the checkers never meet a name they cannot follow.

use std::collections::HashSet;

use apache_avro::Schema as AvroSchema;
use prost_types::FileDescriptorProto;
use serde_json::{Map, Value};

use super::error::CompatError;
use super::parsed::{parse_schema, ParsedSchema};
use super::protobuf::ProtoFileWithImports;
use crate::proto_file::parse_proto_with_imports;
use crate::SchemaFormat;

/// The key under which referenced JSON Schema documents are embedded.
const EMBEDDED_DEFS: &str = "$defs";

/// Parses `text` together with the schemas it refers to: pairs of reference name and schema
/// text, as a registry stores them (Confluent's `references`, already resolved to text).
///
/// - Avro: the referenced named types are inlined where the schema first uses them (the
///   name in each pair is not needed: Avro refers by type name).
/// - Protobuf: each name is the import path (`import "shop/money.proto";`). When the file
///   imports some of them, the result is a [`ParsedSchema::ProtobufWithImports`] holding the
///   imported files too (directly or indirectly imported ones, each compiled), so that the
///   message types used from them are compared field by field; otherwise a
///   [`ParsedSchema::Protobuf`].
/// - JSON: each name is the `$ref` target (`"$ref": "money.json"`, optionally followed by a
///   `#/pointer`); the referenced documents are embedded under `$defs` and the references
///   rewritten to point there.
///
/// Without references this is [`parse_schema`].
///
/// ```
/// use streamhouse_schema_core::compat::{parse_schema_with_references, ParsedSchema};
/// use streamhouse_schema_core::SchemaFormat;
///
/// let money = r#"{"type":"record","name":"Money","namespace":"shop",
///                 "fields":[{"name":"cents","type":"long"}]}"#;
/// let order = r#"{"type":"record","name":"Order","namespace":"shop",
///                 "fields":[{"name":"total","type":"shop.Money"}]}"#;
/// let parsed =
///     parse_schema_with_references(SchemaFormat::Avro, order, &[("shop.Money", money)]).unwrap();
/// assert!(parsed.normalized().contains(r#""name":"cents""#));
/// ```
///
/// # Errors
/// [`CompatError::InvalidSchema`] when `text` or a reference does not parse, or when a
/// reference the schema needs is missing.
pub fn parse_schema_with_references(
    format: SchemaFormat,
    text: &str,
    references: &[(&str, &str)],
) -> Result<ParsedSchema, CompatError> {
    if references.is_empty() {
        return parse_schema(format, text);
    }
    let invalid = |message: String| CompatError::InvalidSchema { format, message };
    match format {
        SchemaFormat::Avro => {
            let (mut schema, referenced) =
                AvroSchema::parse_str_with_list(text, references.iter().map(|(_, text)| *text))
                    .map_err(|e| invalid(e.to_string()))?;
            // Denormalizing inlines the referenced types: bound the depth that makes first.
            super::avro::check_depth(&schema, &referenced).map_err(invalid)?;
            schema
                .denormalize(&referenced)
                .map_err(|e| invalid(e.to_string()))?;
            Ok(ParsedSchema::Avro(schema))
        }
        SchemaFormat::Protobuf => {
            let file =
                parse_proto_with_imports(text, references).map_err(|e| invalid(e.to_string()))?;
            let imports = imported_files(&file, references).map_err(invalid)?;
            Ok(if imports.is_empty() {
                ParsedSchema::Protobuf(file)
            } else {
                ParsedSchema::ProtobufWithImports(ProtoFileWithImports::new(file, imports))
            })
        }
        SchemaFormat::Json => {
            let ParsedSchema::Json(mut root) = parse_schema(format, text)? else {
                return Err(invalid("not a JSON schema".to_string()));
            };
            let mut embedded = Vec::new();
            for (index, (name, reference_text)) in references.iter().enumerate() {
                let ParsedSchema::Json(mut document) = parse_schema(format, reference_text)
                    .map_err(|e| invalid(format!("reference '{name}': {e}")))?
                else {
                    return Err(invalid(format!("reference '{name}' is not a JSON schema")));
                };
                let key = embedded_key(index);
                // Pointers inside the referenced document are relative to it.
                rewrite_refs(&mut document, &|target| {
                    target
                        .strip_prefix('#')
                        .map(|pointer| format!("#/{EMBEDDED_DEFS}/{key}{pointer}"))
                });
                embedded.push((key, document));
            }
            let names: Vec<&str> = references.iter().map(|(name, _)| *name).collect();
            let rewrite = |target: &str| {
                let (document, pointer) = target.split_once('#').unwrap_or((target, ""));
                let index = names.iter().position(|name| *name == document)?;
                Some(format!(
                    "#/{EMBEDDED_DEFS}/{}{pointer}",
                    embedded_key(index)
                ))
            };
            rewrite_refs(&mut root, &rewrite);
            for (_, document) in embedded.iter_mut() {
                rewrite_refs(document, &rewrite);
            }
            embed(&mut root, embedded).map_err(invalid)?;
            Ok(ParsedSchema::Json(root))
        }
    }
}

/// The files among `references` that `file` imports, directly or through one another, each
/// compiled with `references` and named by its import path. Imports that are no reference
/// (the `google/protobuf/*.proto` well-known files) are left out: they are the same for
/// every schema. Each import is compiled on its own, as the compiler hands back only the
/// file it was asked for.
fn imported_files(
    file: &FileDescriptorProto,
    references: &[(&str, &str)],
) -> Result<Vec<FileDescriptorProto>, String> {
    let mut files = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut pending: Vec<String> = file.dependency.iter().rev().cloned().collect();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some((_, text)) = references.iter().find(|(reference, _)| *reference == name) else {
            continue;
        };
        let mut imported = parse_proto_with_imports(text, references)
            .map_err(|e| format!("reference '{name}': {e}"))?;
        pending.extend(imported.dependency.iter().rev().cloned());
        imported.name = Some(name);
        files.push(imported);
    }
    Ok(files)
}

fn embedded_key(index: usize) -> String {
    format!("streamhouse_reference_{index}")
}

/// Replaces every `$ref` string for which `rewrite` returns a new target.
fn rewrite_refs(value: &mut Value, rewrite: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                match inner {
                    Value::String(target) if key == "$ref" => {
                        if let Some(new_target) = rewrite(target) {
                            *target = new_target;
                        }
                    }
                    _ => rewrite_refs(inner, rewrite),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, rewrite)),
        _ => {}
    }
}

/// Puts the referenced documents under the root's `$defs`.
fn embed(root: &mut Value, documents: Vec<(String, Value)>) -> Result<(), String> {
    let Value::Object(map) = root else {
        return Err("a schema with references must be a JSON object".to_string());
    };
    let defs = map
        .entry(EMBEDDED_DEFS)
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(defs) = defs else {
        return Err(format!("'{EMBEDDED_DEFS}' must be an object"));
    };
    for (key, document) in documents {
        defs.insert(key, document);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::{can_read, IncompatibilityKind};

    #[test]
    fn avro_references_are_inlined_and_compared() {
        let money = |cents: &str| {
            format!(
                r#"{{"type":"record","name":"Money","namespace":"shop",
                "fields":[{{"name":"cents","type":"{cents}"}}]}}"#
            )
        };
        let order = r#"{"type":"record","name":"Order","namespace":"shop",
            "fields":[{"name":"total","type":"shop.Money"},{"name":"tax","type":"shop.Money"}]}"#;
        let wide = money("long");
        let narrow = money("int");
        let reader =
            parse_schema_with_references(SchemaFormat::Avro, order, &[("m", &narrow)]).unwrap();
        let writer =
            parse_schema_with_references(SchemaFormat::Avro, order, &[("m", &wide)]).unwrap();
        let found = can_read(&reader, &writer);
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/fields/total/fields/cents", "/fields/tax/fields/cents"]
        );
        assert!(can_read(&writer, &reader).is_empty());
    }

    #[test]
    fn avro_missing_reference_is_an_error() {
        let order = r#"{"type":"record","name":"Order","fields":[{"name":"t","type":"Money"}]}"#;
        let other = r#"{"type":"enum","name":"Other","symbols":["A"]}"#;
        let err = parse_schema_with_references(SchemaFormat::Avro, order, &[("o", other)]);
        assert!(
            matches!(err, Err(CompatError::InvalidSchema { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn protobuf_references_are_imports() {
        let money = "syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }";
        let order = "syntax = \"proto3\"; package shop; import \"shop/money.proto\";
                     message Order { Money total = 1; }";
        let parsed = parse_schema_with_references(
            SchemaFormat::Protobuf,
            order,
            &[("shop/money.proto", money)],
        )
        .unwrap();
        let ParsedSchema::ProtobufWithImports(parsed) = parsed else {
            panic!("expected protobuf with imports, got {parsed:?}");
        };
        assert_eq!(parsed.file().dependency, ["shop/money.proto"]);
        let imports: Vec<&str> = parsed.imports().iter().map(|f| f.name()).collect();
        assert_eq!(imports, ["shop/money.proto"]);
        assert_eq!(parsed.imports()[0].message_type[0].name(), "Money");
        assert!(parse_schema(SchemaFormat::Protobuf, order).is_err());
    }

    #[test]
    fn protobuf_imports_are_collected_through_nested_imports_only_once() {
        let currency = "syntax = \"proto3\"; package shop; enum Currency { EUR = 0; }";
        let money = "syntax = \"proto3\"; package shop; import \"shop/currency.proto\";
                     message Money { int64 cents = 1; Currency currency = 2; }";
        let order = "syntax = \"proto3\"; package shop;
                     import \"shop/money.proto\"; import \"shop/currency.proto\";
                     import \"google/protobuf/timestamp.proto\";
                     message Order { Money total = 1; Currency shown_in = 2;
                                     google.protobuf.Timestamp at = 3; }";
        let references = [
            ("shop/money.proto", money),
            ("shop/currency.proto", currency),
            ("unused.proto", "syntax = \"proto3\"; message Unused {}"),
        ];
        let parsed =
            parse_schema_with_references(SchemaFormat::Protobuf, order, &references).unwrap();
        let ParsedSchema::ProtobufWithImports(parsed) = parsed else {
            panic!("expected protobuf with imports, got {parsed:?}");
        };
        let imports: Vec<&str> = parsed.imports().iter().map(|f| f.name()).collect();
        assert_eq!(imports, ["shop/money.proto", "shop/currency.proto"]);
        // The normalized form is that of the file alone, as without the imports.
        let plain = crate::proto_file::parse_proto_with_imports(order, &references).unwrap();
        assert_eq!(
            ParsedSchema::ProtobufWithImports(parsed.clone()).normalized(),
            ParsedSchema::Protobuf(plain).normalized()
        );
    }

    #[test]
    fn protobuf_without_referenced_imports_stays_a_plain_file() {
        let order = "syntax = \"proto3\"; package shop; import \"google/protobuf/empty.proto\";
                     message Order { google.protobuf.Empty nothing = 1; }";
        let parsed = parse_schema_with_references(
            SchemaFormat::Protobuf,
            order,
            &[("unused.proto", "syntax = \"proto3\"; message Unused {}")],
        )
        .unwrap();
        assert!(matches!(parsed, ParsedSchema::Protobuf(_)), "{parsed:?}");
    }

    #[test]
    fn protobuf_money_change_inside_the_import_is_found() {
        let money = |cents: &str| {
            format!("syntax = \"proto3\"; package shop; message Money {{ {cents} cents = 1; }}")
        };
        let order = "syntax = \"proto3\"; package shop; import \"shop/money.proto\";
                     message Order { Money total = 1; }";
        let parse = |money: &str| {
            parse_schema_with_references(
                SchemaFormat::Protobuf,
                order,
                &[("shop/money.proto", money)],
            )
            .unwrap()
        };
        let (old, widened, text) = (
            parse(&money("int32")),
            parse(&money("int64")),
            parse(&money("string")),
        );
        assert!(can_read(&widened, &old).is_empty());
        let found = can_read(&text, &old);
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/Money/fields/1", "/Order/fields/1"]);
    }

    #[test]
    fn json_references_are_embedded_and_resolved() {
        let money = |cents: &str| {
            format!(
                r##"{{"type":"object","properties":{{"cents":{{"$ref":"#/$defs/Cents"}}}},
                "$defs":{{"Cents":{{"type":"{cents}"}}}}}}"##
            )
        };
        let order = r#"{"type":"object","properties":{
            "total":{"$ref":"money.json"},
            "cents_only":{"$ref":"money.json#/$defs/Cents"}}}"#;
        let (wide, narrow) = (money("number"), money("integer"));
        let reader =
            parse_schema_with_references(SchemaFormat::Json, order, &[("money.json", &wide)])
                .unwrap();
        let writer =
            parse_schema_with_references(SchemaFormat::Json, order, &[("money.json", &narrow)])
                .unwrap();
        assert!(can_read(&reader, &writer).is_empty());
        let found = can_read(&writer, &reader);
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/properties/total/properties/cents/type",
                "/properties/cents_only/type"
            ]
        );
        assert!(found
            .iter()
            .all(|p| p.kind == IncompatibilityKind::TypeNarrowed));
    }
}
