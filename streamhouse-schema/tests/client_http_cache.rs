//! Caches and single-flight, counted on a stub registry: 100 concurrent misses for one
//! key make one request; LRU eviction refetches exactly the evicted keys.

mod client_stub;

use std::time::Duration;

use client_stub::{Recorded, Reply, Stub};
use serde_json::json;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient};

/// Awaits spawned tasks in order.
async fn join_all<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

/// The server holds each answer this long so that concurrent callers overlap.
const HOLD: Duration = Duration::from_millis(200);

fn client(url: &str) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .url(url)
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_first_registrations_make_one_request() {
    let stub = Stub::start(|_, _| Reply::Delayed(HOLD, 200, json!({"id": 77}).to_string())).await;
    let client = client(&stub.url);
    let schema = Schema::avro(client_stub::avro_record("Order"));
    let tasks = (0..100)
        .map(|_| {
            let (client, schema) = (client.clone(), schema.clone());
            tokio::spawn(async move { client.register("orders-value", &schema).await.unwrap() })
        })
        .collect();
    assert_eq!(join_all(tasks).await, vec![77; 100]);
    assert_eq!(stub.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_fetches_of_one_id_make_one_request() {
    let stub =
        Stub::start(|_, _| Reply::Delayed(HOLD, 200, json!({"schema": "\"int\""}).to_string()))
            .await;
    let client = client(&stub.url);
    let tasks = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_schema_by_id(5).await.unwrap().schema.clone() })
        })
        .collect();
    assert_eq!(join_all(tasks).await, vec!["\"int\"".to_string(); 100]);
    assert_eq!(stub.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_share_one_error_and_the_next_call_asks_again() {
    let stub = Stub::start(|_, arrival| match arrival {
        0 => Reply::Delayed(
            HOLD,
            404,
            json!({"error_code": 40403, "message": "Schema 5 not found"}).to_string(),
        ),
        _ => Reply::ok(json!({"schema": "\"int\""})),
    })
    .await;
    let client = client(&stub.url);
    let tasks = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get_schema_by_id(5)
                    .await
                    .unwrap_err()
                    .registry_error()
                    .and_then(|e| e.error_code())
            })
        })
        .collect();
    assert_eq!(join_all(tasks).await, vec![Some(40403); 50]);
    assert_eq!(stub.count(), 1);
    // Errors are not cached.
    assert_eq!(client.get_schema_by_id(5).await.unwrap().schema, "\"int\"");
    assert_eq!(stub.count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_keys_are_fetched_concurrently_not_merged() {
    let stub = Stub::start(|request: &Recorded, _| {
        let id = request.path.rsplit('/').next().unwrap().to_string();
        Reply::Delayed(HOLD, 200, json!({"schema": id}).to_string())
    })
    .await;
    let client = client(&stub.url);
    let tasks = (1..=10)
        .map(|id| {
            let client = client.clone();
            tokio::spawn(async move { client.get_schema_by_id(id).await.unwrap().schema.clone() })
        })
        .collect();
    let expected: Vec<String> = (1..=10).map(|id| id.to_string()).collect();
    assert_eq!(join_all(tasks).await, expected);
    assert_eq!(stub.count(), 10);
}

#[tokio::test]
async fn lru_evicts_the_least_recently_used_schema() {
    let stub = Stub::start(|request: &Recorded, _| {
        let id = request.path.rsplit('/').next().unwrap().to_string();
        Reply::ok(json!({"schema": id}))
    })
    .await;
    let client = SchemaRegistryClient::builder()
        .url(&stub.url)
        .cache_capacity(2)
        .build()
        .unwrap();
    let fetched = |client: SchemaRegistryClient, id: i32| async move {
        client.get_schema_by_id(id).await.unwrap().schema.clone()
    };
    for id in [1, 2, 3] {
        assert_eq!(fetched(client.clone(), id).await, id.to_string()); // 3 evicts 1
    }
    assert_eq!(stub.count(), 3);
    assert_eq!(fetched(client.clone(), 3).await, "3"); // hit
    assert_eq!(stub.count(), 3);
    assert_eq!(fetched(client.clone(), 1).await, "1"); // miss, evicts 2
    assert_eq!(stub.count(), 4);
    assert_eq!(client.cached_schema(2), None);
    assert_eq!(fetched(client.clone(), 2).await, "2"); // miss, evicts 3
    let paths: Vec<String> = stub.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/schemas/ids/1",
            "/schemas/ids/2",
            "/schemas/ids/3",
            "/schemas/ids/1",
            "/schemas/ids/2"
        ]
    );
}

#[tokio::test]
async fn lru_bounds_the_subject_schema_cache_too() {
    let stub = Stub::start(|_, arrival| Reply::ok(json!({"id": arrival + 1}))).await;
    let client = SchemaRegistryClient::builder()
        .url(&stub.url)
        .cache_capacity(1)
        .build()
        .unwrap();
    let a = Schema::avro("\"int\"");
    let b = Schema::avro("\"long\"");
    assert_eq!(client.register("s", &a).await.unwrap(), 1);
    assert_eq!(client.register("s", &b).await.unwrap(), 2); // evicts a
    assert_eq!(client.cached_schema_id("s", &a), None);
    assert_eq!(client.register("s", &a).await.unwrap(), 3); // asked again
    assert_eq!(stub.count(), 3);
}
