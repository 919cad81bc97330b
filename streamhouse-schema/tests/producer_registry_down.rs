//! Producer and consumer while the registry is down: after warm-up, cached types keep being
//! sent and read; an uncached type or schema id gets a bounded number of attempts and then a
//! typed, retriable registry error (no hang), and the consumer keeps the record for when the
//! registry is back, and reads it (and the ones after it) once the registry returns.
#![cfg(feature = "server")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::json;
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// A meter reading.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "readings", namespace = "com.acme.meter")]
struct Reading {
    meter: String,
    watts: i64,
}

/// A type the producer never sent before the outage.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "alarms", namespace = "com.acme.meter")]
struct Alarm {
    meter: String,
}

/// Retries after the first attempt, per request.
const RETRIES: u32 = 2;

fn reading(watts: i64) -> Reading {
    Reading {
        meter: "m-1".into(),
        watts,
    }
}

/// A client with quick, bounded retries (the defaults wait seconds between attempts).
fn client(url: &str) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .url(url)
        .max_retries(RETRIES)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("registry client")
}

async fn start(addr: SocketAddr, database: &str) -> RunningServer {
    spawn(RegistryConfig::new(addr, database))
        .await
        .expect("start the registry")
}

/// A registry on a SQLite file in a temporary directory, a producer and a consumer of
/// `readings` on one embedded log.
struct Setup {
    /// Kept alive for the test: the database lives in it.
    _dir: tempfile::TempDir,
    database: String,
    server: RunningServer,
    addr: SocketAddr,
    url: String,
    log: Arc<dyn Transport>,
    producer: Producer,
    consumer: Consumer,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("registry.db").display());
    let server = start("127.0.0.1:0".parse().expect("addr"), &database).await;
    let (addr, url) = (server.addr(), server.url());
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry_client(client(&url))
        .transport(Arc::clone(&log))
        .build()
        .await
        .expect("producer");
    let consumer = Consumer::builder()
        .schema_registry_client(client(&url))
        .transport(Arc::clone(&log))
        .subscribe("readings")
        .build()
        .await
        .expect("consumer");
    Setup {
        _dir: dir,
        database,
        server,
        addr,
        url,
        log,
        producer,
        consumer,
    }
}

/// Accepts connections on `addr` and closes them at once, counting them: a registry that is
/// there but never answers.
async fn hang_up_on(addr: SocketAddr) -> Arc<AtomicU64> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("bind the registry's port again");
    let accepted = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    accepted
}

#[track_caller]
fn assert_registry_unreachable(result: Result<impl std::fmt::Debug, ClientError>) {
    match result {
        Err(ClientError::SchemaRegistryError(error)) => {
            assert!(error.is_retriable(), "{error:?}");
            assert_eq!(
                error.http_status(),
                None,
                "no HTTP answer was given: {error:?}"
            );
        }
        other => panic!("expected an unreachable-registry error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_types_flow_and_uncached_ones_fail_fast_while_the_registry_is_down() {
    let Setup {
        _dir,
        database: _,
        server,
        addr,
        url,
        log,
        producer,
        mut consumer,
    } = setup().await;

    // Warm-up: the producer registers Reading (id 1), the consumer fetches it.
    producer.send_typed(&reading(0)).await.expect("first send");
    let first = consumer
        .poll_typed::<Reading>(Duration::from_secs(1))
        .await
        .expect("first poll")
        .expect("a record");
    assert_eq!((first.value, first.record.schema_id), (reading(0), Some(1)));
    // Another writer registers a schema (id 2) the consumer has not seen.
    let other = reqwest::Client::new()
        .post(format!("{url}/subjects/other-value/versions"))
        .json(&json!({ "schema": "\"string\"" }))
        .send()
        .await
        .expect("register")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert_eq!(other, json!({ "id": 2 }));
    server.shutdown().await.expect("shutdown");
    let accepted = hang_up_on(addr).await;

    // Cached: sent and read without the registry.
    for watts in 1..=3 {
        producer
            .send_typed(&reading(watts))
            .await
            .expect("cached send");
        let read = consumer
            .poll_typed::<Reading>(Duration::from_secs(1))
            .await
            .expect("cached poll")
            .expect("a record");
        assert_eq!(read.value, reading(watts));
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "cached work made no request"
    );

    // Uncached type: one attempt and RETRIES retries, then a typed error.
    assert_registry_unreachable(
        producer
            .send_typed(&Alarm {
                meter: "m-1".into(),
            })
            .await,
    );
    assert_eq!(accepted.load(Ordering::SeqCst), u64::from(1 + RETRIES));

    // Uncached schema id: the same, and the record stays for the next poll.
    log.send(
        "readings",
        None,
        None,
        Bytes::from_static(&[0, 0, 0, 0, 2, 0x02, b'x']),
        Vec::new(),
    )
    .await
    .expect("append a frame with id 2");
    assert_registry_unreachable(consumer.poll(Duration::from_secs(1)).await);
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        u64::from(2 * (1 + RETRIES))
    );
    assert_registry_unreachable(consumer.poll(Duration::from_secs(1)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_record_is_read_once_the_registry_is_back_and_nothing_is_skipped() {
    let Setup {
        _dir,
        database,
        server,
        addr,
        url,
        log,
        producer,
        mut consumer,
    } = setup().await;
    producer.send_typed(&reading(1)).await.expect("send 1");
    let first = consumer
        .poll_typed::<Reading>(Duration::from_secs(1))
        .await
        .expect("poll 1")
        .expect("a record");
    assert_eq!(first.value, reading(1));

    // A second version of Reading (a field added), registered by another writer: id 2,
    // which this consumer has never fetched.
    let v2 = r#"{"type":"record","name":"Reading","namespace":"com.acme.meter","fields":[{"name":"meter","type":"string"},{"name":"watts","type":"long"},{"name":"note","type":"string","default":""}]}"#;
    let other = reqwest::Client::new()
        .post(format!("{url}/subjects/readings-value/versions"))
        .json(&json!({ "schema": v2 }))
        .send()
        .await
        .expect("register v2")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert_eq!(other, json!({ "id": 2 }));
    server.shutdown().await.expect("shutdown");

    // meter "m-7", watts 7 (zigzag 0x0e), note "" — framed with id 2; then a cached record.
    log.send(
        "readings",
        None,
        None,
        Bytes::from_static(&[0, 0, 0, 0, 2, 0x06, b'm', b'-', b'7', 0x0e, 0x00]),
        Vec::new(),
    )
    .await
    .expect("append a frame with id 2");
    producer.send_typed(&reading(2)).await.expect("send 2");
    assert_registry_unreachable(consumer.poll(Duration::from_secs(1)).await);

    // Back on the same database: the held record is read (v2 resolved to Reading), then the
    // one after it.
    let again = start(addr, &database).await;
    let held = consumer
        .poll_typed::<Reading>(Duration::from_secs(1))
        .await
        .expect("the held record")
        .expect("a record");
    assert_eq!(
        held.value,
        Reading {
            meter: "m-7".into(),
            watts: 7
        }
    );
    let next = consumer
        .poll_typed::<Reading>(Duration::from_secs(1))
        .await
        .expect("the next record")
        .expect("a record");
    assert_eq!(next.value, reading(2));
    again.shutdown().await.expect("shutdown");
}
