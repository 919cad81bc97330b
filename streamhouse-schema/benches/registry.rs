//! Registry server throughput and cost on loopback, the load client apart from the server.
//!
//! The server (registries and a hello-world axum handler) runs on a 2-worker runtime of its
//! own (threads `registry-server`); the client sends from another 2-worker runtime, with
//! `concurrency` requests in flight, each one sent when the previous one of its slot was
//! fully answered. Criterion reports requests per second; at the end a table adds the
//! server's CPU per request (the CPU time of the server's runtime threads and SQLite's
//! worker threads, from `/proc/self/task/*/schedstat`; PostgreSQL's own processes are not
//! counted) and the client-side p50 / p99 latency.
//!
//! Measured, each at several concurrencies:
//! - `get`: cached `GET /schemas/ids/{id}` against the hello-world handler (issue 15's goal:
//!   ≥ 80 % of its requests per second);
//! - `reregister`: a schema already live under its subject POSTed again (goal ≥ 10,000/s at
//!   16–64 with p99 ≤ 10 ms);
//! - `register_new`: schemas new to their subject (1,000 subjects, each registration a new
//!   compatible version; goal on PostgreSQL: 16 at least 4× 1 and ≥ 2,000/s);
//!
//! on a SQLite file and on PostgreSQL, each with the current defaults (`now`) and, as the
//! same-run baseline, with re-registration answers and group commit off (`before`: every
//! registration through the store, each SQLite registration committing alone).
//!
//! Run: `cargo bench -p streamhouse-schema --features server --bench registry --
//! --warm-up-time 1 --measurement-time 3` (PostgreSQL from `STREAMHOUSE_TEST_POSTGRES_URL`,
//! else the local default of the test suite; without it the PostgreSQL cases are skipped).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"bench","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}"#;

const DEFAULT_POSTGRES_URL: &str = "postgres://streamhouse:streamhouse@127.0.0.1:5432/streamhouse";

/// Thread-name prefixes of the server side (`comm` holds at most 15 bytes).
const SERVER_THREADS: [&str; 2] = ["registry-server", "sqlx-sqlite-wor"];

/// Subjects the new registrations rotate over.
const SUBJECTS: u64 = 1000;

fn runtime(name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// CPU time used so far by this process's threads whose names start with one of `prefixes`.
fn threads_cpu(prefixes: &[&str]) -> Duration {
    let mut nanos = 0u64;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let Ok(name) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        if !prefixes.iter().any(|prefix| name.starts_with(prefix)) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(path.join("schedstat")) else {
            continue;
        };
        if let Some(on_cpu) = stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok())
        {
            nanos += on_cpu;
        }
    }
    Duration::from_nanos(nanos)
}

/// What one benchmark measured over all of criterion's runs (warm-up included).
#[derive(Default)]
struct Tally {
    requests: u64,
    wall: Duration,
    server_cpu: Duration,
    latencies_us: Vec<u32>,
}

static TALLIES: Mutex<BTreeMap<String, Tally>> = Mutex::new(BTreeMap::new());

fn record(name: &str, requests: u64, wall: Duration, server_cpu: Duration, latencies: Vec<u32>) {
    let mut tallies = TALLIES.lock().unwrap_or_else(PoisonError::into_inner);
    let tally = tallies.entry(name.to_string()).or_default();
    tally.requests += requests;
    tally.wall += wall;
    tally.server_cpu += server_cpu;
    tally.latencies_us.extend(latencies);
}

fn print_tallies() {
    let tallies = TALLIES.lock().unwrap_or_else(PoisonError::into_inner);
    println!();
    println!("| benchmark | requests | requests/s | server CPU / request | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    for (name, tally) in tallies.iter() {
        let mut sorted = tally.latencies_us.clone();
        sorted.sort_unstable();
        let percentile = |p: f64| {
            let rank = ((p / 100.0) * (sorted.len().max(1) - 1) as f64).round() as usize;
            f64::from(sorted.get(rank).copied().unwrap_or(0)) / 1000.0
        };
        let requests = tally.requests.max(1) as f64;
        println!(
            "| {name} | {} | {:.0} | {:.1} µs | {:.2} ms | {:.2} ms |",
            tally.requests,
            requests / tally.wall.as_secs_f64().max(1e-9),
            tally.server_cpu.as_secs_f64() * 1e6 / requests,
            percentile(50.0),
            percentile(99.0),
        );
    }
}

