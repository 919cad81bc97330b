//! The consumer: polls a transport, resolves each record's writer schema from its frame, and
//! decodes payloads generically ([`Consumer::deserialize_avro`]) or into Rust types
//! ([`Consumer::decode`], [`Consumer::poll_typed`]).
//!
//! Typed reads follow the writer schema's format: Avro with schema resolution, JSON with
//! the generated decoder (unknown fields are skipped), Protobuf with the generated
//! `prost::Message` of types derived with Protobuf (or, for generic types, registered with
//! [`ConsumerBuilder::protobuf`]); unknown fields are skipped, absent ones take their zero
//! values.
//!
//! A record that is not a valid frame (wrong magic byte, truncated header, unknown schema
//! id) is reported as [`ClientError::InvalidRecord`], naming the record; the consumer has
//! already moved past it, so the next poll returns the next record.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use std::time::Duration;
//! use streamhouse_schema::consumer::Consumer;
//! use streamhouse_schema::producer::Producer;
//! use streamhouse_schema::schema::SchemaFormat;
//!
//! let producer = Producer::builder().schema_registry("mock://consumer-doc").build().await?;
//! let schema = r#"{"type":"record","name":"Ping","fields":[{"name":"n","type":"int"}]}"#;
//! producer.send_with_schema("pings", None, &[0x02], schema, SchemaFormat::Avro, None).await?;
//!
//! let mut consumer = Consumer::builder()
//!     .schema_registry("mock://consumer-doc")
//!     .transport(producer.transport().clone())
//!     .subscribe("pings")
//!     .build()
//!     .await?;
//! let record = consumer.poll(Duration::from_secs(1)).await?.expect("the record just sent");
//! assert_eq!(&record.value[..], &[0x02]);
//! let value = consumer.deserialize_avro(&record)?;
//! assert_eq!(value, apache_avro::types::Value::Record(vec![("n".into(), apache_avro::types::Value::Int(1))]));
//! # Ok::<(), streamhouse_schema::error::ClientError>(())
//! # }).unwrap();
//! ```

mod avro_references;
mod builder;
mod proto_index;
mod record;
#[cfg(test)]
mod tests;

// Keyed by registry ids of schemas already fetched (unknown ids fail before insertion), so a
// fast non-keyed hasher is safe here.
use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

pub use crate::client::key::KeyEncoding;
pub use crate::client::{InvalidRecord, RecordError};
pub use builder::ConsumerBuilder;
pub use record::{ConsumedRecord, TypedRecord};

use crate::client::format::{no_proto_codec, TypeFormats};
use crate::client::key::decode_raw_key;
use crate::client::schema_ids::{SchemaIds, SchemaKey};
use crate::codec::avro::resolve::Resolution;
use crate::codec::avro::{AvroBorrowDecode, AvroDecode};
use crate::codec::frame::sliced_from;
use crate::codec::json::{JsonBorrowDecode, JsonDecode};
use crate::codec::proto::ProtoBorrowRecord;
use crate::error::ClientError;
use crate::registry::Schema;
use crate::schema::avro::rabin_fingerprint;
use crate::schema::{SchemaFormat, StreamSchema};
use crate::transport::{TransportCursor, TransportRecord};
use crate::wire::{self, SchemaId};
use avro_references::Unresolved;

/// Reads records from a transport and resolves their schemas through a registry.
pub struct Consumer {
    cursor: Box<dyn TransportCursor>,
    registry: Option<Arc<dyn SchemaIds>>,
    /// Writer schemas by id (the registry client caches too; this saves even that call).
    schemas: HashMap<i32, Arc<Schema>>,
    /// Avro writer schemas with references by id, the referenced types inlined
    /// (fetched with the schema): what decoding parses instead of the registered text.
    avro_texts: HashMap<i32, Arc<str>>,
    /// Parsed Avro writer schemas by id, built on first decode.
    parsed: RwLock<HashMap<i32, Arc<ParsedAvro>>>,
    /// How to read writer schema id as a type, by (writer id, reader type), built on the
    /// first typed Avro decode of the pair: one lookup per decode whatever the answer.
    readers: RwLock<HashMap<(i32, SchemaKey), AvroRead>>,
    /// Protobuf codecs of the types registered with [`ConsumerBuilder::protobuf`] (types
    /// derived with Protobuf bring their own).
    formats: TypeFormats,
    /// How [`decode_key`](Self::decode_key) reads keys (the producer's setting of the same
    /// name says how they were written).
    key_encoding: KeyEncoding,
    /// Which message of the writer's file Protobuf frames name, and whether types read it.
    proto_messages: proto_index::ProtoMessages,
    /// Migration to the reader version of each subject before typed reads
    /// ([`ConsumerBuilder::use_latest_version`]).
    #[cfg(feature = "rules")]
    pub(crate) migrations: Option<Arc<crate::rules::jsonata::MigratingReader>>,
    /// The READ rules of writer schemas that have them.
    #[cfg(feature = "rules")]
    pub(crate) rules: crate::rules::hook::ReadRules,
}

