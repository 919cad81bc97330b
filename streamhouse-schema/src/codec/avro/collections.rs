//! Arrays, maps, optional values and smart pointers.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};
use std::rc::Rc;
use std::sync::Arc;

use bytes::BufMut;

use super::depth::Level;
use super::varint::{read_long, read_str, write_bytes, write_long};
use super::{AvroDecode, AvroEncode, DecodeError, EncodeError};
use crate::schema::SchemaType;

/// Zero-sized items consume no input, so the input cannot bound their count; this does.
const MAX_ZERO_SIZED_ITEMS: usize = 1 << 24;

/// Writes items as one Avro block (count, items, `0`), as Java and Python writers do.
#[inline]
pub(crate) fn encode_array<'a, T, B>(
    items: impl Iterator<Item = &'a T>,
    len: usize,
    buf: &mut B,
) -> Result<(), EncodeError>
where
    T: AvroEncode + 'a,
    B: BufMut,
{
    if len > 0 {
        write_long(buf, len as i64);
        for item in items {
            item.encode_avro(buf)?;
        }
    }
    buf.put_u8(0);
    Ok(())
}

/// Reads the count of the next block; `None` at the terminating zero block. A negative
/// count is followed by the block's byte size, which is read and ignored.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn block_count<T>(input: &mut &[u8], total: usize) -> Result<Option<usize>, DecodeError> {
    let raw = read_long(input)?;
    if raw == 0 {
        return Ok(None);
    }
    if raw < 0 {
        let size = read_long(input)?;
        if size < 0 {
            return Err(DecodeError::InvalidLength {
                len: size,
                remaining: input.len(),
            });
        }
    }
    let count = raw.unsigned_abs();
    // Every item of a non-zero-sized type takes at least one byte, so no honest block
    // claims more items than bytes remain: refuse before allocating or looping.
    let limit = if std::mem::size_of::<T>() == 0 {
        MAX_ZERO_SIZED_ITEMS.saturating_sub(total)
    } else {
        input.len()
    };
    match usize::try_from(count) {
        Ok(n) if n <= limit => Ok(Some(n)),
        _ => Err(DecodeError::InvalidCount { count: raw }),
    }
}

/// Reads an Avro array with `item` decoding each element.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn decode_array<'de, T>(
    input: &mut &'de [u8],
    mut item: impl FnMut(&mut &'de [u8]) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let _level = Level::enter()?;
    let mut out = Vec::new();
    while let Some(n) = block_count::<T>(input, out.len())? {
        out.reserve(n);
        for _ in 0..n {
            out.push(item(input)?);
        }
    }
    Ok(out)
}

/// Reads an Avro map with `value` decoding each value.
#[inline]
pub(crate) fn decode_map<V>(
    input: &mut &[u8],
    mut insert: impl FnMut(String, V),
    mut value: impl FnMut(&mut &[u8]) -> Result<V, DecodeError>,
) -> Result<(), DecodeError> {
    let _level = Level::enter()?;
    let mut total = 0usize;
    // Keys are strings (at least one byte), so the input bounds the count.
    while let Some(n) = block_count::<(u8, V)>(input, total)? {
        total += n;
        for _ in 0..n {
            let k = read_str(input)?.to_owned();
            let v = value(input)?;
            insert(k, v);
        }
    }
    Ok(())
}

/// A map read along a resolution plan (the `HashMap`, `BTreeMap` and `IndexMap` impls): value by value
/// along the values' plan when they changed, else decoded as is.
fn decode_map_resolved<M, K, V>(
    input: &mut &[u8],
    step: super::resolve::Step<'_>,
) -> Result<M, DecodeError>
where
    M: AvroDecode + Default + Extend<(K, V)>,
    K: From<String>,
    V: AvroDecode,
{
    let Some(values) = step.map()? else {
        return step.decode_with(input, M::decode_avro);
    };
    let mut m = M::default();
    decode_map(
        input,
        |k, v| m.extend(std::iter::once((K::from(k), v))),
        |input| V::decode_avro_resolved(input, values),
    )?;
    Ok(m)
}

#[inline]
fn encode_map<'a, K, V, B>(
    entries: impl Iterator<Item = (&'a K, &'a V)>,
    len: usize,
    buf: &mut B,
) -> Result<(), EncodeError>
where
    K: AsRef<str> + 'a,
    V: AvroEncode + 'a,
    B: BufMut,
{
    if len > 0 {
        write_long(buf, len as i64);
        for (k, v) in entries {
            write_bytes(buf, k.as_ref().as_bytes());
            v.encode_avro(buf)?;
        }
    }
    buf.put_u8(0);
    Ok(())
}