/// Makes request number `n`.
type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// Sends `count` requests from `concurrency` slots on `client_rt`, asserting each answers
/// 200 with a body; the wall time, recorded under `name` with the server's CPU.
fn drive(
    name: &str,
    client_rt: &Runtime,
    http: &reqwest::Client,
    concurrency: usize,
    count: u64,
    first: &AtomicU64,
    make: &MakeRequest,
) -> Duration {
    let start_number = first.fetch_add(count, Ordering::Relaxed);
    let next = Arc::new(AtomicU64::new(0));
    let cpu_before = threads_cpu(&SERVER_THREADS);
    let started = Instant::now();
    let latencies = client_rt.block_on(async {
        let mut slots = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let (http, next, make) = (http.clone(), Arc::clone(&next), Arc::clone(make));
            slots.spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return latencies;
                    }
                    let sent = Instant::now();
                    let response = make(&http, start_number + index)
                        .send()
                        .await
                        .expect("request");
                    let status = response.status();
                    let body = response.bytes().await.expect("body");
                    assert!(
                        status.is_success() && !body.is_empty(),
                        "{status}: {}",
                        String::from_utf8_lossy(&body)
                    );
                    latencies.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                }
            });
        }
        let mut all = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        while let Some(done) = slots.join_next().await {
            all.extend(done.expect("client task"));
        }
        all
    });
    let wall = started.elapsed();
    let server_cpu = threads_cpu(&SERVER_THREADS).saturating_sub(cpu_before);
    record(name, count, wall, server_cpu, latencies);
    wall
}

/// One registry under test, and its database to drop at the end (PostgreSQL).
struct Instance {
    server: RunningServer,
    pg_schema: Option<(String, String)>,
}

/// `now`: the defaults; `before`: re-registration answers and group commit off.
fn configure(config: RegistryConfig, now: bool) -> RegistryConfig {
    if now {
        config
    } else {
        config
            .with_registration_cache_bytes(0)
            .with_group_commit(false)
    }
}

async fn sqlite_instance(dir: &std::path::Path, now: bool) -> Instance {
    let file = dir.join(if now { "now.db" } else { "before.db" });
    let config = RegistryConfig::new(
        "127.0.0.1:0".parse().expect("address"),
        format!("sqlite://{}", file.display()),
    );
    let server = spawn(configure(config, now)).await.expect("registry");
    Instance {
        server,
        pg_schema: None,
    }
}

async fn postgres_instance(base: &str, now: bool) -> Option<Instance> {
    use sqlx::Connection;
    let schema = format!(
        "bench_{}_{}",
        std::process::id(),
        if now { "now" } else { "before" }
    );
    let mut admin = sqlx::PgConnection::connect(base).await.ok()?;
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .ok()?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .ok()?;
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let config = RegistryConfig::new("127.0.0.1:0".parse().expect("address"), url);
    let server = spawn(configure(config, now)).await.expect("registry");
    Some(Instance {
        server,
        pg_schema: Some((base.to_string(), schema)),
    })
}

impl Instance {
    async fn finish(self) {
        self.server.shutdown().await.expect("shutdown");
        if let Some((base, schema)) = self.pg_schema {
            use sqlx::Connection;
            if let Ok(mut admin) = sqlx::PgConnection::connect(&base).await {
                let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut admin)
                    .await;
            }
        }
    }
}

