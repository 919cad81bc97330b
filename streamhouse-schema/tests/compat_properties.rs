//! Properties of the compatibility checkers over generated schemas: every schema reads
//! itself, adding a defaulted field never breaks backward compatibility, and arbitrary pairs
//! never panic.

use proptest::prelude::*;
use serde_json::{json, Value};
use streamhouse_schema::compat::{avro, json as json_compat, parse_schema, ParsedSchema};
use streamhouse_schema::schema::SchemaFormat;

/// A random Avro schema as JSON, with placeholder names that [`name_types`] makes unique.
fn avro_schema() -> impl Strategy<Value = Value> {
    let primitive = prop_oneof![
        Just(json!("int")),
        Just(json!("long")),
        Just(json!("float")),
        Just(json!("double")),
        Just(json!("string")),
        Just(json!("bytes")),
        Just(json!("boolean")),
        Just(json!({"type": "int", "logicalType": "date"})),
        Just(json!({"type": "long", "logicalType": "timestamp-millis"})),
        prop::collection::vec("[A-D]", 1..4)
            .prop_map(|symbols| json!({"type": "enum", "name": "?", "symbols": symbols})),
        (1usize..20).prop_map(|size| json!({"type": "fixed", "name": "?", "size": size})),
    ];
    primitive.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            inner
                .clone()
                .prop_map(|values| json!({"type": "map", "values": values})),
            prop::collection::btree_set(
                prop::sample::select(vec!["int", "string", "boolean", "double"]),
                1..4
            )
            .prop_map(|branches| {
                let mut union = vec![json!("null")];
                union.extend(branches.into_iter().map(|b| json!(b)));
                Value::Array(union)
            }),
            prop::collection::vec(inner, 0..4).prop_map(|types| {
                let fields: Vec<Value> = types
                    .into_iter()
                    .enumerate()
                    .map(|(i, ty)| json!({"name": format!("f{i}"), "type": ty}))
                    .collect();
                json!({"type": "record", "name": "?", "fields": fields})
            }),
        ]
    })
}

/// Gives every named type a unique name (`T0`, `T1`, ...); enum symbols are deduplicated.
fn name_types(value: &mut Value, counter: &mut usize) {
    match value {
        Value::Object(map) => {
            if map.get("name") == Some(&json!("?")) {
                map.insert("name".into(), json!(format!("T{counter}")));
                *counter += 1;
            }
            if let Some(Value::Array(symbols)) = map.get_mut("symbols") {
                let mut seen = Vec::new();
                symbols.retain(|s| {
                    let fresh = !seen.contains(s);
                    seen.push(s.clone());
                    fresh
                });
            }
            for inner in map.values_mut() {
                name_types(inner, counter);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| name_types(item, counter)),
        _ => {}
    }
}

/// Names the generated schema's types and parses it; the generator only builds valid
/// schemas, so a parse failure is a test failure.
fn parsed_avro(mut value: Value) -> Result<apache_avro::Schema, TestCaseError> {
    name_types(&mut value, &mut 0);
    match parse_schema(SchemaFormat::Avro, &value.to_string()) {
        Ok(ParsedSchema::Avro(schema)) => Ok(schema),
        other => Err(TestCaseError::fail(format!(
            "{value} did not parse: {other:?}"
        ))),
    }
}

/// A random JSON Schema.
fn json_schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer", "minimum": 0})),
        Just(json!({"type": "number", "maximum": 10.5, "multipleOf": 0.5})),
        Just(json!({"type": ["string", "null"], "maxLength": 5, "pattern": "^a"})),
        Just(json!({"enum": ["x", "y", 1]})),
        Just(json!(true)),
        Just(json!({})),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items, "maxItems": 3})),
            (
                prop::collection::btree_map("[a-c]", inner.clone(), 0..4),
                prop_oneof![
                    Just(None),
                    Just(Some(json!(false))),
                    Just(Some(json!({"type": "string"})))
                ],
                any::<bool>()
            )
                .prop_map(|(properties, additional, require_first)| {
                    let mut schema = json!({"type": "object", "properties": properties});
                    if let Some(additional) = additional {
                        schema["additionalProperties"] = additional;
                    }
                    if require_first {
                        if let Some(first) = schema["properties"]
                            .as_object()
                            .and_then(|p| p.keys().next().cloned())
                        {
                            schema["required"] = json!([first]);
                        }
                    }
                    schema
                }),
            prop::collection::vec(inner, 1..3).prop_map(|alts| json!({"anyOf": alts})),
        ]
    })
}

proptest! {
    #[test]
    fn every_avro_schema_reads_itself(schema in avro_schema()) {
        let schema = parsed_avro(schema)?;
        let found = avro::can_read(&schema, &schema);
        prop_assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn adding_a_defaulted_field_keeps_avro_backward_compatible(schema in avro_schema()) {
        let mut named = json!({"type": "record", "name": "Root", "fields": [{"name": "a", "type": schema}]});
        let writer = parsed_avro(named.clone())?;
        named["fields"].as_array_mut().into_iter().for_each(|fields| {
            fields.push(json!({"name": "added", "type": ["null", "string"], "default": null}));
        });
        let reader = parsed_avro(named)?;
        let found = avro::can_read(&reader, &writer);
        prop_assert!(found.is_empty(), "{found:#?}");
        // Forward also holds: the old reader skips the added field.
        let found = avro::can_read(&writer, &reader);
        prop_assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn arbitrary_avro_pairs_never_panic(a in avro_schema(), b in avro_schema()) {
        let (a, b) = (parsed_avro(a)?, parsed_avro(b)?);
        // Both directions run to completion; a schema pair always gets some verdict.
        let _ = avro::can_read(&a, &b);
        let _ = avro::can_read(&b, &a);
    }

    #[test]
    fn every_json_schema_reads_itself(schema in json_schema()) {
        let found = json_compat::can_read(&schema, &schema);
        prop_assert!(found.is_empty(), "{schema}\n{found:#?}");
    }

    #[test]
    fn arbitrary_json_pairs_never_panic(a in json_schema(), b in json_schema()) {
        let _ = json_compat::can_read(&a, &b);
        let _ = json_compat::can_read(&b, &a);
    }
}
