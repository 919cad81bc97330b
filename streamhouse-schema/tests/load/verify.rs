//! The check after a run: every acknowledged registration is there with its id and version,
//! every subject's versions are 1..=n, and across everything the server holds no id names two
//! schemas and no schema has two ids.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::send;
use super::ledger::{Ack, Ledger};
use super::schemas::{schema_text, subject_name};
use super::stats::Outcome;

/// Requests in flight while verifying.
const PARALLEL: usize = 16;

/// The result of [`verify`].
#[derive(Debug, Default)]
pub struct Verification {
    /// Distinct acknowledged registrations.
    pub acknowledged: usize,
    /// Of those, how many were found with their id, version and text, on the instance asked.
    pub present: usize,
    /// Subject versions the server holds (acknowledged or not).
    pub versions_on_server: usize,
    /// Distinct schema ids the server holds.
    pub ids_on_server: usize,
    /// Everything that is wrong, empty when all holds.
    pub problems: Vec<String>,
}

/// Checks `ledger` against the registries at `urls` (acknowledged registrations are read
/// round-robin from them, so a write made through one is read through another) and scans
/// subjects `0..subjects`. Runs on its own runtime; call it from a plain thread.
pub fn verify(urls: &[String], ledger: &Ledger, subjects: u32) -> Verification {
    let runtime = super::load_runtime();
    runtime.block_on(verify_async(urls.to_vec(), ledger.entries(), subjects))
}

async fn verify_async(urls: Vec<String>, acks: Vec<Ack>, subjects: u32) -> Verification {
    let http = reqwest::Client::new();
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let mut result = Verification {
        acknowledged: acks.len(),
        ..Verification::default()
    };

    let mut checks = JoinSet::new();
    for (index, ack) in acks.into_iter().enumerate() {
        let base = urls[index % urls.len()].clone();
        let (http, gate) = (http.clone(), Arc::clone(&gate));
        checks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            check_ack(&http, &base, ack).await
        });
    }
    while let Some(done) = checks.join_next().await {
        match done.expect("a verification task panicked") {
            Ok(()) => result.present += 1,
            Err(problem) => result.problems.push(problem),
        }
    }

    let mut scans = JoinSet::new();
    for subject in 0..subjects {
        let base = urls[subject as usize % urls.len()].clone();
        let (http, gate) = (http.clone(), Arc::clone(&gate));
        scans.spawn(async move {
            let _permit = gate.acquire_owned().await;
            scan_subject(&http, &base, subject).await
        });
    }
    let mut text_by_id: HashMap<i64, String> = HashMap::new();
    let mut id_by_text: HashMap<String, i64> = HashMap::new();
    while let Some(done) = scans.join_next().await {
        let versions = match done.expect("a scan task panicked") {
            Ok(versions) => versions,
            Err(problem) => {
                result.problems.push(problem);
                continue;
            }
        };
        result.versions_on_server += versions.len();
        for (id, text) in versions {
            if let Some(other) = text_by_id.get(&id).filter(|t| **t != text) {
                result
                    .problems
                    .push(format!("id {id} names two schemas: {other} and {text}"));
            }
            if let Some(other) = id_by_text.get(&text).filter(|i| **i != id) {
                result
                    .problems
                    .push(format!("schema {text} has two ids: {other} and {id}"));
            }
            text_by_id.insert(id, text.clone());
            id_by_text.insert(text, id);
        }
    }
    result.ids_on_server = text_by_id.len();
    result
}

fn describe(outcome: Outcome) -> String {
    match outcome {
        Outcome::Ok => "ok".into(),
        Outcome::Unavailable(message) | Outcome::Failed(message) => message,
    }
}

/// The acknowledged registration is found by lookup with its id and version, and by id with
/// its text.
async fn check_ack(http: &reqwest::Client, base: &str, ack: Ack) -> Result<(), String> {
    let text = schema_text(ack.subject, ack.n);
    let subject = subject_name(ack.subject);
    let found = send(
        http.post(format!("{base}/subjects/{subject}"))
            .json(&json!({ "schema": text })),
    )
    .await
    .map_err(|o| format!("lookup of {subject} schema {}: {}", ack.n, describe(o)))?;
    if found["id"].as_i64() != Some(ack.id) {
        return Err(format!(
            "{subject} schema {}: acknowledged id {}, found {found}",
            ack.n, ack.id
        ));
    }
    if let Some(version) = ack.version {
        if found["version"].as_i64() != Some(version) {
            return Err(format!(
                "{subject} schema {}: seen as version {version}, found {found}",
                ack.n
            ));
        }
    }
    let by_id = send(http.get(format!("{base}/schemas/ids/{}", ack.id)))
        .await
        .map_err(|o| format!("schema {}: {}", ack.id, describe(o)))?;
    if by_id["schema"].as_str() != Some(text.as_str()) {
        return Err(format!(
            "schema {} should be {subject} schema {}, is {by_id}",
            ack.id, ack.n
        ));
    }
    Ok(())
}

/// `(id, text)` of every version of the subject, after checking they are numbered 1..=n.
async fn scan_subject(
    http: &reqwest::Client,
    base: &str,
    subject: u32,
) -> Result<Vec<(i64, String)>, String> {
    let name = subject_name(subject);
    let response = http
        .get(format!("{base}/subjects/{name}/versions"))
        .send()
        .await
        .map_err(|error| format!("versions of {name}: {error}"))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(Vec::new());
    }
    let versions: Value = response
        .json()
        .await
        .map_err(|error| format!("versions of {name}: {error}"))?;
    let versions: Vec<i64> = versions
        .as_array()
        .map(|all| all.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let expected: Vec<i64> = (1..=versions.len() as i64).collect();
    if versions != expected {
        return Err(format!("versions of {name} are {versions:?}"));
    }
    let mut found = Vec::new();
    for version in versions {
        let answer = send(http.get(format!("{base}/subjects/{name}/versions/{version}")))
            .await
            .map_err(|o| format!("{name} version {version}: {}", describe(o)))?;
        match (answer["id"].as_i64(), answer["schema"].as_str()) {
            (Some(id), Some(text)) => found.push((id, text.to_string())),
            _ => return Err(format!("{name} version {version}: {answer}")),
        }
    }
    Ok(found)
}
