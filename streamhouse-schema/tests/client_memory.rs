//! The in-memory registry behind `mock://name`: real id semantics, versions, deletes,
//! config, and the same compatibility checks as the server.

use streamhouse_schema::error::{ClientError, RegistryError};
use streamhouse_schema::registry::{
    CompatibilityLevel, MemoryRegistry, Schema, SchemaReference, SchemaRegistryClient, Version,
};
use streamhouse_schema::SchemaFormat;

/// A client on a fresh scope of its own (tests run in parallel in one process).
fn mock(scope: &str) -> SchemaRegistryClient {
    MemoryRegistry::drop_scope(scope);
    SchemaRegistryClient::try_new(format!("mock://{scope}")).unwrap()
}

fn registry_error(error: ClientError) -> RegistryError {
    match error {
        ClientError::SchemaRegistryError(error) => error,
        other => panic!("expected a registry error, got {other:?}"),
    }
}

fn code(error: ClientError) -> (Option<u16>, Option<i32>) {
    let error = registry_error(error);
    (error.http_status(), error.error_code())
}

const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
/// V1 plus a field with a default: backward and forward compatible.
const V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;
/// V1 plus a required field: a V3 reader cannot read V1 data (not backward compatible).
const V2_REQUIRED: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}"#;

#[tokio::test]
async fn ids_follow_one_counter_and_same_schema_means_same_id() {
    let client = mock("ids");
    let order = client
        .register("orders-value", &Schema::avro(V1))
        .await
        .unwrap();
    let text = client
        .register("names-value", &Schema::avro("\"string\""))
        .await
        .unwrap();
    let again = client
        .register("audit-value", &Schema::avro(V1))
        .await
        .unwrap();
    assert_eq!((order, text, again), (1, 2, 1));
    // Whitespace does not make another schema.
    let spaced = V1.replace(',', " , ");
    assert_eq!(
        client
            .register("spaced-value", &Schema::avro(spaced))
            .await
            .unwrap(),
        1
    );
    // Another format with the same text is another schema.
    let json = client
        .register("json-value", &Schema::json(r#"{"type":"string"}"#))
        .await
        .unwrap();
    assert_eq!(json, 3);
}

#[tokio::test]
async fn registration_is_idempotent_and_versions_count_per_subject() {
    let client = mock("versions");
    assert_eq!(client.register("o", &Schema::avro(V1)).await.unwrap(), 1);
    assert_eq!(client.register("o", &Schema::avro(V1)).await.unwrap(), 1);
    assert_eq!(client.register("o", &Schema::avro(V2)).await.unwrap(), 2);
    assert_eq!(client.list_versions("o").await.unwrap(), [1, 2]);
    let latest = client.get_latest("o").await.unwrap();
    assert_eq!(
        (latest.subject.as_str(), latest.id, latest.version),
        ("o", 2, 2)
    );
    assert_eq!(latest.schema, Schema::avro(V2));
    let first = client.get_version("o", Version::Number(1)).await.unwrap();
    assert_eq!((first.id, first.version), (1, 1));
    assert_eq!(client.list_subjects().await.unwrap(), ["o"]);
    assert_eq!(client.get_schema_by_id(2).await.unwrap().schema, V2);
}

#[tokio::test]
async fn mock_scopes_are_shared_by_name_and_isolated_between_names() {
    let writer = mock("shared-scope");
    let reader = SchemaRegistryClient::try_new("mock://shared-scope").unwrap();
    let other = mock("other-scope");
    let id = writer
        .register_schema("s", V1, SchemaFormat::Avro)
        .await
        .unwrap();
    assert_eq!(reader.get_schema_by_id(id).await.unwrap().schema, V1);
    assert_eq!(
        code(other.get_schema_by_id(id).await.unwrap_err()),
        (Some(404), Some(40403))
    );
}

#[tokio::test]
async fn incompatible_schema_is_rejected_with_409() {
    let client = mock("incompatible");
    client.register("o", &Schema::avro(V1)).await.unwrap();
    let error = client
        .register("o", &Schema::avro(V2_REQUIRED))
        .await
        .unwrap_err();
    assert!(error.is_incompatible());
    let text = error.to_string();
    assert!(
        text.starts_with("Schema registration failed with status 409: Schema being registered is incompatible with an earlier schema for subject \"o\""),
        "{text}"
    );
    assert!(text.ends_with("(error code 409)"), "{text}");
    assert_eq!(
        client.list_versions("o").await.unwrap(),
        [1],
        "nothing was registered"
    );
    // The same schema is fine under a subject without history...
    assert_eq!(
        client
            .register("fresh", &Schema::avro(V2_REQUIRED))
            .await
            .unwrap(),
        2
    );
    // ...and under NONE.
    client
        .set_compatibility(Some("o"), CompatibilityLevel::None)
        .await
        .unwrap();
    assert_eq!(
        client
            .register("o", &Schema::avro(V2_REQUIRED))
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn transitive_levels_check_every_version() {
    // V3 reads V2 data (note has a writer value) but not V1 data (no note, no default).
    let v3 = r#"{"type":"record","name":"Order","fields":[{"name":"note","type":"string"}]}"#;
    for (level, accepted) in [
        (CompatibilityLevel::Backward, true),
        (CompatibilityLevel::BackwardTransitive, false),
    ] {
        let client = mock(&format!("transitive-{level}"));
        client.set_compatibility(Some("o"), level).await.unwrap();
        client.register("o", &Schema::avro(V1)).await.unwrap();
        client.register("o", &Schema::avro(V2)).await.unwrap();
        let result = client.register("o", &Schema::avro(v3)).await;
        assert_eq!(result.is_ok(), accepted, "{level}: {result:?}");
        if let Err(error) = result {
            assert!(error.is_incompatible());
        }
    }
}

#[tokio::test]
async fn a_different_schema_type_is_incompatible() {
    let client = mock("type-change");
    client.register("o", &Schema::avro(V1)).await.unwrap();
    let error = client
        .register("o", &Schema::json(r#"{"type":"object"}"#))
        .await
        .unwrap_err();
    assert!(error.is_incompatible());
    assert!(
        error.to_string().contains("different schema type"),
        "{error}"
    );
}

#[tokio::test]
async fn compatibility_test_reports_without_registering() {
    let client = mock("test-compat");
    // Nothing registered: anything is compatible with "latest".
    assert!(client
        .test_compatibility("o", &Schema::avro(V1), Version::Latest)
        .await
        .unwrap());
    client.register("o", &Schema::avro(V1)).await.unwrap();
    assert!(client
        .test_compatibility("o", &Schema::avro(V2), Version::Latest)
        .await
        .unwrap());
    let check = client
        .check_compatibility("o", &Schema::avro(V2_REQUIRED), Version::Number(1))
        .await
        .unwrap();
    assert!(!check.is_compatible);
    assert!(!check.messages.is_empty());
    assert_eq!(client.list_versions("o").await.unwrap(), [1]);
    assert_eq!(
        code(
            client
                .test_compatibility("o", &Schema::avro(V2), Version::Number(7))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40402))
    );
    assert_eq!(
        code(
            client
                .test_compatibility("nope", &Schema::avro(V2), Version::Number(1))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40401))
    );
}

#[tokio::test]
async fn lookups_distinguish_unknown_subject_and_unknown_schema() {
    let client = mock("lookup");
    client.register("o", &Schema::avro(V1)).await.unwrap();
    let found = client.lookup_schema("o", &Schema::avro(V1)).await.unwrap();
    assert_eq!((found.id, found.version), (1, 1));
    assert_eq!(
        client
            .lookup_schema_id("o", &Schema::avro(V1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        code(
            client
                .lookup_schema("x", &Schema::avro(V1))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40401))
    );
    assert_eq!(
        code(
            client
                .lookup_schema("o", &Schema::avro(V2))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40403))
    );
    assert_eq!(
        code(
            client
                .lookup_schema_id("o", &Schema::avro(V2))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40403))
    );
    // A lookup never registers.
    assert_eq!(client.list_versions("o").await.unwrap(), [1]);
}

#[tokio::test]
async fn bad_requests_get_confluent_codes() {
    let client = mock("bad-requests");
    assert_eq!(
        code(
            client
                .register("o", &Schema::avro("{not json"))
                .await
                .unwrap_err()
        ),
        (Some(422), Some(42201))
    );
    assert_eq!(
        code(client.get_version("o", Version::Latest).await.unwrap_err()),
        (Some(404), Some(40401))
    );
    assert_eq!(
        code(client.register(" ", &Schema::avro(V1)).await.unwrap_err()),
        (Some(422), Some(42208))
    );
    client.register("o", &Schema::avro(V1)).await.unwrap();
    assert_eq!(
        code(
            client
                .get_version("o", Version::Number(0))
                .await
                .unwrap_err()
        ),
        (Some(422), Some(42202))
    );
    assert_eq!(
        code(
            client
                .get_version("o", Version::Number(2))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40402))
    );
    assert_eq!(
        code(client.list_versions("p").await.unwrap_err()),
        (Some(404), Some(40401))
    );
}

#[tokio::test]
async fn soft_then_permanent_delete() {
    let client = mock("deletes");
    client.register("o", &Schema::avro(V1)).await.unwrap();
    client.register("o", &Schema::avro(V2)).await.unwrap();
    assert_eq!(
        code(client.delete_subject("o", true).await.unwrap_err()),
        (Some(404), Some(40405))
    );
    assert_eq!(client.delete_subject("o", false).await.unwrap(), [1, 2]);
    assert_eq!(client.list_subjects().await.unwrap(), Vec::<String>::new());
    assert_eq!(
        code(client.delete_subject("o", false).await.unwrap_err()),
        (Some(404), Some(40404))
    );
    // Soft-deleted schemas still resolve by id (consumers may still read old records).
    assert_eq!(client.get_schema_by_id(2).await.unwrap().schema, V2);
    // Re-registering after a soft delete keeps the id and continues the version numbers.
    assert_eq!(client.register("o", &Schema::avro(V1)).await.unwrap(), 1);
    assert_eq!(client.get_latest("o").await.unwrap().version, 3);
    assert_eq!(client.delete_subject("o", false).await.unwrap(), [3]);
    assert_eq!(client.delete_subject("o", true).await.unwrap(), [1, 2, 3]);
    // Permanently deleted ids are gone; a new registration gets a new id.
    let fresh = mock("deletes-check");
    drop(fresh);
    let reader = SchemaRegistryClient::try_new("mock://deletes").unwrap();
    assert_eq!(
        code(reader.get_schema_by_id(2).await.unwrap_err()),
        (Some(404), Some(40403))
    );
    assert_eq!(client.register("o", &Schema::avro(V2)).await.unwrap(), 3);
}

#[tokio::test]
async fn version_deletes_follow_the_same_rules() {
    let client = mock("version-deletes");
    client.register("o", &Schema::avro(V1)).await.unwrap();
    client.register("o", &Schema::avro(V2)).await.unwrap();
    assert_eq!(
        code(
            client
                .delete_version("o", Version::Number(1), true)
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40407))
    );
    assert_eq!(
        client
            .delete_version("o", Version::Number(1), false)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        code(
            client
                .delete_version("o", Version::Number(1), false)
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40406))
    );
    assert_eq!(client.list_versions("o").await.unwrap(), [2]);
    assert_eq!(
        client
            .delete_version("o", Version::Number(1), true)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        code(
            client
                .delete_version("o", Version::Number(1), false)
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40402))
    );
    assert_eq!(
        client
            .delete_version("o", Version::Latest, false)
            .await
            .unwrap(),
        2
    );
    assert_eq!(client.list_subjects().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn references_must_exist_and_block_deletes() {
    let client = mock("references");
    let common = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}"#;
    let order = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}"#;
    let reference = vec![SchemaReference::new("shop.Money", "money", 1)];
    let dangling = client
        .register(
            "orders-value",
            &Schema::avro(order).with_references(reference.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(code(dangling), (Some(422), Some(42201)));
    client
        .register("money", &Schema::avro(common))
        .await
        .unwrap();
    let id = client
        .register(
            "orders-value",
            &Schema::avro(order).with_references(reference.clone()),
        )
        .await
        .unwrap();
    assert_eq!(id, 2);
    assert_eq!(
        client.get_schema_by_id(2).await.unwrap().references,
        reference
    );
    assert_eq!(
        code(client.delete_subject("money", false).await.unwrap_err()),
        (Some(422), Some(42206))
    );
    assert_eq!(
        code(
            client
                .delete_version("money", Version::Number(1), false)
                .await
                .unwrap_err()
        ),
        (Some(422), Some(42206))
    );
}

#[tokio::test]
async fn compatibility_levels_default_to_backward_and_fall_back_to_global() {
    let client = mock("config");
    assert_eq!(
        client.get_compatibility(None).await.unwrap(),
        CompatibilityLevel::Backward
    );
    assert_eq!(
        client.get_compatibility(Some("o")).await.unwrap(),
        CompatibilityLevel::Backward
    );
    client
        .set_compatibility(None, CompatibilityLevel::Full)
        .await
        .unwrap();
    assert_eq!(
        client.get_compatibility(Some("o")).await.unwrap(),
        CompatibilityLevel::Full
    );
    client
        .set_compatibility(Some("o"), CompatibilityLevel::None)
        .await
        .unwrap();
    assert_eq!(
        client.get_compatibility(Some("o")).await.unwrap(),
        CompatibilityLevel::None
    );
    assert_eq!(
        client.get_compatibility(None).await.unwrap(),
        CompatibilityLevel::Full
    );
    // A subject with only config set is not listed.
    assert_eq!(client.list_subjects().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn protobuf_and_json_schemas_register_too() {
    let client = mock("formats");
    let proto = "syntax = \"proto3\";\npackage shop;\nmessage Order { int64 id = 1; }\n";
    let json = r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#;
    let proto_id = client
        .register_schema("p", proto, SchemaFormat::Protobuf)
        .await
        .unwrap();
    let json_id = client
        .register_schema("j", json, SchemaFormat::Json)
        .await
        .unwrap();
    assert_eq!((proto_id, json_id), (1, 2));
    assert_eq!(
        client.get_schema_by_id(1).await.unwrap().schema_type,
        SchemaFormat::Protobuf
    );
    assert_eq!(
        client.get_latest("j").await.unwrap().schema,
        Schema::json(json)
    );
}

#[tokio::test]
async fn compatibility_looks_through_references_like_the_server() {
    let client = mock("references-compat");
    let money_v1 = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}"#;
    // Incompatible: `cents` changes from long to string.
    let money_v2 = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"string"}]}"#;
    // Compatible: a field with a default.
    let money_v3 = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string","default":"EUR"}]}"#;
    let order = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}"#;
    client
        .set_compatibility(Some("money"), CompatibilityLevel::None)
        .await
        .unwrap();
    for money in [money_v1, money_v2, money_v3] {
        client
            .register("money", &Schema::avro(money))
            .await
            .unwrap();
    }
    let with_money = |version| {
        Schema::avro(order).with_references(vec![SchemaReference::new(
            "shop.Money",
            "money",
            version,
        )])
    };
    client
        .register("orders-value", &with_money(1))
        .await
        .unwrap();

    // The order's text never changes: only what its reference resolves to.
    let incompatible = client
        .test_compatibility("orders-value", &with_money(2), Version::Latest)
        .await
        .unwrap();
    assert!(
        !incompatible,
        "money v2 changes the type of Order.total.cents"
    );
    assert_eq!(
        code(
            client
                .register("orders-value", &with_money(2))
                .await
                .unwrap_err()
        ),
        (Some(409), Some(409))
    );
    assert!(client
        .test_compatibility("orders-value", &with_money(3), Version::Latest)
        .await
        .unwrap());
    assert_eq!(
        client
            .register("orders-value", &with_money(3))
            .await
            .unwrap(),
        5
    );
}

