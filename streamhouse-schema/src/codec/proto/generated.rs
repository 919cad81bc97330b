//! The generated Protobuf functions of one type as plain function pointers, so that code
//! generic over `T: StreamSchema` (the producer's `send_typed`, the consumer's `decode`)
//! can call a `prost::Message` implementation it cannot name in its bounds.

use std::fmt;

use bytes::BytesMut;

use super::{decode_message, DecodeError, Message, ProtoValue};

/// The generated `prost::Message` functions of `T`.
///
/// Handed out by `StreamSchema::proto_codec` for types derived with Protobuf, and stored
/// by the producer and consumer builders for types registered there. Not part of the
/// public API.
#[doc(hidden)]
// Only the producer and consumer (feature `client`) call the functions.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub struct ProtoCodec<T> {
    /// Writes the message's fields (no length prefix, no framing).
    pub(crate) encode: fn(&T, &mut BytesMut),
    /// Reads a whole payload as one message (unknown fields skipped).
    pub(crate) decode: fn(&[u8]) -> Result<T, DecodeError>,
}

impl<T: Message + ProtoValue> ProtoCodec<T> {
    /// The codec of `T`'s `prost::Message` implementation (the derive calls this).
    #[doc(hidden)]
    pub fn generated() -> Self {
        ProtoCodec {
            encode: |value, buf| value.encode_raw(buf),
            decode: decode_message::<T>,
        }
    }
}

// By hand: derives would require `T: Clone`/`T: Copy`, and only fn pointers are copied.
impl<T> Clone for ProtoCodec<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ProtoCodec<T> {}

impl<T> fmt::Debug for ProtoCodec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtoCodec")
            .field("type", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}
