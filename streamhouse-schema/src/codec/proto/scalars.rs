//! [`ProtoValue`] for scalars, strings and bytes.

use super::encode_varint;
use bytes::{Buf, BufMut};
use prost::encoding::{decode_varint, encoded_len_varint};

use super::{
    delimited_len, invalid, read_len, slice, write_len, DecodeContext, DecodeError, ProtoElement,
    ProtoValue, WireType,
};

/// Varint scalars: how the Rust value widens to the 64-bit varint and narrows back.
macro_rules! varint {
    ($($t:ty: $name:literal, |$v:ident| $to:expr, |$w:ident| $from:expr;)*) => {$(
        impl ProtoValue for $t {
            const WIRE_TYPE: WireType = WireType::Varint;
            #[inline]
            fn encode_value(&self, buf: &mut impl BufMut) {
                let $v = *self;
                encode_varint($to, buf)
            }
            #[inline]
            fn value_len(&self) -> usize {
                let $v = *self;
                encoded_len_varint($to)
            }
            #[inline]
            fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
                let $w = decode_varint(buf)?;
                *self = $from?;
                Ok(())
            }
            #[cfg_attr(debug_assertions, inline)]
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
                let $w = slice::read_varint(buf)?;
                *self = $from?;
                Ok(())
            }
            #[inline]
            fn is_default(&self) -> bool {
                *self == Self::default()
            }
            #[inline]
            fn proto_default() -> Self {
                Self::default()
            }
        }
        impl ProtoElement for $t {
            const PACKED: bool = true;
        }
    )*};
}

/// Narrows a decoded 32-bit value to a smaller Rust integer, failing when it does not fit.
fn narrow<T: TryFrom<i64>>(v: i64, rust: &str) -> Result<T, DecodeError> {
    T::try_from(v).map_err(|_| invalid(format!("value {v} does not fit in {rust}")))
}

varint! {
    bool: "bool", |v| u64::from(v), |w| Ok::<_, DecodeError>(w != 0);
    // int32: negative values are sign-extended to 10 bytes; readers truncate to 32 bits.
    i32: "int32", |v| v as i64 as u64, |w| Ok::<_, DecodeError>(w as i32);
    i64: "int64", |v| v as u64, |w| Ok::<_, DecodeError>(w as i64);
    u32: "uint32", |v| u64::from(v), |w| Ok::<_, DecodeError>(w as u32);
    u64: "uint64", |v| v, |w| Ok::<_, DecodeError>(w);
    i8: "int32", |v| i64::from(v) as u64, |w| narrow::<i8>(i64::from(w as i32), "i8");
    i16: "int32", |v| i64::from(v) as u64, |w| narrow::<i16>(i64::from(w as i32), "i16");
    u16: "uint32", |v| u64::from(v), |w| narrow::<u16>(i64::from(w as u32), "u16");
}

// `u8` is a uint32 on its own, but `Vec<u8>` is bytes: it is no `ProtoElement`.
impl ProtoValue for u8 {
    const WIRE_TYPE: WireType = WireType::Varint;
    #[inline]
    fn encode_value(&self, buf: &mut impl BufMut) {
        encode_varint(u64::from(*self), buf)
    }
    #[inline]
    fn value_len(&self) -> usize {
        encoded_len_varint(u64::from(*self))
    }
    #[inline]
    fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
        let w = decode_varint(buf)?;
        *self = narrow::<u8>(i64::from(w as u32), "u8")?;
        Ok(())
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
        let w = slice::read_varint(buf)?;
        *self = narrow::<u8>(i64::from(w as u32), "u8")?;
        Ok(())
    }
    #[inline]
    fn is_default(&self) -> bool {
        *self == 0
    }
    #[inline]
    fn proto_default() -> Self {
        0
    }
}

macro_rules! float {
    ($($t:ty: $wire:ident, $put:ident, $get:ident, $n:literal;)*) => {$(
        impl ProtoValue for $t {
            const WIRE_TYPE: WireType = WireType::$wire;
            #[inline]
            fn encode_value(&self, buf: &mut impl BufMut) {
                buf.$put(*self)
            }
            #[inline]
            fn value_len(&self) -> usize {
                $n
            }
            #[inline]
            fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
                if buf.remaining() < $n {
                    return Err(invalid("buffer underflow"));
                }
                *self = buf.$get();
                Ok(())
            }
            #[cfg_attr(debug_assertions, inline)]
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
                *self = <$t>::from_le_bytes(slice::read_fixed::<$n>(buf)?);
                Ok(())
            }
            #[inline]
            fn is_default(&self) -> bool {
                // -0.0 is not the zero value: its bit pattern is written, as protobuf does.
                self.to_bits() == 0
            }
            #[inline]
            fn proto_default() -> Self {
                0.0
            }
        }
        impl ProtoElement for $t {
            const PACKED: bool = true;
        }
    )*};
}

