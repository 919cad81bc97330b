//! How typed sends write record keys and typed reads read them back.

use apache_avro::schema::UuidSchema;
use apache_avro::Schema as AvroSchema;
use bytes::Bytes;

use crate::codec::avro::{varint, AvroDecode, DecodeError};
use crate::error::ClientError;
use crate::schema::StreamSchema;

/// How the producer writes the key of a typed send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyEncoding {
    /// The default: plain keys (strings, string UUIDs, bytes, `int`, `long`) as
    /// [`Raw`](Self::Raw), the way Kafka's `StringSerializer` (and its byte-array, integer
    /// and long serializers) write them, so a Java client sending the same key picks the
    /// same partition; any other key type (a record, an enum) as [`Schema`](Self::Schema),
    /// since it has no plain form.
    #[default]
    Auto,
    /// A Confluent frame with the key type's own schema, registered under the key subject
    /// (`{topic}-key` by default), as Confluent's Avro key serializer writes it. Opt in to
    /// it for plain keys too when consumers read keys with a schema-registry deserializer.
    Schema,
    /// The key's plain bytes, as Kafka's own serializers write them: UTF-8 for strings
    /// (and string UUIDs), the bytes themselves for `bytes`, 4 or 8 big-endian bytes for
    /// `int` and `long` (Kafka's `IntegerSerializer` / `LongSerializer`). No schema is
    /// registered for the key. Other key types are a configuration error.
    Raw,
}

impl KeyEncoding {
    /// What this setting means for keys of type `K`: [`Raw`](Self::Raw) or
    /// [`Schema`](Self::Schema).
    #[inline]
    pub(crate) fn for_key<K: StreamSchema>(self) -> KeyEncoding {
        match self {
            KeyEncoding::Auto if K::PLAIN_KEY => KeyEncoding::Raw,
            KeyEncoding::Auto => KeyEncoding::Schema,
            chosen => chosen,
        }
    }
}

/// The plain bytes of `key` for [`KeyEncoding::Raw`].
pub(crate) fn raw_key<K: StreamSchema>(key: &K) -> Result<Bytes, ClientError> {
    // The plain types write theirs directly (no schema lookup).
    let mut direct = bytes::BytesMut::new();
    if key.write_raw_key(&mut direct) {
        return Ok(direct.freeze());
    }
    let mut payload = Vec::new();
    key.encode_value(&mut payload)?;
    let unsupported = || {
        ClientError::ConfigError(format!(
            "raw keys must be strings, bytes, int or long; the key type {} is not (use KeyEncoding::Schema)",
            K::full_name()
        ))
    };
    let mut input = payload.as_slice();
    let raw = match K::avro_schema() {
        // Top-level bytes are already written raw (no length prefix).
        AvroSchema::Bytes => return Ok(Bytes::from(payload)),
        AvroSchema::String | AvroSchema::Uuid(UuidSchema::String) => varint::read_bytes(&mut input)
            .map(Bytes::copy_from_slice)
            .map_err(|_| unsupported())?,
        AvroSchema::Int => varint::read_int(&mut input)
            .map(|v| Bytes::copy_from_slice(&v.to_be_bytes()))
            .map_err(|_| unsupported())?,
        AvroSchema::Long => varint::read_long(&mut input)
            .map(|v| Bytes::copy_from_slice(&v.to_be_bytes()))
            .map_err(|_| unsupported())?,
        _ => return Err(unsupported()),
    };
    Ok(raw)
}

