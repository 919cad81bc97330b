//! Registry server over real HTTP: compatibility verdicts in Confluent's shape.
//! `POST /compatibility/...` answers `{"is_compatible": bool}`, adding `messages` only with
//! `verbose=true`: one `{errorType:'RULE', description:'...'}` per problem (naming the path
//! and the field), then `{oldSchemaVersion: N}`, `{oldSchema: '...'}`, `{compatibility: ...}`.
//! A 409 on registration carries the same list in its message. SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::{json, Value};
use server_common::{Backend, TestRegistry};

/// The messages of a verbose check that must fail.
async fn verbose_problems(r: &TestRegistry, subject: &str, body: &Value) -> Vec<String> {
    let path = format!("/compatibility/subjects/{subject}/versions/latest");
    let quiet = r.post(&path, body).await;
    assert_eq!(quiet.ok(), &json!({ "is_compatible": false }), "{path}");
    let verbose = r.post(&format!("{path}?verbose=true"), body).await;
    assert_eq!(verbose.ok()["is_compatible"], json!(false));
    verbose.ok()["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m.as_str().expect("text").to_string())
        .collect()
}

#[track_caller]
fn assert_problem(message: &str, rule: &str, direction: &str, path: &str, names: &str) {
    let prefix = format!("{{errorType:'{rule}', description:'The {direction} at path '{path}': ");
    assert!(
        message.starts_with(&prefix),
        "{message}\nexpected prefix: {prefix}"
    );
    assert!(message.ends_with("'}"), "{message}");
    assert!(message.contains(names), "{message} should name {names}");
}

const BACKWARD: &str = "new schema cannot read data written with the old schema";
const FORWARD: &str = "old schema cannot read data written with the new schema";

async fn avro_messages_name_each_problem(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}"#;
    r.register("orders-value", v1, None).await;
    // Two problems: qty narrows to a type int data cannot be read as, owner has no default.
    let v2 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"boolean"},{"name":"owner","type":"string"}]}"#;
    let messages = verbose_problems(&r, "orders-value", &json!({ "schema": v2 })).await;
    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert_problem(
        &messages[0],
        "TYPE_MISMATCH",
        BACKWARD,
        "/fields/qty",
        "'qty'",
    );
    assert_problem(
        &messages[1],
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        BACKWARD,
        "/fields/owner",
        "'owner'",
    );
    assert_eq!(messages[2], "{oldSchemaVersion: 1}");
    assert_eq!(messages[3], format!("{{oldSchema: '{v1}'}}"));
    assert_eq!(messages[4], "{compatibility: 'BACKWARD'}");

    // The 409 on registration carries the same list.
    let refused = r
        .post("/subjects/orders-value/versions", &json!({ "schema": v2 }))
        .await;
    refused.assert_error(409, 409);
    assert_eq!(
        refused.body["message"],
        json!(format!(
            "Schema being registered is incompatible with an earlier schema for subject \
             \"orders-value\", details: [{}]",
            messages.join(", ")
        ))
    );

    // FORWARD wording: the old schema is the reader.
    r.put(
        "/config/orders-value",
        &json!({ "compatibility": "FORWARD" }),
    )
    .await
    .ok();
    let v3 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"long"}]}"#;
    let messages = verbose_problems(&r, "orders-value", &json!({ "schema": v3 })).await;
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert_problem(
        &messages[0],
        "TYPE_MISMATCH",
        FORWARD,
        "/fields/qty",
        "'qty'",
    );
    assert_eq!(messages[3], "{compatibility: 'FORWARD'}");
    r.finish().await;
}

async fn json_and_protobuf_messages_name_each_problem(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = r#"{"type":"object","properties":{"name":{"type":"string","maxLength":10}},"additionalProperties":false}"#;
    r.register("events-value", v1, Some("JSON")).await;
    let v2 = r#"{"type":"object","properties":{"name":{"type":"string","maxLength":5}},"additionalProperties":false}"#;
    let messages = verbose_problems(
        &r,
        "events-value",
        &json!({ "schema": v2, "schemaType": "JSON" }),
    )
    .await;
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert_problem(
        &messages[0],
        "MAX_LENGTH_DECREASED",
        BACKWARD,
        "/properties/name/maxLength",
        "'name'",
    );
    assert_eq!(messages[1], "{oldSchemaVersion: 1}");

    let proto_v1 = "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  string id = 1;\n  int64 qty = 2;\n}\n";
    r.register("orders-proto", proto_v1, Some("PROTOBUF")).await;
    let proto_v2 = proto_v1.replace("int64 qty", "string qty");
    let messages = verbose_problems(
        &r,
        "orders-proto",
        &json!({ "schema": proto_v2, "schemaType": "PROTOBUF" }),
    )
    .await;
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert_problem(
        &messages[0],
        "FIELD_SCALAR_KIND_CHANGED",
        BACKWARD,
        "/Order/fields/2",
        "qty",
    );
    assert_eq!(messages[3], "{compatibility: 'BACKWARD'}");

    // Compatible, verbose or not: no messages at all.
    for path in [
        "/compatibility/subjects/orders-proto/versions/latest",
        "/compatibility/subjects/orders-proto/versions/latest?verbose=true",
    ] {
        assert_eq!(
            r.post(
                path,
                &json!({ "schema": proto_v1.replace("int64 qty", "int32 qty"), "schemaType": "PROTOBUF" })
            )
            .await
            .ok(),
            &json!({ "is_compatible": true }),
            "{path}"
        );
    }
    r.finish().await;
}

