//! Null, booleans, numbers, strings, bytes and fixed.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use base64::Engine as _;
use bytes::BufMut;

use super::writer::{write_base64, write_f32, write_f64, write_int, write_null, write_str};
use super::{JsonDecode, JsonDecodeError, JsonEncode, JsonEncodeError, JsonReader};

impl JsonEncode for () {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_null(buf);
        Ok(())
    }
}
impl JsonDecode for () {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_null()
    }
}

impl JsonEncode for bool {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        buf.put_slice(if *self { b"true" } else { b"false" });
        Ok(())
    }
}
impl JsonDecode for bool {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_bool()
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl JsonEncode for $t {
            #[inline]
            fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
                write_int(buf, *self);
                Ok(())
            }
        }
        impl JsonDecode for $t {
            #[inline]
            fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
                r.read_int(stringify!($t))
            }
        }
    )*};
}
integer!(i8, i16, i32, u16, u32, i64);

/// `u8` is an integer, but `Vec<u8>` is bytes: a base64 string.
impl JsonEncode for u8 {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_int(buf, *self);
        Ok(())
    }
    #[inline]
    fn encode_json_seq<B: BufMut>(items: &[Self], buf: &mut B) -> Result<(), JsonEncodeError> {
        write_base64(buf, items);
        Ok(())
    }
}
impl JsonDecode for u8 {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_int("u8")
    }
    #[inline]
    fn read_json_seq(r: &mut JsonReader<'_>) -> Result<Vec<Self>, JsonDecodeError> {
        read_base64(r)
    }
}

/// Reads a base64 string (standard alphabet, padding required, as the schema's
/// `contentEncoding: base64` means).
pub(crate) fn read_base64(r: &mut JsonReader<'_>) -> Result<Vec<u8>, JsonDecodeError> {
    let at = {
        r.peek()?;
        r.offset()
    };
    let s = r.read_str()?;
    base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .map_err(|_| r.invalid_format("base64", &s, at))
}

impl JsonEncode for f32 {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_f32(buf, *self)
    }
}
impl JsonDecode for f32 {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_f32()
    }
}

impl JsonEncode for f64 {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_f64(buf, *self)
    }
}
impl JsonDecode for f64 {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_f64()
    }
}

macro_rules! string_like {
    ($($t:ty),*) => {$(
        impl JsonEncode for $t {
            #[inline]
            fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
                write_str(buf, self);
                Ok(())
            }
        }
    )*};
}
string_like!(String, str, Cow<'_, str>);

macro_rules! string_from {
    ($($t:ty),*) => {$(
        impl JsonDecode for $t {
            #[inline]
            fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
                r.read_str().map(|s| <$t>::from(s.as_ref()))
            }
        }
    )*};
}
string_from!(Box<str>, Arc<str>, Rc<str>);
impl JsonDecode for String {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_str().map(Cow::into_owned)
    }
}
impl JsonDecode for Cow<'static, str> {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        r.read_str().map(|s| Cow::Owned(s.into_owned()))
    }
}

impl JsonEncode for bytes::Bytes {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_base64(buf, self);
        Ok(())
    }
}
impl JsonEncode for Cow<'_, [u8]> {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_base64(buf, self);
        Ok(())
    }
}
/// Always a new buffer: base64 text must be decoded, so unlike Avro and Protobuf a JSON
/// `Bytes` field cannot be a slice of its frame ([`frame`](crate::codec::frame)).
impl JsonDecode for bytes::Bytes {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        read_base64(r).map(bytes::Bytes::from)
    }
}

/// `fixed`: a base64 string of exactly N bytes.
impl<const N: usize> JsonEncode for [u8; N] {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_base64(buf, self);
        Ok(())
    }
}
impl<const N: usize> JsonDecode for [u8; N] {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        let at = {
            r.peek()?;
            r.offset()
        };
        let bytes = read_base64(r)?;
        <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| JsonDecodeError::InvalidFormat {
            format: "fixed-size base64",
            value: format!("{} bytes where {N} are required", bytes.len()),
            offset: at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc<T: JsonEncode + ?Sized>(v: &T) -> String {
        let mut buf = Vec::new();
        v.encode_json(&mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn primitives_write_and_read_back() {
        assert_eq!(enc(&()), "null");
        assert_eq!(enc(&true), "true");
        assert_eq!(enc(&-128i8), "-128");
        assert_eq!(enc(&u32::MAX), "4294967295");
        assert_eq!(enc(&i64::MIN), "-9223372036854775808");
        assert_eq!(enc(&1.5f32), "1.5");
        assert_eq!(enc("a\"b"), r#""a\"b""#);
        assert_eq!(enc(&vec![1u8, 2, 3]), r#""AQID""#);
        assert_eq!(enc(&[0xffu8; 4]), r#""/////w==""#);
        assert_eq!(bool::decode_json(b" false "), Ok(false));
        assert_eq!(u16::decode_json(b"65535"), Ok(65535));
        assert_eq!(
            u16::decode_json(b"65536"),
            Err(JsonDecodeError::IntOutOfRange {
                value: "65536".into(),
                target: "u16",
                offset: 0
            })
        );
        assert_eq!(Vec::<u8>::decode_json(br#""AQID""#), Ok(vec![1, 2, 3]));
        assert_eq!(<[u8; 4]>::decode_json(br#""/////w==""#), Ok([0xff; 4]));
        assert_eq!(Arc::<str>::decode_json(br#""\u00e9""#).as_deref(), Ok("é"));
    }

    #[test]
    fn bad_base64_and_wrong_fixed_size_are_typed_errors() {
        assert_eq!(
            Vec::<u8>::decode_json(br#""AQI""#),
            Err(JsonDecodeError::InvalidFormat {
                format: "base64",
                value: "AQI".into(),
                offset: 0
            })
        );
        assert_eq!(
            <[u8; 2]>::decode_json(br#" "AQID""#),
            Err(JsonDecodeError::InvalidFormat {
                format: "fixed-size base64",
                value: "3 bytes where 2 are required".into(),
                offset: 1
            })
        );
    }
}