float! {
    f32: ThirtyTwoBit, put_f32_le, get_f32_le, 4;
    f64: SixtyFourBit, put_f64_le, get_f64_le, 8;
}

impl ProtoValue for String {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn encode_value(&self, buf: &mut impl BufMut) {
        write_len(self.len(), buf);
        buf.put_slice(self.as_bytes());
    }
    #[inline]
    fn value_len(&self) -> usize {
        delimited_len(self.len())
    }
    #[inline]
    fn merge_value(&mut self, buf: &mut impl Buf, ctx: DecodeContext) -> Result<(), DecodeError> {
        prost::encoding::string::merge(WireType::LengthDelimited, self, buf, ctx)
    }
    /// A fresh (empty) string takes an allocation of the value's size; a string being
    /// merged into keeps its buffer.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
        let s = slice::read_str(buf)?;
        if self.capacity() == 0 {
            *self = s.to_owned();
        } else {
            self.clear();
            self.push_str(s);
        }
        Ok(())
    }
    #[inline]
    fn is_default(&self) -> bool {
        self.is_empty()
    }
    #[inline]
    fn proto_default() -> Self {
        String::new()
    }
}
impl ProtoElement for String {}

impl ProtoValue for Vec<u8> {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn encode_value(&self, buf: &mut impl BufMut) {
        write_len(self.len(), buf);
        buf.put_slice(self);
    }
    #[inline]
    fn value_len(&self) -> usize {
        delimited_len(self.len())
    }
    #[inline]
    fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
        let len = read_len(buf)?;
        self.clear();
        self.reserve(len);
        self.put(buf.take(len));
        Ok(())
    }
    #[inline]
    fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
        let bytes = slice::read_delimited(buf)?;
        self.clear();
        self.extend_from_slice(bytes);
        Ok(())
    }
    #[inline]
    fn is_default(&self) -> bool {
        self.is_empty()
    }
    #[inline]
    fn proto_default() -> Self {
        Vec::new()
    }
}
impl ProtoElement for Vec<u8> {}

impl ProtoValue for bytes::Bytes {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn encode_value(&self, buf: &mut impl BufMut) {
        write_len(self.len(), buf);
        buf.put_slice(self);
    }
    #[inline]
    fn value_len(&self) -> usize {
        delimited_len(self.len())
    }
    #[inline]
    fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
        let len = read_len(buf)?;
        *self = buf.copy_to_bytes(len);
        Ok(())
    }
    /// A slice of the frame when decoding inside
    /// [`sliced_from`](crate::codec::frame::sliced_from) (`from_proto_bytes`,
    /// `Consumer::decode_borrowed`), else a copy.
    #[inline]
    fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
        *self = crate::codec::frame::bytes_of(slice::read_delimited(buf)?);
        Ok(())
    }
    #[inline]
    fn is_default(&self) -> bool {
        self.is_empty()
    }
    #[inline]
    fn proto_default() -> Self {
        bytes::Bytes::new()
    }
}
impl ProtoElement for bytes::Bytes {}

/// `[u8; N]` (Avro fixed) is `bytes` of exactly N bytes; any other length is an error.
impl<const N: usize> ProtoValue for [u8; N] {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn encode_value(&self, buf: &mut impl BufMut) {
        write_len(N, buf);
        buf.put_slice(self);
    }
    #[inline]
    fn value_len(&self) -> usize {
        delimited_len(N)
    }
    #[inline]
    fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
        let len = read_len(buf)?;
        if len != N {
            return Err(invalid(format!(
                "expected {N} bytes for a fixed-size byte array, got {len}"
            )));
        }
        buf.copy_to_slice(self);
        Ok(())
    }
    #[inline]
    fn is_default(&self) -> bool {
        // A fixed-size array is always written, so a reader never confuses it with absent.
        false
    }
    #[inline]
    fn proto_default() -> Self {
        [0; N]
    }
}
impl<const N: usize> ProtoElement for [u8; N] {}

/// `Box<T>` is `T` (recursive messages).
impl<T: ProtoValue> ProtoValue for Box<T> {
    const WIRE_TYPE: WireType = T::WIRE_TYPE;
    #[inline]
    fn encode_value(&self, buf: &mut impl BufMut) {
        (**self).encode_value(buf)
    }
    #[inline]
    fn value_len(&self) -> usize {
        (**self).value_len()
    }
    #[inline]
    fn merge_value(&mut self, buf: &mut impl Buf, ctx: DecodeContext) -> Result<(), DecodeError> {
        (**self).merge_value(buf, ctx)
    }
    #[inline]
    fn merge_value_slice(&mut self, buf: &mut &[u8], depth: u32) -> Result<(), DecodeError> {
        (**self).merge_value_slice(buf, depth)
    }
    #[inline]
    fn is_default(&self) -> bool {
        (**self).is_default()
    }
    #[inline]
    fn proto_default() -> Self {
        Box::new(T::proto_default())
    }
}
impl<T: ProtoElement> ProtoElement for Box<T> {
    const PACKED: bool = T::PACKED;
}
