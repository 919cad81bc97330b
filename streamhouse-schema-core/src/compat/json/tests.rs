//! One test per JSON Schema rule: a reader/writer pair and the expected verdict.

use serde_json::{json, Value};

use super::can_read;
use crate::compat::report::{Incompatibility, IncompatibilityKind};
use IncompatibilityKind::*;

fn assert_compatible(reader: &Value, writer: &Value) {
    let found = can_read(reader, writer);
    assert!(found.is_empty(), "expected compatible, got {found:#?}");
}

fn assert_one(reader: &Value, writer: &Value, kind: IncompatibilityKind, path: &str) -> String {
    let found: Vec<Incompatibility> = can_read(reader, writer);
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    assert_eq!(found[0].kind, kind, "{found:#?}");
    assert_eq!(found[0].path, path, "{found:#?}");
    found[0].message.clone()
}

/// An object schema with the given properties and content model.
fn object(properties: Value, additional: Option<Value>) -> Value {
    let mut schema = json!({"type": "object", "properties": properties});
    if let (Some(additional), Some(map)) = (additional, schema.as_object_mut()) {
        map.insert("additionalProperties".into(), additional);
    }
    schema
}

#[test]
fn widening_a_type_is_compatible_narrowing_is_not() {
    assert_compatible(
        &json!({"type": ["string", "null"]}),
        &json!({"type": "string"}),
    );
    assert_compatible(&json!({"type": "number"}), &json!({"type": "integer"}));
    let message = assert_one(
        &json!({"type": "string"}),
        &json!({"type": ["string", "null"]}),
        TypeNarrowed,
        "/type",
    );
    assert_eq!(
        message,
        "the writer's types [string, null] include [null], which the reader's types [string] \
         do not accept"
    );
    assert_one(
        &json!({"type": "integer"}),
        &json!({"type": "number"}),
        TypeNarrowed,
        "/type",
    );
    assert_one(
        &json!({"type": "string"}),
        &json!({"type": "integer"}),
        TypeChanged,
        "/type",
    );
    assert_one(
        &json!({"type": "string"}),
        &json!({}),
        TypeNarrowed,
        "/type",
    );
}

#[test]
fn boolean_schemas() {
    assert_compatible(&json!(true), &json!({"type": "string"}));
    assert_compatible(&json!({"type": "string"}), &json!(false));
    assert_one(&json!(false), &json!({"type": "string"}), TypeNarrowed, "");
    assert_one(
        &json!({"type": "string"}),
        &json!(true),
        TypeNarrowed,
        "/type",
    );
}

#[test]
fn enum_values_removed_are_incompatible_added_are_fine() {
    let abc = json!({"type": "string", "enum": ["a", "b", "c"]});
    let ab = json!({"type": "string", "enum": ["a", "b"]});
    let message = assert_one(&ab, &abc, EnumArrayNarrowed, "/enum");
    assert_eq!(
        message,
        "the reader's enum lacks the writer's values [\"c\"]"
    );
    assert_compatible(&abc, &ab);
    assert_one(&ab, &json!({"type": "string"}), EnumArrayNarrowed, "/enum");
    // EnumSchemaDiff: values lost *and* gained is ENUM_ARRAY_CHANGED; ConstSchemaDiff: a
    // changed const too.
    assert_one(
        &json!({"type": "string", "enum": ["a", "z"]}),
        &ab,
        EnumArrayChanged,
        "/enum",
    );
    assert_one(
        &json!({"const": "z"}),
        &json!({"const": "a"}),
        EnumArrayChanged,
        "/const",
    );
    assert_eq!(EnumArrayChanged.as_str(), "ENUM_ARRAY_CHANGED");
    // const is a one-value enum; 1 and 1.0 are the same number.
    assert_compatible(&json!({"enum": [1.0, 2]}), &json!({"const": 1}));
}

#[test]
fn numeric_bounds_may_loosen_but_not_tighten() {
    let writer = json!({"type": "number", "minimum": 0, "maximum": 100});
    assert_compatible(
        &json!({"type": "number", "minimum": -5, "maximum": 200}),
        &writer,
    );
    assert_compatible(&json!({"type": "number"}), &writer);
    assert_one(
        &json!({"type": "number", "minimum": 1, "maximum": 100}),
        &writer,
        MinimumIncreased,
        "/minimum",
    );
    assert_one(
        &json!({"type": "number", "minimum": 0, "maximum": 99}),
        &writer,
        MaximumDecreased,
        "/maximum",
    );
    assert_one(
        &json!({"type": "number", "maximum": 100}),
        &json!({"type": "number"}),
        MaximumAdded,
        "/maximum",
    );
}

