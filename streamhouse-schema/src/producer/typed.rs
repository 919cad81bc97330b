//! The typed send path: a type's format and codec, its cached id, its frame.
//!
//! Written for the steady state: after the first send of a type to a topic, a send is one
//! cache read per schema (which also gives the format), the generated encoder writing
//! straight into the frame's buffer, and the transport call, with nothing awaited before
//! the transport. Everything that can fail before the registry is asked (no Protobuf
//! codec) fails first, so nothing is registered for a send that cannot be encoded.

use bytes::Bytes;

use tracing::Instrument;

use super::counted;
use super::frame::build_frame;
use super::{Chosen, Producer};
use crate::client::format::{no_proto_codec, schema_text};
use crate::client::id_memo::IdMemo;
use crate::client::key::{self, KeyEncoding};
use crate::client::schema_ids::{SchemaKey, TypedId};
use crate::codec::json::JsonEncode;
use crate::codec::proto::ProtoCodec;
use crate::error::ClientError;
use crate::schema::{SchemaFormat, StreamSchema};
use crate::transport::{SendResult, TransportFuture};

/// How much room to reserve for a typed payload before encoding (the buffer grows if a
/// payload is larger).
const TYPED_PAYLOAD_HINT: usize = 64;

/// What the typed send path needs of a key or value type: its schemas and generated codecs.
pub(super) trait Typed: StreamSchema + JsonEncode + 'static {}

impl<T: StreamSchema + JsonEncode + 'static> Typed for T {}

/// How values of one type are written: the format, with the generated codec for Protobuf.
enum Encoding<T> {
    Avro,
    Json,
    Protobuf(ProtoCodec<T>),
}

impl Producer {
    /// Sends `value` (with `key`, if any) to `topic`: `send_typed` and `send_typed_to`.
    ///
    /// `memo` is `T`'s id memo when `topic` is `T`'s own topic (`send_typed`), so the ids
    /// can be read without touching the shared cache.
    pub(super) async fn send_typed_record<T: Typed, K: Typed>(
        &self,
        topic: &str,
        key: Option<&K>,
        value: &T,
        memo: Option<&IdMemo>,
    ) -> Result<SendResult, ClientError> {
        // Kept apart from the first send so that nothing here lives across an await: the
        // embedded log's result comes back without a poll.
        let sent = match self.send_cached(topic, key, value, memo) {
            Ok(Some(sent)) => match sent.into_ready() {
                Ok(result) => result.map_err(ClientError::from),
                Err(pending) => pending.await.map_err(ClientError::from),
            },
            Ok(None) => {
                self.send_first(topic, key, value)
                    .instrument(tracing::debug_span!("first_send", topic))
                    .await
            }
            Err(error) => Err(error),
        };
        counted(sent)
    }