/// The `mock://` registry judges Avro names as Confluent's registry does (Avro Java's
/// `SchemaCompatibility.schemaNameEquals`: unqualified names, or a reader alias naming the
/// writer's full name), through the same `compat` core as the server.
#[tokio::test]
async fn avro_names_match_unqualified_or_by_alias_like_confluent() {
    let client = mock("avro-names");
    client
        .set_compatibility(Some("o"), CompatibilityLevel::Full)
        .await
        .unwrap();
    let v1 = r#"{"type":"record","name":"Order","namespace":"shop.v1","fields":[{"name":"id","type":"long"}]}"#;
    client.register("o", &Schema::avro(v1)).await.unwrap();
    // Only the namespace changed: compatible both ways, so FULL registers it.
    let moved = v1.replace("shop.v1", "shop.v2");
    assert_eq!(
        client.register("o", &Schema::avro(&moved)).await.unwrap(),
        2
    );
    // Renamed without an alias: NAME_MISMATCH, in both directions of FULL.
    let renamed = moved.replace("\"Order\"", "\"Purchase\"");
    let check = client
        .check_compatibility("o", &Schema::avro(&renamed), Version::Latest)
        .await
        .unwrap();
    assert!(!check.is_compatible);
    assert_eq!(check.messages.len(), 2, "{:#?}", check.messages);
    assert!(
        check.messages[0].starts_with(
            "NAME_MISMATCH at '/name': reader record 'shop.v2.Purchase' does not match writer \
             record 'shop.v2.Order' (renamed); add the alias 'shop.v2.Order' to the reader record"
        ),
        "{:#?}",
        check.messages
    );
    assert!(
        check.messages[1].starts_with("NAME_MISMATCH at '/name'"),
        "{:#?}",
        check.messages
    );
    // BACKWARD alone: the alias on the reader is enough.
    client
        .set_compatibility(Some("o"), CompatibilityLevel::Backward)
        .await
        .unwrap();
    let aliased = renamed.replace(
        "\"name\":\"Purchase\"",
        "\"name\":\"Purchase\",\"aliases\":[\"shop.v2.Order\"]",
    );
    assert!(client
        .test_compatibility("o", &Schema::avro(&aliased), Version::Latest)
        .await
        .unwrap());
    assert!(!client
        .test_compatibility("o", &Schema::avro(&renamed), Version::Latest)
        .await
        .unwrap());
}

