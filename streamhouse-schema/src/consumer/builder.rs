//! Building a [`Consumer`].

use std::fmt;
use std::sync::Arc;

use super::Consumer;
use crate::client::format::Protobuf;
use crate::client::key::KeyEncoding;
use crate::client::schema_ids::SchemaIds;
use crate::client::settings::{ClientSettings, Connected, RegistrySetting, Side};
use crate::codec::proto::{Message, ProtoValue};
use crate::error::ClientError;
use crate::registry::SchemaRegistryClient;
use crate::schema::StreamSchema;
use crate::transport::{StartOffset, Transport};

/// Builds a [`Consumer`]; start with [`Consumer::builder`].
pub struct ConsumerBuilder {
    /// Registry, transport, Kafka settings and per-type formats (shared with the producer's
    /// builder).
    client: ClientSettings,
    topics: Vec<String>,
    start: StartOffset,
    key_encoding: KeyEncoding,
    /// Which version of their subject typed reads migrate records to, and the registry
    /// client given with [`schema_registry_client`](Self::schema_registry_client).
    #[cfg(feature = "rules")]
    migrations: (
        Option<crate::rules::jsonata::ReaderVersion>,
        Option<SchemaRegistryClient>,
    ),
    #[cfg(feature = "rules")]
    rule_registry: Option<crate::rules::RuleRegistry>,
}

impl ConsumerBuilder {
    pub(crate) fn new() -> Self {
        ConsumerBuilder {
            client: ClientSettings::new(RegistrySetting::None),
            topics: Vec::new(),
            start: StartOffset::Earliest,
            key_encoding: KeyEncoding::default(),
            #[cfg(feature = "rules")]
            migrations: (None, None),
            #[cfg(feature = "rules")]
            rule_registry: None,
        }
    }

    /// The executors and actions the consumer runs the READ rules of writer schemas with
    /// (default: [`RuleRegistry::with_defaults`](crate::rules::RuleRegistry::with_defaults),
    /// CEL and CEL_FIELD; register a [`DlqAction`](crate::rules::DlqAction) for rules whose
    /// action is DLQ).
    #[cfg(feature = "rules")]
    pub fn rule_registry(mut self, registry: crate::rules::RuleRegistry) -> Self {
        self.rule_registry = Some(registry);
        self
    }

    /// Resolve writer schemas through the registry at `url` (`http://...` or `mock://name`).
    /// Without a registry, values are returned as sent.
    pub fn schema_registry(mut self, url: impl Into<String>) -> Self {
        self.client.registry = RegistrySetting::Url(url.into());
        self
    }

    /// Use an existing registry client (sharing its schema cache).
    pub fn schema_registry_client(
        #[cfg_attr(not(feature = "rules"), allow(unused_mut))] mut self,
        client: SchemaRegistryClient,
    ) -> Self {
        #[cfg(feature = "rules")]
        {
            self.migrations.1 = Some(client.clone());
        }
        self.with_schema_ids(Arc::new(client))
    }

    /// Typed reads ([`Consumer::poll_typed`](super::Consumer::poll_typed)) read each record
    /// as the latest version of its subject (`{topic}-value`), running the migration
    /// rules (UPGRADE/DOWNGRADE, `JSONATA`) of the versions in between: Confluent's
    /// `use.latest.version` (cargo feature `rules`).
    #[cfg(feature = "rules")]
    pub fn use_latest_version(mut self) -> Self {
        self.migrations.0 = Some(crate::rules::jsonata::ReaderVersion::Latest);
        self
    }

    /// Like [`use_latest_version`](Self::use_latest_version), with the latest version
    /// whose metadata holds these properties, e.g. `[("application.major.version", "1")]`:
    /// Confluent's `use.latest.with.metadata` (cargo feature `rules`).
    #[cfg(feature = "rules")]
    pub fn use_latest_with_metadata<I, K, V>(mut self, metadata: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let metadata = metadata
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.migrations.0 = Some(crate::rules::jsonata::ReaderVersion::LatestWithMetadata(
            metadata,
        ));
        self
    }

    /// Use an already-connected registry.
    pub(crate) fn with_schema_ids(mut self, registry: Arc<dyn SchemaIds>) -> Self {
        self.client.registry = RegistrySetting::Ready(registry);
        self
    }

