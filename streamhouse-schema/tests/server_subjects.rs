//! Registry server over real HTTP: registration, versions, lookups and schemas by id, on
//! SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{order_schema, Backend, TestRegistry};

const NOTE_FIELD: &str = r#"{"name":"note","type":"string","default":""}"#;

async fn register_returns_id_and_is_idempotent(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    let answer = r
        .post("/subjects/orders-value/versions", &json!({ "schema": v1 }))
        .await;
    assert_eq!(answer.body, json!({ "id": 1 }), "{}", answer.text);
    assert_eq!(
        answer.content_type,
        "application/vnd.schemaregistry.v1+json"
    );

    // Same schema again (even reformatted): same id, no new version.
    let reformatted = v1.replace(',', " , ");
    assert_eq!(r.register("orders-value", &reformatted, None).await, 1);
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1])
    );

    // A second schema gets the next id and version 2.
    let v2 = order_schema(&[NOTE_FIELD]);
    assert_eq!(r.register("orders-value", &v2, None).await, 2);
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1, 2])
    );

    // The same schema under another subject reuses its id.
    assert_eq!(r.register("archive-value", &v1, None).await, 1);
    assert_eq!(
        r.get("/schemas/ids/1/versions").await.ok(),
        &json!([
            { "subject": "archive-value", "version": 1 },
            { "subject": "orders-value", "version": 1 }
        ])
    );
    assert_eq!(
        r.get("/schemas/ids/1/subjects").await.ok(),
        &json!(["archive-value", "orders-value"])
    );
    assert_eq!(
        r.server
            .requests()
            .count("POST", "/subjects/{subject}/versions"),
        4
    );
    r.finish().await;
}

async fn versions_latest_and_schema_text(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    let v2 = order_schema(&[NOTE_FIELD]);
    r.register("orders-value", &v1, None).await;
    r.register("orders-value", &v2, None).await;

    let first = r.get("/subjects/orders-value/versions/1").await;
    assert_eq!(
        first.ok(),
        &json!({ "subject": "orders-value", "id": 1, "version": 1, "schema": v1 })
    );
    for latest in ["latest", "-1"] {
        let answer = r
            .get(&format!("/subjects/orders-value/versions/{latest}"))
            .await;
        assert_eq!(answer.ok()["version"], json!(2), "{latest}");
        assert_eq!(answer.ok()["id"], json!(2));
        assert_eq!(answer.ok()["schema"], json!(v2));
        assert!(
            answer.ok().get("schemaType").is_none(),
            "Avro omits schemaType"
        );
    }
    let raw = r.get("/subjects/orders-value/versions/1/schema").await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.text, v1);

    let by_id = r.get("/schemas/ids/2").await;
    assert_eq!(by_id.ok(), &json!({ "schema": v2 }));
    // Served from the cache the second time, same bytes.
    let again = r.get("/schemas/ids/2").await;
    assert_eq!(again.text, by_id.text);
    assert_eq!(r.get("/schemas/ids/2/schema").await.text, v2);
    r.finish().await;
}

async fn missing_things_are_404_with_confluent_codes(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.get("/subjects/nope/versions")
        .await
        .assert_error(404, 40401);
    r.get("/subjects/nope/versions/1")
        .await
        .assert_error(404, 40401);
    r.get("/subjects/nope/versions/latest")
        .await
        .assert_error(404, 40401);
    r.get("/schemas/ids/99").await.assert_error(404, 40403);
    r.get("/schemas/ids/99/versions")
        .await
        .assert_error(404, 40403);
    r.get("/schemas/ids/abc").await.assert_error(404, 40403);

    r.register("orders-value", &order_schema(&[]), None).await;
    r.get("/subjects/orders-value/versions/7")
        .await
        .assert_error(404, 40402);
    for bad in ["0", "abc", "-2", "2147483648"] {
        r.get(&format!("/subjects/orders-value/versions/{bad}"))
            .await
            .assert_error(422, 42202);
    }
    r.finish().await;
}