/// JSON Schema through `mock://`: a `not` schema against an object schema and `items`
/// turning into a tuple get Confluent's `SchemaDiff` verdicts and type names.
#[tokio::test]
async fn json_not_and_tuple_items_get_confluent_verdicts() {
    let client = mock("json-not-tuple");
    let object = r#"{"type":"object","properties":{"id":{"type":"string"}}}"#;
    client.register("n", &Schema::json(object)).await.unwrap();
    let check = client
        .check_compatibility("n", &Schema::json(r#"{"not":{}}"#), Version::Latest)
        .await
        .unwrap();
    assert!(!check.is_compatible);
    assert!(
        check.messages[0].starts_with("TYPE_CHANGED at '/'"),
        "{:#?}",
        check.messages
    );
    let single = r#"{"type":"array","items":{"type":"string"}}"#;
    client.register("t", &Schema::json(single)).await.unwrap();
    let tuple = r#"{"type":"array","items":[{"type":"string"}]}"#;
    let check = client
        .check_compatibility("t", &Schema::json(tuple), Version::Latest)
        .await
        .unwrap();
    assert_eq!(check.messages.len(), 1, "{:#?}", check.messages);
    assert!(
        check.messages[0].starts_with("ITEM_ADDED_TO_OPEN_CONTENT_MODEL at '/items/0'"),
        "{:#?}",
        check.messages
    );
}