#[test]
fn exclusive_bounds_in_both_drafts() {
    // Draft 6+: exclusiveMinimum 0 accepts 0.5, which minimum 1 rejects.
    assert_one(
        &json!({"type": "number", "minimum": 1}),
        &json!({"type": "number", "exclusiveMinimum": 0}),
        MinimumAdded,
        "/minimum",
    );
    // minimum 0 inclusive allows 0, exclusiveMinimum 0 rejects it.
    assert_one(
        &json!({"type": "number", "exclusiveMinimum": 0}),
        &json!({"type": "number", "minimum": 0}),
        ExclusiveMinimumAdded,
        "/exclusiveMinimum",
    );
    assert_compatible(
        &json!({"type": "number", "minimum": 0}),
        &json!({"type": "number", "exclusiveMinimum": 0}),
    );
    // Draft 4: boolean exclusiveMaximum modifies maximum.
    assert_one(
        &json!({"type": "number", "maximum": 10, "exclusiveMaximum": true}),
        &json!({"type": "number", "maximum": 10}),
        ExclusiveMaximumAdded,
        "/exclusiveMaximum",
    );
    assert_compatible(
        &json!({"type": "number", "maximum": 10}),
        &json!({"type": "number", "maximum": 10, "exclusiveMaximum": true}),
    );
}

#[test]
fn multiple_of_must_divide_the_writers() {
    assert_compatible(
        &json!({"type": "integer", "multipleOf": 5}),
        &json!({"type": "integer", "multipleOf": 10}),
    );
    assert_compatible(
        &json!({"type": "number", "multipleOf": 0.1}),
        &json!({"type": "number", "multipleOf": 0.5}),
    );
    assert_one(
        &json!({"type": "integer", "multipleOf": 10}),
        &json!({"type": "integer", "multipleOf": 5}),
        MultipleOfExpanded,
        "/multipleOf",
    );
    assert_one(
        &json!({"type": "integer", "multipleOf": 3}),
        &json!({"type": "integer", "multipleOf": 5}),
        MultipleOfChanged,
        "/multipleOf",
    );
    assert_one(
        &json!({"type": "integer", "multipleOf": 2}),
        &json!({"type": "integer"}),
        MultipleOfAdded,
        "/multipleOf",
    );
}

#[test]
fn string_bounds_may_loosen_but_not_tighten() {
    let writer = json!({"type": "string", "minLength": 2, "maxLength": 10, "pattern": "^[a-z]+$"});
    assert_compatible(
        &json!({"type": "string", "minLength": 1, "maxLength": 20}),
        &writer,
    );
    assert_one(
        &json!({"type": "string", "maxLength": 5}),
        &writer,
        MaxLengthDecreased,
        "/maxLength",
    );
    assert_one(
        &json!({"type": "string", "minLength": 3}),
        &writer,
        MinLengthIncreased,
        "/minLength",
    );
    let message = assert_one(
        &json!({"type": "string", "pattern": "^[a-z]{2,}$"}),
        &writer,
        PatternChanged,
        "/pattern",
    );
    assert_eq!(
        message,
        "the reader requires the pattern \"^[a-z]{2,}$\", which the writer did not require"
    );
    assert_one(
        &json!({"type": "string", "maxLength": 5}),
        &json!({"type": "string"}),
        MaxLengthAdded,
        "/maxLength",
    );
    assert_one(
        &json!({"type": "string", "minLength": 1}),
        &json!({"type": "string"}),
        MinLengthAdded,
        "/minLength",
    );
    assert_one(
        &json!({"type": "string", "pattern": "^a"}),
        &json!({"type": "string"}),
        PatternAdded,
        "/pattern",
    );
    // Stricter than Confluent (whose StringSchemaDiff ignores `format`).
    assert_one(
        &json!({"type": "string", "format": "email"}),
        &json!({"type": "string"}),
        FormatChanged,
        "/format",
    );
    assert_eq!(MaxLengthDecreased.as_str(), "MAX_LENGTH_DECREASED");
}

#[test]
fn bounds_of_types_the_writer_never_writes_are_ignored() {
    // The writer writes only strings: numeric bounds on the reader do not matter.
    assert_compatible(
        &json!({"type": ["string", "number"], "minimum": 5}),
        &json!({"type": "string"}),
    );
}