    /// The transport to read from (required; share the producer's with
    /// `producer.transport().clone()`).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.client.transport = Some(transport);
        self
    }

    /// Read from the Apache Kafka cluster at `bootstrap_servers` (cargo feature `kafka`)
    /// instead of a shared transport. Records come back as the same [`ConsumedRecord`]s
    /// as on the embedded log; commit with [`Consumer::commit`](super::Consumer::commit).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), streamhouse_schema::error::ClientError> {
    /// use streamhouse_schema::consumer::Consumer;
    ///
    /// let consumer = Consumer::builder()
    ///     .schema_registry("http://localhost:8081")
    ///     .kafka("localhost:9092")
    ///     .group_id("billing")
    ///     .kafka_config("session.timeout.ms", "10000")
    ///     .subscribe("orders")
    ///     .build()
    ///     .await?;
    /// # drop(consumer);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// [`ConsumedRecord`]: super::ConsumedRecord
    #[cfg(feature = "kafka")]
    pub fn kafka(mut self, bootstrap_servers: impl Into<String>) -> Self {
        self.client
            .kafka
            .bootstrap_servers(bootstrap_servers.into());
        self
    }

    /// The consumer group to join: members share the partitions and resume from the
    /// group's committed offsets. Without one, the consumer reads on its own and never
    /// resumes. Needs [`kafka`](Self::kafka).
    #[cfg(feature = "kafka")]
    pub fn group_id(mut self, group_id: impl Into<String>) -> Self {
        self.client.kafka.group_id(group_id.into());
        self
    }

    /// Commit read positions automatically (librdkafka's `enable.auto.commit`, and on
    /// close) instead of through [`Consumer::commit`](super::Consumer::commit) (default
    /// `false`). Needs [`kafka`](Self::kafka).
    #[cfg(feature = "kafka")]
    pub fn auto_commit(mut self, enabled: bool) -> Self {
        self.client.kafka.auto_commit(enabled);
        self
    }

    /// Passes a librdkafka consumer property through unchanged (`session.timeout.ms`,
    /// `fetch.min.bytes`, `security.protocol`, `sasl.*`, `ssl.*`, ...). Needs
    /// [`kafka`](Self::kafka).
    #[cfg(feature = "kafka")]
    pub fn kafka_config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.client.kafka.set(key.into(), value.into());
        self
    }

    /// Adds one topic to read.
    pub fn subscribe(mut self, topic: impl Into<String>) -> Self {
        self.topics.push(topic.into());
        self
    }

    /// Adds topics to read.
    pub fn topics<I, S>(mut self, topics: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.topics.extend(topics.into_iter().map(Into::into));
        self
    }

    /// Where to start in partitions that exist when the consumer is built (default
    /// [`StartOffset::Earliest`]).
    pub fn start_offset(mut self, start: StartOffset) -> Self {
        self.start = start;
        self
    }

    /// How [`Consumer::decode_key`] reads keys: the producer's
    /// `ProducerBuilder::key_encoding` that wrote them
    /// (default [`KeyEncoding::Auto`]: plain keys raw, others framed).
    pub fn key_encoding(mut self, encoding: KeyEncoding) -> Self {
        self.key_encoding = encoding;
        self
    }

    /// Lets [`Consumer::decode`]`::<T>` and [`Consumer::poll_typed`]`::<T>` read records
    /// whose writer schema is Protobuf, with `T`'s generated `prost::Message` (`T` derived
    /// with `#[stream_schema(protobuf)]`, checked here at compile time).
    ///
    /// Only generic types need this: a non-generic type derived with Protobuf brings its
    /// own codec ([`StreamSchema`]), and Avro and JSON records need no registration.
    pub fn protobuf<T: StreamSchema + Message + ProtoValue + 'static>(mut self) -> Self {
        self.client.formats.set::<T, Protobuf>();
        self
    }

    /// The consumer; fails without a transport or topics, or with an invalid registry URL
    /// or topic name.
    pub async fn build(self) -> Result<Consumer, ClientError> {
        #[cfg(feature = "rules")]
        let migrations = crate::rules::jsonata::reader::for_consumer(
            self.migrations,
            &self.client.registry,
            self.rule_registry.clone(),
        )?;
        let Connected {
            registry,
            transport,
            formats,
        } = self.client.connect(Side::Consumer)?;
        let transport = transport.ok_or_else(|| {
            ClientError::ConfigError(
                "Consumer needs a transport. Call .transport(producer.transport().clone()) or .kafka(bootstrap_servers) on builder".to_string(),
            )
        })?;
        if self.topics.is_empty() {
            return Err(ClientError::ConfigError(
                "Consumer has no topics. Call .subscribe(topic) or .topics([..]) on builder"
                    .to_string(),
            ));
        }
        let topics: Vec<&str> = self.topics.iter().map(String::as_str).collect();
        let cursor = transport.subscribe(&topics, self.start)?;
        #[cfg_attr(not(feature = "rules"), allow(unused_mut))]
        let mut consumer = Consumer::assemble(cursor, registry, formats, self.key_encoding);
        #[cfg(feature = "rules")]
        {
            consumer.migrations = migrations;
            consumer.rules = crate::rules::hook::ReadRules::new(self.rule_registry)
                .with_ids(consumer.registry.clone());
        }
        Ok(consumer)
    }
}

impl fmt::Debug for ConsumerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsumerBuilder")
            .field("client", &self.client)
            .field("topics", &self.topics)
            .field("start", &self.start)
            .field("key_encoding", &self.key_encoding)
            .finish()
    }
}
