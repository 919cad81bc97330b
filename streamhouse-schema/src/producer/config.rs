//! Producer configuration: the builder and the plain config struct of the original design.

use std::fmt;
use std::sync::Arc;

use super::{KeyEncoding, Producer, Settings, SubjectNameStrategy};
use crate::client::format::TypeFormat;
use crate::client::schema_ids::SchemaIds;
use crate::client::settings::{ClientSettings, Connected, RegistrySetting, Side};
use crate::error::ClientError;
use crate::registry::SchemaRegistryClient;
use crate::schema::{SchemaFormat, StreamSchema};
use crate::transport::{MemoryLog, Transport};

/// The producer's settings as plain data (the original design's configuration struct).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use streamhouse_schema::producer::{Producer, ProducerConfig};
/// let producer = Producer::from_config(ProducerConfig::default()).await?;
/// // No registry configured: raw sends work, schema sends explain what is missing.
/// assert!(producer.send("events", None, b"raw", None).await.is_ok());
/// # Ok::<(), streamhouse_schema::error::ClientError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerConfig {
    /// The schema registry's base URL (`http://host:8081`, or `mock://name` for the
    /// in-memory registry); `None` for raw sends only.
    pub schema_registry_url: Option<String>,
    /// How subjects are named (default: `{topic}-value` / `{topic}-key`).
    pub subject_name_strategy: SubjectNameStrategy,
    /// Register schemas on first use (default `true`); when `false` the schema must already
    /// be registered under the subject.
    pub auto_register: bool,
    /// Without auto-registration, take the subject's latest version (which must be the
    /// producer's schema) instead of looking the schema up (default `false`).
    pub use_latest_version: bool,
    /// How typed sends write keys (default [`KeyEncoding::Auto`]: plain keys raw, as Kafka's
    /// serializers write them; other key types framed with their own schema).
    pub key_encoding: KeyEncoding,
    /// The format of typed sends whose type has no format of its own (default Avro).
    pub default_format: SchemaFormat,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            schema_registry_url: None,
            subject_name_strategy: SubjectNameStrategy::TopicName,
            auto_register: true,
            use_latest_version: false,
            key_encoding: KeyEncoding::Auto,
            default_format: SchemaFormat::Avro,
        }
    }
}

/// Builds a [`Producer`]; start with [`Producer::builder`].
pub struct ProducerBuilder {
    /// Registry, transport, Kafka settings and per-type formats (shared with the consumer's
    /// builder).
    pub(crate) client: ClientSettings,
    pub(crate) strategy: SubjectNameStrategy,
    pub(crate) auto_register: bool,
    pub(crate) use_latest_version: bool,
    pub(crate) key_encoding: KeyEncoding,
    pub(crate) default_format: SchemaFormat,
    #[cfg(feature = "json-validation")]
    pub(crate) validate_json: bool,
    /// The rule executors and actions (CEL and CEL_FIELD when not set).
    #[cfg(feature = "rules")]
    pub(crate) rule_registry: Option<crate::rules::RuleRegistry>,
}

impl ProducerBuilder {
    pub(crate) fn new() -> Self {
        ProducerBuilder::from_config(ProducerConfig::default())
    }

    /// A builder holding the settings of `config`.
    pub fn from_config(config: ProducerConfig) -> Self {
        ProducerBuilder {
            client: ClientSettings::new(match config.schema_registry_url {
                Some(url) => RegistrySetting::Url(url),
                None => RegistrySetting::None,
            }),
            strategy: config.subject_name_strategy,
            auto_register: config.auto_register,
            use_latest_version: config.use_latest_version,
            key_encoding: config.key_encoding,
            default_format: config.default_format,
            #[cfg(feature = "json-validation")]
            validate_json: false,
            #[cfg(feature = "rules")]
            rule_registry: None,
        }
    }

    /// Use the schema registry at `url` (`http://host:8081`, or `mock://name` for the
    /// in-memory registry shared by every client of that name).
    pub fn schema_registry(mut self, url: impl Into<String>) -> Self {
        self.client.registry = RegistrySetting::Url(url.into());
        self
    }

    /// Use an existing registry client (its caches are shared with every other holder, and
    /// its builder sets timeouts, failover URLs, auth and TLS).
    pub fn schema_registry_client(self, client: SchemaRegistryClient) -> Self {
        self.with_schema_ids(Arc::new(client))
    }

    /// Use an already-connected registry (the registry client, or a test double).
    pub(crate) fn with_schema_ids(mut self, registry: Arc<dyn SchemaIds>) -> Self {
        self.client.registry = RegistrySetting::Ready(registry);
        self
    }