#[test]
fn property_added_to_open_content_model_is_incompatible() {
    let writer = object(json!({"id": {"type": "string"}}), None);
    let reader = object(
        json!({"id": {"type": "string"}, "note": {"type": "string"}}),
        None,
    );
    let message = assert_one(
        &reader,
        &writer,
        OptionalPropertyAddedToOpenContentModel,
        "/properties/note",
    );
    assert_eq!(
        message,
        "property 'note' was added, but the writer's open content model allowed any value \
         under that name"
    );
    // An added property that accepts anything is fine
    // (PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL).
    let any_note = object(json!({"id": {"type": "string"}, "note": {}}), None);
    assert_compatible(&any_note, &writer);
    // Required ones are named apart, one problem each (ObjectSchemaDiff.compareProperties).
    let mut required = reader.clone();
    required["required"] = json!(["note"]);
    assert_one(
        &required,
        &writer,
        RequiredPropertyAddedToOpenContentModel,
        "/properties/note",
    );
    required["properties"]["note"]["default"] = json!("");
    assert_one(
        &required,
        &writer,
        RequiredPropertyWithDefaultAddedToOpenContentModel,
        "/properties/note",
    );
    assert_eq!(
        OptionalPropertyAddedToOpenContentModel.as_str(),
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    );
}

#[test]
fn property_added_to_closed_content_model_is_compatible() {
    let writer = object(json!({"id": {"type": "string"}}), Some(json!(false)));
    let reader = object(
        json!({"id": {"type": "string"}, "note": {"type": "string"}}),
        Some(json!(false)),
    );
    assert_compatible(&reader, &writer);
    // ... unless the new property is required without a default: the writer never wrote it.
    let mut required = reader.clone();
    required["required"] = json!(["note"]);
    let message = assert_one(
        &required,
        &writer,
        RequiredPropertyAddedToUnopenContentModel,
        "/properties/note",
    );
    assert_eq!(
        message,
        "property 'note' was added as required without a default, and the writer never wrote it"
    );
    required["properties"]["note"]["default"] = json!("");
    assert_compatible(&required, &writer);
}

#[test]
fn property_added_to_partially_open_model_must_cover_it() {
    let writer = object(
        json!({"id": {"type": "string"}}),
        Some(json!({"type": "string"})),
    );
    let covered = object(
        json!({"id": {"type": "string"}, "note": {"type": ["string", "null"]}}),
        Some(json!({"type": "string"})),
    );
    assert_compatible(&covered, &writer);
    let not_covered = object(
        json!({"id": {"type": "string"}, "count": {"type": "integer"}}),
        Some(json!({"type": "string"})),
    );
    assert_one(
        &not_covered,
        &writer,
        PropertyAddedNotCoveredByPartiallyOpenContentModel,
        "/properties/count",
    );
}

#[test]
fn property_removed_from_open_model_is_fine_from_closed_is_not() {
    let writer = object(
        json!({"id": {"type": "string"}, "note": {"type": "string"}}),
        Some(json!(false)),
    );
    let open_reader = object(json!({"id": {"type": "string"}}), None);
    assert_compatible(&open_reader, &writer);
    let closed_reader = object(json!({"id": {"type": "string"}}), Some(json!(false)));
    let message = assert_one(
        &closed_reader,
        &writer,
        PropertyRemovedFromClosedContentModel,
        "/properties/note",
    );
    assert!(
        message.starts_with("property 'note' was removed"),
        "{message}"
    );
}

#[test]
fn property_removed_must_be_covered_by_partially_open_model() {
    let writer = object(
        json!({"id": {"type": "string"}, "note": {"type": "string"}}),
        Some(json!(false)),
    );
    let covering = object(
        json!({"id": {"type": "string"}}),
        Some(json!({"type": "string"})),
    );
    assert_compatible(&covering, &writer);
    let not_covering = object(
        json!({"id": {"type": "string"}}),
        Some(json!({"type": "integer"})),
    );
    assert_one(
        &not_covering,
        &writer,
        PropertyRemovedNotCoveredByPartiallyOpenContentModel,
        "/properties/note",
    );
}

#[test]
fn additional_properties_may_not_narrow() {
    let props = json!({"id": {"type": "string"}});
    assert_one(
        &object(props.clone(), Some(json!(false))),
        &object(props.clone(), None),
        AdditionalPropertiesRemoved,
        "/additionalProperties",
    );
    assert_one(
        &object(props.clone(), Some(json!({"type": "string"}))),
        &object(props.clone(), Some(json!(true))),
        AdditionalPropertiesNarrowed,
        "/additionalProperties",
    );
    assert_one(
        &object(props.clone(), Some(json!({"type": "string"}))),
        &object(props.clone(), Some(json!({"type": "number"}))),
        TypeChanged,
        "/additionalProperties/type",
    );
    // Opening up is fine.
    assert_compatible(
        &object(props.clone(), None),
        &object(props, Some(json!(false))),
    );
}

