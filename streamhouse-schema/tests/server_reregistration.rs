//! Re-registrations answered from memory (`registration_cache_bytes`) answer exactly what the
//! write path answers, on SQLite and PostgreSQL: two instances share one database, `cached`
//! with the answers kept and `direct` without; every request goes to `cached` first, then the
//! same bytes to `direct`, and status and body must be identical. Changes (deletes, modes,
//! configs) are made on `direct`, so `cached` only learns of them through the database, as
//! another instance would. Each answered id is then confirmed live under the subject.
#![cfg(feature = "server")]

mod server_common;

use reqwest::StatusCode;
use serde_json::{json, Value};
use server_common::{answer, order_schema, Answer, Backend, TestRegistry};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};

const PATH: &str = "/subjects/orders-value/versions";
const NOTE_FIELD: &str = r#"{"name":"note","type":"string","default":""}"#;

/// The instance without kept answers, on the same database as the cached one.
struct Direct {
    server: RunningServer,
    client: reqwest::Client,
}

impl Direct {
    async fn beside(cached: &TestRegistry) -> Direct {
        let config = RegistryConfig::new("127.0.0.1:0".parse().expect("address"), &cached.db.url)
            .with_registration_cache_bytes(0);
        let server = spawn(config).await.expect("start the direct instance");
        Direct {
            server,
            client: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.server.url()));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(body.to_string());
        }
        answer(request.send().await.expect("HTTP request")).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Answer {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    async fn finish(self) {
        self.server.shutdown().await.expect("shutdown");
    }
}

/// The newest live version of `orders-value` holding schema `id`, read on `direct`
/// (`GET /schemas/ids/{id}/versions`); fails when there is none.
async fn live_version(direct: &Direct, id: &Value) -> Value {
    let found = direct
        .send(
            reqwest::Method::GET,
            &format!("/schemas/ids/{id}/versions"),
            None,
        )
        .await;
    let newest = found
        .ok()
        .as_array()
        .into_iter()
        .flatten()
        .filter(|pair| pair["subject"] == json!("orders-value"))
        .filter_map(|pair| pair["version"].as_i64())
        .max();
    match newest {
        Some(version) => json!(version),
        None => panic!("schema {id} is not live under the subject: {}", found.text),
    }
}

/// POSTs `body` to `path` on `cached`, then on `direct`, and asserts the answers are
/// identical. Between the two, the answered schema must already be live under the
/// subject (an answer from memory that the database no longer backs would not be; the
/// write path's own registration after it would hide that, as `{"id"}` answers carry no
/// version). Returns the answer.
async fn same(cached: &TestRegistry, direct: &Direct, path: &str, body: &Value) -> Answer {
    let from_cache = cached.post(path, body).await;
    if from_cache.status == StatusCode::OK {
        live_version(direct, &from_cache.body["id"]).await;
    }
    let from_store = direct.post(path, body).await;
    assert_eq!(
        (from_cache.status, &from_cache.text),
        (from_store.status, &from_store.text),
        "POST {path} {body}: the cached instance and the write path disagree"
    );
    from_cache
}

/// `streamhouse_registry_registrations_answered_from_memory_total` of `registry`.
async fn answered_from_memory(registry: &TestRegistry) -> u64 {
    let text = registry
        .client
        .get(format!("{}/metrics", registry.url))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("metrics body");
    text.lines()
        .find_map(|line| {
            line.strip_prefix("streamhouse_registry_registrations_answered_from_memory_total ")
        })
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no answered-from-memory counter in {text}"))
}

async fn versions(direct: &Direct) -> Value {
    direct.send(reqwest::Method::GET, PATH, None).await.body
}

