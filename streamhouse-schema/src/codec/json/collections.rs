//! Arrays, maps, optional values and smart pointers.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};
use std::rc::Rc;
use std::sync::Arc;

use bytes::BufMut;

use super::writer::{write_array, write_map, write_null};
use super::{JsonDecode, JsonDecodeError, JsonEncode, JsonEncodeError, JsonReader};
use crate::schema::SchemaType;

/// Reads a JSON array with `item` decoding each element. Every element takes at least one
/// input byte, so the input bounds the allocation.
#[inline]
pub(crate) fn read_array<'de, T>(
    r: &mut JsonReader<'de>,
    mut item: impl FnMut(&mut JsonReader<'de>) -> Result<T, JsonDecodeError>,
) -> Result<Vec<T>, JsonDecodeError> {
    let mut items = r.begin_array()?;
    let mut out = Vec::new();
    while items.next(r)? {
        out.push(item(r)?);
    }
    Ok(out)
}

/// Reads a JSON object as map entries; a repeated key keeps its last value.
#[inline]
fn read_map<V>(
    r: &mut JsonReader<'_>,
    mut insert: impl FnMut(String, V),
) -> Result<(), JsonDecodeError>
where
    V: JsonDecode,
{
    let mut keys = r.begin_object()?;
    while let Some(k) = keys.next_key(r)? {
        let k = k.into_owned();
        let v = V::read_json(r)?;
        insert(k, v);
    }
    Ok(())
}

impl<T: JsonEncode> JsonEncode for Vec<T> {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        T::encode_json_seq(self, buf)
    }
}
impl<T: JsonDecode> JsonDecode for Vec<T> {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        T::read_json_seq(r)
    }
}

impl<T: JsonEncode> JsonEncode for [T] {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        T::encode_json_seq(self, buf)
    }
}

impl<T: JsonEncode> JsonEncode for VecDeque<T> {
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_array(self, buf, |v, buf| v.encode_json(buf))
    }
}
impl<T: JsonDecode> JsonDecode for VecDeque<T> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        Ok(read_array(r, T::read_json)?.into())
    }
}

impl<T: JsonEncode, S> JsonEncode for HashSet<T, S> {
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_array(self, buf, |v, buf| v.encode_json(buf))
    }
}
impl<T: JsonDecode + Eq + Hash, S: BuildHasher + Default> JsonDecode for HashSet<T, S> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        Ok(read_array(r, T::read_json)?.into_iter().collect())
    }
}

impl<T: JsonEncode> JsonEncode for BTreeSet<T> {
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_array(self, buf, |v, buf| v.encode_json(buf))
    }
}
impl<T: JsonDecode + Ord> JsonDecode for BTreeSet<T> {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        Ok(read_array(r, T::read_json)?.into_iter().collect())
    }
}

impl<K: AsRef<str>, V: JsonEncode, S> JsonEncode for HashMap<K, V, S>
where
    HashMap<K, V, S>: SchemaType,
{
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_map(self, buf, |v, buf| v.encode_json(buf))
    }
}
impl<K, V: JsonDecode, S: BuildHasher + Default> JsonDecode for HashMap<K, V, S>
where
    K: From<String> + Eq + Hash,
    HashMap<K, V, S>: SchemaType,
{
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        let mut m = HashMap::default();
        read_map(r, |k, v: V| drop(m.insert(K::from(k), v)))?;
        Ok(m)
    }
}

impl<K: AsRef<str>, V: JsonEncode> JsonEncode for BTreeMap<K, V>
where
    BTreeMap<K, V>: SchemaType,
{
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_map(self, buf, |v, buf| v.encode_json(buf))
    }
}
impl<K, V: JsonDecode> JsonDecode for BTreeMap<K, V>
where
    K: From<String> + Ord,
    BTreeMap<K, V>: SchemaType,
{
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        let mut m = BTreeMap::new();
        read_map(r, |k, v: V| drop(m.insert(K::from(k), v)))?;
        Ok(m)
    }
}

/// An `IndexMap` (feature `indexmap`) is written in its order and read in the order of the
/// document's keys.
#[cfg(feature = "indexmap")]
impl<K: AsRef<str>, V: JsonEncode, S> JsonEncode for indexmap::IndexMap<K, V, S>
where
    indexmap::IndexMap<K, V, S>: SchemaType,
{
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        write_map(self, buf, |v, buf| v.encode_json(buf))
    }
}
#[cfg(feature = "indexmap")]
impl<K, V: JsonDecode, S: BuildHasher + Default> JsonDecode for indexmap::IndexMap<K, V, S>
where
    K: From<String> + Eq + Hash,
    indexmap::IndexMap<K, V, S>: SchemaType,
{
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        let mut m = indexmap::IndexMap::default();
        read_map(r, |k, v: V| drop(m.insert(K::from(k), v)))?;
        Ok(m)
    }
}