/// How a writer schema is read as a type.
enum AvroRead {
    /// The type's schema is the writer's (same canonical form): its decoder reads the
    /// payload as is.
    Same,
    /// Avro schema resolution along a plan.
    Resolved(Resolution),
}

/// A writer schema parsed once for decoding.
struct ParsedAvro {
    schema: apache_avro::Schema,
    /// CRC-64-AVRO fingerprint of the Parsing Canonical Form: equal fingerprints mean the
    /// generated decoder of the reader type reads the payload as is.
    fingerprint: u64,
}

impl Consumer {
    /// Options for a consumer: registry, transport, topics, start position.
    pub fn builder() -> ConsumerBuilder {
        ConsumerBuilder::new()
    }

    pub(crate) fn assemble(
        cursor: Box<dyn TransportCursor>,
        registry: Option<Arc<dyn SchemaIds>>,
        formats: TypeFormats,
        key_encoding: KeyEncoding,
    ) -> Self {
        Consumer {
            cursor,
            registry,
            formats,
            key_encoding,
            schemas: HashMap::default(),
            parsed: RwLock::new(HashMap::default()),
            readers: RwLock::new(HashMap::default()),
            proto_messages: proto_index::ProtoMessages::default(),
            avro_texts: HashMap::default(),
            #[cfg(feature = "rules")]
            migrations: None,
            #[cfg(feature = "rules")]
            rules: crate::rules::hook::ReadRules::new(None),
        }
    }

    /// The next record, waiting up to `timeout`; `Ok(None)` when none arrived in time.
    ///
    /// With a registry, the value must be a Confluent frame: the record comes back with its
    /// schema id, writer schema and the payload after the header. Without one, values come
    /// back as sent.
    pub async fn poll(&mut self, timeout: Duration) -> Result<Option<ConsumedRecord>, ClientError> {
        match self.cursor.poll(timeout).await? {
            Some(record) => {
                metrics::counter!(crate::telemetry::CONSUMER_RECORDS).increment(1);
                self.resolve(record).await.map(Some)
            }
            None => Ok(None),
        }
    }

    /// Commits the consumer group's position: for every partition read, the offset after
    /// the last record returned (or the last [`seek`](Self::seek)), so that the group
    /// resumes there. On the embedded log, which keeps no group offsets, this does nothing.
    pub async fn commit(&mut self) -> Result<(), ClientError> {
        Ok(self.cursor.commit().await?)
    }

