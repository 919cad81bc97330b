//! The optional latest-version cache: TTL expiry (on tokio's paused clock, no waiting),
//! invalidation by this client's own writes, single-flight, and serving the expired answer
//! when the registry is down.

mod client_stub;

use std::time::Duration;

use client_stub::{Recorded, Reply, Stub};
use serde_json::json;
use streamhouse_schema::registry::{MemoryRegistry, Schema, SchemaRegistryClient};

const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
const V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;

fn mock_with_ttl(scope: &str, ttl: Option<Duration>) -> SchemaRegistryClient {
    let builder = SchemaRegistryClient::builder().url(format!("mock://{scope}"));
    match ttl {
        Some(ttl) => builder.latest_cache_ttl(ttl),
        None => builder,
    }
    .build()
    .unwrap()
}

#[tokio::test]
async fn without_a_ttl_latest_is_always_fresh() {
    MemoryRegistry::drop_scope("latest-fresh");
    let reader = mock_with_ttl("latest-fresh", None);
    let writer = mock_with_ttl("latest-fresh", None);
    writer.register("o", &Schema::avro(V1)).await.unwrap();
    assert_eq!(reader.get_latest("o").await.unwrap().version, 1);
    writer.register("o", &Schema::avro(V2)).await.unwrap();
    assert_eq!(reader.get_latest("o").await.unwrap().version, 2);
}

#[tokio::test(start_paused = true)]
async fn cached_latest_expires_after_the_ttl() {
    MemoryRegistry::drop_scope("latest-ttl");
    let reader = mock_with_ttl("latest-ttl", Some(Duration::from_secs(60)));
    let writer = mock_with_ttl("latest-ttl", None);
    writer.register("o", &Schema::avro(V1)).await.unwrap();
    assert_eq!(reader.get_latest("o").await.unwrap().version, 1);
    writer.register("o", &Schema::avro(V2)).await.unwrap();
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(
        reader.get_latest("o").await.unwrap().version,
        1,
        "still cached"
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(
        reader.get_latest("o").await.unwrap().version,
        2,
        "expired and refetched"
    );
}

#[tokio::test(start_paused = true)]
async fn own_registrations_and_deletes_invalidate_at_once() {
    MemoryRegistry::drop_scope("latest-own");
    let client = mock_with_ttl("latest-own", Some(Duration::from_secs(3600)));
    client.register("o", &Schema::avro(V1)).await.unwrap();
    assert_eq!(client.get_latest("o").await.unwrap().version, 1);
    client.register("o", &Schema::avro(V2)).await.unwrap();
    assert_eq!(client.get_latest("o").await.unwrap().version, 2);
    client.delete_subject("o", false).await.unwrap();
    assert!(client.get_latest("o").await.unwrap_err().is_not_found());
}

fn latest_body(version: usize) -> String {
    json!({"subject": "o", "id": version, "version": version, "schema": "\"long\""}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_latest_misses_make_one_request() {
    let stub =
        Stub::start(|_, _| Reply::Delayed(Duration::from_millis(200), 200, latest_body(4))).await;
    let client = SchemaRegistryClient::builder()
        .url(&stub.url)
        .latest_cache_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_latest("o").await.unwrap().version })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 4);
    }
    assert_eq!(stub.count(), 1);
    assert_eq!(stub.requests()[0].path, "/subjects/o/versions/latest");
}

#[tokio::test]
async fn an_expired_answer_is_served_while_the_registry_is_down() {
    let stub =
        Stub::start(|_: &Recorded, arrival| Reply::Json(200, latest_body(arrival + 1))).await;
    let client = SchemaRegistryClient::builder()
        .url(&stub.url)
        .max_retries(0)
        .latest_cache_ttl(Duration::from_millis(1))
        .build()
        .unwrap();
    assert_eq!(client.get_latest("o").await.unwrap().version, 1);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        client.get_latest("o").await.unwrap().version,
        2,
        "expired entries are refetched"
    );
    stub.shutdown();
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        client.get_latest("o").await.unwrap().version,
        2,
        "stale beats failing"
    );
    // With nothing cached the outage shows.
    assert!(client.get_latest("other").await.is_err());
}
