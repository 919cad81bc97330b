//! Producer and consumer against the real embedded registry server over loopback HTTP:
//! registration once under concurrent first sends (counted by the server), cached sends that
//! survive a registry outage, frames byte for byte, lookup-only mode.
#![cfg(feature = "server")]

use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// A meter reading without a key.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "readings", namespace = "com.acme.meter")]
struct Reading {
    meter: String,
    watts: i64,
}

const REGISTER: (&str, &str) = ("POST", "/subjects/{subject}/versions");
const LOOKUP: (&str, &str) = ("POST", "/subjects/{subject}");
const BY_ID: (&str, &str) = ("GET", "/schemas/ids/{id}");

async fn server() -> RunningServer {
    match spawn(RegistryConfig::in_memory()).await {
        Ok(server) => server,
        Err(error) => unreachable!("registry server did not start: {error}"),
    }
}

fn count(server: &RunningServer, (method, route): (&str, &str)) -> u64 {
    server.requests().count(method, route)
}

async fn producer(url: &str, log: &Arc<dyn Transport>, auto_register: bool) -> Producer {
    let built = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(log))
        .auto_register(auto_register)
        .build()
        .await;
    match built {
        Ok(producer) => producer,
        Err(error) => unreachable!("{error}"),
    }
}

fn reading(n: i64) -> Reading {
    Reading {
        meter: "m-1".to_string(),
        watts: n,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_first_sends_register_once_then_survive_an_outage() {
    let server = server().await;
    let url = server.url();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer(&url, &log, true).await;

    let mut tasks = Vec::new();
    for n in 0..100 {
        let producer = producer.clone();
        tasks.push(tokio::spawn(async move {
            producer.send_typed(&reading(n)).await.map(|r| r.offset)
        }));
    }
    for task in tasks {
        assert!(matches!(task.await, Ok(Ok(_))), "a first send failed");
    }
    assert_eq!(
        count(&server, REGISTER),
        1,
        "100 concurrent first sends share one registration"
    );

    let records = log.fetch("readings", 0, 0, 1000).await.unwrap_or_default();
    assert_eq!(records.len(), 100);
    // Fresh registry: the schema got id 1; payload = "m-1" (06 6d 2d 31) + zigzag(watts).
    let first = records
        .iter()
        .find(|r| r.value.ends_with(&[0x00]) && r.value.len() == 10);
    assert_eq!(
        first.map(|r| &r.value[..]),
        Some(&[0x00, 0, 0, 0, 1, 0x06, b'm', b'-', b'1', 0x00][..])
    );

    // Cached: further sends make no request, and keep working with the registry gone.
    let before = server.request_count();
    for n in 100..150 {
        assert!(producer.send_typed(&reading(n)).await.is_ok());
    }
    assert_eq!(server.request_count(), before);
    assert!(server.shutdown().await.is_ok());
    let sent = producer.send_typed(&reading(150)).await;
    assert_eq!(sent.map(|r| r.offset).ok(), Some(150));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_fetches_each_writer_schema_once() {
    let server = server().await;
    let url = server.url();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = producer(&url, &log, true).await;
    for n in 0..20 {
        assert!(producer.send_typed(&reading(n)).await.is_ok());
    }
    let built = Consumer::builder()
        .schema_registry(url.as_str())
        .transport(Arc::clone(&log))
        .subscribe("readings")
        .build()
        .await;
    let mut consumer = match built {
        Ok(consumer) => consumer,
        Err(error) => unreachable!("{error}"),
    };
    let mut values = Vec::new();
    while let Ok(Some(typed)) = consumer
        .poll_typed::<Reading>(Duration::from_millis(20))
        .await
    {
        values.push(typed.value);
    }
    assert_eq!(values, (0..20).map(reading).collect::<Vec<_>>());
    assert_eq!(count(&server, BY_ID), 1);
    assert!(server.shutdown().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_only_producer_against_the_server() {
    let server = server().await;
    let url = server.url();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let lookup_only = producer(&url, &log, false).await;
    let missing = lookup_only.send_typed(&reading(1)).await;
    assert!(
        matches!(missing, Err(ClientError::SchemaNotRegistered { ref subject, .. }) if subject == "readings-value"),
        "{missing:?}"
    );
    assert_eq!(count(&server, REGISTER), 0, "lookup-only never registers");

    let registering = producer(&url, &log, true).await;
    assert!(registering.send_typed(&reading(2)).await.is_ok());
    for n in 3..6 {
        assert!(lookup_only.send_typed(&reading(n)).await.is_ok());
    }
    // One failed lookup, one successful lookup, then the cached id.
    assert_eq!(count(&server, LOOKUP), 2);
    let records = log.fetch("readings", 0, 0, 100).await.unwrap_or_default();
    assert!(records.iter().all(|r| r.value[..5] == [0x00, 0, 0, 0, 1]));
    assert_eq!(records.len(), 4);
    assert!(server.shutdown().await.is_ok());
}
