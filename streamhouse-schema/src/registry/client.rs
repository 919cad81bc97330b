//! [`SchemaRegistryClient`]: caches and single-flight in front of a registry backend.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::backend::RegistryBackend;
use super::cache::{Flight, SingleFlightCache};
use super::cache_key::{BorrowedKey, OwnedKey, SubjectSchema};
use super::instrumented::Instrumented;
use super::invalid::InvalidBackend;
use super::{
    CompatibilityCheck, Dek, DekAlgorithm, IntoVersion, Kek, Mode, RegisteredSchema, Schema,
    SchemaRegistryClientBuilder, ServerConfig, Version,
};
use crate::compat::CompatibilityLevel;
use crate::error::ClientError;
use crate::schema::SchemaFormat;

/// A Confluent schema registry client: HTTP (`http://`, `https://`) or in-memory
/// (`mock://name`), with bounded LRU caches for (subject, schema) → id and id → schema.
///
/// Concurrent cache misses for the same key share one request, and cached answers keep
/// working while the registry is down. Cheap to clone (the caches are shared).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use streamhouse_schema::registry::{SchemaRegistryClient, Version};
/// use streamhouse_schema::SchemaFormat;
///
/// let client = SchemaRegistryClient::try_new("mock://client-doc")?;
/// let schema = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
/// let id = client.register_schema("orders-value", schema, SchemaFormat::Avro).await?;
/// assert_eq!(client.get_schema_by_id(id).await?.schema, schema);
/// assert_eq!(client.get_version("orders-value", Version::Latest).await?.version, 1);
/// # Ok::<(), streamhouse_schema::error::ClientError>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct SchemaRegistryClient {
    inner: Arc<Inner>,
}

/// Settings the builder hands to the client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientOptions {
    pub(crate) cache_capacity: NonZeroUsize,
    pub(crate) normalize: bool,
    pub(crate) latest_ttl: Option<Duration>,
}

/// A cached `get_latest` answer and when it was fetched.
#[derive(Debug, Clone)]
struct Latest {
    fetched: Instant,
    schema: RegisteredSchema,
}

struct Inner {
    backend: Arc<dyn RegistryBackend>,
    ids: SingleFlightCache<OwnedKey, i32>,
    schemas: SingleFlightCache<i32, Arc<Schema>>,
    /// Schemas by id as `?format=serialized` answers.
    serialized: SingleFlightCache<i32, Arc<Schema>>,
    latest: SingleFlightCache<String, Latest>,
    normalize: bool,
    latest_ttl: Option<Duration>,
}

impl fmt::Debug for SchemaRegistryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaRegistryClient")
            .field("backend", &self.inner.backend)
            .field("cached_ids", &self.inner.ids.len())
            .field("cached_schemas", &self.inner.schemas.len())
            .field("cached_latest", &self.inner.latest.len())
            .field("latest_ttl", &self.inner.latest_ttl)
            .field("normalize", &self.inner.normalize)
            .finish()
    }
}

impl SchemaRegistryClient {
    /// A client with default settings for `base_url`: `http(s)://host[:port][/prefix]`,
    /// several such URLs separated by commas (tried in order), or `mock://name` for the
    /// in-memory registry shared by that name within the process.
    ///
    /// As the original design declares it, this never fails: a `base_url` that is not
    /// valid makes a client whose every call fails with the
    /// [`ClientError::ConfigError`] that [`try_new`](Self::try_new) returns at once.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use streamhouse_schema::{ClientError, SchemaFormat, SchemaRegistryClient};
    ///
    /// let client = SchemaRegistryClient::new("localhost:8081".to_string());
    /// let error = client.register_schema("orders-value", "\"string\"", SchemaFormat::Avro).await;
    /// assert!(matches!(error, Err(ClientError::ConfigError(m)) if m.contains("http://localhost:8081")));
    /// assert!(SchemaRegistryClient::try_new("localhost:8081").is_err());
    /// # });
    /// ```
    pub fn new(base_url: impl Into<String>) -> Self {
        let base_url = base_url.into();
        match Self::try_new(base_url.as_str()) {
            Ok(client) => client,
            Err(error) => {
                let message = match error {
                    ClientError::ConfigError(message) => message,
                    other => other.to_string(),
                };
                let options = ClientOptions {
                    cache_capacity: NonZeroUsize::MIN,
                    normalize: false,
                    latest_ttl: None,
                };
                Self::from_parts(Arc::new(InvalidBackend::new(message)), options)
            }
        }
    }

