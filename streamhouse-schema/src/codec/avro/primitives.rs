//! Booleans, numbers, strings, bytes and fixed.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use bytes::BufMut;

use super::varint::{
    read_array, read_bytes, read_exact, read_long, read_str, write_bytes, write_long,
};
use super::{AvroDecode, AvroEncode, DecodeError, EncodeError};

impl AvroEncode for () {
    #[inline]
    fn encode_avro<B: BufMut>(&self, _: &mut B) -> Result<(), EncodeError> {
        Ok(())
    }
}
impl AvroDecode for () {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(_: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl AvroEncode for bool {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        buf.put_u8(u8::from(*self));
        Ok(())
    }
}
impl AvroDecode for bool {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        match read_exact(input, 1)? {
            [0] => Ok(false),
            [1] => Ok(true),
            [b, ..] => Err(DecodeError::InvalidBool(*b)),
            [] => Err(DecodeError::UnexpectedEof {
                needed: 1,
                remaining: 0,
            }),
        }
    }
}

macro_rules! integer {
    ($($t:ty => $name:literal),*) => {$(
        impl AvroEncode for $t {
            #[inline]
            fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
                write_long(buf, i64::from(*self));
                Ok(())
            }
        }
        impl AvroDecode for $t {
            #[cfg_attr(debug_assertions, inline)]
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
                let v = read_long(input)?;
                <$t>::try_from(v).map_err(|_| DecodeError::IntOutOfRange { value: v, target: $name })
            }
        }
    )*};
}
integer!(i8 => "i8", i16 => "i16", i32 => "i32", u16 => "u16", u32 => "u32", i64 => "i64");

/// `u8` is an `int` alone, and `bytes` in a sequence.
impl AvroEncode for u8 {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        write_long(buf, i64::from(*self));
        Ok(())
    }
    #[inline]
    fn encode_avro_seq<B: BufMut>(items: &[Self], buf: &mut B) -> Result<(), EncodeError> {
        write_bytes(buf, items);
        Ok(())
    }
}
impl AvroDecode for u8 {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        let v = read_long(input)?;
        u8::try_from(v).map_err(|_| DecodeError::IntOutOfRange {
            value: v,
            target: "u8",
        })
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_seq(input: &mut &[u8]) -> Result<Vec<Self>, DecodeError> {
        Ok(read_bytes(input)?.to_vec())
    }
}

impl AvroEncode for f32 {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        buf.put_f32_le(*self);
        Ok(())
    }
}
impl AvroDecode for f32 {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(f32::from_le_bytes(read_array(input)?))
    }

    /// A writer `int`/`long` promoted to `float` is read and converted in place.
    #[inline]
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        match step.promoted_f32(input)? {
            Some(v) => Ok(v),
            None => step.decode_with(input, Self::decode_avro),
        }
    }
}

impl AvroEncode for f64 {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        buf.put_f64_le(*self);
        Ok(())
    }
}
impl AvroDecode for f64 {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(f64::from_le_bytes(read_array(input)?))
    }

    /// A writer `int`/`long`/`float` promoted to `double` is read and converted in place.
    #[inline]
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        match step.promoted_f64(input)? {
            Some(v) => Ok(v),
            None => step.decode_with(input, Self::decode_avro),
        }
    }
}

macro_rules! string_like {
    ($($t:ty),*) => {$(
        impl AvroEncode for $t {
            #[inline]
            fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
                write_bytes(buf, self.as_bytes());
                Ok(())
            }
        }
    )*};
}
string_like!(String, str, Cow<'_, str>);

impl AvroDecode for String {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        read_str(input).map(str::to_owned)
    }
}
macro_rules! string_from {
    ($($t:ty),*) => {$(
        impl AvroDecode for $t {
            #[cfg_attr(debug_assertions, inline)]
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
                read_str(input).map(<$t>::from)
            }
        }
    )*};
}
string_from!(Box<str>, Arc<str>, Rc<str>);
impl AvroDecode for Cow<'static, str> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        read_str(input).map(|s| Cow::Owned(s.to_owned()))
    }
}

impl AvroEncode for bytes::Bytes {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        write_bytes(buf, self);
        Ok(())
    }
}
impl AvroEncode for Cow<'_, [u8]> {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        write_bytes(buf, self);
        Ok(())
    }
}
/// A slice of the frame when decoding inside [`sliced_from`](crate::codec::frame::sliced_from)
/// (`from_avro_bytes`, `Consumer::decode_borrowed`), else a copy.
impl AvroDecode for bytes::Bytes {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(crate::codec::frame::bytes_of(read_bytes(input)?))
    }
}

/// `fixed`: the raw bytes, no length.
impl<const N: usize> AvroEncode for [u8; N] {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        buf.put_slice(self);
        Ok(())
    }
}
impl<const N: usize> AvroDecode for [u8; N] {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        read_array(input)
    }
}