impl<T: AvroEncode> AvroEncode for Vec<T> {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        T::encode_avro_seq(self, buf)
    }
}
impl<T: AvroDecode> AvroDecode for Vec<T> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        T::decode_avro_seq(input)
    }

    /// A changed array (its items changed) is read item by item; anything else (unchanged
    /// bytes, `bytes` for `Vec<u8>`) as usual.
    #[inline]
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        match step.array() {
            Some(items) => step.decode_array(input, |input| T::decode_avro_resolved(input, items)),
            None => step.decode_with(input, Self::decode_avro),
        }
    }
}

impl<T: AvroEncode> AvroEncode for [T] {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        T::encode_avro_seq(self, buf)
    }
}

impl<T: AvroEncode> AvroEncode for VecDeque<T> {
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        encode_array(self.iter(), self.len(), buf)
    }
}
impl<T: AvroDecode> AvroDecode for VecDeque<T> {
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(decode_array(input, T::decode_avro)?.into())
    }
}

impl<T: AvroEncode, S> AvroEncode for HashSet<T, S> {
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        encode_array(self.iter(), self.len(), buf)
    }
}
impl<T: AvroDecode + Eq + Hash, S: BuildHasher + Default> AvroDecode for HashSet<T, S> {
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(decode_array(input, T::decode_avro)?.into_iter().collect())
    }
}

impl<T: AvroEncode> AvroEncode for BTreeSet<T> {
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        encode_array(self.iter(), self.len(), buf)
    }
}
impl<T: AvroDecode + Ord> AvroDecode for BTreeSet<T> {
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(decode_array(input, T::decode_avro)?.into_iter().collect())
    }
}

impl<K: AsRef<str>, V: AvroEncode, S> AvroEncode for HashMap<K, V, S>
where
    HashMap<K, V, S>: SchemaType,
{
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        encode_map(self.iter(), self.len(), buf)
    }
}
impl<K, V: AvroDecode, S: BuildHasher + Default> AvroDecode for HashMap<K, V, S>
where
    K: From<String> + Eq + Hash,
    HashMap<K, V, S>: SchemaType,
{
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        let mut m = HashMap::default();
        decode_map(input, |k, v| drop(m.insert(K::from(k), v)), V::decode_avro)?;
        Ok(m)
    }

    /// A map whose values changed reads each value along the plan.
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        decode_map_resolved(input, step)
    }
}

impl<K: AsRef<str>, V: AvroEncode> AvroEncode for BTreeMap<K, V>
where
    BTreeMap<K, V>: SchemaType,
{
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        encode_map(self.iter(), self.len(), buf)
    }
}
impl<K, V: AvroDecode> AvroDecode for BTreeMap<K, V>
where
    K: From<String> + Ord,
    BTreeMap<K, V>: SchemaType,
{
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        let mut m = BTreeMap::new();
        decode_map(input, |k, v| drop(m.insert(K::from(k), v)), V::decode_avro)?;
        Ok(m)
    }

    /// A map whose values changed reads each value along the plan.
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        decode_map_resolved(input, step)
    }
}

/// An `IndexMap` (feature `indexmap`) is written in its order and read in the order of the
/// payload's entries.
#[cfg(feature = "indexmap")]
impl<K: AsRef<str>, V: AvroEncode, S> AvroEncode for indexmap::IndexMap<K, V, S>
where
    indexmap::IndexMap<K, V, S>: SchemaType,
{
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        encode_map(self.iter(), self.len(), buf)
    }
}
#[cfg(feature = "indexmap")]
impl<K, V: AvroDecode, S: BuildHasher + Default> AvroDecode for indexmap::IndexMap<K, V, S>
where
    K: From<String> + Eq + Hash,
    indexmap::IndexMap<K, V, S>: SchemaType,
{
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        let mut m = indexmap::IndexMap::default();
        decode_map(input, |k, v| drop(m.insert(K::from(k), v)), V::decode_avro)?;
        Ok(m)
    }

    /// A map whose values changed reads each value along the plan.
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        decode_map_resolved(input, step)
    }
}

/// `Option<T>` is the union `["null", T...]`: branch 0 is `None`.
impl<T: AvroEncode> AvroEncode for Option<T> {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        match self {
            None => {
                buf.put_u8(0);
                Ok(())
            }
            Some(v) => v.encode_avro_branch(1, buf),
        }
    }
}
impl<T: AvroDecode> AvroDecode for Option<T> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        match read_long(input)? {
            0 => Ok(None),
            b if b > 0 && (b as u64) <= T::AVRO_UNION_WIDTH as u64 => {
                Ok(Some(T::decode_avro_branch(b - 1, input)?))
            }
            b => Err(DecodeError::UnionBranch {
                index: b,
                branches: T::AVRO_UNION_WIDTH + 1,
            }),
        }
    }

    /// `["null", T]` of a changed `T` (or a writer `T` read as optional) reads the value
    /// along the plan; anything else as usual.
    #[inline]
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: super::resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        use super::resolve::Optional;
        if T::AVRO_UNION_WIDTH != 1 {
            return step.decode_with(input, Self::decode_avro);
        }
        match step.optional(input)? {
            Optional::Null => Ok(None),
            Optional::Value(inner) => T::decode_avro_resolved(input, inner).map(Some),
            Optional::Other => step.decode_with(input, Self::decode_avro),
        }
    }
}

