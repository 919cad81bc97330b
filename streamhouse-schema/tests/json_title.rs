//! Every derived type's JSON Schema carries `title`: the type's unqualified name, as
//! Confluent's Java serializer writes it (mbknor-jackson-jsonSchema's
//! `JsonSchemaGenerator.generateJsonSchema` titles the root with the class's
//! `getSimpleName`, no package) and as `JsonSchema.name()` reads it back for record-name
//! subject strategies. Each schema still accepts what the codec writes.

use std::collections::HashMap;

use serde_json::{json, Value};
use streamhouse_schema::{JsonEncode, JsonSchemaDraft, StreamSchema};

#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(namespace = "com.acme")]
struct Order {
    id: String,
    cents: i64,
}

/// Prices by SKU.
#[derive(StreamSchema, Debug, PartialEq)]
struct Prices(HashMap<String, f64>);

#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(name = "Shipment", namespace = "com.acme.logistics")]
struct Parcel {
    weight_grams: u32,
}

#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(name = "PriceBook")]
struct Book(HashMap<String, i32>);

#[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
#[stream_schema(namespace = "com.acme")]
enum Color {
    Red,
    Green,
}

#[derive(StreamSchema, Debug, PartialEq)]
struct Tags(Vec<String>);

fn schema<T: StreamSchema>(draft: JsonSchemaDraft) -> Value {
    T::json_schema_in(draft).as_value().clone()
}

/// Validates `value`'s JSON encoding against `T`'s schema in both drafts.
fn accepts<T: StreamSchema + JsonEncode>(value: &T) -> Vec<u8> {
    let bytes = value.to_json_vec().unwrap();
    let instance: Value = serde_json::from_slice(&bytes).unwrap();
    for draft in [JsonSchemaDraft::Draft2020_12, JsonSchemaDraft::Draft07] {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema::<T>(draft))
            .unwrap();
        assert!(
            validator.is_valid(&instance),
            "{}: {draft:?} rejects {instance}",
            std::any::type_name::<T>()
        );
    }
    bytes
}

#[test]
fn a_namespaced_struct_is_titled_with_its_unqualified_name() {
    for draft in [JsonSchemaDraft::Draft2020_12, JsonSchemaDraft::Draft07] {
        assert_eq!(schema::<Order>(draft)["title"], json!("Order"));
    }
    assert_eq!(
        Order::json_schema_text(),
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Order","type":"object","properties":{"id":{"type":"string"},"cents":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807}},"required":["id","cents"]}"#
    );
    let bytes = accepts(&Order {
        id: "o-1".into(),
        cents: 250,
    });
    assert_eq!(bytes, br#"{"id":"o-1","cents":250}"#);
}

#[test]
fn a_newtype_over_a_map_is_titled_with_its_name() {
    assert_eq!(
        Prices::json_schema_text(),
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Prices","type":"object","additionalProperties":{"type":"number"}}"#
    );
    assert_eq!(
        schema::<Prices>(JsonSchemaDraft::Draft07)["title"],
        json!("Prices")
    );
    let bytes = accepts(&Prices(HashMap::from([("apple".to_string(), 0.5)])));
    assert_eq!(bytes, br#"{"apple":0.5}"#);
    // A newtype over a sequence too.
    assert_eq!(
        schema::<Tags>(JsonSchemaDraft::Draft2020_12)["title"],
        json!("Tags")
    );
    accepts(&Tags(vec!["a".into(), "b".into()]));
}

#[test]
fn the_name_attribute_sets_the_title() {
    assert_eq!(Parcel::full_name(), "com.acme.logistics.Shipment");
    assert_eq!(
        schema::<Parcel>(JsonSchemaDraft::Draft2020_12)["title"],
        json!("Shipment")
    );
    accepts(&Parcel { weight_grams: 1200 });
    assert_eq!(
        schema::<Book>(JsonSchemaDraft::Draft2020_12)["title"],
        json!("PriceBook")
    );
    accepts(&Book(HashMap::from([("x".to_string(), -3)])));
}

#[test]
fn a_unit_enum_is_titled_with_its_name() {
    assert_eq!(
        Color::json_schema_text(),
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Color","type":"string","enum":["Red","Green"]}"#
    );
    assert_eq!(accepts(&Color::Green), br#""Green""#);
}