async fn lookup_finds_registered_schema(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    let v2 = order_schema(&[NOTE_FIELD]);
    r.register("orders-value", &v1, None).await;
    r.register("orders-value", &v2, None).await;

    let found = r
        .post("/subjects/orders-value", &json!({ "schema": v1 }))
        .await;
    assert_eq!(
        found.ok(),
        &json!({ "subject": "orders-value", "id": 1, "version": 1, "schema": v1 })
    );
    r.post("/subjects/unknown", &json!({ "schema": v1 }))
        .await
        .assert_error(404, 40401);
    let other = order_schema(&[r#"{"name":"qty","type":"int","default":0}"#]);
    r.post("/subjects/orders-value", &json!({ "schema": other }))
        .await
        .assert_error(404, 40403);
    r.finish().await;
}

async fn subjects_listing_prefix_and_schemas_prefix(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(r.get("/subjects").await.ok(), &json!([]));
    r.register("orders-value", &order_schema(&[]), None).await;
    r.register("orders-key", r#""string""#, None).await;
    r.register("payments-value", r#""long""#, None).await;

    assert_eq!(
        r.get("/subjects").await.ok(),
        &json!(["orders-key", "orders-value", "payments-value"])
    );
    assert_eq!(
        r.get("/subjects?subjectPrefix=orders").await.ok(),
        &json!(["orders-key", "orders-value"])
    );
    // The original design's paths under /schemas.
    assert_eq!(
        r.get("/schemas/subjects").await.ok(),
        &json!(["orders-key", "orders-value", "payments-value"])
    );
    assert_eq!(
        r.get("/schemas/subjects/orders-value/versions").await.ok(),
        &json!([1])
    );
    assert_eq!(
        r.get("/schemas/schemas/ids/1").await.ok()["schema"],
        json!(order_schema(&[]))
    );
    // ...and its by-id path without `ids`: the same body as Confluent's path.
    assert_eq!(
        r.get("/schemas/schemas/1").await.ok(),
        r.get("/schemas/ids/1").await.ok()
    );
    assert_eq!(
        r.get("/schemas/schemas/1").await.ok()["schema"],
        json!(order_schema(&[]))
    );
    assert_eq!(r.get("/schemas/schemas/9").await.status, 404);
    assert_eq!(r.server.requests().count("GET", "/subjects"), 4);
    r.finish().await;
}

async fn schema_types_root_health_and_metadata(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(
        r.get("/schemas/types").await.ok(),
        &json!(["JSON", "PROTOBUF", "AVRO"])
    );
    assert_eq!(r.get("/").await.ok(), &json!({}));
    let health = r.get("/health").await;
    assert_eq!(health.ok()["status"], json!("UP"));
    let expected_backend = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(health.ok()["backend"], json!(expected_backend));
    assert_eq!(
        r.get("/v1/metadata/id").await.ok()["scope"]["clusters"]["schema-registry-cluster"],
        json!("schema-registry")
    );
    r.get("/no/such/route").await.assert_error(404, 404);
    r.send(reqwest::Method::PATCH, "/subjects", None)
        .await
        .assert_error(405, 405);
    r.finish().await;
}

async fn json_schema_and_normalize(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let schema = r#"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}"#;
    let id = r.register("events-value", schema, Some("JSON")).await;
    let stored = r.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(
        stored.ok(),
        &json!({ "schema": schema, "schemaType": "JSON" })
    );
    // Keys in another order are the same schema: same id, and lookup finds it.
    let reordered =
        r#"{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}"#;
    assert_eq!(
        r.register("events-value", reordered, Some("JSON")).await,
        id
    );
    let found = r
        .post(
            "/subjects/events-value?normalize=true",
            &json!({ "schema": reordered, "schemaType": "JSON" }),
        )
        .await;
    assert_eq!(found.ok()["id"], json!(id));
    assert_eq!(found.ok()["schemaType"], json!("JSON"));

    // With normalize=true the normalized text is what gets stored.
    let other = r#"{ "type": "object", "title": "T" }"#;
    let answer = r
        .post(
            "/subjects/titled-value/versions?normalize=true",
            &json!({ "schema": other, "schemaType": "JSON" }),
        )
        .await;
    let new_id = answer.ok()["id"].as_i64().expect("id");
    assert_eq!(
        r.get(&format!("/schemas/ids/{new_id}")).await.ok()["schema"],
        json!(r#"{"title":"T","type":"object"}"#)
    );
    r.finish().await;
}

/// A decimal `fixed` normalizes to JSON without repeated keys (apache-avro writes `precision`
/// and `scale` twice; found by the `schema_parse` fuzz target), and the text the registry then
/// serves is the same schema: registering it again answers the same id, no new version.
async fn avro_decimal_fixed_normalizes_once(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let schema = r#"{"type":"record","name":"Price","fields":[{"name":"amount","type":
        {"type":"fixed","name":"Dec8","size":8,"logicalType":"decimal","precision":18}}]}"#;
    let answer = r
        .post(
            "/subjects/prices-value/versions?normalize=true",
            &json!({ "schema": schema }),
        )
        .await;
    let id = answer.ok()["id"].as_i64().expect("id");
    let served = r.get(&format!("/schemas/ids/{id}")).await;
    let served = served.ok()["schema"]
        .as_str()
        .expect("schema text")
        .to_owned();
    assert_eq!(
        served,
        r#"{"type":"record","name":"Price","fields":[{"name":"amount","type":{"type":"fixed","name":"Dec8","size":8,"logicalType":"decimal","scale":0,"precision":18}}]}"#
    );
    assert_eq!(r.register("prices-value", &served, None).await, id);
    assert_eq!(r.register("prices-value", schema, None).await, id);
    assert_eq!(
        r.get("/subjects/prices-value/versions").await.ok(),
        &json!([1])
    );
    r.finish().await;
}

async fn unknown_fields_and_content_types_are_accepted(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let body = json!({
        "schema": r#""string""#,
        "schemaType": "AVRO",
        "ruleSet": null,
        "schemaTagsToAdd": [],
        "somethingNew": [1, 2, 3]
    });
    for content_type in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
    ] {
        let response = r
            .client
            .post(format!("{}/subjects/s-value/versions", r.url))
            .header("Content-Type", content_type)
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        let answer = server_common::answer(response).await;
        assert_eq!(answer.ok(), &json!({ "id": 1 }), "{content_type}");
    }
    r.finish().await;
}

/// The raw answer to registering `schema` under `subject`.
async fn raw(r: &TestRegistry, subject: &str, schema: &str) -> String {
    let answer = r
        .post(
            &format!("/subjects/{subject}/versions"),
            &json!({ "schema": schema }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.text
}

/// A registration of a schema without metadata and rules is answered `{"id":n}` without
/// reading the schema back: the exact bytes the read-back answer had, on each path (a new
/// schema, a schema known under another subject, one already live under the subject), and
/// a known schema reused under another subject draws no id (the next new one is gapless).
async fn id_answers_are_exact_and_ids_gapless(backend: Backend) {
    let db = server_common::TestDb::new(backend).await;
    // Without remembered answers, every registration goes through the store.
    let r = TestRegistry::start_with(db, |config| config.with_registration_cache_bytes(0)).await;
    let v1 = order_schema(&[]);
    let v2 = order_schema(&[NOTE_FIELD]);
    assert_eq!(raw(&r, "a-value", &v1).await, r#"{"id":1}"#);
    assert_eq!(raw(&r, "b-value", &v1).await, r#"{"id":1}"#);
    assert_eq!(raw(&r, "a-value", &v2).await, r#"{"id":2}"#);
    assert_eq!(raw(&r, "a-value", &v2).await, r#"{"id":2}"#);
    assert_eq!(raw(&r, "a-value", &v1).await, r#"{"id":1}"#);
    assert_eq!(raw(&r, "b-value", &v2).await, r#"{"id":2}"#);
    let v3 = order_schema(&[NOTE_FIELD, r#"{"name":"extra","type":"int","default":0}"#]);
    assert_eq!(raw(&r, "b-value", &v3).await, r#"{"id":3}"#);
    assert_eq!(
        r.get("/subjects/a-value/versions").await.ok(),
        &json!([1, 2])
    );
    assert_eq!(
        r.get("/subjects/b-value/versions").await.ok(),
        &json!([1, 2, 3])
    );
    assert_eq!(
        r.get("/subjects/b-value/versions/3").await.ok()["id"],
        json!(3)
    );
    r.finish().await;
}

on_both_backends!(
    register_returns_id_and_is_idempotent,
    versions_latest_and_schema_text,
    missing_things_are_404_with_confluent_codes,
    lookup_finds_registered_schema,
    subjects_listing_prefix_and_schemas_prefix,
    schema_types_root_health_and_metadata,
    json_schema_and_normalize,
    avro_decimal_fixed_normalizes_once,
    unknown_fields_and_content_types_are_accepted,
    id_answers_are_exact_and_ids_gapless,
);
