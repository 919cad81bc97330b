//! The typed send path: a type's format and codec, its cached id, its frame.
//!
//! Written for the steady state: after the first send of a type to a topic, a send is one
//! cache read per schema, the generated encoder writing straight into the frame's buffer,
//! and the transport call. Everything that can fail before the registry is asked (no
//! Protobuf codec) fails first, so nothing is registered for a send that cannot be encoded.

use bytes::Bytes;

use super::format::no_proto_codec;
use super::frame::build_frame;
use super::key::{self, KeyEncoding};
use super::schema_ids::SchemaKey;
use super::Producer;
use crate::codec::json::JsonEncode;
use crate::codec::proto::ProtoCodec;
use crate::error::ClientError;
use crate::schema::{SchemaFormat, StreamSchema};
use crate::transport::{SendResult, TransportFuture};

/// How much room to reserve for a typed payload before encoding (the buffer grows if a
/// payload is larger).
const TYPED_PAYLOAD_HINT: usize = 64;

/// How values of one type are written: the format, with the generated codec for Protobuf.
enum Encoding<T> {
    Avro,
    Json,
    Protobuf(ProtoCodec<T>),
}

impl<T> Encoding<T> {
    fn format(&self) -> SchemaFormat {
        match self {
            Encoding::Avro => SchemaFormat::Avro,
            Encoding::Json => SchemaFormat::Json,
            Encoding::Protobuf(_) => SchemaFormat::Protobuf,
        }
    }
}

impl Producer {
    /// Sends `value` (with `key`, if any) to `topic`: `send_typed` and `send_typed_to`.
    pub(super) async fn send_typed_record<T, K>(
        &self,
        topic: &str,
        key: Option<&K>,
        value: &T,
    ) -> Result<SendResult, ClientError>
    where
        T: StreamSchema + JsonEncode + 'static,
        K: StreamSchema + JsonEncode + 'static,
    {
        // Every send after the first of its types to this topic: nothing to await before
        // the transport, and (on the embedded log) nothing after it either.
        if let Some(sent) = self.send_cached(topic, key, value)? {
            return match sent.into_ready() {
                Ok(result) => Ok(result?),
                Err(pending) => Ok(pending.await?),
            };
        }
        self.send_first(topic, key, value).await
    }

    /// The send when every id it needs is cached; `None` when one is not.
    fn send_cached<'a, T, K>(
        &'a self,
        topic: &'a str,
        key: Option<&K>,
        value: &T,
    ) -> Result<Option<TransportFuture<'a, SendResult>>, ClientError>
    where
        T: StreamSchema + JsonEncode + 'static,
        K: StreamSchema + JsonEncode + 'static,
    {
        let value_encoding = self.encoding::<T>(false)?;
        let Some(value_id) = self.cached_id::<T>(topic, false) else {
            return Ok(None);
        };
        let key_bytes = match (key, self.inner.settings.key_encoding) {
            (None, _) => None,
            (Some(key), KeyEncoding::Raw) => Some(key::raw_key(key)?),
            (Some(key), KeyEncoding::Schema) => {
                let encoding = self.encoding::<K>(true)?;
                let Some(id) = self.cached_id::<K>(topic, true) else {
                    return Ok(None);
                };
                Some(self.typed_frame(id, &encoding, key)?)
            }
        };
        let frame = self.typed_frame(value_id, &value_encoding, value)?;
        Ok(Some(self.inner.transport.send(
            topic,
            None,
            key_bytes,
            frame,
            Vec::new(),
        )))
    }

    /// The first send of a type (or key type) to a topic: the ids missing from the cache
    /// are registered (or looked up), key first, then the record is sent.
    async fn send_first<T, K>(
        &self,
        topic: &str,
        key: Option<&K>,
        value: &T,
    ) -> Result<SendResult, ClientError>
    where
        T: StreamSchema + JsonEncode + 'static,
        K: StreamSchema + JsonEncode + 'static,
    {
        let value_encoding = self.encoding::<T>(false)?;
        let key_bytes = match (key, self.inner.settings.key_encoding) {
            (None, _) => None,
            (Some(key), KeyEncoding::Raw) => Some(key::raw_key(key)?),
            (Some(key), KeyEncoding::Schema) => {
                let encoding = self.encoding::<K>(true)?;
                let id = self.typed_id::<K>(topic, true, &encoding).await?;
                Some(self.typed_frame(id, &encoding, key)?)
            }
        };
        let id = self.typed_id::<T>(topic, false, &value_encoding).await?;
        let frame = self.typed_frame(id, &value_encoding, value)?;
        self.deliver(topic, None, key_bytes, frame).await
    }

    /// How typed sends write `T` (as a key or as a value): in the format chosen for it on
    /// the builder, else its own (`#[stream_schema(format = "...")]`), else the producer's
    /// default (for keys, Avro when that default is Protobuf: a string or number key is
    /// no message).
    #[inline]
    fn encoding<T: StreamSchema + 'static>(
        &self,
        is_key: bool,
    ) -> Result<Encoding<T>, ClientError> {
        let settings = &self.inner.settings;
        let format = match (settings.formats.get::<T>(), T::FORMAT) {
            (Some(entry), _) => entry.format,
            (None, Some(own)) => own,
            (None, None) if is_key && settings.default_format == SchemaFormat::Protobuf => {
                SchemaFormat::Avro
            }
            (None, None) => settings.default_format,
        };
        Ok(match format {
            SchemaFormat::Avro => Encoding::Avro,
            SchemaFormat::Json => Encoding::Json,
            SchemaFormat::Protobuf => Encoding::Protobuf(
                settings
                    .formats
                    .proto_codec_of::<T>()
                    .ok_or_else(|| ClientError::ConfigError(no_proto_codec::<T>("sent")))?,
            ),
        })
    }

    /// The cached id of `T`'s schema for `topic` (key or value role).
    #[inline]
    fn cached_id<T: StreamSchema>(&self, topic: &str, is_key: bool) -> Option<i32> {
        self.inner
            .typed_ids
            .get(SchemaKey::of::<T>(), is_key, topic)
    }

    /// The id of `T`'s schema for `topic`: from the cache, or registered (looked up) once.
    #[inline]
    async fn typed_id<T: StreamSchema>(
        &self,
        topic: &str,
        is_key: bool,
        encoding: &Encoding<T>,
    ) -> Result<i32, ClientError> {
        match self.cached_id::<T>(topic, is_key) {
            Some(id) => Ok(id),
            None => {
                self.resolve_typed::<T>(topic, is_key, encoding.format())
                    .await
            }
        }
    }

    /// The frame of `value` with schema `id`: header, message indexes for Protobuf, then
    /// the payload from the generated encoder, in one buffer.
    fn typed_frame<T: StreamSchema + JsonEncode>(
        &self,
        id: i32,
        encoding: &Encoding<T>,
        value: &T,
    ) -> Result<Bytes, ClientError> {
        match encoding {
            Encoding::Avro => build_frame(id, None, TYPED_PAYLOAD_HINT, |buf| {
                value.encode_value(buf).map_err(ClientError::from)
            }),
            Encoding::Json => build_frame(id, None, TYPED_PAYLOAD_HINT, |buf| {
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
                id,
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