/// The schema of new registration `n`: subject `n mod SUBJECTS`, its `n / SUBJECTS + 1`-th
/// version (each adds a field with a default: BACKWARD compatible).
fn new_registration(base: &str, http: &reqwest::Client, n: u64) -> reqwest::RequestBuilder {
    let subject = n % SUBJECTS;
    let mut fields = String::from(r#"{"name":"id","type":"long"}"#);
    for field in 0..=n / SUBJECTS {
        fields.push_str(&format!(
            r#",{{"name":"f{field}","type":"int","default":0}}"#
        ));
    }
    let schema = format!(
        r#"{{"type":"record","name":"R{subject}","namespace":"bench","fields":[{fields}]}}"#
    );
    http.post(format!("{base}/subjects/new-{subject}-value/versions"))
        .json(&json!({ "schema": schema }))
}

fn bench_registry(c: &mut Criterion) {
    let server_rt = runtime("registry-server");
    let client_rt = runtime("bench-client");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let postgres = std::env::var("STREAMHOUSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());

    let mut instances: Vec<(String, Instance)> = Vec::new();
    for now in [true, false] {
        let label = if now { "now" } else { "before" };
        instances.push((
            format!("sqlite/{label}"),
            server_rt.block_on(sqlite_instance(scratch.path(), now)),
        ));
        match server_rt.block_on(postgres_instance(&postgres, now)) {
            Some(instance) => instances.push((format!("postgres/{label}"), instance)),
            None => eprintln!("PostgreSQL not reachable at {postgres}: its cases are skipped"),
        }
    }
    let hello_url = server_rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind hello");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        let hello = Router::new().route("/", get(|| async { "Hello, World!" }));
        tokio::spawn(async move { axum::serve(listener, hello).await });
        url
    });
    // The schema every instance holds (id 1 on each fresh database), read once to cache it.
    for (_, instance) in &instances {
        let base = instance.server.url();
        client_rt.block_on(async {
            let answer: serde_json::Value = http
                .post(format!("{base}/subjects/orders-value/versions"))
                .json(&json!({ "schema": ORDER }))
                .send()
                .await
                .expect("register")
                .json()
                .await
                .expect("json");
            assert_eq!(answer, json!({"id": 1}));
            http.get(format!("{base}/schemas/ids/1"))
                .send()
                .await
                .expect("warm the cache");
        });
    }

    let sqlite_now = instances[0].1.server.url();
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("get");
    group.throughput(Throughput::Elements(1)).sample_size(10);
    for concurrency in [16usize, 64] {
        for (what, url) in [
            ("hello_world_axum", hello_url.clone()),
            (
                "cached_get_schema_by_id",
                format!("{sqlite_now}/schemas/ids/1"),
            ),
        ] {
            let name = format!("get/{what}/{concurrency}");
            let make: MakeRequest = Arc::new(move |http: &reqwest::Client, _: u64| http.get(&url));
            group.bench_function(BenchmarkId::new(what, concurrency), |b| {
                b.iter_custom(|iters| {
                    drive(
                        &name,
                        &client_rt,
                        &http,
                        concurrency,
                        iters,
                        &counter,
                        &make,
                    )
                })
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("reregister");
    group.throughput(Throughput::Elements(1)).sample_size(10);
    for (label, instance) in &instances {
        for concurrency in [16usize, 64] {
            let name = format!("reregister/{label}/{concurrency}");
            let url = format!("{}/subjects/orders-value/versions", instance.server.url());
            let body = json!({ "schema": ORDER }).to_string();
            let make: MakeRequest = Arc::new(move |http: &reqwest::Client, _: u64| {
                http.post(&url)
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .body(body.clone())
            });
            group.bench_function(BenchmarkId::new(label.as_str(), concurrency), |b| {
                b.iter_custom(|iters| {
                    drive(
                        &name,
                        &client_rt,
                        &http,
                        concurrency,
                        iters,
                        &counter,
                        &make,
                    )
                })
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("register_new");
    group.throughput(Throughput::Elements(1)).sample_size(10);
    for (label, instance) in &instances {
        // Each instance numbers its own registrations, so every one is new to it.
        let numbers = AtomicU64::new(0);
        for concurrency in [1usize, 16, 64] {
            let name = format!("register_new/{label}/{concurrency}");
            let base = instance.server.url();
            let make: MakeRequest =
                Arc::new(move |http: &reqwest::Client, n: u64| new_registration(&base, http, n));
            group.bench_function(BenchmarkId::new(label.as_str(), concurrency), |b| {
                b.iter_custom(|iters| {
                    drive(
                        &name,
                        &client_rt,
                        &http,
                        concurrency,
                        iters,
                        &numbers,
                        &make,
                    )
                })
            });
        }
    }
    group.finish();

    print_tallies();
    for (_, instance) in instances {
        server_rt.block_on(instance.finish());
    }
}

criterion_group!(benches, bench_registry);
criterion_main!(benches);