#[test]
fn newly_required_property_is_incompatible_unless_defaulted() {
    let writer = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    let reader = json!({"type": "object", "properties": {"id": {"type": "string"}},
                        "required": ["id"]});
    let message = assert_one(&reader, &writer, RequiredAttributeAdded, "/required");
    assert_eq!(
        message,
        "property 'id' is required by the reader but was not required by the writer"
    );
    let defaulted = json!({"type": "object",
        "properties": {"id": {"type": "string", "default": ""}}, "required": ["id"]});
    assert_compatible(&defaulted, &writer);
    // Dropping a requirement is fine.
    assert_compatible(&writer, &reader);
}

#[test]
fn nested_objects_report_the_full_path() {
    let schema = |zip: Value| {
        json!({"type": "object", "additionalProperties": false, "properties": {
            "address": {"type": "object", "additionalProperties": false,
                        "properties": {"zip": zip}}}})
    };
    let message = assert_one(
        &schema(json!({"type": "integer"})),
        &schema(json!({"type": "string"})),
        TypeChanged,
        "/properties/address/properties/zip/type",
    );
    assert!(
        message.starts_with("property 'address': property 'zip': "),
        "{message}"
    );
}

#[test]
fn array_items_are_compared() {
    assert_compatible(
        &json!({"type": "array", "items": {"type": "number"}}),
        &json!({"type": "array", "items": {"type": "integer"}}),
    );
    assert_one(
        &json!({"type": "array", "items": {"type": "integer"}}),
        &json!({"type": "array", "items": {"type": "string"}}),
        TypeChanged,
        "/items/type",
    );
    // Confluent's ArraySchemaDiff.compareItemSchemaObject: an `items` schema where the
    // writer had none is SCHEMA_ADDED (incompatible), even one that accepts anything.
    assert_one(
        &json!({"type": "array", "items": {"type": "integer"}}),
        &json!({"type": "array"}),
        SchemaAdded,
        "/items",
    );
    assert_one(
        &json!({"type": "array", "items": true}),
        &json!({"type": "array"}),
        SchemaAdded,
        "/items",
    );
    // ... and dropping it is SCHEMA_REMOVED (compatible).
    assert_compatible(
        &json!({"type": "array"}),
        &json!({"type": "array", "items": {"type": "integer"}}),
    );
    assert_one(
        &json!({"type": "array", "maxItems": 3}),
        &json!({"type": "array", "maxItems": 5}),
        MaxItemsDecreased,
        "/maxItems",
    );
    assert_one(
        &json!({"type": "array", "uniqueItems": true}),
        &json!({"type": "array"}),
        UniqueItemsAdded,
        "/uniqueItems",
    );
}

#[test]
fn tuple_items_are_compared_by_position() {
    let writer = json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                        "items": false});
    assert_compatible(
        &json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]}),
        &writer,
    );
    assert_one(
        &json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}]}),
        &writer,
        TypeChanged,
        "/prefixItems/1/type",
    );
    // Draft 4 tuple form with additionalItems: ArraySchemaDiff.compareAdditionalItems.
    assert_one(
        &json!({"type": "array", "items": [{"type": "string"}], "additionalItems": false}),
        &json!({"type": "array", "items": [{"type": "string"}]}),
        AdditionalItemsRemoved,
        "/additionalItems",
    );
    assert_one(
        &json!({"type": "array", "items": [{"type": "string"}],
                "additionalItems": {"type": "string"}}),
        &json!({"type": "array", "items": [{"type": "string"}]}),
        AdditionalItemsNarrowed,
        "/additionalItems",
    );
    assert_compatible(
        &json!({"type": "array", "items": [{"type": "string"}]}),
        &json!({"type": "array", "items": [{"type": "string"}], "additionalItems": false}),
    );
}