    /// Where records go (default: a new embedded [`MemoryLog`]).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.client.transport = Some(transport);
        self
    }

    /// Send to the Apache Kafka cluster at `bootstrap_servers` (`"host:9092,host2:9092"`)
    /// instead of the embedded log (cargo feature `kafka`). The producer is idempotent and
    /// partitions keys with `murmur2_random`, like Java clients and the embedded log; every
    /// send resolves to the partition and offset of its delivery report.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), streamhouse_schema::error::ClientError> {
    /// use streamhouse_schema::producer::Producer;
    ///
    /// let producer = Producer::builder()
    ///     .schema_registry("http://localhost:8081")
    ///     .kafka("localhost:9092")
    ///     .kafka_config("acks", "all")
    ///     .kafka_config("compression.type", "zstd")
    ///     .build()
    ///     .await?;
    /// # drop(producer);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "kafka")]
    pub fn kafka(mut self, bootstrap_servers: impl Into<String>) -> Self {
        self.client
            .kafka
            .bootstrap_servers(bootstrap_servers.into());
        self
    }

    /// Passes a librdkafka producer property through unchanged (`acks`, `linger.ms`,
    /// `compression.type`, `security.protocol`, `sasl.*`, `ssl.*`, ...). Needs
    /// [`kafka`](Self::kafka); an unknown property fails `build()` with its name.
    #[cfg(feature = "kafka")]
    pub fn kafka_config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.client.kafka.set(key.into(), value.into());
        self
    }

    /// How subjects are named (default [`SubjectNameStrategy::TopicName`]).
    pub fn subject_name_strategy(mut self, strategy: SubjectNameStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Register schemas on first use (default `true`). With `false` the producer only looks
    /// schemas up and fails with [`ClientError::SchemaNotRegistered`] when one is absent.
    pub fn auto_register(mut self, enabled: bool) -> Self {
        self.auto_register = enabled;
        self
    }

    /// Without auto-registration, use the subject's latest version instead of looking the
    /// exact schema up (default `false`). The latest version must be the schema the producer
    /// encodes with; anything else is [`ClientError::SchemaNotRegistered`], because the
    /// frame would otherwise name a schema its payload was not written with.
    pub fn use_latest_version(mut self, enabled: bool) -> Self {
        self.use_latest_version = enabled;
        self
    }

    /// How typed sends write keys (default [`KeyEncoding::Auto`]: strings, bytes and
    /// integers raw, as Kafka's `StringSerializer` & co. write them; other key types framed
    /// under `{topic}-key`). [`KeyEncoding::Schema`] frames plain keys too.
    pub fn key_encoding(mut self, encoding: KeyEncoding) -> Self {
        self.key_encoding = encoding;
        self
    }

    /// The format typed sends use for types without a format of their own (neither
    /// [`format_for`](Self::format_for) nor `#[stream_schema(format = "...")]`; default
    /// [`SchemaFormat::Avro`]). With [`SchemaFormat::Protobuf`], every type sent must be
    /// derived with Protobuf (a generic type also registered with
    /// [`format_for`](Self::format_for)`::<T>(Protobuf)`); keys stay Avro unless the key
    /// type says otherwise.
    pub fn default_format(mut self, format: SchemaFormat) -> Self {
        self.default_format = format;
        self
    }

    /// Sends `T` in the format of `format` ([`Avro`](super::Avro), [`Json`](super::Json) or
    /// [`Protobuf`](super::Protobuf)), whatever the default format and whatever the type's
    /// own `#[stream_schema(format = "...")]`.
    ///
    /// `Protobuf` needs `T` derived with `#[stream_schema(protobuf)]` (checked here, at
    /// compile time) and stores its generated codec for `send_typed` (which only a generic
    /// `T` needs: other types bring their own).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use streamhouse_schema::producer::{Json, Producer};
    /// use streamhouse_schema::StreamSchema;
    ///
    /// #[derive(StreamSchema)]
    /// #[stream_schema(topic = "clicks")]
    /// struct Click { x: i32 }
    ///
    /// let producer = Producer::builder()
    ///     .schema_registry("mock://format-for-doc")
    ///     .format_for::<Click>(Json)
    ///     .build()
    ///     .await?;
    /// producer.send_typed(&Click { x: 7 }).await?;
    /// let record = &producer.transport().fetch("clicks", 0, 0, 1).await?[0];
    /// assert_eq!(&record.value[5..], br#"{"x":7}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn format_for<T: StreamSchema>(mut self, format: impl TypeFormat<T>) -> Self {
        self.client.formats.set_from::<T, _>(format);
        self
    }

    /// Checks every JSON payload against its JSON Schema before sending (default `false`):
    /// typed sends against the type's generated schema, [`Producer::send_with_schema`]
    /// against the schema given. A payload that does not match is
    /// [`ClientError::InvalidJson`], listing each failed check, and is not sent.
    #[cfg(feature = "json-validation")]
    pub fn validate_json(mut self, enabled: bool) -> Self {
        self.validate_json = enabled;
        self
    }

    /// The executors and actions the producer runs the WRITE rules of schemas with
    /// (default: [`RuleRegistry::with_defaults`](crate::rules::RuleRegistry::with_defaults),
    /// CEL and CEL_FIELD). A DLQ action writing to the producer's transport is added
    /// unless the registry has one.
    #[cfg(feature = "rules")]
    pub fn rule_registry(mut self, registry: crate::rules::RuleRegistry) -> Self {
        self.rule_registry = Some(registry);
        self
    }

    /// The producer; fails if the registry URL is invalid.
    pub async fn build(self) -> Result<Producer, ClientError> {
        let Connected {
            registry,
            transport,
            formats,
        } = self.client.connect(Side::Producer)?;
        let transport = transport.unwrap_or_else(|| Arc::new(MemoryLog::new()));
        let settings = Settings {
            strategy: self.strategy,
            auto_register: self.auto_register,
            use_latest_version: self.use_latest_version,
            key_encoding: self.key_encoding,
            default_format: self.default_format,
            formats,
            #[cfg(feature = "json-validation")]
            validate_json: self.validate_json,
            #[cfg(feature = "rules")]
            rule_registry: self.rule_registry,
        };
        Ok(Producer::assemble(transport, registry, settings))
    }
}

impl fmt::Debug for ProducerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProducerBuilder")
            .field("client", &self.client)
            .field("subject_name_strategy", &self.strategy)
            .field("auto_register", &self.auto_register)
            .field("use_latest_version", &self.use_latest_version)
            .field("key_encoding", &self.key_encoding)
            .field("default_format", &self.default_format)
            .finish()
    }
}