/// `Option<T>`: `null` or the value.
impl<T: JsonEncode> JsonEncode for Option<T> {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        match self {
            None => {
                write_null(buf);
                Ok(())
            }
            Some(v) => v.encode_json(buf),
        }
    }
}
impl<T: JsonDecode> JsonDecode for Option<T> {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        if r.take_null()? {
            Ok(None)
        } else {
            T::read_json(r).map(Some)
        }
    }
}

macro_rules! transparent_pointer {
    ($($ptr:ident),*) => {$(
        impl<T: JsonEncode + ?Sized> JsonEncode for $ptr<T> {
            #[inline]
            fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
                (**self).encode_json(buf)
            }
        }
        impl<T: JsonDecode> JsonDecode for $ptr<T> {
            #[inline]
            fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
                T::read_json(r).map($ptr::new)
            }
        }
    )*};
}
transparent_pointer!(Box, Arc, Rc);

impl<T: JsonEncode + ?Sized> JsonEncode for &T {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        (**self).encode_json(buf)
    }
}

/// Element-wise codecs for `Option` and `Vec` around a field with an explicit mapping
/// (`Option<DateTime<Utc>>` with `unit = "millis"`, `Vec<u64>` with `repr = "long"`).
pub mod adapters {
    use super::*;

    /// Encodes an `Option` whose value `f` encodes.
    #[inline]
    pub fn encode_opt<T, B: BufMut>(
        v: &Option<T>,
        buf: &mut B,
        f: impl FnOnce(&T, &mut B) -> Result<(), JsonEncodeError>,
    ) -> Result<(), JsonEncodeError> {
        match v {
            None => {
                write_null(buf);
                Ok(())
            }
            Some(v) => f(v, buf),
        }
    }

    /// Decodes what [`encode_opt`] wrote.
    #[inline]
    pub fn decode_opt<T>(
        r: &mut JsonReader<'_>,
        f: impl FnOnce(&mut JsonReader<'_>) -> Result<T, JsonDecodeError>,
    ) -> Result<Option<T>, JsonDecodeError> {
        if r.take_null()? {
            Ok(None)
        } else {
            f(r).map(Some)
        }
    }

    /// Encodes a slice as an array whose items `f` encodes.
    #[inline]
    pub fn encode_seq<T, B: BufMut>(
        items: &[T],
        buf: &mut B,
        f: impl FnMut(&T, &mut B) -> Result<(), JsonEncodeError>,
    ) -> Result<(), JsonEncodeError> {
        write_array(items, buf, f)
    }

    /// Decodes what [`encode_seq`] wrote.
    #[inline]
    pub fn decode_seq<T>(
        r: &mut JsonReader<'_>,
        f: impl FnMut(&mut JsonReader<'_>) -> Result<T, JsonDecodeError>,
    ) -> Result<Vec<T>, JsonDecodeError> {
        read_array(r, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_round_trip() {
        let v: Vec<Option<i32>> = vec![Some(1), None, Some(-3)];
        let json = v.to_json_vec().unwrap();
        assert_eq!(json, b"[1,null,-3]");
        assert_eq!(Vec::<Option<i32>>::decode_json(&json), Ok(v));

        let m: BTreeMap<String, Vec<String>> = [
            ("b".to_string(), vec!["x".to_string()]),
            ("a".to_string(), vec![]),
        ]
        .into();
        let json = m.to_json_vec().unwrap();
        assert_eq!(json, br#"{"a":[],"b":["x"]}"#);
        assert_eq!(BTreeMap::<String, Vec<String>>::decode_json(&json), Ok(m));

        let d: VecDeque<bool> = [true, false].into();
        assert_eq!(
            VecDeque::<bool>::decode_json(&d.to_json_vec().unwrap()),
            Ok(d)
        );
        assert_eq!(
            Box::<Option<Rc<i64>>>::decode_json(b"7"),
            Ok(Box::new(Some(Rc::new(7))))
        );
    }

    #[test]
    fn map_with_a_repeated_key_keeps_the_last_value() {
        let m = HashMap::<String, i32>::decode_json(br#"{"k":1,"k":2}"#).unwrap();
        assert_eq!(m.get("k"), Some(&2));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn wrong_container_types_are_errors() {
        assert_eq!(
            Vec::<i32>::decode_json(b"{}"),
            Err(JsonDecodeError::WrongType {
                expected: "array",
                found: "an object",
                offset: 0
            })
        );
        assert_eq!(
            BTreeMap::<String, i32>::decode_json(br#"{"a":"x"}"#),
            Err(JsonDecodeError::WrongType {
                expected: "integer",
                found: "a string",
                offset: 5
            })
        );
    }
}
