//! The integer encodings picked per field with `#[stream_schema(proto = "...")]`:
//! `sint32`/`sint64` (zigzag varints, small for negative numbers), `fixed32`/`fixed64`
//! and `sfixed32`/`sfixed64` (4 or 8 bytes, little-endian).
//!
//! Each encoding is a marker type implementing [`IntEncoding`] for the Rust integer it
//! applies to; [`single`], [`optional`] and [`repeated`] write and read a plain,
//! `Option` and `Vec` field with it.

use super::encode_varint;
use bytes::{Buf, BufMut};
use prost::encoding::{decode_varint, encoded_len_varint};

use super::{
    check_wire_type, delimited_len, encode_key, invalid, key_len, read_len, write_len,
    DecodeContext, DecodeError, WireType,
};

/// An integer encoding for the Rust integer `T`.
pub trait IntEncoding<T: Copy + PartialEq + Default> {
    /// The wire type of one value.
    const WIRE_TYPE: WireType;
    /// Writes one value.
    fn encode(v: T, buf: &mut impl BufMut);
    /// The length of one value.
    fn len(v: T) -> usize;
    /// Reads one value.
    fn decode(buf: &mut impl Buf) -> Result<T, DecodeError>;
}

/// `sint32`: zigzag varint.
#[derive(Debug, Clone, Copy)]
pub struct Sint32;
/// `sint64`: zigzag varint.
#[derive(Debug, Clone, Copy)]
pub struct Sint64;
/// `fixed32`: 4 bytes little-endian.
#[derive(Debug, Clone, Copy)]
pub struct Fixed32;
/// `fixed64`: 8 bytes little-endian.
#[derive(Debug, Clone, Copy)]
pub struct Fixed64;
/// `sfixed32`: 4 bytes little-endian, two's complement.
#[derive(Debug, Clone, Copy)]
pub struct Sfixed32;
/// `sfixed64`: 8 bytes little-endian, two's complement.
#[derive(Debug, Clone, Copy)]
pub struct Sfixed64;

impl IntEncoding<i32> for Sint32 {
    const WIRE_TYPE: WireType = WireType::Varint;
    #[inline]
    fn encode(v: i32, buf: &mut impl BufMut) {
        encode_varint(u64::from(((v << 1) ^ (v >> 31)) as u32), buf)
    }
    #[inline]
    fn len(v: i32) -> usize {
        encoded_len_varint(u64::from(((v << 1) ^ (v >> 31)) as u32))
    }
    #[inline]
    fn decode(buf: &mut impl Buf) -> Result<i32, DecodeError> {
        let n = decode_varint(buf)? as u32;
        Ok(((n >> 1) as i32) ^ -((n & 1) as i32))
    }
}

impl IntEncoding<i64> for Sint64 {
    const WIRE_TYPE: WireType = WireType::Varint;
    #[inline]
    fn encode(v: i64, buf: &mut impl BufMut) {
        encode_varint(((v << 1) ^ (v >> 63)) as u64, buf)
    }
    #[inline]
    fn len(v: i64) -> usize {
        encoded_len_varint(((v << 1) ^ (v >> 63)) as u64)
    }
    #[inline]
    fn decode(buf: &mut impl Buf) -> Result<i64, DecodeError> {
        let n = decode_varint(buf)?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }
}

macro_rules! fixed {
    ($($enc:ident for $t:ty: $wire:ident, $put:ident, $get:ident, $n:literal;)*) => {$(
        impl IntEncoding<$t> for $enc {
            const WIRE_TYPE: WireType = WireType::$wire;
            #[inline]
            fn encode(v: $t, buf: &mut impl BufMut) {
                buf.$put(v)
            }
            #[inline]
            fn len(_: $t) -> usize {
                $n
            }
            #[inline]
            fn decode(buf: &mut impl Buf) -> Result<$t, DecodeError> {
                if buf.remaining() < $n {
                    return Err(invalid("buffer underflow"));
                }
                Ok(buf.$get())
            }
        }
    )*};
}