/// Reads a raw key (as [`raw_key`] writes it, or as Kafka's `StringSerializer`,
/// `IntegerSerializer`, `LongSerializer` and byte-array serializer do) as `K`.
pub(crate) fn decode_raw_key<K: StreamSchema + AvroDecode>(raw: &[u8]) -> Result<K, DecodeError> {
    // The Avro binary of the same value, which `K`'s generated decoder reads.
    let mut avro = Vec::with_capacity(raw.len() + 10);
    match K::avro_schema() {
        AvroSchema::Bytes => avro.extend_from_slice(raw),
        AvroSchema::String | AvroSchema::Uuid(UuidSchema::String) => {
            varint::write_bytes(&mut avro, raw)
        }
        AvroSchema::Int => {
            let bytes: [u8; 4] = raw.try_into().map_err(|_| wrong_length(4, raw.len()))?;
            varint::write_long(&mut avro, i64::from(i32::from_be_bytes(bytes)));
        }
        AvroSchema::Long => {
            let bytes: [u8; 8] = raw.try_into().map_err(|_| wrong_length(8, raw.len()))?;
            varint::write_long(&mut avro, i64::from_be_bytes(bytes));
        }
        other => {
            return Err(DecodeError::InvalidValue(format!(
            "a raw key cannot be read as {} (schema {other:?}): read it with KeyEncoding::Schema",
            K::full_name()
        )))
        }
    }
    K::decode_value(&avro)
}

fn wrong_length(expected: usize, actual: usize) -> DecodeError {
    DecodeError::InvalidValue(format!(
        "a raw integer key is {expected} big-endian bytes, this one has {actual}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_utf8_bytes() {
        assert_eq!(
            raw_key(&"ord-1".to_string()).ok(),
            Some(Bytes::from_static(b"ord-1"))
        );
        assert_eq!(raw_key(&String::new()).ok(), Some(Bytes::new()));
    }

    #[test]
    fn integers_are_big_endian_like_kafka_serializers() {
        assert_eq!(
            raw_key(&258_i32).ok(),
            Some(Bytes::from_static(&[0, 0, 1, 2]))
        );
        assert_eq!(raw_key(&-1_i64).ok(), Some(Bytes::from_static(&[0xff; 8])));
    }

    #[test]
    fn bytes_are_passed_through() {
        assert_eq!(
            raw_key(&vec![1_u8, 2, 3]).ok(),
            Some(Bytes::from_static(&[1, 2, 3]))
        );
    }

    #[test]
    fn the_default_writes_plain_keys_raw_and_others_framed() {
        assert_eq!(KeyEncoding::default(), KeyEncoding::Auto);
        assert_eq!(KeyEncoding::Auto.for_key::<String>(), KeyEncoding::Raw);
        assert_eq!(KeyEncoding::Auto.for_key::<Vec<u8>>(), KeyEncoding::Raw);
        assert_eq!(KeyEncoding::Auto.for_key::<i64>(), KeyEncoding::Raw);
        assert_eq!(KeyEncoding::Auto.for_key::<bool>(), KeyEncoding::Schema);
        assert_eq!(
            KeyEncoding::Auto.for_key::<crate::client::test_support::Ping>(),
            KeyEncoding::Schema
        );
        // Explicit choices are kept whatever the type.
        assert_eq!(KeyEncoding::Schema.for_key::<String>(), KeyEncoding::Schema);
        assert_eq!(KeyEncoding::Raw.for_key::<bool>(), KeyEncoding::Raw);
    }

    #[test]
    fn raw_keys_read_back_as_written() {
        assert_eq!(
            decode_raw_key::<String>(b"ord-1").ok(),
            Some("ord-1".to_string())
        );
        assert_eq!(decode_raw_key::<i32>(&[0, 0, 1, 2]).ok(), Some(258));
        assert_eq!(decode_raw_key::<i64>(&[0xff; 8]).ok(), Some(-1));
        assert_eq!(
            decode_raw_key::<Vec<u8>>(&[1, 2, 3]).ok(),
            Some(vec![1, 2, 3])
        );
        // A 3-byte int, invalid UTF-8, a type with no raw form: typed errors.
        assert!(decode_raw_key::<i32>(&[0, 0, 1]).is_err());
        assert!(decode_raw_key::<String>(&[0xff, 0xfe]).is_err());
        assert!(decode_raw_key::<bool>(&[1]).is_err());
    }

    #[test]
    fn other_types_are_a_configuration_error() {
        let error = raw_key(&true);
        assert!(
            matches!(error, Err(ClientError::ConfigError(ref m)) if m == "raw keys must be strings, bytes, int or long; the key type boolean is not (use KeyEncoding::Schema)"),
            "{error:?}"
        );
    }
}
