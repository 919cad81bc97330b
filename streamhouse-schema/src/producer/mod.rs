//! The producer: raw sends, sends framed with a registered schema, and typed sends.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use streamhouse_schema::producer::Producer;
//! use streamhouse_schema::schema::SchemaFormat;
//!
//! let producer = Producer::builder().schema_registry("mock://producer-doc").build().await?;
//! let schema = r#"{"type":"record","name":"Ping","fields":[{"name":"n","type":"int"}]}"#;
//! // Avro payload of {"n": 1}: zigzag varint 1 = 0x02.
//! let sent = producer.send_with_schema("pings", None, &[0x02], schema, SchemaFormat::Avro, None).await?;
//! assert_eq!((sent.partition, sent.offset), (0, 0));
//! # Ok::<(), streamhouse_schema::error::ClientError>(())
//! # }).unwrap();
//! ```

mod config;
mod frame;
#[cfg(feature = "json-validation")]
mod json_validation;
mod latest;
mod properties;
mod references;
mod subject;
#[cfg(test)]
mod tests;
mod typed;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;

pub use crate::client::format::{self, Avro, Json, Protobuf, TypeFormat};
pub use crate::client::key::KeyEncoding;
pub use config::{ProducerBuilder, ProducerConfig};
pub use subject::{record_name_of, SubjectNameError, SubjectNameStrategy};

use crate::client::format::TypeFormats;
use crate::client::id_memo;
use crate::client::schema_ids::{RawIds, SchemaIds, TypedId, TypedIds};
use crate::codec::json::JsonEncode;
use crate::error::ClientError;
use crate::registry::SchemaReference;
use crate::schema::{SchemaFormat, StreamSchema, Topic};
use crate::transport::{SendResult, Transport};
use frame::frame_payload;

/// Counts a send's outcome in the `telemetry` counters.
#[inline]
pub(crate) fn counted(result: Result<SendResult, ClientError>) -> Result<SendResult, ClientError> {
    match &result {
        Ok(_) => metrics::counter!(crate::telemetry::PRODUCER_SENDS).increment(1),
        Err(_) => metrics::counter!(crate::telemetry::PRODUCER_SEND_ERRORS).increment(1),
    }
    result
}

/// The exact error text for a schema send on a producer built without a registry.
pub const REGISTRY_NOT_CONFIGURED: &str =
    "Schema registry not configured. Call .schema_registry(url) on builder";

/// Sends records to a [`Transport`], framed with schema ids from a schema registry.
///
/// Cheap to clone: clones share the transport, the registry client and the id caches.
#[derive(Clone)]
pub struct Producer {
    inner: Arc<Inner>,
}

struct Inner {
    /// Tells this producer's entries in the per-type id memos from other producers'.
    tag: id_memo::ProducerTag,
    transport: Arc<dyn Transport>,
    registry: Option<Arc<dyn SchemaIds>>,
    settings: Settings,
    typed_ids: TypedIds,
    raw_ids: RawIds,
    /// Formats of ids used with `send_with_schema_id`, so only the first send asks.
    id_formats: RwLock<HashMap<i32, SchemaFormat>>,
    /// How typed records are written in versions picked by the latest-version settings.
    rewrites: latest::Rewrites,
    /// Compiled JSON Schema validators, when [`ProducerBuilder::validate_json`] is on.
    #[cfg(feature = "json-validation")]
    json_validators: Option<json_validation::JsonValidators>,
    /// The WRITE rules of the schemas sent with (skipped while none has any).
    #[cfg(feature = "rules")]
    rules: crate::rules::hook::WriteRules,
}

/// The version a send frames its records with.
enum Chosen {
    /// The schema sent, registered or found (its id).
    Own(i32),
    /// Another version (its id) picked by `use_latest_version` / `use_latest_with_metadata`,
    /// and how typed records are written in it.
    Rewritten(i32, latest::Rewrite),
}

/// What a producer was configured with (everything but the transport and registry).
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) strategy: SubjectNameStrategy,
    pub(crate) auto_register: bool,
    /// Which registered version typed sends use when not registering.
    pub(crate) latest: latest::LatestPolicy,
    pub(crate) key_encoding: KeyEncoding,
    /// The format of typed sends whose type has no format of its own.
    pub(crate) default_format: SchemaFormat,
    /// Formats (and Protobuf codecs) chosen per type.
    pub(crate) formats: TypeFormats,
    #[cfg(feature = "json-validation")]
    pub(crate) validate_json: bool,
    /// The executors and actions of data-contract rules.
    #[cfg(feature = "rules")]
    pub(crate) rule_registry: Option<crate::rules::RuleRegistry>,
}

