//! Group commit on SQLite (`RegistryConfig::group_commit`): concurrent registrations are
//! committed together, yet each gets its own verdict (an incompatible one among them fails
//! alone), ids stay one per schema, versions consecutive, and everything acknowledged is
//! there after a restart on the same file.
#![cfg(feature = "server")]

mod server_common;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::{json, Value};
use server_common::{Answer, Backend, TestDb, TestRegistry};

const SUBJECTS: usize = 12;
const VERSIONS: usize = 4;

/// Version `n` of subject `s`: `n` optional fields (every version BACKWARD compatible).
fn schema(subject: usize, n: usize) -> String {
    let mut fields = vec![r#"{"name":"id","type":"long"}"#.to_string()];
    for field in 1..=n {
        fields.push(format!(r#"{{"name":"f{field}","type":"int","default":0}}"#));
    }
    format!(
        r#"{{"type":"record","name":"R{subject}","namespace":"group","fields":[{}]}}"#,
        fields.join(",")
    )
}

/// Subject `s` changing `id` to a string: incompatible with every version of it.
fn incompatible(subject: usize) -> String {
    format!(
        r#"{{"type":"record","name":"R{subject}","namespace":"group","fields":[{{"name":"id","type":"string"}}]}}"#
    )
}

async fn counter(registry: &TestRegistry, name: &str) -> u64 {
    let text = registry.get("/metrics").await.text;
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("streamhouse_registry_{name} ")))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_commit_together_and_fail_alone() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.clone();
    let registry = TestRegistry::start_with(db, |config| config).await;
    // First versions, so the incompatible schemas have something to be incompatible with.
    for subject in 0..SUBJECTS {
        registry
            .register(&format!("group-{subject}-value"), &schema(subject, 0), None)
            .await;
    }

    // Versions 1..VERSIONS of every subject and one incompatible schema per subject, all at
    // once; each subject's versions in order within its own task.
    let mut tasks = tokio::task::JoinSet::new();
    for subject in 0..SUBJECTS {
        let client = registry.client.clone();
        let base = registry.url.clone();
        tasks.spawn(async move {
            let path = format!("{base}/subjects/group-{subject}-value/versions");
            let mut ids = Vec::new();
            for n in 1..=VERSIONS {
                let answer = client
                    .post(&path)
                    .json(&json!({ "schema": schema(subject, n) }))
                    .send()
                    .await
                    .expect("register");
                assert_eq!(answer.status(), StatusCode::OK);
                let body: Value = answer.json().await.expect("json");
                ids.push(((subject, n), body["id"].as_i64().expect("id")));
            }
            ids
        });
        let client = registry.client.clone();
        let base = registry.url.clone();
        tasks.spawn(async move {
            let answer = client
                .post(format!("{base}/subjects/group-{subject}-value/versions"))
                .json(&json!({ "schema": incompatible(subject) }))
                .send()
                .await
                .expect("register");
            let answer = server_common::answer(answer).await;
            assert_refused(&answer);
            Vec::new()
        });
    }
    let mut acknowledged = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        acknowledged.extend(done.expect("task"));
    }
    assert_eq!(acknowledged.len(), SUBJECTS * VERSIONS);
    // One id per schema, and no id shared by two schemas.
    let distinct: BTreeSet<i64> = acknowledged.values().copied().collect();
    assert_eq!(distinct.len(), acknowledged.len());
    // Several registrations went into one commit.
    let commits = counter(&registry, "group_commits_total").await;
    let grouped = counter(&registry, "group_committed_registrations_total").await;
    assert_eq!(grouped, (SUBJECTS * (VERSIONS + 1)) as u64);
    assert!(
        commits < grouped,
        "{commits} commits for {grouped} registrations"
    );

    // After a restart on the same file: every acknowledged registration with its version.
    registry.server.shutdown().await.expect("shutdown");
    let again = streamhouse_schema::server::spawn(streamhouse_schema::server::RegistryConfig::new(
        "127.0.0.1:0".parse().expect("address"),
        url,
    ))
    .await
    .expect("restart");
    let client = reqwest::Client::new();
    for subject in 0..SUBJECTS {
        let versions: Value = client
            .get(format!(
                "{}/subjects/group-{subject}-value/versions",
                again.url()
            ))
            .send()
            .await
            .expect("versions")
            .json()
            .await
            .expect("json");
        let expected: Vec<usize> = (1..=VERSIONS + 1).collect();
        assert_eq!(versions, json!(expected));
        for n in 1..=VERSIONS {
            let found: Value = client
                .get(format!(
                    "{}/subjects/group-{subject}-value/versions/{}",
                    again.url(),
                    n + 1
                ))
                .send()
                .await
                .expect("version")
                .json()
                .await
                .expect("json");
            assert_eq!(found["schema"], json!(schema(subject, n)));
            assert_eq!(found["id"], json!(acknowledged[&(subject, n)]));
        }
    }
    again.shutdown().await.expect("shutdown");
    registry.db.remove().await;
}

/// 409 / 409 (Confluent's incompatible schema).
fn assert_refused(answer: &Answer) {
    answer.assert_error(409, 409);
}