/// Confluent's `ArraySchemaDiff` compares the single `items` schema (`getAllItemSchema`)
/// and the tuple (`getItemSchemas`) apart, so an array whose `items` becomes a tuple is
/// incompatible both ways:
/// - BACKWARD (the tuple reads single-schema data): the single schema is `SCHEMA_REMOVED`
///   (fine), each tuple position is added to the writer's open content model:
///   `ITEM_ADDED_TO_OPEN_CONTENT_MODEL`;
/// - FORWARD (the single schema reads tuple data): `SCHEMA_ADDED` at `items`, while the
///   tuple positions are removed into the reader's open content model (fine).
#[test]
fn items_becoming_a_tuple_is_judged_as_confluent_does() {
    let single = json!({"type": "array", "items": {"type": "string"}});
    for tuple in [
        json!({"type": "array", "items": [{"type": "string"}, {"type": "string"}]}),
        json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}]}),
    ] {
        let keyword = if tuple.get("prefixItems").is_some() {
            "prefixItems"
        } else {
            "items"
        };
        let found = can_read(&tuple, &single);
        let kinds: Vec<(IncompatibilityKind, &str)> =
            found.iter().map(|p| (p.kind, p.path.as_str())).collect();
        let first = format!("/{keyword}/0");
        let second = format!("/{keyword}/1");
        assert_eq!(
            kinds,
            [
                (ItemAddedToOpenContentModel, first.as_str()),
                (ItemAddedToOpenContentModel, second.as_str())
            ],
            "{found:#?}"
        );
        assert_eq!(
            found[0].message,
            "array item 0 was added to the tuple, but the writer allowed any value at that \
             position (open content model)"
        );
        assert_eq!(
            ItemAddedToOpenContentModel.as_str(),
            "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
        );
        let message = assert_one(&single, &tuple, SchemaAdded, "/items");
        assert_eq!(
            message,
            "the reader gives every array item one schema where the writer had a tuple \
             (items array or prefixItems)"
        );
        assert_eq!(SchemaAdded.as_str(), "SCHEMA_ADDED");
    }
    // A tuple position that accepts anything is ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
    // (fine); only the positions that constrain are reported.
    assert_one(
        &json!({"type": "array", "prefixItems": [{}, {"type": "string"}]}),
        &single,
        ItemAddedToOpenContentModel,
        "/prefixItems/1",
    );
}

/// Tuple positions added or removed against closed and partially open content models
/// (`ArraySchemaDiff.compareItemSchemaArray`).
#[test]
fn tuple_positions_follow_the_content_model_past_the_tuple() {
    let tuple = |items: Value, additional: Value| json!({"type": "array", "items": items, "additionalItems": additional});
    let one = json!([{"type": "string"}]);
    let two = json!([{"type": "string"}, {"type": "integer"}]);
    // Added to a closed model: ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, fine.
    assert_compatible(
        &tuple(two.clone(), json!(false)),
        &tuple(one.clone(), json!(false)),
    );
    // Added to a partially open model: the position must read what the writer allowed.
    assert_compatible(
        &tuple(two.clone(), json!({"type": "number"})),
        &tuple(one.clone(), json!({"type": "integer"})),
    );
    let found = can_read(
        &tuple(
            json!([{"type": "string"}, {"type": "string"}]),
            json!({"type": "integer"}),
        ),
        &tuple(one.clone(), json!({"type": "integer"})),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].kind,
        ItemAddedNotCoveredByPartiallyOpenContentModel
    );
    assert_eq!(found[0].path, "/items/1");
    // Removed into a closed model: ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL.
    assert_one(
        &tuple(one.clone(), json!(false)),
        &tuple(two.clone(), json!(false)),
        ItemRemovedFromClosedContentModel,
        "/items/1",
    );
    // ... unless the removed position accepted nothing.
    assert_compatible(
        &tuple(one.clone(), json!(false)),
        &tuple(json!([{"type": "string"}, false]), json!(false)),
    );
    // Removed into a partially open model: its schema must read the removed position.
    assert_compatible(
        &tuple(one.clone(), json!({"type": "number"})),
        &tuple(two.clone(), json!({"type": "integer"})),
    );
    assert_one(
        &tuple(one.clone(), json!({"type": "string"})),
        &tuple(two.clone(), json!({"type": "string"})),
        ItemRemovedNotCoveredByPartiallyOpenContentModel,
        "/items/1",
    );
    // Removed into an open model: fine.
    assert_compatible(
        &json!({"type": "array", "items": one}),
        &json!({"type": "array", "items": two}),
    );
}

/// `not`, as Confluent's `SchemaDiff.compareTypes` and `NotSchemaDiff` judge it: a `not`
/// schema and an object schema are different schema classes (`TYPE_CHANGED`, both ways),
/// `{"not": {}}` and `{"not": true}` included although they accept nothing.
#[test]
fn not_against_an_object_schema_is_a_changed_type() {
    let object_schema = object(json!({"id": {"type": "string"}}), None);
    for not in [
        json!({"not": {}}),
        json!({"not": true}),
        json!({"not": {"type": "string"}}),
    ] {
        let message = assert_one(&not, &object_schema, TypeChanged, "");
        assert_eq!(
            message,
            "the reader schema has `not` and the writer's has none (Confluent compares a `not` \
             schema with any other kind of schema as a changed type)"
        );
        let message = assert_one(&object_schema, &not, TypeChanged, "");
        assert_eq!(
            message,
            "the writer schema was a `not` schema and the reader's is another kind of schema \
             (Confluent compares them as a changed type)"
        );
        // The reader accepting anything, or the writer accepting nothing, stays compatible
        // (`update instanceof EmptySchema`, `original instanceof FalseSchema`).
        assert_compatible(&json!({}), &not);
        assert_compatible(&not, &json!(false));
    }
    // An object schema that gains a `not` is an allOf in Java: a changed type too; one that
    // loses it only dropped a conjunct (PRODUCT_TYPE_NARROWED, fine).
    let mut guarded = object_schema.clone();
    guarded["not"] = json!({"required": ["secret"]});
    assert_one(&guarded, &object_schema, TypeChanged, "");
    assert_compatible(&object_schema, &guarded);
}