async fn answers_match_the_write_path(backend: Backend) {
    let cached = TestRegistry::start(backend).await;
    let direct = Direct::beside(&cached).await;
    let plain = json!({ "schema": order_schema(&[]) });

    // The first registration writes; the same bytes again are answered from memory.
    assert_eq!(
        same(&cached, &direct, PATH, &plain).await.body,
        json!({"id": 1})
    );
    for _ in 0..3 {
        assert_eq!(
            same(&cached, &direct, PATH, &plain).await.body,
            json!({"id": 1})
        );
    }
    assert_eq!(answered_from_memory(&cached).await, 3);

    // A soft delete on the other instance: the next registration is a new version.
    direct.delete(&format!("{PATH}/1")).await.ok();
    let again = same(&cached, &direct, PATH, &plain).await;
    assert_eq!(again.body, json!({"id": 1}));
    assert_eq!(versions(&direct).await, json!([2]));
    assert_eq!(answered_from_memory(&cached).await, 3);
    same(&cached, &direct, PATH, &plain).await;
    assert_eq!(answered_from_memory(&cached).await, 4);

    // Soft, then permanent deletes of every version: the schema's id is gone too.
    direct.delete("/subjects/orders-value").await.ok();
    direct
        .delete("/subjects/orders-value?permanent=true")
        .await
        .ok();
    let fresh = same(&cached, &direct, PATH, &plain).await;
    assert_ne!(
        fresh.body,
        json!({"id": 1}),
        "a permanently deleted id answered"
    );
    assert_eq!(versions(&direct).await, json!([1]));

    // READONLY on the subject, then READWRITE again.
    direct
        .put("/mode/orders-value", &json!({"mode": "READONLY"}))
        .await
        .ok();
    same(&cached, &direct, PATH, &plain)
        .await
        .assert_error(422, 42205);
    direct.delete("/mode/orders-value").await.ok();
    assert_eq!(same(&cached, &direct, PATH, &plain).await.body, fresh.body);

    // IMPORT globally: a registration without an id is refused.
    direct
        .put("/mode?force=true", &json!({"mode": "IMPORT"}))
        .await
        .ok();
    same(&cached, &direct, PATH, &plain)
        .await
        .assert_error(422, 42205);
    direct
        .put("/mode", &json!({"mode": "READWRITE"}))
        .await
        .ok();
    assert_eq!(same(&cached, &direct, PATH, &plain).await.body, fresh.body);

    // `normalize=true` and spacing: the same schema, with and without normalization.
    let spaced = json!({ "schema": order_schema(&[]).replace(',', ", ") });
    let normalized_path = format!("{PATH}?normalize=true");
    for _ in 0..2 {
        assert_eq!(same(&cached, &direct, PATH, &spaced).await.body, fresh.body);
        same(&cached, &direct, &normalized_path, &spaced).await.ok();
        same(&cached, &direct, &normalized_path, &plain).await.ok();
    }

    // Metadata and rules make other versions, answered with the whole registration.
    let with_metadata = json!({
        "schema": order_schema(&[]),
        "metadata": {"properties": {"owner": "shop"}},
    });
    let with_rules = json!({
        "schema": order_schema(&[]),
        "ruleSet": {"domainRules": [{"name": "checkId", "kind": "CONDITION", "mode": "WRITE",
                                     "type": "CEL", "expr": "message.id != ''"}]},
    });
    for body in [
        &with_metadata,
        &with_rules,
        &with_metadata,
        &plain,
        &with_rules,
    ] {
        let answer = same(&cached, &direct, PATH, body).await;
        answer.ok();
    }
    let registered = same(&cached, &direct, PATH, &with_metadata).await;
    assert_eq!(
        registered.body["metadata"],
        json!({"properties": {"owner": "shop"}})
    );
    assert!(
        registered.body["version"].as_i64().is_some(),
        "{}",
        registered.text
    );

    // A config default merges into every registration: nothing is answered from memory.
    let before = answered_from_memory(&cached).await;
    direct
        .put(
            "/config/orders-value",
            &json!({"defaultMetadata": {"properties": {"team": "payments"}}}),
        )
        .await
        .ok();
    for body in [&plain, &plain, &with_metadata, &with_metadata] {
        same(&cached, &direct, PATH, body).await.ok();
    }
    assert_eq!(answered_from_memory(&cached).await, before);
    direct.delete("/config/orders-value").await.ok();

    // A compatible next version, then deletes racing re-registrations of the latest: once a
    // delete is answered, no re-registration answers the deleted version.
    let next = json!({ "schema": order_schema(&[NOTE_FIELD]) });
    for _ in 0..4 {
        let live = same(&cached, &direct, PATH, &next).await;
        let deleted_version = live_version(&direct, &live.body["id"]).await;
        let racing = async {
            let mut answers = Vec::new();
            for _ in 0..10 {
                answers.push(cached.post(PATH, &next).await);
            }
            answers
        };
        let deleted_path = format!("{PATH}/{deleted_version}");
        let deleting = direct.delete(&deleted_path);
        let (racing, deleted) = tokio::join!(racing, deleting);
        deleted.ok();
        for racer in racing {
            assert_eq!(racer.status, StatusCode::OK, "{}", racer.text);
            assert_eq!(racer.body["id"], live.body["id"], "{}", racer.text);
        }
        // After the delete's answer: the schema is live again under a newer version.
        let after = cached.post(PATH, &next).await;
        let version = live_version(&direct, &after.body["id"]).await;
        assert!(
            version.as_i64() > deleted_version.as_i64(),
            "version {version} after deleting {deleted_version}"
        );
        same(&cached, &direct, PATH, &next).await;
    }

    direct.finish().await;
    cached.finish().await;
}

on_both_backends!(answers_match_the_write_path);