fixed! {
    Fixed32 for u32: ThirtyTwoBit, put_u32_le, get_u32_le, 4;
    Fixed64 for u64: SixtyFourBit, put_u64_le, get_u64_le, 8;
    Sfixed32 for i32: ThirtyTwoBit, put_i32_le, get_i32_le, 4;
    Sfixed64 for i64: SixtyFourBit, put_i64_le, get_i64_le, 8;
}

/// A plain field (implicit presence: zero is not written).
pub mod single {
    use super::*;

    /// Writes the field.
    #[inline]
    pub fn encode<E: IntEncoding<T>, T: Copy + PartialEq + Default>(
        v: &T,
        tag: u32,
        buf: &mut impl BufMut,
    ) {
        if *v != T::default() {
            encode_key(tag, E::WIRE_TYPE, buf);
            E::encode(*v, buf);
        }
    }

    /// The field's length.
    #[inline]
    pub fn len<E: IntEncoding<T>, T: Copy + PartialEq + Default>(v: &T, tag: u32) -> usize {
        if *v == T::default() {
            0
        } else {
            key_len(tag) + E::len(*v)
        }
    }

    /// Reads one occurrence.
    #[inline]
    pub fn merge<E: IntEncoding<T>, T: Copy + PartialEq + Default>(
        v: &mut T,
        wire_type: WireType,
        buf: &mut impl Buf,
        _: DecodeContext,
    ) -> Result<(), DecodeError> {
        check_wire_type(E::WIRE_TYPE, wire_type)?;
        *v = E::decode(buf)?;
        Ok(())
    }
}

/// An `optional` field (explicit presence).
pub mod optional {
    use super::*;

    /// Writes the field when present.
    #[inline]
    pub fn encode<E: IntEncoding<T>, T: Copy + PartialEq + Default>(
        v: &Option<T>,
        tag: u32,
        buf: &mut impl BufMut,
    ) {
        if let Some(v) = *v {
            encode_key(tag, E::WIRE_TYPE, buf);
            E::encode(v, buf);
        }
    }

    /// The field's length.
    #[inline]
    pub fn len<E: IntEncoding<T>, T: Copy + PartialEq + Default>(v: &Option<T>, tag: u32) -> usize {
        v.map_or(0, |v| key_len(tag) + E::len(v))
    }

    /// Reads one occurrence.
    #[inline]
    pub fn merge<E: IntEncoding<T>, T: Copy + PartialEq + Default>(
        v: &mut Option<T>,
        wire_type: WireType,
        buf: &mut impl Buf,
        _: DecodeContext,
    ) -> Result<(), DecodeError> {
        check_wire_type(E::WIRE_TYPE, wire_type)?;
        *v = Some(E::decode(buf)?);
        Ok(())
    }
}

/// A `repeated` field, written packed; both packed and unpacked input is read.
pub mod repeated {
    use super::*;

    /// Writes the field.
    #[inline]
    pub fn encode<E: IntEncoding<T>, T: Copy + PartialEq + Default>(
        v: &[T],
        tag: u32,
        buf: &mut impl BufMut,
    ) {
        if v.is_empty() {
            return;
        }
        encode_key(tag, WireType::LengthDelimited, buf);
        write_len(v.iter().map(|x| E::len(*x)).sum(), buf);
        for x in v {
            E::encode(*x, buf);
        }
    }

    /// The field's length.
    #[inline]
    pub fn len<E: IntEncoding<T>, T: Copy + PartialEq + Default>(v: &[T], tag: u32) -> usize {
        if v.is_empty() {
            0
        } else {
            key_len(tag) + delimited_len(v.iter().map(|x| E::len(*x)).sum())
        }
    }

    /// Reads one occurrence (a packed run or a single value).
    pub fn merge<E: IntEncoding<T>, T: Copy + PartialEq + Default>(
        v: &mut Vec<T>,
        wire_type: WireType,
        buf: &mut impl Buf,
        _: DecodeContext,
    ) -> Result<(), DecodeError> {
        if wire_type == WireType::LengthDelimited {
            let len = read_len(buf)?;
            let mut packed = buf.take(len);
            while packed.has_remaining() {
                v.push(E::decode(&mut packed)?);
            }
            return Ok(());
        }
        check_wire_type(E::WIRE_TYPE, wire_type)?;
        v.push(E::decode(buf)?);
        Ok(())
    }
}