    /// The send when every id it needs is cached; `None` when one is not.
    fn send_cached<'a, T: Typed, K: Typed>(
        &'a self,
        topic: &'a str,
        key: Option<&K>,
        value: &T,
        memo: Option<&IdMemo>,
    ) -> Result<Option<TransportFuture<'a, SendResult>>, ClientError> {
        let Some(value_id) = self.memo_or_cached_id::<T>(memo, topic, false) else {
            return Ok(None);
        };
        // A schema with WRITE rules (the value's, or a framed key's) takes the path that
        // can await them, unless the value's are all conditions that pass evaluated on the
        // value, or constant field transforms spliced into the frame.
        let splice = value_id.write_rules && !self.compiled_conditions_pass(value_id, value);
        if splice && !self.splices(value_id) {
            return Ok(None);
        }
        let key_bytes = match (key, self.inner.settings.key_encoding.for_key::<K>()) {
            (None, _) => None,
            (Some(key), KeyEncoding::Raw | KeyEncoding::Auto) => Some(raw_key_bytes(key)?),
            (Some(key), KeyEncoding::Schema) => {
                let Some(key_id) = self.memo_or_cached_id::<K>(memo, topic, true) else {
                    return Ok(None);
                };
                if key_id.write_rules {
                    return Ok(None);
                }
                Some(self.typed_frame(key_id, key)?)
            }
        };
        let mut frame = self.typed_frame(value_id, value)?;
        if splice {
            match self.spliced(value_id, &frame) {
                Some(spliced) => frame = spliced,
                // Not walked: the interpreter's path says why.
                None => return Ok(None),
            }
        }
        #[cfg(feature = "rules")]
        if value_id.write_rules {
            self.inner.rules.count_compiled_pass(value_id.id);
        }
        Ok(Some(self.inner.transport.send(
            topic,
            None,
            key_bytes,
            frame,
            Vec::new(),
        )))
    }

    /// The first send of a type (or key type) to a topic: the ids missing from the cache
    /// are registered (or looked up), the value's first (so a registry that cannot be
    /// reached is reported for the `-value` subject the user knows), then the record is
    /// sent.
    async fn send_first<T: Typed, K: Typed>(
        &self,
        topic: &str,
        key: Option<&K>,
        value: &T,
    ) -> Result<SendResult, ClientError> {
        // A type whose schemas cannot be built is an error here, before any accessor that
        // would panic on it (a cached OnceLock read once they are built).
        crate::error::schemas_of::<T>()?;
        crate::error::schemas_of::<K>()?;
        // The value's codec is checked before anything (the key's schema included) is
        // registered.
        self.encoding::<T>(self.format_of::<T>(false))?;
        let id = self.typed_id::<T>(topic, false).await?;
        let key_bytes = match (key, self.inner.settings.key_encoding.for_key::<K>()) {
            (None, _) => None,
            (Some(key), KeyEncoding::Raw | KeyEncoding::Auto) => Some(raw_key_bytes(key)?),
            (Some(key), KeyEncoding::Schema) => {
                let id = self.typed_id::<K>(topic, true).await?;
                let frame = self.typed_frame(id, key)?;
                Some(self.key_rules(topic, id, frame).await?)
            }
        };
        let frame = self.typed_frame(id, value)?;
        if id.write_rules && self.compiled_conditions_pass(id, value) {
            #[cfg(feature = "rules")]
            self.inner.rules.count_compiled_pass(id.id);
            return self.deliver(topic, None, key_bytes, frame).await;
        }
        self.deliver_framed(topic, None, key_bytes, frame, id.id)
            .await
    }

    /// Whether the WRITE rules of `id` are all CEL conditions that pass on `value` when
    /// evaluated on it: the type's own, compiled by the derive, or conditions registered on
    /// the subject within the compiled subset, compiled against the type's field table
    /// (then the frame goes as it is, its rules counted as passed). Avro only: its values
    /// bind to CEL exactly as the compiled code reads them; and only for the type's own
    /// schema, not a registry version it is rewritten into.
    #[inline]
    fn compiled_conditions_pass<T: Typed>(&self, id: TypedId, value: &T) -> bool {
        #[cfg(feature = "rules")]
        {
            !id.rewritten
                && id.format == SchemaFormat::Avro
                && self.inner.rules.compiled_conditions_pass(id.id, &|expr| {
                    value
                        .declared_condition(expr)
                        .or_else(|| self.inner.rules.registered_condition(expr, value))
                })
        }
        #[cfg(not(feature = "rules"))]
        {
            let _ = (id, value);
            false
        }
    }

    /// Whether the WRITE rules of `id` are constant field transforms spliced into the frame
    /// (`rules::avro_splice`).
    #[inline]
    fn splices(&self, id: TypedId) -> bool {
        #[cfg(feature = "rules")]
        {
            self.inner.rules.splices(id.id)
        }
        #[cfg(not(feature = "rules"))]
        {
            let _ = id;
            false
        }
    }

    /// `frame` with the constant field transforms of `id` spliced in; `None` when it does
    /// not walk.
    fn spliced(&self, id: TypedId, frame: &[u8]) -> Option<Bytes> {
        #[cfg(feature = "rules")]
        {
            self.inner.rules.spliced(id.id, frame)
        }
        #[cfg(not(feature = "rules"))]
        {
            let _ = (id, frame);
            None
        }
    }

    /// The format typed sends write `T` in (as a key or as a value): the one chosen for it
    /// on the builder, else its own (`#[stream_schema(format = "...")]`), else the
    /// producer's default (for keys, Avro when that default is Protobuf: a string or number
    /// key is no message).
    fn format_of<T: StreamSchema>(&self, is_key: bool) -> SchemaFormat {
        let settings = &self.inner.settings;
        match (settings.formats.get::<T>(), T::FORMAT) {
            (Some(entry), _) => entry.format,
            (None, Some(own)) => own,
            (None, None) if is_key && settings.default_format == SchemaFormat::Protobuf => {
                SchemaFormat::Avro
            }
            (None, None) => settings.default_format,
        }
    }

    /// How `T` is written in `format`: an error for Protobuf without a codec.
    #[inline]
    fn encoding<T: StreamSchema + 'static>(
        &self,
        format: SchemaFormat,
    ) -> Result<Encoding<T>, ClientError> {
        Ok(match format {
            SchemaFormat::Avro => Encoding::Avro,
            SchemaFormat::Json => Encoding::Json,
            SchemaFormat::Protobuf => Encoding::Protobuf(
                self.inner
                    .settings
                    .formats
                    .proto_codec_of::<T>()
                    .ok_or_else(|| ClientError::ConfigError(no_proto_codec::<T>("sent")))?,
            ),
        })
    }

    /// The cached id (and format) of `T`'s schema for `topic` (key or value role).
    #[inline]
    fn cached_id<T: StreamSchema>(&self, topic: &str, is_key: bool) -> Option<TypedId> {
        self.inner
            .typed_ids
            .get(SchemaKey::of::<T>(), is_key, topic)
    }

    /// The cached id of a schema for `topic`, from the memo when there is one (remembered
    /// there for the next send when it had to come from the shared cache).
    #[inline]
    fn memo_or_cached_id<T: StreamSchema>(
        &self,
        memo: Option<&IdMemo>,
        topic: &str,
        is_key: bool,
    ) -> Option<TypedId> {
        let tag = self.inner.tag;
        if let Some(remembered) = memo.and_then(|memo| memo.get(tag, is_key)) {
            return Some(remembered);
        }
        // The shared cache is keyed by `T`'s schemas, which may not build: then nothing is
        // cached, and the first-send path reports why.
        T::try_schemas().ok()?;
        let cached = self.cached_id::<T>(topic, is_key)?;
        if let Some(memo) = memo {
            memo.set(tag, is_key, cached);
        }
        Some(cached)
    }

    /// The id of `T`'s schema for `topic`: from the cache, or registered (looked up) once
    /// in the format chosen for `T`.
    async fn typed_id<T: StreamSchema + 'static>(
        &self,
        topic: &str,
        is_key: bool,
    ) -> Result<TypedId, ClientError> {
        if let Some(cached) = self.cached_id::<T>(topic, is_key) {
            return Ok(cached);
        }
        let format = self.format_of::<T>(is_key);
        // Checked before the registry is asked: nothing is registered for a type that
        // cannot be encoded.
        self.encoding::<T>(format)?;
        let registry = self.registry()?;
        if format == SchemaFormat::Protobuf {
            // A type whose Protobuf view cannot be built is a mistake in its definitions.
            T::try_proto_schema().map_err(|e| ClientError::InvalidSchema {
                type_name: std::any::type_name::<T>(),
                source: e.clone().into(),
            })?;
        }
        let schema = schema_text::<T>(format).map_err(ClientError::ConfigError)?;
        let subject = self.subject(topic, is_key, Some(T::full_name()))?;
        // The schemas it refers to (the files a Protobuf schema imports, the named types
        // an Avro or JSON schema refers to) are registered (or looked up) first.
        let references = self.references::<T>(registry, format).await?;
        // A type that declares a data contract registers it with its schema.
        let chosen = match T::contract() {
            Some(contract) if self.inner.settings.auto_register => Chosen::Own(
                registry
                    .register_with_contract(&subject, schema, format, &references, contract)
                    .await?,
            ),
            _ => {
                self.choose_version(
                    registry,
                    &subject,
                    schema,
                    format,
                    &references,
                    Some(T::full_name()),
                )
                .await?
            }
        };
        let (Chosen::Own(id) | Chosen::Rewritten(id, _)) = &chosen;
        let write_rules = self.learn_rules(registry, &subject, *id).await?;
        let typed = match chosen {
            Chosen::Own(id) => TypedId {
                id,
                format,
                rewritten: false,
                write_rules,
            },
            Chosen::Rewritten(id, rewrite) => {
                self.inner
                    .rewrites
                    .insert(SchemaKey::of::<T>(), id, rewrite);
                TypedId {
                    id,
                    format,
                    rewritten: true,
                    write_rules,
                }
            }
        };
        self.inner
            .typed_ids
            .insert(SchemaKey::of::<T>(), is_key, topic, typed);
        Ok(typed)
    }

    /// The frame of `value` with its schema id: header, message indexes for Protobuf,
    /// then the payload from the generated encoder, in one buffer.
    fn typed_frame<T: Typed>(&self, id: TypedId, value: &T) -> Result<Bytes, ClientError> {
        if id.rewritten {
            return self.rewritten_frame(id, value);
        }
        match self.encoding::<T>(id.format)? {
            Encoding::Avro => build_frame(id.id, None, TYPED_PAYLOAD_HINT, |buf| {
                value.encode_value(buf).map_err(ClientError::from)
            }),
            Encoding::Json => build_frame(id.id, None, TYPED_PAYLOAD_HINT, |buf| {
                #[cfg(feature = "json-validation")]
                let start = buf.len();
                value.encode_json(buf)?;
                #[cfg(feature = "json-validation")]
                if let Some(validators) = &self.inner.json_validators {
                    validators.check_typed::<T>(buf.get(start..).unwrap_or_default())?;
                }
                Ok(())
            }),
            // No sizing pass first: as for the other formats, the payload is written into
            // the frame's buffer, which grows if the hint is too small.
            Encoding::Protobuf(codec) => build_frame(
                id.id,
                Some(T::proto_message_indexes()),
                TYPED_PAYLOAD_HINT,
                |buf| {
                    (codec.encode)(value, buf);
                    Ok(())
                },
            ),
        }
    }
}