    /// A client with default settings for `base_url` (as [`new`](Self::new)), or the
    /// [`ClientError::ConfigError`] saying what is wrong with it.
    pub fn try_new(base_url: impl Into<String>) -> Result<Self, ClientError> {
        Self::builder().url(base_url).build()
    }

    /// A builder for timeouts, failover URLs, auth, TLS, retries and cache sizes.
    pub fn builder() -> SchemaRegistryClientBuilder {
        SchemaRegistryClientBuilder::default()
    }

    pub(crate) fn from_parts(backend: Arc<dyn RegistryBackend>, options: ClientOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                backend: Arc::new(Instrumented::new(backend)),
                ids: SingleFlightCache::new("ids", options.cache_capacity),
                schemas: SingleFlightCache::new("schemas", options.cache_capacity),
                serialized: SingleFlightCache::new("serialized", options.cache_capacity),
                latest: SingleFlightCache::new("latest", options.cache_capacity),
                normalize: options.normalize,
                latest_ttl: options.latest_ttl,
            }),
        }
    }

    /// The id of `schema` under `subject`, if this client has it cached. Never does I/O:
    /// the send hot path.
    pub fn cached_schema_id(&self, subject: &str, schema: &Schema) -> Option<i32> {
        let key = BorrowedKey { subject, schema };
        self.inner.ids.get(&key as &dyn SubjectSchema)
    }

    /// The schema with `id`, if this client has it cached. Never does I/O.
    pub fn cached_schema(&self, id: i32) -> Option<Arc<Schema>> {
        self.inner.schemas.get(&id)
    }

    /// Registers schema text of `format` under `subject` and returns its id (see
    /// [`register`](Self::register)).
    pub async fn register_schema(
        &self,
        subject: &str,
        schema: &str,
        format: SchemaFormat,
    ) -> Result<i32, ClientError> {
        self.register(subject, &Schema::new(schema, format)).await
    }

    /// Registers `schema` (with its references) under `subject` and returns its id.
    ///
    /// Idempotent: an already registered schema returns its existing id. The answer is
    /// cached, and concurrent first calls for the same subject and schema share one
    /// request. An incompatible schema fails with an error whose
    /// [`is_incompatible`](ClientError::is_incompatible) is true.
    pub async fn register(&self, subject: &str, schema: &Schema) -> Result<i32, ClientError> {
        if let Some(id) = self.cached_schema_id(subject, schema) {
            return Ok(id);
        }
        let inner = &self.inner;
        let id = inner
            .ids
            .get_or_fetch(Flight::Load, OwnedKey::new(subject, schema), || async {
                let (id, stored) = inner
                    .backend
                    .register_stored(subject, schema, inner.normalize)
                    .await?;
                // The id's schema is cached only when the registry's answer tells how it
                // was stored: it may have added metadata and a rule set the schema did not
                // carry (merged from the subject's previous version or its config,
                // Confluent's `maybePopulateFromPrevious`), and the producer runs the rules
                // of the schema as stored. Otherwise `get_schema_by_id` fetches it once.
                if let Some(stored) = stored {
                    inner.schemas.insert(id, Arc::new(stored));
                }
                // The subject may have a new latest version.
                inner.latest.remove(subject);
                Ok(id)
            })
            .await?;
        Ok(id)
    }

    /// Looks `schema` up under `subject` (`POST /subjects/{s}`) without registering it.
    /// Fails with a 404 error (code 40401 or 40403) when it is not there.
    pub async fn lookup_schema(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<RegisteredSchema, ClientError> {
        let found = self
            .inner
            .backend
            .lookup(subject, schema, self.inner.normalize)
            .await?;
        self.inner
            .ids
            .insert(OwnedKey::new(subject, schema), found.id);
        Ok(found)
    }

    /// The id of `schema` under `subject`, looked up but never registered: what a
    /// producer with auto-registration off needs. Cached and single-flight like
    /// [`register`](Self::register).
    pub async fn lookup_schema_id(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<i32, ClientError> {
        if let Some(id) = self.cached_schema_id(subject, schema) {
            return Ok(id);
        }
        let inner = &self.inner;
        let id = inner
            .ids
            .get_or_fetch(Flight::Lookup, OwnedKey::new(subject, schema), || async {
                let found = inner
                    .backend
                    .lookup(subject, schema, inner.normalize)
                    .await?;
                Ok(found.id)
            })
            .await?;
        Ok(id)
    }

    /// The schema with registry-wide id `id` (the id in a frame header). Cached;
    /// concurrent misses share one request.
    pub async fn get_schema_by_id(&self, id: i32) -> Result<Arc<Schema>, ClientError> {
        let inner = &self.inner;
        let schema = inner
            .schemas
            .get_or_fetch(Flight::Load, id, || async {
                Ok(Arc::new(inner.backend.schema_by_id(id).await?))
            })
            .await?;
        Ok(schema)
    }

    /// The schema with id `id` as the registry serializes it (`GET
    /// /schemas/ids/{id}?format=serialized`): a Protobuf schema as the base64
    /// `FileDescriptorProto` the registry compiled with its references resolved, which is
    /// how Confluent's Protobuf deserializers fetch writer schemas (confluent-kafka-python
    /// `protobuf.py` asks `fmt='serialized'`), so no `.proto` text or referenced file has to
    /// be compiled here. Avro and JSON schemas come back as stored. Cached apart from
    /// [`get_schema_by_id`](Self::get_schema_by_id); concurrent misses share one request.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use streamhouse_schema::registry::SchemaRegistryClient;
    /// use streamhouse_schema::schema::proto_file::descriptor_from_base64;
    /// use streamhouse_schema::SchemaFormat;
    ///
    /// let client = SchemaRegistryClient::try_new("mock://serialized-doc")?;
    /// let text = "syntax = \"proto3\"; package shop; message Ping { int32 n = 1; }";
    /// let id = client.register_schema("pings-value", text, SchemaFormat::Protobuf).await?;
    /// let serialized = client.get_schema_by_id_serialized(id).await?;
    /// let file = descriptor_from_base64(&serialized.schema)?;
    /// assert_eq!((file.package(), file.message_type[0].name()), ("shop", "Ping"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn get_schema_by_id_serialized(&self, id: i32) -> Result<Arc<Schema>, ClientError> {
        let inner = &self.inner;
        let schema = inner
            .serialized
            .get_or_fetch(Flight::Load, id, || async {
                Ok(Arc::new(inner.backend.schema_by_id_serialized(id).await?))
            })
            .await?;
        Ok(schema)
    }

    /// Whether `schema` may follow `version` of `subject` under the subject's
    /// compatibility level. `version` is a [`Version`], a number, or text as the original
    /// design writes it (`"latest"`, `"3"`; other text is a [`ClientError::ConfigError`]).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use streamhouse_schema::registry::{Schema, SchemaRegistryClient};
    /// use streamhouse_schema::SchemaFormat;
    ///
    /// let client = SchemaRegistryClient::new("mock://test-compat-doc".to_string());
    /// let v1 = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
    /// client.register_schema("r-value", v1, SchemaFormat::Avro).await?;
    /// let v2 = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#;
    /// assert!(client.test_compatibility("r-value", &Schema::avro(v2), "latest").await?);
    /// let v3 = r#"{"type":"record","name":"R","fields":[{"name":"b","type":"int"}]}"#;
    /// assert!(!client.test_compatibility("r-value", &Schema::avro(v3), "1").await?);
    /// # Ok::<(), streamhouse_schema::ClientError>(())
    /// # }).unwrap();
    /// ```
    pub async fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
        version: impl IntoVersion,
    ) -> Result<bool, ClientError> {
        Ok(self
            .check_compatibility(subject, schema, version)
            .await?
            .is_compatible)
    }

    /// Like [`test_compatibility`](Self::test_compatibility), with the registry's reasons.
    pub async fn check_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
        version: impl IntoVersion,
    ) -> Result<CompatibilityCheck, ClientError> {
        let version = version.into_version().map_err(ClientError::ConfigError)?;
        Ok(self
            .inner
            .backend
            .test_compatibility(subject, schema, version)
            .await?)
    }

    /// The latest version of `subject`. Asks the registry every time unless the builder set
    /// a [`latest_cache_ttl`](SchemaRegistryClientBuilder::latest_cache_ttl).
    pub async fn get_latest(&self, subject: &str) -> Result<RegisteredSchema, ClientError> {
        let Some(ttl) = self.inner.latest_ttl else {
            return self.get_version(subject, Version::Latest).await;
        };
        let inner = &self.inner;
        let stale = match inner.latest.get(subject) {
            Some(hit) if hit.fetched.elapsed() < ttl => return Ok(hit.schema),
            Some(expired) => {
                inner.latest.remove(subject);
                Some(expired)
            }
            None => None,
        };
        let fetched = inner
            .latest
            .get_or_fetch(Flight::Load, subject.to_string(), || async {
                let schema = inner.backend.get_version(subject, Version::Latest).await?;
                Ok(Latest {
                    fetched: Instant::now(),
                    schema,
                })
            })
            .await;
        match (fetched, stale) {
            (Ok(latest), _) => {
                self.remember(&latest.schema);
                Ok(latest.schema)
            }
            (Err(error), Some(stale)) if error.is_retriable() => {
                tracing::warn!(%error, subject, "schema registry unavailable; serving expired latest version");
                Ok(stale.schema)
            }
            (Err(error), _) => Err(error.into()),
        }
    }

    /// The newest version of `subject` whose metadata properties hold every entry of
    /// `metadata` (Confluent's `use.latest.with.metadata` lookup); soft-deleted versions
    /// count too with `deleted`. Asks the registry every time; the answer fills the id
    /// caches.
    pub async fn get_latest_with_metadata(
        &self,
        subject: &str,
        metadata: &BTreeMap<String, String>,
        deleted: bool,
    ) -> Result<RegisteredSchema, ClientError> {
        let found = self
            .inner
            .backend
            .get_latest_with_metadata(subject, metadata, deleted)
            .await?;
        self.remember(&found);
        Ok(found)
    }

    /// Creates a KEK in the registry's DEK registry (409/40971 when one of that name
    /// exists); the registry's copy, with its `ts`.
    pub async fn register_kek(&self, kek: &Kek) -> Result<Kek, ClientError> {
        Ok(self.inner.backend.register_kek(kek).await?)
    }

    /// The KEK called `name` (soft-deleted ones too with `deleted`); 404/40470 otherwise.
    pub async fn get_kek(&self, name: &str, deleted: bool) -> Result<Kek, ClientError> {
        Ok(self.inner.backend.get_kek(name, deleted).await?)
    }

    /// Stores `dek` (its `encryptedKeyMaterial` wrapped by the KEK's KMS key) under its KEK.
    pub async fn register_dek(&self, dek: &Dek) -> Result<Dek, ClientError> {
        Ok(self.inner.backend.register_dek(dek).await?)
    }

    /// One DEK version of `subject` under `kek_name` (`Version::Latest`: the newest).
    pub async fn get_dek(
        &self,
        kek_name: &str,
        subject: &str,
        algorithm: DekAlgorithm,
        version: Version,
        deleted: bool,
    ) -> Result<Dek, ClientError> {
        Ok(self
            .inner
            .backend
            .get_dek(kek_name, subject, algorithm, version, deleted)
            .await?)
    }

    /// The config of `subject` (falling back to the global one when it has none of its
    /// own), or the global config for `None`: level, compatibility group, default and
    /// override metadata and rules.
    pub async fn get_config(&self, subject: Option<&str>) -> Result<ServerConfig, ClientError> {
        Ok(self.inner.backend.get_config(subject).await?)
    }

    /// Sets the fields of `config` that are `Some` on `subject`'s config (the global one for
    /// `None`), keeping the others; returns what was set. Registrations under the subject
    /// then merge the defaults and overrides into their metadata and rules, as Confluent.
    pub async fn set_config(
        &self,
        subject: Option<&str>,
        config: &ServerConfig,
    ) -> Result<ServerConfig, ClientError> {
        let set = self.inner.backend.set_config(subject, config).await?;
        // What a registration stores may change with the config.
        match subject {
            Some(subject) => self.inner.latest.remove(subject),
            None => self.inner.latest.remove_where(|_| true),
        }
        Ok(set)
    }

    /// One version of `subject`. The answer also fills the id caches.
    pub async fn get_version(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<RegisteredSchema, ClientError> {
        let found = self.inner.backend.get_version(subject, version).await?;
        self.remember(&found);
        Ok(found)
    }

    /// Fills the id caches from a subject version the registry returned.
    fn remember(&self, found: &RegisteredSchema) {
        self.inner
            .schemas
            .insert(found.id, Arc::new(found.schema.clone()));
        self.inner
            .ids
            .insert(OwnedKey::new(&found.subject, &found.schema), found.id);
    }

    /// Every subject with at least one live version.
    pub async fn list_subjects(&self) -> Result<Vec<String>, ClientError> {
        Ok(self.inner.backend.list_subjects().await?)
    }

    /// The live version numbers of `subject`, ascending.
    pub async fn list_versions(&self, subject: &str) -> Result<Vec<i32>, ClientError> {
        Ok(self.inner.backend.list_versions(subject).await?)
    }

    /// The mode in force for `subject` (its own, else the global one), or the global mode
    /// for `None`.
    pub async fn get_mode(&self, subject: Option<&str>) -> Result<Mode, ClientError> {
        Ok(self.inner.backend.get_mode(subject).await?)
    }

    /// Sets the mode of `subject`, or the global mode for `None` (READONLY refuses
    /// registrations and deletes with 42205); returns the mode set.
    pub async fn set_mode(&self, subject: Option<&str>, mode: Mode) -> Result<Mode, ClientError> {
        Ok(self.inner.backend.set_mode(subject, mode).await?)
    }

    /// The compatibility level in force for `subject` (its own, else the global one), or
    /// the global level for `None`.
    pub async fn get_compatibility(
        &self,
        subject: Option<&str>,
    ) -> Result<CompatibilityLevel, ClientError> {
        Ok(self.inner.backend.get_compatibility(subject).await?)
    }

    /// Sets the compatibility level of `subject`, or the global level for `None`.
    pub async fn set_compatibility(
        &self,
        subject: Option<&str>,
        level: CompatibilityLevel,
    ) -> Result<CompatibilityLevel, ClientError> {
        Ok(self.inner.backend.set_compatibility(subject, level).await?)
    }

    /// Deletes `subject` (soft; `permanent` after a soft delete) and forgets its cached
    /// ids. Returns the deleted versions.
    pub async fn delete_subject(
        &self,
        subject: &str,
        permanent: bool,
    ) -> Result<Vec<i32>, ClientError> {
        let deleted = self
            .inner
            .backend
            .delete_subject(subject, permanent)
            .await?;
        self.forget_subject(subject);
        Ok(deleted)
    }

    /// Deletes one version of `subject` (soft; `permanent` after a soft delete) and forgets
    /// the subject's cached ids. Returns the version number.
    pub async fn delete_version(
        &self,
        subject: &str,
        version: Version,
        permanent: bool,
    ) -> Result<i32, ClientError> {
        let deleted = self
            .inner
            .backend
            .delete_version(subject, version, permanent)
            .await?;
        self.forget_subject(subject);
        Ok(deleted)
    }

    /// Drops cached (subject, schema) → id entries and the cached latest version of
    /// `subject`, so that the next call asks the registry again (as Confluent's clients do
    /// after a delete).
    fn forget_subject(&self, subject: &str) {
        self.inner.ids.remove_where(|key| key.subject() == subject);
        self.inner.latest.remove(subject);
    }
}
