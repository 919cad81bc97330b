//! Registry server over real HTTP: invalid schemas (42201), malformed bodies, the body
//! size limit (413 / 42209) and basic auth (401), on SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{Backend, TestDb, TestRegistry};

async fn invalid_schemas_are_42201(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let cases = [
        json!({ "schema": "{\"type\":\"record\",\"name\":\"R\"}" }),
        json!({ "schema": "not json at all" }),
        json!({ "schema": "[1, 2]", "schemaType": "JSON" }),
        json!({ "schema": "message A { strin x = 1; }", "schemaType": "PROTOBUF" }),
        json!({ "schema": "\"string\"", "schemaType": "XML" }),
        json!({
            "schema": "\"string\"",
            "references": [{ "name": "other", "subject": "missing", "version": 1 }]
        }),
    ];
    for body in &cases {
        r.post("/subjects/s-value/versions", body)
            .await
            .assert_error(422, 42201);
        r.post("/subjects/s-value", body)
            .await
            .assert_error(422, 42201);
    }
    assert_eq!(r.get("/subjects").await.ok(), &json!([]));
    r.finish().await;
}

async fn malformed_bodies_are_400(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    for raw in [
        "",
        "{",
        "[]",
        "{\"schemaType\":\"AVRO\"}",
        "{\"schema\": 5}",
    ] {
        let response = r
            .client
            .post(format!("{}/subjects/s-value/versions", r.url))
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("request");
        server_common::answer(response).await.assert_error(400, 400);
    }
    r.finish().await;
}

async fn oversized_body_is_413_with_42209(backend: Backend) {
    let db = TestDb::new(backend).await;
    let r = TestRegistry::start_with(db, |c| c.with_max_body_bytes(1024)).await;
    let small = format!(
        "{{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"{}\"]}}",
        "A".repeat(100)
    );
    assert_eq!(r.register("small-value", &small, None).await, 1);
    let big = format!(
        "{{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"{}\"]}}",
        "A".repeat(5000)
    );
    let answer = r
        .post("/subjects/big-value/versions", &json!({ "schema": big }))
        .await;
    answer.assert_error(413, 42209);
    assert_eq!(
        answer.content_type,
        "application/vnd.schemaregistry.v1+json"
    );
    r.finish().await;
}

async fn basic_auth_is_required_when_configured(backend: Backend) {
    let db = TestDb::new(backend).await;
    let r = TestRegistry::start_with(db, |c| c.with_basic_auth("alice", "s3cret")).await;
    let no_auth = r.get("/subjects").await;
    no_auth.assert_error(401, 40101);
    let wrong = r
        .client
        .get(format!("{}/subjects", r.url))
        .basic_auth("alice", Some("nope"))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Basic realm=\"streamhouse-registry\"")
    );
    let right = r
        .client
        .post(format!("{}/subjects/s-value/versions", r.url))
        .basic_auth("alice", Some("s3cret"))
        .json(&json!({ "schema": "\"string\"" }))
        .send()
        .await
        .expect("request");
    assert_eq!(server_common::answer(right).await.ok(), &json!({ "id": 1 }));
    // Health stays open for probes.
    assert_eq!(r.get("/health").await.ok()["status"], json!("UP"));
    r.finish().await;
}

on_both_backends!(
    invalid_schemas_are_42201,
    malformed_bodies_are_400,
    oversized_body_is_413_with_42209,
    basic_auth_is_required_when_configured,
);