impl Producer {
    /// The frame of `value` in a version picked by the latest-version settings: the type's
    /// own encoding, rewritten into that version (see the `latest` module).
    #[cold]
    fn rewritten_frame<T: Typed>(&self, id: TypedId, value: &T) -> Result<Bytes, ClientError> {
        let rewrite = self
            .inner
            .rewrites
            .get(SchemaKey::of::<T>(), id.id)
            .ok_or(ClientError::UnknownSchemaId(id.id))?;
        let own = self.typed_frame(
            TypedId {
                rewritten: false,
                ..id
            },
            value,
        )?;
        let payload = crate::wire::parse_frame(&own)
            .map_err(|e| {
                ClientError::ConfigError(format!("the type's own frame does not parse: {e}"))
            })?
            .payload;
        // The type's own Protobuf frame carries its message-index path before the payload.
        let payload = match id.format {
            SchemaFormat::Protobuf => {
                crate::wire::parse_message_indexes(payload)
                    .map_err(|e| {
                        ClientError::ConfigError(format!(
                            "the type's own frame does not parse: {e}"
                        ))
                    })?
                    .1
            }
            SchemaFormat::Avro | SchemaFormat::Json => payload,
        };
        let rewritten = rewrite.payload(payload)?;
        build_frame(id.id, rewrite.message_indexes(), rewritten.len(), |buf| {
            buf.extend_from_slice(&rewritten);
            Ok::<(), ClientError>(())
        })
    }
}

/// A raw key: plain types straight into the frame arena, others through their schema.
#[inline]
fn raw_key_bytes<K: Typed>(key: &K) -> Result<Bytes, ClientError> {
    if K::PLAIN_KEY {
        if let Some(raw) = super::frame::arena_bytes(|buf| key.write_raw_key(buf)) {
            return Ok(raw);
        }
    }
    key::raw_key(key)
}
