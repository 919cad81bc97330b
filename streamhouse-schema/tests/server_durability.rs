//! Registry server: data survives a restart on the same database, and concurrent identical
//! registrations collapse into one id and one version, on SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{order_schema, Backend, TestDb, TestRegistry};
use streamhouse_schema::server::{spawn, RegistryConfig};

const NOTE_FIELD: &str = r#"{"name":"note","type":"string","default":""}"#;

async fn restart_keeps_everything(backend: Backend) {
    let db = TestDb::new(backend).await;
    let url = db.url.clone();
    let first = spawn(RegistryConfig::new(
        "127.0.0.1:0".parse().expect("addr"),
        url.clone(),
    ))
    .await
    .expect("first start");
    let client = reqwest::Client::new();
    let base = first.url();
    let v1 = order_schema(&[]);
    let v2 = order_schema(&[NOTE_FIELD]);
    for (subject, schema) in [
        ("orders-value", &v1),
        ("orders-value", &v2),
        ("other-value", &v1),
    ] {
        let status = client
            .post(format!("{base}/subjects/{subject}/versions"))
            .json(&json!({ "schema": schema }))
            .send()
            .await
            .expect("register")
            .status();
        assert_eq!(status, 200);
    }
    client
        .put(format!("{base}/config/orders-value"))
        .json(&json!({ "compatibility": "FULL" }))
        .send()
        .await
        .expect("config");
    client
        .delete(format!("{base}/subjects/other-value"))
        .send()
        .await
        .expect("soft delete");
    first.shutdown().await.expect("shutdown");

    let r = TestRegistry::start_with(db, |c| c).await;
    assert_eq!(r.get("/subjects").await.ok(), &json!(["orders-value"]));
    assert_eq!(
        r.get("/subjects?deleted=true").await.ok(),
        &json!(["orders-value", "other-value"])
    );
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1, 2])
    );
    assert_eq!(r.get("/schemas/ids/2").await.ok(), &json!({ "schema": v2 }));
    assert_eq!(
        r.get("/config/orders-value").await.ok(),
        &json!({ "compatibilityLevel": "FULL" })
    );
    // Ids continue after the existing ones.
    let v3 = order_schema(&[NOTE_FIELD, r#"{"name":"qty","type":"int","default":0}"#]);
    assert_eq!(r.register("orders-value", &v3, None).await, 3);
    r.finish().await;
}

async fn concurrent_identical_registrations_make_one_version(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let schema = order_schema(&[]);
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let client = r.client.clone();
        let url = format!("{}/subjects/orders-value/versions", r.url);
        let body = json!({ "schema": schema });
        tasks.push(tokio::spawn(async move {
            let response = client.post(url).json(&body).send().await.expect("request");
            let status = response.status();
            let body: serde_json::Value = response.json().await.expect("json");
            (status, body)
        }));
    }
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({ "id": 1 }));
    }
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1])
    );
    assert_eq!(
        r.server
            .requests()
            .count("POST", "/subjects/{subject}/versions"),
        100
    );

    // Different schemas racing on one subject still get distinct, gapless versions.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = r.client.clone();
        let url = format!("{}/subjects/orders-value/versions", r.url);
        let field = format!(r#"{{"name":"f{i}","type":"int","default":{i}}}"#);
        let body = json!({ "schema": order_schema(&[&field]) });
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("request")
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 200);
    }
    let versions = r.get("/subjects/orders-value/versions").await;
    let expected: Vec<i64> = (1..=21).collect();
    assert_eq!(versions.ok(), &json!(expected));
    r.finish().await;
}

async fn two_instances_on_one_database_share_ids(backend: Backend) {
    let db = TestDb::new(backend).await;
    let other = spawn(RegistryConfig::new(
        "127.0.0.1:0".parse().expect("addr"),
        db.url.clone(),
    ))
    .await
    .expect("second instance");
    let r = TestRegistry::start_with(db, |c| c).await;
    let a = order_schema(&[]);
    let b = order_schema(&[NOTE_FIELD]);
    assert_eq!(r.register("one-value", &a, None).await, 1);
    let via_other = r
        .client
        .post(format!("{}/subjects/two-value/versions", other.url()))
        .json(&json!({ "schema": b }))
        .send()
        .await
        .expect("register on the other instance");
    assert_eq!(
        via_other.json::<serde_json::Value>().await.expect("json"),
        json!({ "id": 2 })
    );
    assert_eq!(r.get("/schemas/ids/2").await.ok(), &json!({ "schema": b }));

    // Both instances racing on one new schema: one id, one version, whichever answers.
    let c = order_schema(&[NOTE_FIELD, r#"{"name":"qty","type":"int","default":0}"#]);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = r.client.clone();
        let base = if i % 2 == 0 {
            r.url.clone()
        } else {
            other.url()
        };
        let body = json!({ "schema": c });
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(format!("{base}/subjects/race-value/versions"))
                .json(&body)
                .send()
                .await
                .expect("request");
            (
                response.status(),
                response.json::<serde_json::Value>().await.expect("json"),
            )
        }));
    }
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({ "id": 3 }));
    }
    assert_eq!(
        r.get("/subjects/race-value/versions").await.ok(),
        &json!([1])
    );
    other.shutdown().await.expect("shutdown");
    r.finish().await;
}

on_both_backends!(
    restart_keeps_everything,
    concurrent_identical_registrations_make_one_version,
    two_instances_on_one_database_share_ids,
);
