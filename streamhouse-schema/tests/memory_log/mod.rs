//! What the typed round-trip tests set up alike: a producer writing into an in-memory log
//! through a registry (`mock://` or a server's URL), consumers reading that log back, and
//! an embedded registry for the Python peers to talk to.
#![allow(dead_code)] // each test crate uses a different subset

use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::{Consumer, TypedRecord};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
#[cfg(feature = "server")]
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use streamhouse_schema::transport::{MemoryLog, StartOffset, Transport};
use streamhouse_schema::{AvroDecode, JsonDecode, StreamSchema};

/// How long a poll waits for a record the test has written.
pub const WAIT: Duration = Duration::from_secs(2);

/// An embedded registry on an in-memory store.
#[cfg(feature = "server")]
pub async fn in_memory_server() -> RunningServer {
    spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry")
}

/// A producer on the registry at `url` writing into a fresh in-memory log, and the log.
pub async fn producer_on(url: &str) -> (Producer, Arc<dyn Transport>) {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .build()
        .await
        .expect("producer");
    (producer, log)
}

/// A consumer on the registry at `url` reading `topic` of `log` from its start.
pub async fn consumer_of(url: &str, log: &Arc<dyn Transport>, topic: &str) -> Consumer {
    Consumer::builder()
        .schema_registry(url)
        .transport(Arc::clone(log))
        .subscribe(topic)
        .build()
        .await
        .expect("consumer")
}

/// A producer and a consumer of `topic` (from its earliest offset) on one fresh in-memory
/// log, both on the registry at `url`.
pub async fn pair(url: &str, topic: &str) -> Result<(Producer, Consumer), ClientError> {
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = Producer::builder()
        .schema_registry(url)
        .transport(Arc::clone(&log))
        .build()
        .await?;
    let consumer = Consumer::builder()
        .schema_registry(url)
        .transport(log)
        .subscribe(topic)
        .start_offset(StartOffset::Earliest)
        .build()
        .await?;
    Ok((producer, consumer))
}

/// The next record of `consumer`, decoded as `T`: there must be one within [`WAIT`].
pub async fn next_typed<T>(consumer: &mut Consumer) -> TypedRecord<T>
where
    T: StreamSchema + AvroDecode + JsonDecode + 'static,
{
    consumer
        .poll_typed::<T>(WAIT)
        .await
        .expect("poll")
        .expect("a record")
}

/// How many versions of subjects `server` has served (`GET /subjects/{s}/versions/{v}`):
/// what a client resolving schema references reads.
#[cfg(feature = "server")]
pub fn versions_served(server: &RunningServer) -> u64 {
    server
        .requests()
        .count("GET", "/subjects/{subject}/versions/{version}")
}

/// `sent` was refused by the registry's compatibility check, with an error naming `naming`
/// (the subject that refused it, when it is not the value's own).
pub fn assert_incompatible<T: std::fmt::Debug>(
    sent: Result<T, streamhouse_schema::error::ClientError>,
    naming: &str,
) {
    match sent {
        Err(error) => {
            assert!(error.is_incompatible(), "{error:?}");
            assert!(error.to_string().contains(naming), "{error}");
        }
        Ok(sent) => panic!("an incompatible schema was accepted: {sent:?}"),
    }
}

/// Sends `value` with `producer`, then reads the latest version of `subject` from `client`:
/// the send registered it as version `number`.
pub async fn sent_as_version<T>(
    producer: &Producer,
    client: &streamhouse_schema::registry::SchemaRegistryClient,
    value: &T,
    subject: &str,
    number: i32,
) -> streamhouse_schema::registry::RegisteredSchema
where
    T: streamhouse_schema::Topic + streamhouse_schema::JsonEncode + 'static,
    T::Key: streamhouse_schema::JsonEncode + 'static,
{
    producer.send_typed(value).await.expect("sent");
    let latest = client
        .get_version(subject, streamhouse_schema::registry::Version::Latest)
        .await
        .expect("the latest version");
    assert_eq!(latest.version, number, "{subject}");
    latest
}
