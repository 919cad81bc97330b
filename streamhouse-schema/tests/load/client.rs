//! One load client: a loop of requests, each checked against what was acknowledged before.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::schemas::{schema_text, subject_name};
use super::stats::{LoadReport, Op, Outcome};
use super::{LoadConfig, Mix, Shared};

/// How long a client waits after a request found no server (it is being restarted).
const DOWN_PAUSE: Duration = Duration::from_millis(20);
/// Longest wait for one answer: a stuck server fails the request instead of hanging the run.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `config.clients` clients until each hits its bounds or `shared.stop` is set.
pub(super) async fn run_clients(config: LoadConfig, shared: Arc<Shared>) -> LoadReport {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(config.clients)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("build the HTTP client");
    let started = Instant::now();
    let deadline = started + config.duration;
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..config.clients {
        let client = Client {
            http: http.clone(),
            shared: Arc::clone(&shared),
            config: config.clone(),
            rng: StdRng::seed_from_u64(config.seed.wrapping_add(index as u64)),
            turn: index as u64,
        };
        tasks.spawn(client.run(deadline));
    }
    let mut report = LoadReport::default();
    while let Some(done) = tasks.join_next().await {
        report.merge(done.expect("a load client panicked"));
    }
    report.elapsed = started.elapsed();
    report
}

struct Client {
    http: reqwest::Client,
    shared: Arc<Shared>,
    config: LoadConfig,
    rng: StdRng,
    turn: u64,
}

impl Client {
    async fn run(mut self, deadline: Instant) -> LoadReport {
        let mut report = LoadReport::default();
        for _ in 0..self.config.requests_per_client {
            if self.shared.stop.load(Ordering::Relaxed) || Instant::now() >= deadline {
                break;
            }
            self.turn += 1;
            let Some(base) = self.shared.targets.pick(self.turn) else {
                tokio::time::sleep(DOWN_PAUSE).await;
                continue;
            };
            let started = Instant::now();
            let (op, outcome) = self.one_request(&base).await;
            let latency = started.elapsed();
            let down = matches!(outcome, Outcome::Unavailable(_));
            report.record(op, outcome, latency);
            if down {
                tokio::time::sleep(DOWN_PAUSE).await;
            }
        }
        report
    }

    async fn one_request(&mut self, base: &str) -> (Op, Outcome) {
        if self.config.mix == Mix::RegisterOnly {
            let fresh = self.shared.fresh.fetch_add(1, Ordering::Relaxed);
            let subjects = u64::from(self.config.subjects.max(1));
            let subject = u32::try_from(fresh % subjects).unwrap_or(0);
            let n = u32::try_from(fresh / subjects + 1).unwrap_or(u32::MAX);
            return (Op::Register, self.register(base, subject, n).await);
        }
        let acked = self.shared.ledger.pick(&mut self.rng);
        let choice = self.rng.random_range(0..4u8);
        match (choice, acked) {
            (1, Some(ack)) => (
                Op::GetById,
                self.get_by_id(base, ack.subject, ack.n, ack.id).await,
            ),
            (2, Some(ack)) => (Op::Versions, self.versions(base, ack.subject).await),
            (3, Some(ack)) => (
                Op::Lookup,
                self.lookup(base, ack.subject, ack.n, ack.id).await,
            ),
            _ => {
                let subject = self.rng.random_range(0..self.config.subjects.max(1));
                let n = self
                    .rng
                    .random_range(1..=self.config.versions_per_subject.max(1));
                (Op::Register, self.register(base, subject, n).await)
            }
        }
    }

    async fn register(&self, base: &str, subject: u32, n: u32) -> Outcome {
        let url = format!("{base}/subjects/{}/versions", subject_name(subject));
        let body = json!({ "schema": schema_text(subject, n) });
        let answer = match send(self.http.post(url).json(&body)).await {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        let Some(id) = answer["id"].as_i64() else {
            return Outcome::Failed(format!("registration answered {answer}"));
        };
        match self.shared.ledger.acknowledge(subject, n, id) {
            Ok(()) => Outcome::Ok,
            Err(problem) => Outcome::Failed(problem),
        }
    }

    async fn get_by_id(&self, base: &str, subject: u32, n: u32, id: i64) -> Outcome {
        let answer = match send(self.http.get(format!("{base}/schemas/ids/{id}"))).await {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        if answer["schema"].as_str() == Some(schema_text(subject, n).as_str()) {
            Outcome::Ok
        } else {
            Outcome::Failed(format!(
                "schema {id} (subject {subject} schema {n}) read as {answer}"
            ))
        }
    }

    async fn versions(&self, base: &str, subject: u32) -> Outcome {
        let url = format!("{base}/subjects/{}/versions", subject_name(subject));
        let answer = match send(self.http.get(url)).await {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        let consecutive = answer.as_array().is_some_and(|versions| {
            !versions.is_empty()
                && versions
                    .iter()
                    .enumerate()
                    .all(|(i, v)| v.as_i64() == Some(i as i64 + 1))
        });
        if consecutive {
            Outcome::Ok
        } else {
            Outcome::Failed(format!("versions of subject {subject}: {answer}"))
        }
    }

    async fn lookup(&self, base: &str, subject: u32, n: u32, id: i64) -> Outcome {
        let url = format!("{base}/subjects/{}", subject_name(subject));
        let body = json!({ "schema": schema_text(subject, n) });
        let answer = match send(self.http.post(url).json(&body)).await {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        let (Some(found), Some(version)) = (answer["id"].as_i64(), answer["version"].as_i64())
        else {
            return Outcome::Failed(format!("lookup answered {answer}"));
        };
        if found != id {
            return Outcome::Failed(format!(
                "subject {subject} schema {n}: registered as id {id}, looked up as id {found}"
            ));
        }
        match self.shared.ledger.record_version(subject, n, version) {
            Ok(()) => Outcome::Ok,
            Err(problem) => Outcome::Failed(problem),
        }
    }
}

/// Sends a request expecting 200 with JSON: no answer is `Unavailable`, another status `Failed`.
pub(super) async fn send(request: reqwest::RequestBuilder) -> Result<Value, Outcome> {
    let response = request
        .send()
        .await
        .map_err(|error| Outcome::Unavailable(error.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|error| Outcome::Unavailable(error.to_string()))?;
    if status != reqwest::StatusCode::OK {
        return Err(Outcome::Failed(format!("HTTP {status}: {text}")));
    }
    serde_json::from_str(&text).map_err(|error| Outcome::Failed(format!("{error}: {text}")))
}