/// Codec for `Option<T>` laid out as `[T..., "null"]`: used when a field's default is not
/// null (Avro requires a union's default to match its first branch).
pub mod option_null_last {
    use super::*;

    /// Encodes `v` with `null` as the last branch.
    #[inline]
    pub fn encode<T: AvroEncode, B: BufMut>(v: &Option<T>, buf: &mut B) -> Result<(), EncodeError> {
        match v {
            Some(v) => v.encode_avro_branch(0, buf),
            None => {
                write_long(buf, T::AVRO_UNION_WIDTH as i64);
                Ok(())
            }
        }
    }

    /// Decodes a value written by [`encode`].
    #[inline]
    pub fn decode<T: AvroDecode>(input: &mut &[u8]) -> Result<Option<T>, DecodeError> {
        let b = read_long(input)?;
        let width = T::AVRO_UNION_WIDTH as i64;
        if b == width {
            Ok(None)
        } else if (0..width).contains(&b) {
            Ok(Some(T::decode_avro_branch(b, input)?))
        } else {
            Err(DecodeError::UnionBranch {
                index: b,
                branches: T::AVRO_UNION_WIDTH + 1,
            })
        }
    }
}

macro_rules! transparent_pointer {
    ($($ptr:ident),*) => {$(
        impl<T: AvroEncode + ?Sized> AvroEncode for $ptr<T> {
            #[inline]
            fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
                (**self).encode_avro(buf)
            }
            #[inline]
            fn encode_avro_branch<B: BufMut>(&self, first: i64, buf: &mut B) -> Result<(), EncodeError> {
                (**self).encode_avro_branch(first, buf)
            }
        }
        impl<T: AvroDecode> AvroDecode for $ptr<T> {
            #[inline]
            fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
                // A pointer is how a type contains itself: count it as a level.
                let _level = Level::enter()?;
                T::decode_avro(input).map($ptr::new)
            }
            #[inline]
            fn decode_avro_branch(branch: i64, input: &mut &[u8]) -> Result<Self, DecodeError> {
                let _level = Level::enter()?;
                T::decode_avro_branch(branch, input).map($ptr::new)
            }
        }
    )*};
}
transparent_pointer!(Box, Arc, Rc);

impl<T: AvroEncode + ?Sized> AvroEncode for &T {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        (**self).encode_avro(buf)
    }
    #[inline]
    fn encode_avro_branch<B: BufMut>(&self, first: i64, buf: &mut B) -> Result<(), EncodeError> {
        (**self).encode_avro_branch(first, buf)
    }
}

/// Element-wise codecs for `Option` and `Vec` around a field with an explicit mapping
/// (`Option<DateTime<Utc>>` with `unit = "millis"`, `Vec<u64>` with `repr = "long"`).
pub mod adapters {
    use super::*;

    /// Encodes an `Option` (`["null", T]`) whose value `f` encodes.
    #[inline]
    pub fn encode_opt<T, B: BufMut>(
        v: &Option<T>,
        buf: &mut B,
        f: impl FnOnce(&T, &mut B) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        match v {
            None => {
                buf.put_u8(0);
                Ok(())
            }
            Some(v) => {
                buf.put_u8(2);
                f(v, buf)
            }
        }
    }

    /// Decodes what [`encode_opt`] wrote.
    #[inline]
    pub fn decode_opt<T>(
        input: &mut &[u8],
        f: impl FnOnce(&mut &[u8]) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        match read_long(input)? {
            0 => Ok(None),
            1 => f(input).map(Some),
            b => Err(DecodeError::UnionBranch {
                index: b,
                branches: 2,
            }),
        }
    }

    /// Encodes a slice as an array whose items `f` encodes.
    #[inline]
    pub fn encode_seq<T, B: BufMut>(
        items: &[T],
        buf: &mut B,
        mut f: impl FnMut(&T, &mut B) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        if !items.is_empty() {
            write_long(buf, items.len() as i64);
            for item in items {
                f(item, buf)?;
            }
        }
        buf.put_u8(0);
        Ok(())
    }

    /// Decodes what [`encode_seq`] wrote.
    #[inline]
    pub fn decode_seq<T>(
        input: &mut &[u8],
        f: impl FnMut(&mut &[u8]) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        decode_array(input, f)
    }
}
