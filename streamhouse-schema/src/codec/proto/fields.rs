//! [`ProtoField`]: a plain value, `Option<T>`, `Vec<T>` and string-keyed maps.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use bytes::{Buf, BufMut};

use super::{
    check_wire_type, delimited_len, encode_key, invalid, key_len, read_len, write_len,
    DecodeContext, DecodeError, ProtoElement, ProtoValue, WireType,
};

/// A plain field: proto3 implicit presence, so the zero value is not written.
impl<T: ProtoValue> ProtoField for T {
    #[inline]
    fn encode_field(&self, tag: u32, buf: &mut impl BufMut) {
        if !self.is_default() {
            encode_key(tag, T::WIRE_TYPE, buf);
            self.encode_value(buf);
        }
    }
    #[inline]
    fn field_len(&self, tag: u32) -> usize {
        if self.is_default() {
            0
        } else {
            key_len(tag) + self.value_len()
        }
    }
    #[inline]
    fn merge_field(
        &mut self,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        self.merge_value(buf, ctx)
    }
    #[inline]
    fn field_default() -> Self {
        T::proto_default()
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_field_slice(
        &mut self,
        wire_type: WireType,
        buf: &mut &[u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        self.merge_value_slice(buf, depth)
    }
}

use super::ProtoField;

/// `optional T`: explicit presence, so a present zero value is written.
impl<T: ProtoValue> ProtoField for Option<T> {
    #[inline]
    fn encode_field(&self, tag: u32, buf: &mut impl BufMut) {
        if let Some(v) = self {
            encode_key(tag, T::WIRE_TYPE, buf);
            v.encode_value(buf);
        }
    }
    #[inline]
    fn field_len(&self, tag: u32) -> usize {
        self.as_ref().map_or(0, |v| key_len(tag) + v.value_len())
    }
    #[inline]
    fn merge_field(
        &mut self,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        self.get_or_insert_with(T::proto_default)
            .merge_value(buf, ctx)
    }
    #[inline]
    fn field_default() -> Self {
        None
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_field_slice(
        &mut self,
        wire_type: WireType,
        buf: &mut &[u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        self.get_or_insert_with(T::proto_default)
            .merge_value_slice(buf, depth)
    }
}

/// `repeated T`: packed for numeric scalars and enums; readers accept both forms.
impl<T: ProtoElement> ProtoField for Vec<T> {
    #[inline]
    fn encode_field(&self, tag: u32, buf: &mut impl BufMut) {
        if self.is_empty() {
            return;
        }
        if T::PACKED {
            encode_key(tag, WireType::LengthDelimited, buf);
            write_len(self.iter().map(ProtoValue::value_len).sum(), buf);
            for v in self {
                v.encode_value(buf);
            }
        } else {
            for v in self {
                encode_key(tag, T::WIRE_TYPE, buf);
                v.encode_value(buf);
            }
        }
    }
    #[inline]
    fn field_len(&self, tag: u32) -> usize {
        if self.is_empty() {
            0
        } else if T::PACKED {
            key_len(tag) + delimited_len(self.iter().map(ProtoValue::value_len).sum())
        } else {
            self.iter().map(|v| key_len(tag) + v.value_len()).sum()
        }
    }
    fn merge_field(
        &mut self,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        if T::PACKED && wire_type == WireType::LengthDelimited {
            let limit = delimited_limit(buf)?;
            while buf.remaining() > limit {
                let mut v = T::proto_default();
                v.merge_value(buf, ctx.clone())?;
                self.push(v);
            }
            return check_limit(buf, limit);
        }
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        let mut v = T::proto_default();
        v.merge_value(buf, ctx)?;
        self.push(v);
        Ok(())
    }
    #[inline]
    fn field_default() -> Self {
        Vec::new()
    }
    /// One element read from the slice; a packed run through `merge_field`.
    #[inline]
    fn merge_field_slice(
        &mut self,
        wire_type: WireType,
        buf: &mut &[u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        if T::PACKED && wire_type == WireType::LengthDelimited {
            return self.merge_field(wire_type, buf, DecodeContext::default());
        }
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        let mut v = T::proto_default();
        v.merge_value_slice(buf, depth)?;
        self.push(v);
        Ok(())
    }
}

/// Reads a length prefix and returns how many bytes of `buf` remain after that body.
///
/// Bodies holding values of arbitrary types (packed runs, map entries) are read from `buf`
/// itself up to this limit, as prost reads a message, rather than through a `Take`
/// adapter: a recursive type would otherwise nest one adapter deeper per level, a type
/// the compiler cannot instantiate.
fn delimited_limit(buf: &mut impl Buf) -> Result<usize, DecodeError> {
    let len = read_len(buf)?;
    // `read_len` checked that `len` bytes remain.
    Ok(buf.remaining().saturating_sub(len))
}

/// Fails when the body's last value ran past its length.
fn check_limit(buf: &impl Buf, limit: usize) -> Result<(), DecodeError> {
    if buf.remaining() == limit {
        Ok(())
    } else {
        Err(invalid(
            "a value runs past the end of its length-delimited field",
        ))
    }
}

/// One `map<string, V>` entry: a message with the key as field 1 and the value as field 2.
/// Both are always written, as protobuf's own serializers do.
fn entry_body_len<V: ProtoValue>(key: &str, value: &V) -> usize {
    key_len(1) + delimited_len(key.len()) + key_len(2) + value.value_len()
}

fn encode_entry<V: ProtoValue>(tag: u32, key: &str, value: &V, buf: &mut impl BufMut) {
    encode_key(tag, WireType::LengthDelimited, buf);
    write_len(entry_body_len(key, value), buf);
    encode_key(1, WireType::LengthDelimited, buf);
    write_len(key.len(), buf);
    buf.put_slice(key.as_bytes());
    encode_key(2, V::WIRE_TYPE, buf);
    value.encode_value(buf);
}

/// Reads one map entry; a missing key or value is its zero value.
fn merge_entry<V: ProtoValue>(
    wire_type: WireType,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<(String, V), DecodeError> {
    check_wire_type(WireType::LengthDelimited, wire_type)?;
    let limit = delimited_limit(buf)?;
    let mut key = String::new();
    let mut value = V::proto_default();
    while buf.remaining() > limit {
        let (tag, wire_type) = prost::encoding::decode_key(buf)?;
        match tag {
            1 => ProtoField::merge_field(&mut key, wire_type, buf, ctx.clone())?,
            2 => {
                check_wire_type(V::WIRE_TYPE, wire_type)?;
                value.merge_value(buf, ctx.clone())?
            }
            _ => prost::encoding::skip_field(wire_type, tag, buf, ctx.clone())?,
        }
    }
    check_limit(buf, limit)?;
    Ok((key, value))
}

macro_rules! map_field {
    ($map:ident $(, $s:ident: $bound:path)?) => {
        /// `map<string, V>`: one entry message per key.
        impl<V: ProtoValue $(, $s: $bound + Default)?> ProtoField for $map<String, V $(, $s)?> {
            fn encode_field(&self, tag: u32, buf: &mut impl BufMut) {
                for (k, v) in self {
                    encode_entry(tag, k, v, buf);
                }
            }
            fn field_len(&self, tag: u32) -> usize {
                self.iter()
                    .map(|(k, v)| key_len(tag) + delimited_len(entry_body_len(k, v)))
                    .sum()
            }
            fn merge_field(
                &mut self,
                wire_type: WireType,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), DecodeError> {
                let (k, v) = merge_entry(wire_type, buf, ctx)?;
                self.insert(k, v);
                Ok(())
            }
            fn field_default() -> Self {
                Self::default()
            }
        }
    };
}
map_field!(HashMap, S: BuildHasher);
map_field!(BTreeMap);
// Written in insertion order, read in the payload's entry order.
#[cfg(feature = "indexmap")]
use indexmap::IndexMap;
#[cfg(feature = "indexmap")]
map_field!(IndexMap, S: BuildHasher);

#[cfg(test)]
mod tests {
    use super::*;

    fn merge<F: ProtoField>(
        field: &mut F,
        wire_type: WireType,
        bytes: &[u8],
    ) -> Result<(), DecodeError> {
        let mut buf = bytes;
        field.merge_field(wire_type, &mut buf, DecodeContext::default())?;
        assert!(buf.is_empty(), "{} bytes left", buf.len());
        Ok(())
    }

    #[test]
    fn packed_run_and_map_entry_are_read_to_their_length() {
        let mut v: Vec<i32> = Vec::new();
        merge(&mut v, WireType::LengthDelimited, &[3, 0x01, 0xac, 0x02]).unwrap();
        assert_eq!(v, [1, 300]);
        let mut m: BTreeMap<String, i64> = BTreeMap::new();
        merge(
            &mut m,
            WireType::LengthDelimited,
            &[5, 0x0a, 1, b'k', 0x10, 7],
        )
        .unwrap();
        assert_eq!(m, BTreeMap::from([("k".to_string(), 7)]));
    }

    #[test]
    fn a_value_running_past_its_length_is_an_error() {
        // A packed run of 1 byte whose varint continues into the next byte.
        let mut v: Vec<i32> = Vec::new();
        let mut buf: &[u8] = &[1, 0xac, 0x02];
        let err = v
            .merge_field(
                WireType::LengthDelimited,
                &mut buf,
                DecodeContext::default(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("runs past"), "{err}");
        // A map entry of 2 bytes whose key claims 3.
        let mut m: HashMap<String, i64> = HashMap::new();
        let mut buf: &[u8] = &[2, 0x0a, 3, b'a', b'b', b'c'];
        let err = m
            .merge_field(
                WireType::LengthDelimited,
                &mut buf,
                DecodeContext::default(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("runs past"), "{err}");
        // A length longer than the input.
        let mut buf: &[u8] = &[9, 1];
        assert!(v
            .merge_field(
                WireType::LengthDelimited,
                &mut buf,
                DecodeContext::default()
            )
            .is_err());
    }
}