/// `NotSchemaDiff`: the excluded schemas are compared the other way round; the reader may
/// exclude less (`NOT_TYPE_NARROWED`, fine), not more (`NOT_TYPE_EXTENDED`).
#[test]
fn not_may_exclude_less_but_not_more() {
    let not_string = json!({"not": {"type": "string"}});
    let not_string_or_null = json!({"not": {"type": ["string", "null"]}});
    assert_compatible(&not_string, &not_string_or_null);
    assert_compatible(&not_string, &not_string);
    let message = assert_one(&not_string_or_null, &not_string, NotTypeExtended, "/not");
    assert!(
        message.starts_with(
            "the reader's `not` excludes values the writer's `not` allowed, since the writer's \
             excluded schema cannot read the reader's: TYPE_NARROWED at '/type'"
        ),
        "{message}"
    );
    assert_eq!(NotTypeExtended.as_str(), "NOT_TYPE_EXTENDED");
    // `$ref`s inside each side's `not` resolve in that side's own document.
    let reader =
        json!({"$defs": {"S": {"type": ["string", "null"]}}, "not": {"$ref": "#/$defs/S"}});
    let writer =
        json!({"definitions": {"T": {"type": "string"}}, "not": {"$ref": "#/definitions/T"}});
    assert_one(&reader, &writer, NotTypeExtended, "/not");
    assert_compatible(&writer, &reader);
}

#[test]
fn refs_resolve_within_each_document() {
    let writer = json!({
        "$defs": {"Money": {"type": "object", "properties": {"cents": {"type": "integer"}}}},
        "type": "object",
        "properties": {"price": {"$ref": "#/$defs/Money"}}
    });
    let reader_ok = json!({
        "definitions": {"Amount": {"type": "object", "properties": {"cents": {"type": "number"}}}},
        "type": "object",
        "properties": {"price": {"$ref": "#/definitions/Amount"}}
    });
    assert_compatible(&reader_ok, &writer);
    let reader_bad = json!({
        "definitions": {"Amount": {"type": "object", "properties": {"cents": {"type": "string"}}}},
        "type": "object",
        "properties": {"price": {"$ref": "#/definitions/Amount"}}
    });
    assert_one(
        &reader_bad,
        &writer,
        TypeChanged,
        "/properties/price/properties/cents/type",
    );
}

#[test]
fn unresolvable_refs_are_reported() {
    let writer = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let reader = json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}});
    let message = assert_one(&reader, &writer, UnresolvedReference, "/properties/a/$ref");
    assert_eq!(
        message,
        "property 'a': the reference '#/$defs/Missing' cannot be resolved within the schema"
    );
    // The same external reference on both sides is the same schema.
    let external = json!({"$ref": "https://example.com/money.json"});
    assert_compatible(&external, &external);
}

#[test]
fn recursive_schemas_terminate() {
    let tree = |value_type: &str| {
        json!({"$defs": {"Node": {"type": "object", "properties": {
            "value": {"type": value_type},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}},
            "$ref": "#/$defs/Node"})
    };
    assert_compatible(&tree("number"), &tree("integer"));
    let found = can_read(&tree("integer"), &tree("string"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "/properties/value/type");
    // A reference to the document root recursing into itself.
    let list = json!({"type": "object", "properties": {"next": {"$ref": "#"}}});
    assert_compatible(&list, &list);
}

#[test]
fn self_referencing_chains_and_all_of_do_not_hang() {
    let loop_refs = json!({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                           "$ref": "#/$defs/a"});
    let found = can_read(&loop_refs, &json!({"type": "string"}));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, UnresolvedReference);
    let self_all_of = json!({"allOf": [{"$ref": "#"}], "type": "string"});
    let found = can_read(&self_all_of, &json!({"type": "string"}));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, UnresolvedReference);
    let self_any_of = json!({"anyOf": [{"$ref": "#"}, {"type": "string"}]});
    let found = can_read(&self_any_of, &json!({"type": "integer"}));
    assert!(!found.is_empty(), "an integer matches no alternative");
}