async fn transitive_checks_report_the_newest_failing_version(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.put(
        "/config/orders-value",
        &json!({ "compatibility": "BACKWARD_TRANSITIVE" }),
    )
    .await
    .ok();
    let v1 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
    let v2 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"n","type":"int","default":0}]}"#;
    r.register("orders-value", v1, None).await;
    r.register("orders-value", v2, None).await;
    // n becomes a string: v2's data (int n) cannot be read; v1 has no n, so the default covers it.
    let v3 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"n","type":"string","default":""}]}"#;
    let messages = verbose_problems(&r, "orders-value", &json!({ "schema": v3 })).await;
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert_problem(&messages[0], "TYPE_MISMATCH", BACKWARD, "/fields/n", "'n'");
    assert_eq!(messages[1], "{oldSchemaVersion: 2}");
    assert_eq!(messages[2], format!("{{oldSchema: '{v2}'}}"));
    assert_eq!(messages[3], "{compatibility: 'BACKWARD_TRANSITIVE'}");
    r.finish().await;
}

/// Avro names as Confluent's registry judges them (Avro Java's
/// `SchemaCompatibility.schemaNameEquals`): a changed namespace alone is compatible, a rename
/// is `NAME_MISMATCH` unless the reader's aliases name the writer's full name.
async fn avro_names_match_unqualified_or_by_alias(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = r#"{"type":"record","name":"Order","namespace":"shop.v1","fields":[{"name":"id","type":"string"}]}"#;
    r.register("orders-value", v1, None).await;
    let path = "/compatibility/subjects/orders-value/versions/latest?verbose=true";
    let moved = v1.replace("shop.v1", "shop.v2");
    assert_eq!(
        r.post(path, &json!({ "schema": moved })).await.ok(),
        &json!({ "is_compatible": true })
    );
    let renamed = moved.replace("\"Order\"", "\"Purchase\"");
    let messages = verbose_problems(&r, "orders-value", &json!({ "schema": renamed })).await;
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert_problem(
        &messages[0],
        "NAME_MISMATCH",
        BACKWARD,
        "/name",
        "add the alias 'shop.v1.Order' to the reader record",
    );
    let aliased = renamed.replace(
        "\"name\":\"Purchase\"",
        "\"name\":\"Purchase\",\"aliases\":[\"shop.v1.Order\"]",
    );
    assert_eq!(
        r.post(path, &json!({ "schema": aliased })).await.ok(),
        &json!({ "is_compatible": true })
    );
    r.finish().await;
}

/// JSON Schema `not` and `items` turning into a tuple, judged as Confluent's `SchemaDiff`
/// judges them: `TYPE_CHANGED` (a `NotSchema` against an `ObjectSchema`) and
/// `ITEM_ADDED_TO_OPEN_CONTENT_MODEL` (`ArraySchemaDiff.compareItemSchemaArray`).
async fn json_not_and_tuple_items_follow_confluent(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let object = r#"{"type":"object","properties":{"id":{"type":"string"}}}"#;
    r.register("not-value", object, Some("JSON")).await;
    for not in [r#"{"not":{}}"#, r#"{"not":true}"#] {
        let messages = verbose_problems(
            &r,
            "not-value",
            &json!({ "schema": not, "schemaType": "JSON" }),
        )
        .await;
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert_problem(&messages[0], "TYPE_CHANGED", BACKWARD, "/", "`not`");
    }
    let single = r#"{"type":"array","items":{"type":"string"}}"#;
    r.register("tuple-value", single, Some("JSON")).await;
    let tuple = r#"{"type":"array","prefixItems":[{"type":"string"}]}"#;
    let messages = verbose_problems(
        &r,
        "tuple-value",
        &json!({ "schema": tuple, "schemaType": "JSON" }),
    )
    .await;
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert_problem(
        &messages[0],
        "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
        BACKWARD,
        "/prefixItems/0",
        "array item 0",
    );
    r.finish().await;
}

on_both_backends!(
    json_not_and_tuple_items_follow_confluent,
    avro_names_match_unqualified_or_by_alias,
    avro_messages_name_each_problem,
    json_and_protobuf_messages_name_each_problem,
    transitive_checks_report_the_newest_failing_version
);
