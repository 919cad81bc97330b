//! Producer and consumer when the registry goes away after warm-up: types whose ids are
//! cached keep flowing both ways; a type or a writer id never seen before gets the client's
//! bounded retries and then a typed error (no hang). A record whose writer schema cannot be
//! fetched is not skipped: the consumer keeps its position and reads it once the registry
//! is back.
#![cfg(feature = "server")]

use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::{ClientError, RegistryError};
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// Warmed up before the outage.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "outage", namespace = "t.outage")]
struct Known {
    n: i64,
}

/// First sent during the outage.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "outage-new", namespace = "t.outage")]
struct Unseen {
    label: String,
}

/// A client that gives up quickly: 2 retries, a millisecond apart, 2 s per request.
fn client(url: &str) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .url(url)
        .max_retries(2)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client")
}

fn is_connection_error(error: &ClientError) -> bool {
    matches!(
        error,
        ClientError::SchemaRegistryError(RegistryError::Connection { .. })
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_types_flow_and_uncached_ones_fail_typed_while_the_registry_is_down() {
    let server = spawn(RegistryConfig::in_memory()).await.expect("registry");
    let url = server.url();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry_client(client(&url))
        .transport(Arc::clone(&log))
        .build()
        .await
        .expect("producer");
    let mut consumer = Consumer::builder()
        .schema_registry_client(client(&url))
        .transport(Arc::clone(&log))
        .subscribe("outage")
        .build()
        .await
        .expect("consumer");

    // Warm-up: the producer caches Known's id, the consumer the writer schema behind it.
    producer
        .send_typed(&Known { n: 1 })
        .await
        .expect("warm-up send");
    let first = consumer
        .poll_typed::<Known>(Duration::from_millis(200))
        .await
        .expect("warm-up poll");
    assert_eq!(first.map(|r| r.value), Some(Known { n: 1 }));

    // Meanwhile another producer, on a registry the consumer never asked, writes a record
    // whose id the consumer has not seen (a second schema version under the same topic).
    assert!(server.shutdown().await.is_ok());

    // Cached: sends and reads go on without the registry.
    for n in 2..=50 {
        producer
            .send_typed(&Known { n })
            .await
            .expect("cached send");
    }
    for n in 2..=50 {
        let got = consumer
            .poll_typed::<Known>(Duration::from_millis(200))
            .await
            .expect("cached poll");
        assert_eq!(got.map(|r| r.value), Some(Known { n }));
    }

    // Uncached type: bounded retries, then a typed connection error; nothing is written.
    let before = log
        .fetch("outage-new", 0, 0, 10)
        .await
        .unwrap_or_default()
        .len();
    let err = tokio::time::timeout(
        Duration::from_secs(60),
        producer.send_typed(&Unseen {
            label: "x".to_string(),
        }),
    )
    .await
    .expect("the send gave up instead of hanging")
    .unwrap_err();
    assert!(is_connection_error(&err), "{err:?}");
    let after = log
        .fetch("outage-new", 0, 0, 10)
        .await
        .unwrap_or_default()
        .len();
    assert_eq!((before, after), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_whose_writer_id_is_unknown_waits_for_the_registry_and_is_not_lost() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("registry.db").display());
    let config = RegistryConfig::new("127.0.0.1:0".parse().expect("addr"), database.clone());
    let server = spawn(config).await.expect("registry");
    let (addr, url) = (server.addr(), server.url());
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry_client(client(&url))
        .transport(Arc::clone(&log))
        .build()
        .await
        .expect("producer");
    let mut consumer = Consumer::builder()
        .schema_registry_client(client(&url))
        .transport(Arc::clone(&log))
        .subscribe("outage")
        .build()
        .await
        .expect("consumer");
    producer.send_typed(&Known { n: 1 }).await.expect("send 1");
    let got = consumer
        .poll_typed::<Known>(Duration::from_millis(200))
        .await
        .expect("poll 1");
    assert_eq!(got.map(|r| r.value), Some(Known { n: 1 }));

    // A second version of the record (a field added), registered by someone else: id 2,
    // which this consumer has never fetched.
    let v2 = r#"{"type":"record","name":"Known","namespace":"t.outage","fields":[{"name":"n","type":"long"},{"name":"note","type":"string","default":""}]}"#;
    let id = SchemaRegistryClient::new(url.clone())
        .expect("client")
        .register(
            "outage-value",
            &streamhouse_schema::registry::Schema::avro(v2),
        )
        .await
        .expect("register v2");
    assert_eq!(id, 2);
    assert!(server.shutdown().await.is_ok());

    // n = 7 (zigzag 0x0e), note = "" (0x00), framed with id 2; then a cached record.
    log.send(
        "outage",
        Some(0),
        None,
        vec![0, 0, 0, 0, 2, 0x0e, 0x00].into(),
        Vec::new(),
    )
    .await
    .expect("raw send");
    producer.send_typed(&Known { n: 2 }).await.expect("send 2");

    // While the registry is down: a typed error, again and again, and the record is kept.
    for _ in 0..2 {
        let err = tokio::time::timeout(
            Duration::from_secs(60),
            consumer.poll_typed::<Known>(Duration::from_millis(200)),
        )
        .await
        .expect("the poll gave up instead of hanging")
        .unwrap_err();
        assert!(is_connection_error(&err), "{err:?}");
    }

    // The registry comes back on the same database: the held record is read (resolved
    // from v2 to the reader type), then the one after it.
    let again = spawn(RegistryConfig::new(addr, database))
        .await
        .expect("restart");
    let held = consumer
        .poll_typed::<Known>(Duration::from_millis(200))
        .await
        .expect("the held record");
    assert_eq!(held.map(|r| r.value), Some(Known { n: 7 }));
    let next = consumer
        .poll_typed::<Known>(Duration::from_millis(200))
        .await
        .expect("the next record");
    assert_eq!(next.map(|r| r.value), Some(Known { n: 2 }));
    assert!(again.shutdown().await.is_ok());
}