#[test]
fn any_of_alternatives_must_cover_the_writer() {
    let writer = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
    assert_compatible(
        &json!({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
        &writer,
    );
    let message = assert_one(
        &json!({"anyOf": [{"type": "string"}, {"type": "boolean"}]}),
        &writer,
        CombinedTypeSubschemasChanged,
        "/anyOf",
    );
    assert_eq!(
        message,
        "writer anyOf alternative 1 matches no alternative of the reader's anyOf"
    );
    // CombinedSchemaDiff: fewer alternatives is SUM_TYPE_NARROWED even when the remaining
    // ones read every old one; an old one left unmatched adds COMBINED_TYPE_SUBSCHEMAS_CHANGED.
    let message = assert_one(
        &json!({"anyOf": [{"type": ["string", "number"]}]}),
        &writer,
        SumTypeNarrowed,
        "/anyOf",
    );
    assert_eq!(
        message,
        "the reader's anyOf has 1 alternatives, the writer's anyOf had 2"
    );
    let found = can_read(&json!({"anyOf": [{"type": "string"}]}), &writer);
    let kinds: Vec<IncompatibilityKind> = found.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [SumTypeNarrowed, CombinedTypeSubschemasChanged],
        "{found:#?}"
    );
    // compareCriteria: anyOf → oneOf is COMBINED_TYPE_CHANGED, oneOf → anyOf is fine.
    let one_of = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
    assert_one(&one_of, &writer, CombinedTypeChanged, "/oneOf");
    assert_compatible(&writer, &one_of);
    assert_eq!(CombinedTypeChanged.as_str(), "COMBINED_TYPE_CHANGED");
    // A plain writer must match one reader alternative.
    assert_compatible(&writer, &json!({"type": "string", "maxLength": 3}));
    // A plain reader must read every writer alternative.
    assert_one(&json!({"type": "string"}), &writer, TypeChanged, "/type");
}

#[test]
fn all_of_conjuncts_are_merged() {
    let writer = json!({"allOf": [
        {"type": "object", "properties": {"id": {"type": "string"}}},
        {"properties": {"qty": {"type": "integer"}}, "required": ["qty"]}
    ]});
    let reader = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "qty": {"type": "number"}}, "required": ["qty"]});
    assert_compatible(&reader, &writer);
    let stricter = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "qty": {"type": "number"}}, "required": ["qty", "id"]});
    assert_one(&stricter, &writer, RequiredAttributeAdded, "/required");
}

#[test]
fn problems_inside_a_nullable_object_are_reported_in_place() {
    let schema = |qty: &str| {
        json!({"type": "object", "properties": {"line": {"anyOf": [
            {"type": "null"},
            {"type": "object", "properties": {"qty": {"type": qty}}}
        ]}}})
    };
    let message = assert_one(
        &schema("integer"),
        &schema("string"),
        TypeChanged,
        "/properties/line/anyOf/1/properties/qty/type",
    );
    assert!(
        message.starts_with("property 'line': property 'qty': "),
        "{message}"
    );
}

/// Object and array counts, named as Confluent's `ObjectSchemaDiff.compareAttributes` and
/// `ArraySchemaDiff.compareAttributes` name them.
#[test]
fn count_bounds_use_confluent_names() {
    let cases = [
        (
            json!({"maxProperties": 2}),
            json!({}),
            MaxPropertiesAdded,
            "/maxProperties",
        ),
        (
            json!({"maxProperties": 2}),
            json!({"maxProperties": 3}),
            MaxPropertiesDecreased,
            "/maxProperties",
        ),
        (
            json!({"minProperties": 1}),
            json!({}),
            MinPropertiesAdded,
            "/minProperties",
        ),
        (
            json!({"minProperties": 2}),
            json!({"minProperties": 1}),
            MinPropertiesIncreased,
            "/minProperties",
        ),
    ];
    for (reader_extra, writer_extra, kind, path) in cases {
        let with = |extra: &Value| {
            let mut schema = json!({"type": "object"});
            for (key, value) in extra.as_object().into_iter().flatten() {
                schema[key] = value.clone();
            }
            schema
        };
        assert_one(&with(&reader_extra), &with(&writer_extra), kind, path);
    }
    assert_one(
        &json!({"type": "array", "maxItems": 3}),
        &json!({"type": "array"}),
        MaxItemsAdded,
        "/maxItems",
    );
    assert_one(
        &json!({"type": "array", "minItems": 3}),
        &json!({"type": "array"}),
        MinItemsAdded,
        "/minItems",
    );
    assert_one(
        &json!({"type": "array", "minItems": 3}),
        &json!({"type": "array", "minItems": 2}),
        MinItemsIncreased,
        "/minItems",
    );
    assert_eq!(MinPropertiesIncreased.as_str(), "MIN_PROPERTIES_INCREASED");
}