impl Producer {
    /// Options for a producer: registry, transport, subject strategy, registration mode.
    pub fn builder() -> ProducerBuilder {
        ProducerBuilder::new()
    }

    /// A producer built from a [`ProducerConfig`] with the default transport.
    pub async fn from_config(config: ProducerConfig) -> Result<Producer, ClientError> {
        ProducerBuilder::from_config(config).build().await
    }

    pub(crate) fn assemble(
        transport: Arc<dyn Transport>,
        registry: Option<Arc<dyn SchemaIds>>,
        #[cfg_attr(not(feature = "rules"), allow(unused_mut))] mut settings: Settings,
    ) -> Producer {
        #[cfg(feature = "rules")]
        let rules = crate::rules::hook::WriteRules::new(settings.rule_registry.take(), &transport);
        Producer {
            inner: Arc::new(Inner {
                #[cfg(feature = "rules")]
                rules,
                tag: id_memo::ProducerTag::unique(),
                transport,
                registry,
                #[cfg(feature = "json-validation")]
                json_validators: settings
                    .validate_json
                    .then(json_validation::JsonValidators::default),
                settings,
                typed_ids: TypedIds::default(),
                raw_ids: RawIds::default(),
                id_formats: RwLock::new(HashMap::new()),
                rewrites: latest::Rewrites::default(),
            }),
        }
    }

    /// The transport records are sent to (consumers can be built on the same one).
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// Sends `value` as is: no schema, no frame.
    pub async fn send(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: &[u8],
        partition: Option<i32>,
    ) -> Result<SendResult, ClientError> {
        counted(
            async {
                let key = key.map(Bytes::copy_from_slice);
                self.deliver(topic, partition, key, Bytes::copy_from_slice(value))
                    .await
            }
            .await,
        )
    }

    /// Sends an already-encoded `value` framed with the id of `schema`.
    ///
    /// The schema is registered (or looked up, see [`ProducerBuilder::auto_register`])
    /// under the subject the producer's strategy names (`{topic}-value` by default) on first
    /// use; later sends take the id from the cache. The frame is `0x00`, the id big-endian,
    /// the message indexes `[0]` for Protobuf, then `value`. With
    /// [`ProducerBuilder::validate_json`] a JSON `value` is first checked against `schema`.
    pub async fn send_with_schema(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: &[u8],
        schema: &str,
        format: SchemaFormat,
        partition: Option<i32>,
    ) -> Result<SendResult, ClientError> {
        counted(
            async {
                let registry = self.registry()?;
                let record_name = if self.inner.settings.strategy.needs_record_name() {
                    Some(record_name_of(schema, format).map_err(|reason| {
                        ClientError::ConfigError(format!(
                            "the {:?} subject strategy needs a record name: {reason}",
                            self.inner.settings.strategy
                        ))
                    })?)
                } else {
                    None
                };
                let subject = self.subject(topic, false, record_name.as_deref())?;
                let id = match self.inner.raw_ids.get(&subject, schema, format) {
                    Some(id) => id,
                    None => {
                        let id = self.resolve_id(registry, &subject, schema, format).await?;
                        self.inner.raw_ids.insert(&subject, schema, format, id);
                        id
                    }
                };
                #[cfg(feature = "json-validation")]
                if let (Some(validators), SchemaFormat::Json) =
                    (&self.inner.json_validators, format)
                {
                    validators.check_raw(id, schema, &subject, value)?;
                }
                let frame = frame_payload(id, format, value);
                self.deliver_framed(topic, partition, key.map(Bytes::copy_from_slice), frame, id)
                    .await
            }
            .await,
        )
    }

    /// Sends an already-encoded `value` framed with a known schema id.
    ///
    /// The id must exist in the registry (checked once per id, then cached); its format
    /// decides whether Protobuf message indexes are written.
    pub async fn send_with_schema_id(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: &[u8],
        schema_id: i32,
        partition: Option<i32>,
    ) -> Result<SendResult, ClientError> {
        counted(
            async {
                let registry = self.registry()?;
                let known = self
                    .inner
                    .id_formats
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(&schema_id)
                    .copied();
                let format = match known {
                    Some(format) => format,
                    None => {
                        let schema = registry
                            .by_id(schema_id)
                            .await?
                            .ok_or(ClientError::UnknownSchemaId(schema_id))?;
                        // No subject is named here: rules see the topic's value subject.
                        #[cfg(feature = "rules")]
                        self.inner
                            .rules
                            .learn_schema(
                                registry.as_ref(),
                                &format!("{topic}-value"),
                                schema_id,
                                Arc::clone(&schema),
                            )
                            .await?;
                        self.inner
                            .id_formats
                            .write()
                            .unwrap_or_else(PoisonError::into_inner)
                            .insert(schema_id, schema.schema_type);
                        schema.schema_type
                    }
                };
                let frame = frame_payload(schema_id, format, value);
                self.deliver_framed(
                    topic,
                    partition,
                    key.map(Bytes::copy_from_slice),
                    frame,
                    schema_id,
                )
                .await
            }
            .await,
        )
    }