    /// The next record decoded into `T` as [`decode`](Self::decode) does, waiting up to
    /// `timeout`. With [`ConsumerBuilder::use_latest_version`] (cargo feature `rules`), a
    /// record of another version is first migrated to the reader version through the
    /// migration rules between (the returned record keeps the payload as sent).
    pub async fn poll_typed<T: StreamSchema + AvroDecode + JsonDecode + 'static>(
        &mut self,
        timeout: Duration,
    ) -> Result<Option<TypedRecord<T>>, ClientError> {
        let Some(record) = self.poll(timeout).await? else {
            return Ok(None);
        };
        #[cfg(feature = "rules")]
        if let Some(reader) = self.migrations.clone() {
            if let Some(migrated) = reader.migrate(&record).await? {
                let value = self.decode::<T>(&migrated)?;
                return Ok(Some(TypedRecord { value, record }));
            }
        }
        let value = self.decode::<T>(&record)?;
        Ok(Some(TypedRecord { value, record }))
    }

    /// Decodes a polled record into `T` with `T`'s generated decoder for the format of the
    /// record's writer schema.
    ///
    /// - Avro: when the writer schema (from the record's id) is `T`'s schema, the payload is
    ///   decoded directly. Otherwise Avro schema resolution applies (added fields take their
    ///   defaults, removed fields are skipped, numbers are promoted, enum symbols and
    ///   aliases are mapped), with the plan built once per (writer id, type) and cached. A
    ///   writer schema `T` cannot read is [`RecordError::Incompatible`], naming the field.
    /// - JSON: `T`'s JSON decoder; unknown fields are skipped, a missing required field or
    ///   a value of the wrong type is [`RecordError::Json`].
    /// - Protobuf: `T`'s generated `prost::Message` (`T` derived with
    ///   `#[stream_schema(protobuf)]`, `format = "protobuf"` or field tags; a generic `T`
    ///   registered with [`ConsumerBuilder::protobuf`]); unknown fields are skipped. The
    ///   frame's message indexes may name any message of the writer's file (nested, after
    ///   the first): that message must have `T`'s full name or be readable as `T` by
    ///   Confluent's Protobuf rules, else [`RecordError::MessageIndexes`] names the path and
    ///   the message found.
    pub fn decode<T: StreamSchema + AvroDecode + JsonDecode + 'static>(
        &self,
        record: &ConsumedRecord,
    ) -> Result<T, ClientError> {
        crate::error::schemas_of::<T>()?;
        let (Some(id), Some(schema)) = (record.schema_id, &record.schema) else {
            return Err(invalid(record, RecordError::NoSchema));
        };
        match schema.schema_type {
            SchemaFormat::Avro => self.decode_avro::<T>(record, id),
            SchemaFormat::Json => {
                T::decode_json(&record.value).map_err(|e| invalid(record, RecordError::Json(e)))
            }
            SchemaFormat::Protobuf => self.decode_protobuf::<T>(
                record,
                id,
                schema,
                &record.message_indexes,
                &record.value,
            ),
        }
    }

    /// Decodes a polled record into a borrowing `T` (a type with a lifetime: `&'r str`,
    /// `&'r [u8]`, `Cow<'r, str>` fields), whose strings and bytes point into the record's
    /// payload instead of being copied: the record owns its bytes, and the value lives as
    /// long as the borrow of the record.
    ///
    /// `bytes::Bytes` fields (at any depth, also in `Option` and `Vec`) are slices of the
    /// record's payload ([`ConsumedRecord::value`]) in Avro and Protobuf: they share its
    /// buffer (a reference-count bump) and may outlive the borrow. JSON writes bytes as
    /// base64, so a JSON `Bytes` field is decoded into new memory.
    ///
    /// - Avro: the writer schema must be `T`'s own (same canonical form); there is no
    ///   schema resolution for borrowing types, so another writer schema is
    ///   [`RecordError::Incompatible`] (decode into an owned type with
    ///   [`decode`](Self::decode) to read other versions).
    /// - JSON: strings without escapes are borrowed; an escaped one in a `&str` field is
    ///   [`RecordError::Json`] naming the field (`Cow<str>` owns it instead).
    /// - Protobuf: `T` derived with Protobuf (a [`ProtoBorrowDecode`](crate::ProtoBorrowDecode)
    ///   message; another `T` is a [`ClientError::ConfigError`]); the frame's message
    ///   indexes are checked as [`decode`](Self::decode) checks them; strings and bytes are
    ///   borrowed, unknown fields skipped.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use streamhouse_schema::{Consumer, Producer, StreamSchema};
    ///
    /// #[derive(StreamSchema)]
    /// #[stream_schema(topic = "notes")]
    /// struct Note<'a> { author: &'a str, text: &'a str }
    ///
    /// let producer = Producer::builder().schema_registry("mock://borrowed-doc").build().await?;
    /// producer.send_typed(&Note { author: "ada", text: "hello" }).await?;
    /// let mut consumer = Consumer::builder()
    ///     .schema_registry("mock://borrowed-doc")
    ///     .transport(producer.transport().clone())
    ///     .subscribe("notes")
    ///     .build()
    ///     .await?;
    /// let record = consumer.poll(Duration::from_secs(1)).await?.expect("the record just sent");
    /// let note: Note<'_> = consumer.decode_borrowed(&record)?;
    /// assert_eq!((note.author, note.text), ("ada", "hello"));
    /// assert!(record.value.as_ptr_range().contains(&note.text.as_ptr()));
    /// # Ok::<(), streamhouse_schema::error::ClientError>(())
    /// # }).unwrap();
    /// ```
    pub fn decode_borrowed<'r, T>(&self, record: &'r ConsumedRecord) -> Result<T, ClientError>
    where
        T: StreamSchema + AvroBorrowDecode<'r> + JsonBorrowDecode<'r> + ProtoBorrowRecord<'r>,
    {
        crate::error::schemas_of::<T>()?;
        let (Some(id), Some(schema)) = (record.schema_id, &record.schema) else {
            return Err(invalid(record, RecordError::NoSchema));
        };
        match schema.schema_type {
            SchemaFormat::Avro => {
                let (_, writer) = self.avro_writer(record)?;
                if writer.fingerprint != T::avro_fingerprint() {
                    return Err(invalid(
                        record,
                        RecordError::Incompatible {
                            schema_id: id,
                            reader: T::full_name().to_string(),
                            message: "a borrowing type reads only its own schema (no schema resolution): decode into an owned type to read other versions".to_string(),
                        },
                    ));
                }
                T::from_avro_bytes(&record.value)
                    .map_err(|e| invalid(record, RecordError::Decode(e)))
            }
            SchemaFormat::Json => T::decode_json_borrowed(&record.value)
                .map_err(|e| invalid(record, RecordError::Json(e))),
            SchemaFormat::Protobuf => {
                let Some(decode) = T::proto_borrowed() else {
                    return Err(ClientError::ConfigError(no_proto_codec::<T>("read")));
                };
                self.proto_messages
                    .check::<T>(id, schema, &record.message_indexes)
                    .map_err(|e| invalid(record, e))?;
                sliced_from(&record.value, decode)
                    .map_err(|e| invalid(record, RecordError::Protobuf(e.to_string())))
            }
        }
    }

    /// Decodes an Avro record into `T`, resolving the writer schema when it differs.
    fn decode_avro<T: StreamSchema + AvroDecode>(
        &self,
        record: &ConsumedRecord,
        id: i32,
    ) -> Result<T, ClientError> {
        let key = (id, SchemaKey::of::<T>());
        {
            // Decoded under the read lock: no reference count to bump, and plans are only
            // ever added, by the first decode of a pair.
            let readers = self.readers.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(read) = readers.get(&key) {
                return read_avro(read, record);
            }
        }
        let read = self.avro_read::<T>(record, id)?;
        let value = read_avro(&read, record);
        self.readers
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, read);
        value
    }

    /// Decodes a Protobuf payload (after the message indexes) into `T`.
    fn decode_protobuf<T: StreamSchema + 'static>(
        &self,
        record: &ConsumedRecord,
        id: i32,
        writer: &Schema,
        indexes: &[i32],
        payload: &[u8],
    ) -> Result<T, ClientError> {
        let Some(codec) = self.formats.proto_codec_of::<T>() else {
            return Err(ClientError::ConfigError(no_proto_codec::<T>("read")));
        };
        self.proto_messages
            .check::<T>(id, writer, indexes)
            .map_err(|e| invalid(record, e))?;
        (codec.decode)(payload).map_err(|e| invalid(record, RecordError::Protobuf(e.to_string())))
    }

    /// How to read writer schema `id` as `T`: directly when the schemas are the same,
    /// else along a resolution plan (an error naming the field when `T` cannot read it).
    fn avro_read<T: StreamSchema>(
        &self,
        record: &ConsumedRecord,
        id: i32,
    ) -> Result<AvroRead, ClientError> {
        let (_, writer) = self.avro_writer(record)?;
        if writer.fingerprint == T::avro_fingerprint() {
            return Ok(AvroRead::Same);
        }
        let Some(writer) = &record.schema else {
            return Err(invalid(record, RecordError::NoSchema));
        };
        Resolution::new(self.avro_text(id, writer), T::avro_schema_json())
            .map(AvroRead::Resolved)
            .map_err(|e| {
                invalid(
                    record,
                    RecordError::Incompatible {
                        schema_id: id,
                        reader: T::full_name().to_string(),
                        message: e.to_string(),
                    },
                )
            })
    }

    /// Decodes a polled record's Avro payload with its writer schema into a generic value.
    pub fn deserialize_avro(
        &self,
        record: &ConsumedRecord,
    ) -> Result<apache_avro::types::Value, ClientError> {
        let (_, writer) = self.avro_writer(record)?;
        // Checked against the writer schema first (lengths, counts, depth): apache-avro's
        // decoder bounds none of them.
        crate::codec::avro::generic::read(&writer.schema, None, &record.value)
            .map_err(|e| invalid(record, RecordError::Avro(e)))
    }

    /// Decodes a record's key into `K`, as the producer's [`KeyEncoding`] wrote it: with the
    /// default ([`KeyEncoding::Auto`]) a plain `K` (string, bytes, `int`, `long`) is read raw,
    /// as Kafka's deserializers read it, and any other `K` from a frame with its own schema
    /// id (Avro, JSON or Protobuf); [`ConsumerBuilder::key_encoding`] changes that.
    /// `Ok(None)` when the record has no key. Avro keys are decoded only with their own
    /// schema (no resolution).
    pub async fn decode_key<K: StreamSchema + AvroDecode + JsonDecode + 'static>(
        &mut self,
        record: &ConsumedRecord,
    ) -> Result<Option<K>, ClientError> {
        crate::error::schemas_of::<K>()?;
        let Some(key) = &record.key else {
            return Ok(None);
        };
        if self.key_encoding.for_key::<K>() != KeyEncoding::Schema {
            return decode_raw_key::<K>(key)
                .map(Some)
                .map_err(|e| invalid(record, RecordError::Decode(e)));
        }
        let frame = wire::parse_frame(key).map_err(|e| invalid(record, RecordError::Frame(e)))?;
        let SchemaId::Id(id) = frame.schema_id else {
            return Err(invalid(record, RecordError::GuidNotSupported));
        };
        let schema = match self.schema(id).await? {
            Some(schema) => schema,
            None => return Err(invalid(record, RecordError::UnknownSchemaId(id))),
        };
        // The key schema's READ rules run on its payload before the decode, as on values
        // (Confluent's key deserializers run them with `is_key`).
        #[cfg(feature = "rules")]
        let transformed =
            if crate::rules::has_rules(&schema, crate::schema::contract::RuleMode::Read) {
                self.rules
                    .apply_key(
                        &record.topic,
                        id,
                        &schema,
                        &record.headers,
                        key,
                        frame.payload,
                    )
                    .await?
            } else {
                None
            };
        #[cfg(feature = "rules")]
        let payload = transformed.as_deref().unwrap_or(frame.payload);
        #[cfg(not(feature = "rules"))]
        let payload = frame.payload;
        match schema.schema_type {
            SchemaFormat::Avro => {
                let writer = self.parsed_avro(record, id, &schema)?;
                if writer.fingerprint != K::avro_fingerprint() {
                    return Err(invalid(
                        record,
                        RecordError::Incompatible {
                            schema_id: id,
                            reader: K::full_name().to_string(),
                            message: "keys are decoded only with their own schema".to_string(),
                        },
                    ));
                }
                K::decode_value(payload)
                    .map(Some)
                    .map_err(|e| invalid(record, RecordError::Decode(e)))
            }
            SchemaFormat::Json => K::decode_json(payload)
                .map(Some)
                .map_err(|e| invalid(record, RecordError::Json(e))),
            SchemaFormat::Protobuf => {
                let (indexes, payload) = wire::parse_message_indexes(payload)
                    .map_err(|e| invalid(record, RecordError::Frame(e)))?;
                self.decode_protobuf::<K>(record, id, &schema, &indexes, payload)
                    .map(Some)
            }
        }
    }

    /// Moves the read position of one partition (the next poll from it returns `offset`).
    pub fn seek(&mut self, topic: &str, partition: i32, offset: i64) -> Result<(), ClientError> {
        Ok(self.cursor.seek(topic, partition, offset)?)
    }

    /// The offset the consumer reads next from a partition, if it has a position there.
    pub fn position(&self, topic: &str, partition: i32) -> Option<i64> {
        self.cursor.position(topic, partition)
    }

    /// Turns a transport record into a consumed record, resolving its writer schema.
    async fn resolve(&mut self, record: TransportRecord) -> Result<ConsumedRecord, ClientError> {
        if self.registry.is_none() {
            return Ok(consumed(record, None, None, Vec::new(), 0));
        }
        let frame = match wire::parse_frame(&record.value) {
            Ok(frame) => frame,
            Err(error) => return Err(invalid_raw(&record, RecordError::Frame(error))),
        };
        let SchemaId::Id(id) = frame.schema_id else {
            return Err(invalid_raw(&record, RecordError::GuidNotSupported));
        };
        let header_len = record.value.len().saturating_sub(frame.payload.len());
        let schema = match self.schema(id).await {
            Ok(Some(schema)) => schema,
            Ok(None) => return Err(invalid_raw(&record, RecordError::UnknownSchemaId(id))),
            Err(error) => {
                // The registry failed, not the record: rewind so the next poll retries it
                // instead of losing it.
                if let Err(seek_error) =
                    self.cursor
                        .seek(&record.topic, record.partition, record.offset)
                {
                    tracing::warn!(%seek_error, "could not rewind to a record whose schema lookup failed");
                }
                return Err(error);
            }
        };
        let (indexes, payload_start) = if schema.schema_type == SchemaFormat::Protobuf {
            match wire::parse_message_indexes(frame.payload) {
                Ok((indexes, rest)) => (indexes, record.value.len().saturating_sub(rest.len())),
                Err(error) => return Err(invalid_raw(&record, RecordError::Frame(error))),
            }
        } else {
            (Vec::new(), header_len)
        };
        // The writer schema's READ rules run on the payload before any decode (a Protobuf
        // one with its message indexes, which name the message); a transform replaces the
        // payload with the transformed message in the writer schema.
        #[cfg(feature = "rules")]
        let record = if crate::rules::has_rules(&schema, crate::schema::contract::RuleMode::Read) {
            let payload = record.value.get(header_len..).unwrap_or_default();
            match self
                .rules
                .apply(
                    &record.topic,
                    id,
                    &schema,
                    record.key.as_deref(),
                    &record.headers,
                    &record.value,
                    payload,
                )
                .await?
            {
                Some(transformed) => {
                    let mut value = bytes::BytesMut::with_capacity(header_len + transformed.len());
                    value.extend_from_slice(record.value.get(..header_len).unwrap_or_default());
                    value.extend_from_slice(&transformed);
                    TransportRecord {
                        value: value.freeze(),
                        ..record
                    }
                }
                None => record,
            }
        } else {
            record
        };
        Ok(consumed(
            record,
            Some(id),
            Some(schema),
            indexes,
            payload_start,
        ))
    }

    /// The writer schema with `id`: from the consumer's cache, else the registry.
    async fn schema(&mut self, id: i32) -> Result<Option<Arc<Schema>>, ClientError> {
        if let Some(schema) = self.schemas.get(&id) {
            return Ok(Some(Arc::clone(schema)));
        }
        let Some(registry) = &self.registry else {
            return Ok(None);
        };
        let schema = registry.by_id(id).await?;
        if let Some(schema) = &schema {
            // A Protobuf schema that imports registered files is looked into (message-index
            // paths, the reader's checks) as the registry compiled it with them. A registry
            // that refuses the serialized form leaves the schema to its text, which cannot be
            // looked into; an outage fails the poll, which retries.
            if schema.schema_type == SchemaFormat::Protobuf && !schema.references.is_empty() {
                match registry.by_id_serialized(id).await {
                    Ok(Some(serialized)) => self.proto_messages.learn_serialized(id, &serialized),
                    Ok(None) => {}
                    Err(error)
                        if error
                            .registry_error()
                            .is_some_and(|e| e.is_unavailable() || e.is_retriable()) =>
                    {
                        return Err(error)
                    }
                    Err(error) => {
                        tracing::warn!(%error, id, "the registry has no serialized form of the writer schema")
                    }
                }
            }
            // An Avro schema with references is read with the referenced types inlined;
            // one that cannot be resolved fails its decodes with the parse error.
            if schema.schema_type == SchemaFormat::Avro && !schema.references.is_empty() {
                match avro_references::self_contained(registry.as_ref(), schema).await {
                    Ok(text) => {
                        self.avro_texts.insert(id, Arc::from(text));
                    }
                    Err(Unresolved::Registry(error)) => return Err(error),
                    Err(Unresolved::Invalid(reason)) => {
                        tracing::warn!(%reason, id, "the references of the writer schema cannot be resolved")
                    }
                }
            }
            self.schemas.insert(id, Arc::clone(schema));
        }
        Ok(schema)
    }

    /// The text of Avro writer schema `id` to decode with: self-contained when it has
    /// references.
    fn avro_text<'a>(&'a self, id: i32, schema: &'a Schema) -> &'a str {
        self.avro_texts
            .get(&id)
            .map_or(schema.schema.as_str(), |text| text)
    }

    /// The record's writer schema, which must be Avro, parsed.
    fn avro_writer(&self, record: &ConsumedRecord) -> Result<(i32, Arc<ParsedAvro>), ClientError> {
        let (Some(id), Some(schema)) = (record.schema_id, &record.schema) else {
            return Err(invalid(record, RecordError::NoSchema));
        };
        Ok((id, self.parsed_avro(record, id, schema)?))
    }

    fn parsed_avro(
        &self,
        record: &ConsumedRecord,
        id: i32,
        schema: &Schema,
    ) -> Result<Arc<ParsedAvro>, ClientError> {
        if schema.schema_type != SchemaFormat::Avro {
            return Err(invalid(
                record,
                RecordError::WrongFormat {
                    schema_id: id,
                    expected: SchemaFormat::Avro,
                    actual: schema.schema_type,
                },
            ));
        }
        if let Some(parsed) = self
            .parsed
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(Arc::clone(parsed));
        }
        let parsed = apache_avro::Schema::parse_str(self.avro_text(id, schema)).map_err(|e| {
            invalid(
                record,
                RecordError::InvalidSchema {
                    schema_id: id,
                    message: e.to_string(),
                },
            )
        })?;
        let fingerprint = rabin_fingerprint(parsed.canonical_form().as_bytes());
        let parsed = Arc::new(ParsedAvro {
            schema: parsed,
            fingerprint,
        });
        self.parsed
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&parsed));
        Ok(parsed)
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("cursor", &self.cursor)
            .field("registry", &self.registry)
            .field(
                "cached_schema_ids",
                &self.schemas.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn consumed(
    record: TransportRecord,
    schema_id: Option<i32>,
    schema: Option<Arc<Schema>>,
    message_indexes: Vec<i32>,
    payload_start: usize,
) -> ConsumedRecord {
    // `payload_start` is the length of a prefix of the value, so the slice is in bounds;
    // `min` keeps that true even if a caller got it wrong.
    let start = payload_start.min(record.value.len());
    ConsumedRecord {
        topic: record.topic.to_string(),
        partition: record.partition,
        offset: record.offset,
        timestamp: record.timestamp,
        key: record.key,
        value: record.value.slice(start..),
        schema_id,
        schema,
        message_indexes,
        headers: record.headers,
    }
}

/// Reads a record's Avro payload as `T` the way `read` says.
#[inline]
fn read_avro<T: StreamSchema + AvroDecode>(
    read: &AvroRead,
    record: &ConsumedRecord,
) -> Result<T, ClientError> {
    match read {
        AvroRead::Same => T::decode_value(&record.value),
        AvroRead::Resolved(plan) => plan.decode_with_thread_scratch(&record.value),
    }
    .map_err(|e| invalid(record, RecordError::Decode(e)))
}

fn invalid(record: &ConsumedRecord, reason: RecordError) -> ClientError {
    metrics::counter!(crate::telemetry::CONSUMER_INVALID_RECORDS).increment(1);
    ClientError::InvalidRecord(Box::new(InvalidRecord {
        topic: record.topic.clone(),
        partition: record.partition,
        offset: record.offset,
        reason,
    }))
}

fn invalid_raw(record: &TransportRecord, reason: RecordError) -> ClientError {
    metrics::counter!(crate::telemetry::CONSUMER_INVALID_RECORDS).increment(1);
    ClientError::InvalidRecord(Box::new(InvalidRecord {
        topic: record.topic.to_string(),
        partition: record.partition,
        offset: record.offset,
        reason,
    }))
}
