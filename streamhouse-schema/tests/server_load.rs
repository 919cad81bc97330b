//! Registry server under load: 64 clients registering and reading across 1,000 subjects get
//! no error, and every acknowledged registration is readable with its id and version; on
//! PostgreSQL, three instances sharing one database hand out unique ids and see each other's
//! writes at once. The 60 s run with figures is `cargo run --example registry_load`.
#![cfg(feature = "server")]

mod load;
mod server_common;

use load::verify::{verify, Verification};
use load::{LoadConfig, LoadReport, Targets};
use serde_json::json;
use server_common::{Backend, TestDb, TestRegistry};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};

/// The short run: bounded by count (64 × 40 requests), not by time.
fn short_load() -> LoadConfig {
    LoadConfig {
        clients: 64,
        subjects: 1000,
        versions_per_subject: 3,
        requests_per_client: 40,
        duration: std::time::Duration::from_secs(300),
        ..LoadConfig::default()
    }
}

/// Runs `config` against `urls` on the load's own thread and runtime, then verifies.
async fn load_and_verify(
    config: LoadConfig,
    urls: Vec<String>,
) -> (LoadReport, Vec<String>, Verification) {
    tokio::task::spawn_blocking(move || {
        let subjects = config.subjects;
        let handle = load::start(config, Targets::new(urls.clone()));
        let (report, ledger) = handle.join();
        let verification = verify(&urls, &ledger, subjects);
        (report, ledger.violations(), verification)
    })
    .await
    .expect("the load thread")
}

#[track_caller]
fn assert_clean(report: &LoadReport, violations: &[String], verification: &Verification) {
    println!("{report}");
    assert_eq!(
        report.requests(),
        64 * 40,
        "every client sent all its requests"
    );
    assert_eq!(
        (report.failed(), report.unavailable()),
        (0, 0),
        "{:?}",
        report.failure_samples
    );
    assert!(violations.is_empty(), "{violations:?}");
    for op in load::Op::ALL {
        assert!(report.op(op).requests > 0, "no {op:?} request was sent");
    }
    assert!(
        verification.problems.is_empty(),
        "{:?}",
        verification.problems
    );
    assert!(verification.acknowledged > 100, "{verification:?}");
    assert_eq!(verification.present, verification.acknowledged);
    // Each acknowledged (subject, schema) pair is one version with its own id.
    assert_eq!(verification.versions_on_server, verification.acknowledged);
    assert_eq!(verification.ids_on_server, verification.acknowledged);
}

async fn sixty_four_clients_lose_nothing(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let (report, violations, verification) =
        load_and_verify(short_load(), vec![r.url.clone()]).await;
    assert_clean(&report, &violations, &verification);
    r.finish().await;
}

on_both_backends!(sixty_four_clients_lose_nothing);

async fn start_instances(db: &TestDb, count: usize) -> Vec<RunningServer> {
    let mut instances = Vec::new();
    for _ in 0..count {
        let config = RegistryConfig::new("127.0.0.1:0".parse().expect("addr"), db.url.clone());
        instances.push(spawn(config).await.expect("start an instance"));
    }
    instances
}

/// Three instances on one PostgreSQL database under the load, requests rotating over them
/// (a registration answered by one is read back through another).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_postgres_agree_under_load() {
    let db = TestDb::new(Backend::Postgres).await;
    let instances = start_instances(&db, 3).await;
    let urls: Vec<String> = instances.iter().map(RunningServer::url).collect();
    let (report, violations, verification) = load_and_verify(short_load(), urls).await;
    assert_clean(&report, &violations, &verification);
    for instance in instances {
        instance.shutdown().await.expect("shutdown");
    }
    db.remove().await;
}

/// A schema registered through one instance is found through the others right after the
/// answer: by id, by subject and version, as latest, and by lookup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_instance_is_read_on_the_others_at_once() {
    let db = TestDb::new(Backend::Postgres).await;
    let instances = start_instances(&db, 3).await;
    let http = reqwest::Client::new();
    for round in 0..30u32 {
        let writer = &instances[round as usize % 3];
        let subject = load::schemas::subject_name(round % 4);
        let text = load::schemas::schema_text(round % 4, round / 4 + 1);
        let answer: serde_json::Value = http
            .post(format!("{}/subjects/{subject}/versions", writer.url()))
            .json(&json!({ "schema": text }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        let id = answer["id"].as_i64().expect("id");
        assert_eq!(id, i64::from(round) + 1, "ids are handed out in order");
        let version = i64::from(round / 4 + 1);
        for reader in instances.iter().filter(|i| i.url() != writer.url()) {
            let base = reader.url();
            let get = |path: String| {
                let http = http.clone();
                async move {
                    let response = http.get(path).send().await.expect("read");
                    assert_eq!(response.status(), 200);
                    response.json::<serde_json::Value>().await.expect("json")
                }
            };
            assert_eq!(
                get(format!("{base}/schemas/ids/{id}")).await,
                json!({ "schema": text })
            );
            let expected =
                json!({ "subject": subject, "version": version, "id": id, "schema": text });
            assert_eq!(
                get(format!("{base}/subjects/{subject}/versions/{version}")).await,
                expected
            );
            assert_eq!(
                get(format!("{base}/subjects/{subject}/versions/latest")).await,
                expected
            );
            let looked_up: serde_json::Value = http
                .post(format!("{base}/subjects/{subject}"))
                .json(&json!({ "schema": text }))
                .send()
                .await
                .expect("lookup")
                .json()
                .await
                .expect("json");
            assert_eq!(looked_up, expected);
        }
    }
    for instance in instances {
        instance.shutdown().await.expect("shutdown");
    }
    db.remove().await;
}