    /// Sends a value of a type bound to a topic (`#[stream_schema(topic = "...")]`).
    ///
    /// The value is written in the format chosen for its type on the builder
    /// ([`ProducerBuilder::format_for`]), else in the type's own
    /// (`#[stream_schema(format = "...")]`), else in the producer's
    /// [`default_format`](ProducerBuilder::default_format) (Avro unless set):
    /// Avro and JSON with the generated codecs, Protobuf with the generated
    /// `prost::Message` and the message-index path of the type's message in the frame. The
    /// schema registered is the generated Avro schema, JSON Schema or `.proto` file.
    ///
    /// The key is the type's key field. A plain key (a string, bytes, an `int` or `long`) is
    /// written as Kafka's own serializers write it (UTF-8, the bytes, 4 or 8 big-endian
    /// bytes), so Java clients partition it identically; another key type is framed with
    /// its own schema under the key subject (`{topic}-key` by default). With
    /// [`ProducerBuilder::key_encoding`]`(KeyEncoding::Schema)` every key is framed, in the
    /// format chosen for the key type on the builder or by the key type itself, else in the
    /// producer's default format, except Protobuf (a string or number key is no message),
    /// for which keys are Avro.
    ///
    /// The first send of a type registers its generated schema (concurrent first sends
    /// share the registry's single request); later sends use the cached id and touch only
    /// the cache, the generated encoder and the transport.
    pub async fn send_typed<T>(&self, value: &T) -> Result<SendResult, ClientError>
    where
        T: Topic + JsonEncode + 'static,
        T::Key: JsonEncode + 'static,
    {
        let memo = id_memo::memo_for(crate::error::schemas_of::<T>()?.number());
        self.send_typed_record(T::TOPIC, value.key(), value, memo)
            .await
    }

    /// Sends a typed value to an explicit topic, with an optional typed key (encoded with
    /// its own schema under the key subject), in the formats [`send_typed`](Self::send_typed)
    /// uses.
    ///
    /// Without a key, name any key type: `producer.send_typed_to("t", None::<&String>, &v)`.
    pub async fn send_typed_to<T, K>(
        &self,
        topic: &str,
        key: Option<&K>,
        value: &T,
    ) -> Result<SendResult, ClientError>
    where
        T: StreamSchema + JsonEncode + 'static,
        K: StreamSchema + JsonEncode + 'static,
    {
        self.send_typed_record(topic, key, value, None).await
    }

    /// Sends a frame of schema `id`, after the schema's WRITE rules (with the `rules`
    /// feature): what a rule transformed is sent, nothing when a rule stops the record.
    async fn deliver_framed(
        &self,
        topic: &str,
        partition: Option<i32>,
        key: Option<Bytes>,
        frame: Bytes,
        id: i32,
    ) -> Result<SendResult, ClientError> {
        #[cfg(feature = "rules")]
        let frame = if self.inner.rules.active() {
            self.inner
                .rules
                .apply(topic, id, key.as_deref(), frame)
                .await?
        } else {
            frame
        };
        #[cfg(not(feature = "rules"))]
        let _ = id;
        self.deliver(topic, partition, key, frame).await
    }

    /// A framed key after its schema's WRITE rules (with the `rules` feature), as
    /// Confluent's key serializers run them: what a rule transformed, or the rule's
    /// failure.
    pub(super) async fn key_rules(
        &self,
        topic: &str,
        id: TypedId,
        frame: Bytes,
    ) -> Result<Bytes, ClientError> {
        #[cfg(feature = "rules")]
        if id.write_rules {
            return self.inner.rules.apply_key(topic, id.id, frame).await;
        }
        #[cfg(not(feature = "rules"))]
        let _ = (topic, id);
        Ok(frame)
    }

    /// With the `rules` feature, learns whether schema `id` (registered or found under
    /// `subject`) has WRITE rules this producer runs, so sends with it run them; `false`
    /// (and nothing learnt) otherwise.
    #[cfg(feature = "rules")]
    async fn learn_rules(
        &self,
        registry: &Arc<dyn SchemaIds>,
        subject: &str,
        id: i32,
    ) -> Result<bool, ClientError> {
        self.inner.rules.learn(registry, subject, id).await
    }