/// `ObjectSchemaDiff.compareDependencies`: added or extended property dependencies and
/// added schema dependencies break readers; removed or narrowed ones do not.
#[test]
fn dependencies_may_narrow_but_not_grow() {
    let deps = |value: Value| json!({"type": "object", "dependencies": value});
    let writer = deps(json!({"card": ["billing"]}));
    assert_compatible(&json!({"type": "object"}), &writer);
    assert_compatible(&deps(json!({"card": []})), &writer);
    let message = assert_one(
        &deps(json!({"card": ["billing", "cvv"]})),
        &writer,
        DependencyArrayExtended,
        "/dependencies/card",
    );
    assert_eq!(
        message,
        "the reader also requires [cvv] whenever 'card' is present"
    );
    assert_one(
        &deps(json!({"card": ["cvv"]})),
        &writer,
        DependencyArrayChanged,
        "/dependencies/card",
    );
    assert_one(
        &json!({"type": "object", "dependentRequired": {"iban": ["bic"]}}),
        &json!({"type": "object"}),
        DependencyArrayAdded,
        "/dependentRequired/iban",
    );
    assert_one(
        &json!({"type": "object", "dependentSchemas": {"iban": {"required": ["bic"]}}}),
        &json!({"type": "object"}),
        DependencySchemaAdded,
        "/dependentSchemas/iban",
    );
    assert_one(
        &deps(json!({"n": {"properties": {"m": {"type": "integer"}}}})),
        &deps(json!({"n": {"properties": {"m": {"type": "string"}}}})),
        TypeChanged,
        "/dependencies/n/properties/m/type",
    );
    assert_eq!(
        DependencyArrayExtended.as_str(),
        "DEPENDENCY_ARRAY_EXTENDED"
    );
}

/// `compareUnevaluatedProperties` / `compareUnevaluatedItems` (see `unevaluated.rs`).
#[test]
fn unevaluated_keywords_follow_confluent() {
    let object = |value: Option<Value>| {
        let mut schema = json!({"type": "object"});
        if let Some(value) = value {
            schema["unevaluatedProperties"] = value;
        }
        schema
    };
    assert_one(
        &object(Some(json!(false))),
        &object(None),
        UnevaluatedPropertiesRemoved,
        "/unevaluatedProperties",
    );
    assert_one(
        &object(Some(json!({"type": "string"}))),
        &object(None),
        UnevaluatedPropertiesNarrowed,
        "/unevaluatedProperties",
    );
    assert_one(
        &object(Some(json!({"type": "string"}))),
        &object(Some(json!(true))),
        UnevaluatedPropertiesNarrowed,
        "/unevaluatedProperties",
    );
    assert_compatible(&object(None), &object(Some(json!(false))));
    assert_compatible(
        &object(Some(json!(true))),
        &object(Some(json!({"type": "string"}))),
    );
    assert_one(
        &object(Some(json!({"type": "integer"}))),
        &object(Some(json!({"type": "string"}))),
        TypeChanged,
        "/unevaluatedProperties/type",
    );
    let array = json!({"type": "array", "prefixItems": [{"type": "string"}]});
    let mut closed = array.clone();
    closed["unevaluatedItems"] = json!(false);
    assert_one(
        &closed,
        &array,
        UnevaluatedItemsRemoved,
        "/unevaluatedItems",
    );
    assert_compatible(&array, &closed);
    assert_eq!(
        UnevaluatedItemsNarrowed.as_str(),
        "UNEVALUATED_ITEMS_NARROWED"
    );
}

/// `ArraySchemaDiff.compareContainsAttribute`, and a property that accepted nothing may
/// leave a closed model (`PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL`).
#[test]
fn contains_counts_and_false_properties() {
    assert_one(
        &json!({"type": "array", "maxContains": 2}),
        &json!({"type": "array"}),
        MaxContainsAdded,
        "/maxContains",
    );
    assert_one(
        &json!({"type": "array", "minContains": 3}),
        &json!({"type": "array", "minContains": 2}),
        MinContainsIncreased,
        "/minContains",
    );
    assert_compatible(
        &json!({"type": "array", "maxContains": 3}),
        &json!({"type": "array", "maxContains": 2}),
    );
    let closed = |properties: Value| json!({"type": "object", "properties": properties, "additionalProperties": false});
    assert_compatible(
        &closed(json!({"id": {"type": "string"}})),
        &closed(json!({"id": {"type": "string"}, "gone": false})),
    );
    assert_one(
        &closed(json!({"id": {"type": "string"}})),
        &closed(json!({"id": {"type": "string"}, "gone": {}})),
        PropertyRemovedFromClosedContentModel,
        "/properties/gone",
    );
}
