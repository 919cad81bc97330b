//! The Kafka transport's settings and its builder.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::ClientConfig;

use super::{KafkaTransport, KafkaTransportError};

/// How long [`KafkaTransport::flush`](super::KafkaTransport::flush) and the flush on drop wait
/// for outstanding deliveries by default.
pub const DEFAULT_FLUSH_TIMEOUT: Duration = Duration::from_secs(30);
/// How long metadata, watermark, admin and commit calls wait by default.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// Producer settings applied before the caller's, so any of them can be overridden.
///
/// `murmur2_random` hashes keys exactly as Java clients (and
/// [`partition_for_key`](crate::transport::partition_for_key)) do; idempotence keeps
/// retries from duplicating or reordering records.
const PRODUCER_DEFAULTS: &[(&str, &str)] = &[
    ("partitioner", "murmur2_random"),
    ("enable.idempotence", "true"),
];

/// Settings shared by the producer, the consumers and the admin client of one transport.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) bootstrap_servers: String,
    pub(crate) common: BTreeMap<String, String>,
    pub(crate) producer: BTreeMap<String, String>,
    pub(crate) consumer: BTreeMap<String, String>,
    pub(crate) group_id: Option<String>,
    pub(crate) auto_commit: bool,
    pub(crate) replication_factor: i32,
    pub(crate) flush_timeout: Duration,
    pub(crate) operation_timeout: Duration,
}

impl Settings {
    /// `bootstrap.servers` plus the settings every client of this transport gets.
    fn base_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.bootstrap_servers);
        for (key, value) in &self.common {
            config.set(key, value);
        }
        config
    }

    /// The producer's configuration: defaults, then the common and producer-only settings.
    pub(crate) fn producer_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.bootstrap_servers);
        for (key, value) in PRODUCER_DEFAULTS {
            config.set(*key, *value);
        }
        for (key, value) in self.common.iter().chain(&self.producer) {
            config.set(key, value);
        }
        config
    }

    /// A consumer's configuration for `group_id`; `reset` is `earliest` or `latest`.
    pub(crate) fn consumer_config(&self, group_id: &str, reset: &str) -> ClientConfig {
        let mut config = self.base_config();
        config
            .set("group.id", group_id)
            .set(
                "enable.auto.commit",
                if self.auto_commit { "true" } else { "false" },
            )
            // The cursor stores the offset of each record it hands out itself: librdkafka's
            // automatic store would also count records drained while the consumer closes,
            // and an automatic commit would then skip records nobody processed.
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", reset);
        for (key, value) in &self.consumer {
            config.set(key, value);
        }
        config
    }

    /// The admin client's configuration (it never auto-creates topics while looking at
    /// metadata).
    pub(crate) fn admin_config(&self) -> ClientConfig {
        let mut config = self.base_config();
        config.set("allow.auto.create.topics", "false");
        config
    }

    /// A configuration for fetching single partitions by offset, outside any group.
    pub(crate) fn fetch_config(&self) -> ClientConfig {
        let mut config = self.base_config();
        for (key, value) in &self.consumer {
            config.set(key, value);
        }
        config
            .set("group.id", "streamhouse-fetch")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "true");
        config
    }
}

/// Builds a [`KafkaTransport`]; start with [`KafkaTransport::builder`].
///
/// Every librdkafka setting passes through unchanged ([`config`](Self::config) for all
/// clients, [`producer_config`](Self::producer_config) and
/// [`consumer_config`](Self::consumer_config) for one side): SASL, TLS, compression,
/// `linger.ms`, `acks`... The producer starts from `partitioner=murmur2_random` and
/// `enable.idempotence=true`; a later setting of the same key wins.
///
/// ```
/// use std::time::Duration;
/// use streamhouse_schema::transport::kafka::KafkaTransport;
///
/// let kafka = KafkaTransport::builder("127.0.0.1:9092")
///     .config("security.protocol", "plaintext")
///     .producer_config("linger.ms", "5")
///     .producer_config("compression.type", "zstd")
///     .group_id("billing")
///     .flush_timeout(Duration::from_secs(10))
///     .build()?;
/// // Nothing connects until the first request: building never waits on the network.
/// assert_eq!(kafka.bootstrap_servers(), "127.0.0.1:9092");
/// # Ok::<(), streamhouse_schema::transport::kafka::KafkaTransportError>(())
/// ```
#[derive(Debug, Clone)]
pub struct KafkaTransportBuilder {
    settings: Settings,
}

impl KafkaTransportBuilder {
    pub(crate) fn new(bootstrap_servers: impl Into<String>) -> Self {
        KafkaTransportBuilder {
            settings: Settings {
                bootstrap_servers: bootstrap_servers.into(),
                common: BTreeMap::new(),
                producer: BTreeMap::new(),
                consumer: BTreeMap::new(),
                group_id: None,
                auto_commit: false,
                replication_factor: 1,
                flush_timeout: DEFAULT_FLUSH_TIMEOUT,
                operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            },
        }
    }