    /// Without the `rules` feature there are none to learn.
    #[cfg(not(feature = "rules"))]
    async fn learn_rules(
        &self,
        _registry: &Arc<dyn SchemaIds>,
        _subject: &str,
        _id: i32,
    ) -> Result<bool, ClientError> {
        Ok(false)
    }

    /// The id to frame a schema's records with, for sends of bytes the caller encoded: the
    /// chosen version must be exactly `schema`. With the `rules` feature, whether it has
    /// WRITE rules is learnt with it.
    async fn resolve_id(
        &self,
        registry: &Arc<dyn SchemaIds>,
        subject: &str,
        schema: &str,
        format: SchemaFormat,
    ) -> Result<i32, ClientError> {
        match self
            .choose_version(registry, subject, schema, format, &[], None)
            .await?
        {
            Chosen::Own(id) => {
                self.learn_rules(registry, subject, id).await?;
                Ok(id)
            }
            // Only typed sends (a message name given) are offered a rewrite.
            Chosen::Rewritten(id, _) => Err(ClientError::SchemaNotRegistered {
                subject: subject.to_string(),
                detail: format!("the chosen version (schema id {id}) is not the schema being sent"),
            }),
        }
    }

    /// Confluent's order: register if allowed, else the version `use_latest_version` /
    /// `use_latest_with_metadata` pick, else look the exact schema up.
    ///
    /// `typed` is the type's message name when a typed send asks: a picked version other
    /// than the type's own schema is then used with a [`latest::Rewrite`] if it can read the
    /// type's records; for other sends it must be `schema` itself. `references` are the
    /// registered files `schema` imports.
    async fn choose_version(
        &self,
        registry: &Arc<dyn SchemaIds>,
        subject: &str,
        schema: &str,
        format: SchemaFormat,
        references: &[SchemaReference],
        typed: Option<&str>,
    ) -> Result<Chosen, ClientError> {
        if self.inner.settings.auto_register {
            return registry
                .register(subject, schema, format, references)
                .await
                .map(Chosen::Own);
        }
        let not_registered = |detail: String| ClientError::SchemaNotRegistered {
            subject: subject.to_string(),
            detail,
        };
        let policy = &self.inner.settings.latest;
        if *policy != latest::LatestPolicy::Off {
            let Some(chosen) = policy.choose(registry.as_ref(), subject).await? else {
                return Err(not_registered(format!(
                    "{} found no version and auto_register is off",
                    policy.describe()
                )));
            };
            if latest::is_own(&chosen.schema, schema, format) {
                return Ok(Chosen::Own(chosen.id));
            }
            if chosen.schema.schema_type != format {
                return Err(not_registered(format!(
                    "the version {} picks (schema id {}) is {}, not {format}",
                    policy.describe(),
                    chosen.id,
                    chosen.schema.schema_type
                )));
            }
            return match typed {
                Some(full_name) => {
                    let rewrite =
                        latest::Rewrite::plan(subject, schema, full_name, &chosen, policy)?;
                    Ok(Chosen::Rewritten(chosen.id, rewrite))
                }
                None => Err(not_registered(format!(
                    "the version {} picks (schema id {}) is not the schema being sent, and auto_register is off",
                    policy.describe(),
                    chosen.id
                ))),
            };
        }
        registry
            .lookup(subject, schema, format, references)
            .await?
            .ok_or_else(|| {
                not_registered(
                    "the schema is not registered under this subject and auto_register is off"
                        .to_string(),
                )
            })
            .map(Chosen::Own)
    }

    fn registry(&self) -> Result<&Arc<dyn SchemaIds>, ClientError> {
        self.inner
            .registry
            .as_ref()
            .ok_or_else(|| ClientError::ConfigError(REGISTRY_NOT_CONFIGURED.to_string()))
    }

    fn subject(
        &self,
        topic: &str,
        is_key: bool,
        record_name: Option<&str>,
    ) -> Result<String, ClientError> {
        self.inner
            .settings
            .strategy
            .subject(topic, is_key, record_name)
            .map_err(|e| ClientError::ConfigError(e.to_string()))
    }

    async fn deliver(
        &self,
        topic: &str,
        partition: Option<i32>,
        key: Option<Bytes>,
        value: Bytes,
    ) -> Result<SendResult, ClientError> {
        Ok(self
            .inner
            .transport
            .send(topic, partition, key, value, Vec::new())
            .await?)
    }
}

impl fmt::Debug for Producer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("transport", &self.inner.transport)
            .field("registry", &self.inner.registry)
            .field("settings", &self.inner.settings)
            .finish()
    }
}
