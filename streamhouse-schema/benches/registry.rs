//! Registry server throughput on loopback, next to a hello-world axum handler measured in the
//! same run (the issue's goal: cached `GET /schemas/ids/{id}` at ≥ 50 % of hello-world).
//!
//! Each iteration sends `CONCURRENCY` requests at once over a keep-alive connection pool and
//! waits for every full response; criterion reports requests per second.
//! Run: `cargo bench -p streamhouse-schema --features server --bench registry`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const CONCURRENCY: usize = 32;

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"bench","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}"#;

struct Fixture {
    registry: RunningServer,
    hello_url: String,
    schema_url: String,
    client: reqwest::Client,
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

async fn fixture() -> Fixture {
    let registry = spawn(RegistryConfig::in_memory()).await.expect("registry");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    let id = client
        .post(format!("{}/subjects/orders-value/versions", registry.url()))
        .json(&json!({ "schema": ORDER }))
        .send()
        .await
        .expect("register")
        .json::<serde_json::Value>()
        .await
        .expect("json")["id"]
        .as_i64()
        .expect("id");
    let schema_url = format!("{}/schemas/ids/{id}", registry.url());
    // Warm the cache.
    client.get(&schema_url).send().await.expect("warm");

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind hello");
    let hello_url = format!("http://{}/", listener.local_addr().expect("addr"));
    let hello = Router::new().route("/", get(|| async { "Hello, World!" }));
    tokio::spawn(async move { axum::serve(listener, hello).await });
    Fixture {
        registry,
        hello_url,
        schema_url,
        client,
    }
}

async fn get_batch(client: &reqwest::Client, url: &str) {
    let mut set = JoinSet::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let url = url.to_string();
        set.spawn(async move {
            let response = client.get(url).send().await.expect("request");
            assert!(response.status().is_success());
            response.bytes().await.expect("body").len()
        });
    }
    while let Some(done) = set.join_next().await {
        assert!(done.expect("task") > 0);
    }
}

async fn post_batch(client: &reqwest::Client, url: &str, bodies: Vec<serde_json::Value>) {
    let mut set = JoinSet::new();
    for body in bodies {
        let client = client.clone();
        let url = url.to_string();
        set.spawn(async move {
            let response = client.post(url).json(&body).send().await.expect("request");
            assert!(response.status().is_success(), "{}", response.status());
        });
    }
    while let Some(done) = set.join_next().await {
        done.expect("task");
    }
}

fn bench_reads(c: &mut Criterion) {
    let rt = runtime();
    let fx = rt.block_on(fixture());
    let mut group = c.benchmark_group("loopback_get");
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(6));
    group.bench_function("hello_world_axum", |b| {
        b.to_async(&rt)
            .iter(|| get_batch(&fx.client, &fx.hello_url))
    });
    group.bench_function("cached_get_schema_by_id", |b| {
        b.to_async(&rt)
            .iter(|| get_batch(&fx.client, &fx.schema_url))
    });
    group.finish();

    let mut group = c.benchmark_group("loopback_register");
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(6));
    let register_url = format!("{}/subjects/orders-value/versions", fx.registry.url());
    group.bench_function("register_existing_schema", |b| {
        b.to_async(&rt).iter(|| {
            let bodies = vec![json!({ "schema": ORDER }); CONCURRENCY];
            post_batch(&fx.client, &register_url, bodies)
        })
    });
    // Every request registers a schema new to the registry, under its own subject.
    let counter = Arc::new(AtomicU64::new(0));
    let base = fx.registry.url();
    group.bench_function("register_new_schema", |b| {
        b.to_async(&rt).iter(|| {
            let first = counter.fetch_add(CONCURRENCY as u64, Ordering::Relaxed);
            let mut set_bodies = Vec::with_capacity(CONCURRENCY);
            for n in first..first + CONCURRENCY as u64 {
                set_bodies.push((
                    format!("{base}/subjects/new-{n}/versions"),
                    json!({ "schema": format!(r#"{{"type":"enum","name":"E{n}","symbols":["A"]}}"#) }),
                ));
            }
            let client = fx.client.clone();
            async move {
                let mut set = JoinSet::new();
                for (url, body) in set_bodies {
                    let client = client.clone();
                    set.spawn(async move {
                        let response = client.post(url).json(&body).send().await.expect("request");
                        assert!(response.status().is_success());
                    });
                }
                while let Some(done) = set.join_next().await {
                    done.expect("task");
                }
            }
        })
    });
    group.finish();
    rt.block_on(async move { fx.registry.shutdown().await.expect("shutdown") });
}

criterion_group!(benches, bench_reads);
criterion_main!(benches);