    /// Sets a librdkafka property on every client of the transport (producer, consumers,
    /// admin client), e.g. `security.protocol`, `sasl.mechanisms`, `ssl.ca.location`.
    pub fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.common.insert(key.into(), value.into());
        self
    }

    /// Sets a librdkafka property on the producer only (`acks`, `linger.ms`,
    /// `compression.type`, `enable.idempotence`, `partitioner`...).
    pub fn producer_config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.producer.insert(key.into(), value.into());
        self
    }

    /// Sets a librdkafka property on the consumers only (`fetch.min.bytes`,
    /// `auto.commit.interval.ms`, `session.timeout.ms`...).
    pub fn consumer_config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.consumer.insert(key.into(), value.into());
        self
    }

    /// The consumer group subscriptions join. Members of one group share the partitions
    /// and resume from the group's committed offsets.
    ///
    /// Without a group id every subscription gets a fresh, unique group: it reads on its
    /// own, like a cursor of the embedded log, and never resumes.
    pub fn group_id(mut self, group_id: impl Into<String>) -> Self {
        self.settings.group_id = Some(group_id.into());
        self
    }

    /// Commit consumed offsets automatically every `auto.commit.interval.ms` and on close
    /// (default `false`: call [`KafkaCursor::commit`](super::KafkaCursor::commit)).
    pub fn auto_commit(mut self, enabled: bool) -> Self {
        self.settings.auto_commit = enabled;
        self
    }

    /// The replication factor of topics created through the transport (default 1).
    pub fn replication_factor(mut self, replicas: i32) -> Self {
        self.settings.replication_factor = replicas;
        self
    }

    /// How long a flush (explicit or when the transport is dropped) waits for outstanding
    /// deliveries (default 30 s).
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.settings.flush_timeout = timeout;
        self
    }

    /// How long metadata, watermark, fetch, topic creation and commit calls wait
    /// (default 30 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.settings.operation_timeout = timeout;
        self
    }

    /// Creates the producer and admin client (no network round trip happens yet).
    ///
    /// The result is shared: pass it where an `Arc<dyn Transport>` is expected, keep a
    /// clone to [`flush`](super::KafkaTransport::flush) or subscribe with a
    /// [`KafkaCursor`](super::KafkaCursor).
    pub fn build(self) -> Result<Arc<KafkaTransport>, KafkaTransportError> {
        if self.settings.bootstrap_servers.trim().is_empty() {
            return Err(KafkaTransportError::NoBootstrapServers);
        }
        if self.settings.replication_factor < 1 {
            return Err(KafkaTransportError::InvalidReplicationFactor(
                self.settings.replication_factor,
            ));
        }
        KafkaTransport::from_settings(self.settings).map(Arc::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        KafkaTransportBuilder::new("b:9092")
            .config("client.id", "svc")
            .producer_config("enable.idempotence", "false")
            .consumer_config("fetch.min.bytes", "10")
            .settings
    }

    #[test]
    fn producer_defaults_to_java_compatible_partitioning_and_idempotence() {
        let config = KafkaTransportBuilder::new("b:9092")
            .settings
            .producer_config();
        assert_eq!(config.get("partitioner"), Some("murmur2_random"));
        assert_eq!(config.get("enable.idempotence"), Some("true"));
        assert_eq!(config.get("bootstrap.servers"), Some("b:9092"));
    }

    #[test]
    fn caller_settings_override_defaults_and_stay_on_their_side() {
        let settings = settings();
        let producer = settings.producer_config();
        assert_eq!(producer.get("enable.idempotence"), Some("false"));
        assert_eq!(producer.get("client.id"), Some("svc"));
        assert_eq!(producer.get("fetch.min.bytes"), None);

        let consumer = settings.consumer_config("g", "earliest");
        assert_eq!(consumer.get("fetch.min.bytes"), Some("10"));
        assert_eq!(consumer.get("client.id"), Some("svc"));
        assert_eq!(consumer.get("group.id"), Some("g"));
        assert_eq!(consumer.get("enable.auto.commit"), Some("false"));
        assert_eq!(consumer.get("enable.auto.offset.store"), Some("false"));
        assert_eq!(consumer.get("auto.offset.reset"), Some("earliest"));
        assert_eq!(consumer.get("enable.idempotence"), None);
    }

    #[test]
    fn admin_client_never_auto_creates_topics() {
        assert_eq!(
            settings().admin_config().get("allow.auto.create.topics"),
            Some("false")
        );
    }

    #[test]
    fn empty_bootstrap_servers_are_rejected() {
        let err = KafkaTransportBuilder::new("  ").build().map(|_| ());
        assert!(matches!(err, Err(KafkaTransportError::NoBootstrapServers)));
    }

    #[test]
    fn replication_factor_below_one_is_rejected() {
        let err = KafkaTransportBuilder::new("b:9092")
            .replication_factor(0)
            .build()
            .map(|_| ());
        assert!(matches!(
            err,
            Err(KafkaTransportError::InvalidReplicationFactor(0))
        ));
    }

    #[test]
    fn an_unknown_librdkafka_setting_is_a_typed_error_naming_it() {
        let err = KafkaTransportBuilder::new("b:9092")
            .producer_config("no.such.setting", "1")
            .build()
            .map(|_| ());
        match err {
            Err(KafkaTransportError::Client { role, source }) => {
                assert_eq!(role, "producer");
                assert!(source.to_string().contains("no.such.setting"), "{source}");
            }
            other => panic!("expected a client error, got {other:?}"),
        }
    }
}
