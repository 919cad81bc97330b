//! Zero-copy Protobuf decoding: messages that borrow strings and bytes from the payload
//! they are read from (`&'de str`, `&'de [u8]`, `Cow<'de, str>`, `Cow<'de, [u8]>`, and
//! derived messages with a lifetime parameter).
//!
//! The same design as Avro's [`AvroBorrowDecode`](crate::AvroBorrowDecode): separate traits
//! with the input's lifetime, so owned types and every `T: ProtoValue` bound stay as they
//! are. The derive reads a field of a borrowing message through these traits when its type
//! names a lifetime, and through the owned one ([`ProtoField`](super::ProtoField)'s slice
//! path) otherwise, so an owned field of a borrowing message costs what it costs in an owned one.
//!
//! - [`ProtoBorrowValue`]: one singular value read from a `&'de [u8]` cursor, merged into
//!   (Protobuf's last-one-wins for scalars and strings, merge for messages). Every owned
//!   [`ProtoValue`] is one (so a `HashMap<&'a str, i64>` reads its values).
//! - [`ProtoBorrowField`]: a whole field: a plain value, `Option<T>`, `Vec<T>`, or a map
//!   keyed by `&'a str`, `Cow<'a, str>` or `String`.
//! - [`ProtoBorrowDecode`]: a derived borrowing message, read from a whole payload.
//!
//! Reads go through the slice path ([`slice`]): the same errors as the owned decoders
//! (prost's), the same nesting limit.
//!
//! `bytes::Bytes` fields (owned, no lifetime) copy when read from a plain `&[u8]`; read from
//! a `Bytes` frame with [`ProtoBorrowDecode::from_proto_bytes`] (or `Consumer::decode_borrowed`)
//! they are slices of it.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use bytes::Bytes;

use super::slice;
use super::{check_wire_type, DecodeError, ProtoElement, ProtoValue, WireType};

/// One singular Protobuf value read borrowing from the input (`'de`).
///
/// Implemented for `&str`, `&[u8]`, `Cow<str>`, `Cow<[u8]>`, every owned [`ProtoValue`],
/// and by `#[derive(StreamSchema)]` for Protobuf messages with a lifetime parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no borrowing Protobuf mapping for input of lifetime `'de`",
    label = "not a singular Protobuf value that can borrow from its input",
    note = "a borrowing Protobuf field holds &str, &[u8], Cow<str>, Cow<[u8]>, an owned Protobuf value, or a struct derived with Protobuf and a lifetime parameter"
)]
pub trait ProtoBorrowValue<'de>: Sized {
    /// The wire type of one value.
    const WIRE_TYPE: WireType;

    /// The zero value: what a reader sees for a field that is absent (`""`, `b""` borrow
    /// nothing).
    fn proto_default() -> Self;

    /// Reads one value (its key already read and its wire type checked) into `self`, with
    /// `depth` messages left to enter: scalars and strings are replaced, messages merged.
    fn merge_borrowed(&mut self, buf: &mut &'de [u8], depth: u32) -> Result<(), DecodeError>;
}

/// Every owned value reads as it does in an owned message (its bytes copied).
impl<'de, T: ProtoValue> ProtoBorrowValue<'de> for T {
    const WIRE_TYPE: WireType = <T as ProtoValue>::WIRE_TYPE;
    #[inline]
    fn proto_default() -> Self {
        <T as ProtoValue>::proto_default()
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_borrowed(&mut self, buf: &mut &'de [u8], depth: u32) -> Result<(), DecodeError> {
        self.merge_value_slice(buf, depth)
    }
}

/// A string, borrowed: a length prefix and UTF-8 bytes.
impl<'de: 'a, 'a> ProtoBorrowValue<'de> for &'a str {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn proto_default() -> Self {
        ""
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_borrowed(&mut self, buf: &mut &'de [u8], _: u32) -> Result<(), DecodeError> {
        *self = slice::read_str(buf)?;
        Ok(())
    }
}

/// Bytes, borrowed.
impl<'de: 'a, 'a> ProtoBorrowValue<'de> for &'a [u8] {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn proto_default() -> Self {
        &[]
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_borrowed(&mut self, buf: &mut &'de [u8], _: u32) -> Result<(), DecodeError> {
        *self = slice::read_delimited(buf)?;
        Ok(())
    }
}

/// A string, always borrowed (Protobuf strings have no escapes).
impl<'de: 'a, 'a> ProtoBorrowValue<'de> for Cow<'a, str> {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn proto_default() -> Self {
        Cow::Borrowed("")
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_borrowed(&mut self, buf: &mut &'de [u8], _: u32) -> Result<(), DecodeError> {
        *self = Cow::Borrowed(slice::read_str(buf)?);
        Ok(())
    }
}

/// Bytes, always borrowed.
impl<'de: 'a, 'a> ProtoBorrowValue<'de> for Cow<'a, [u8]> {
    const WIRE_TYPE: WireType = WireType::LengthDelimited;
    #[inline]
    fn proto_default() -> Self {
        Cow::Borrowed(&[])
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_borrowed(&mut self, buf: &mut &'de [u8], _: u32) -> Result<(), DecodeError> {
        *self = Cow::Borrowed(slice::read_delimited(buf)?);
        Ok(())
    }
}

/// A borrowing value that may be an element of a `repeated` field: every owned
/// [`ProtoElement`], the borrowed strings and bytes, and derived borrowing messages (not
/// `u8`: a `Vec<u8>` is `bytes`).
pub trait ProtoBorrowElement<'de>: ProtoBorrowValue<'de> {}

impl<'de, T: ProtoElement> ProtoBorrowElement<'de> for T {}
impl<'de: 'a, 'a> ProtoBorrowElement<'de> for &'a str {}
impl<'de: 'a, 'a> ProtoBorrowElement<'de> for &'a [u8] {}
impl<'de: 'a, 'a> ProtoBorrowElement<'de> for Cow<'a, str> {}
impl<'de: 'a, 'a> ProtoBorrowElement<'de> for Cow<'a, [u8]> {}

/// A whole field of a borrowing message, read from a `&'de [u8]` cursor: the field's Rust
/// type decides its label, as with [`ProtoField`](super::ProtoField).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a borrowing Protobuf field",
    label = "no borrowing Protobuf field mapping",
    note = "a borrowing Protobuf field is T, Option<T> or Vec<T> (T: &str, &[u8], Cow<str>, Cow<[u8]>, a derived borrowing message or an owned Protobuf value), or a HashMap/BTreeMap keyed by &str, Cow<str> or String"
)]
pub trait ProtoBorrowField<'de>: Sized {
    /// The field's value when it is absent from the input.
    fn field_default() -> Self;

    /// Reads one occurrence of the field (its key already read), with `depth` messages
    /// left to enter.
    fn merge_field_borrowed(
        &mut self,
        wire_type: WireType,
        buf: &mut &'de [u8],
        depth: u32,
    ) -> Result<(), DecodeError>;
}

/// A plain field (implicit presence): the last occurrence wins, messages merge.
impl<'de, T: ProtoBorrowValue<'de>> ProtoBorrowField<'de> for T {
    #[inline]
    fn field_default() -> Self {
        T::proto_default()
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_field_borrowed(
        &mut self,
        wire_type: WireType,
        buf: &mut &'de [u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        self.merge_borrowed(buf, depth)
    }
}

/// `optional T`: present once the field occurs.
impl<'de, T: ProtoBorrowValue<'de>> ProtoBorrowField<'de> for Option<T> {
    #[inline]
    fn field_default() -> Self {
        None
    }
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn merge_field_borrowed(
        &mut self,
        wire_type: WireType,
        buf: &mut &'de [u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        self.get_or_insert_with(T::proto_default)
            .merge_borrowed(buf, depth)
    }
}

/// `repeated T`: one element per occurrence; a packed run (numeric elements sent
/// length-delimited) is read element by element up to its length.
impl<'de, T: ProtoBorrowElement<'de>> ProtoBorrowField<'de> for Vec<T> {
    #[inline]
    fn field_default() -> Self {
        Vec::new()
    }
    #[inline]
    fn merge_field_borrowed(
        &mut self,
        wire_type: WireType,
        buf: &mut &'de [u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        if wire_type == WireType::LengthDelimited && T::WIRE_TYPE != WireType::LengthDelimited {
            let mut run = slice::read_delimited(buf)?;
            while !run.is_empty() {
                let mut v = T::proto_default();
                v.merge_borrowed(&mut run, depth)?;
                self.push(v);
            }
            return Ok(());
        }
        check_wire_type(T::WIRE_TYPE, wire_type)?;
        let mut v = T::proto_default();
        v.merge_borrowed(buf, depth)?;
        self.push(v);
        Ok(())
    }
}

/// A map key read borrowing from the input: `&str` and `Cow<str>` borrow, `String` copies.
pub trait ProtoBorrowKey<'de>: ProtoBorrowValue<'de> {}

impl<'de: 'a, 'a> ProtoBorrowKey<'de> for &'a str {}
impl<'de: 'a, 'a> ProtoBorrowKey<'de> for Cow<'a, str> {}
impl ProtoBorrowKey<'_> for String {}

/// Reads one `map<string, V>` entry (a message: key field 1, value field 2; a missing key
/// or value is its zero value).
fn merge_entry<'de, K: ProtoBorrowKey<'de>, V: ProtoBorrowValue<'de>>(
    wire_type: WireType,
    buf: &mut &'de [u8],
    depth: u32,
) -> Result<(K, V), DecodeError> {
    check_wire_type(WireType::LengthDelimited, wire_type)?;
    let (mut body, depth) = slice::message_body(buf, depth)?;
    let mut key = K::proto_default();
    let mut value = V::proto_default();
    while !body.is_empty() {
        let (tag, wire_type) = slice::read_key(&mut body)?;
        match tag {
            1 => key.merge_field_borrowed(wire_type, &mut body, depth)?,
            2 => value.merge_field_borrowed(wire_type, &mut body, depth)?,
            _ => slice::skip_field(wire_type, tag, &mut body)?,
        }
    }
    Ok((key, value))
}

/// `map<string, V>` with borrowed keys: one entry message per key, later entries replace
/// earlier ones.
impl<'de, K, V, S> ProtoBorrowField<'de> for HashMap<K, V, S>
where
    K: ProtoBorrowKey<'de> + Eq + Hash,
    V: ProtoBorrowValue<'de>,
    S: BuildHasher + Default,
{
    fn field_default() -> Self {
        HashMap::default()
    }
    fn merge_field_borrowed(
        &mut self,
        wire_type: WireType,
        buf: &mut &'de [u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        let (k, v) = merge_entry(wire_type, buf, depth)?;
        self.insert(k, v);
        Ok(())
    }
}

/// `map<string, V>` with borrowed keys, sorted.
impl<'de, K, V> ProtoBorrowField<'de> for BTreeMap<K, V>
where
    K: ProtoBorrowKey<'de> + Ord,
    V: ProtoBorrowValue<'de>,
{
    fn field_default() -> Self {
        BTreeMap::new()
    }
    fn merge_field_borrowed(
        &mut self,
        wire_type: WireType,
        buf: &mut &'de [u8],
        depth: u32,
    ) -> Result<(), DecodeError> {
        let (k, v) = merge_entry(wire_type, buf, depth)?;
        self.insert(k, v);
        Ok(())
    }
}

/// A Protobuf message that reads itself from a payload, borrowing strings and bytes from it
/// instead of copying them.
///
/// Derived for structs with a lifetime parameter and `#[stream_schema(protobuf)]` (or field
/// tags):
///
/// ```
/// use streamhouse_schema::{ProtoBorrowDecode, StreamSchema};
///
/// #[derive(StreamSchema)]
/// #[stream_schema(protobuf)]
/// struct Note<'a> {
///     #[stream_schema(tag = 1)]
///     id: i64,
///     #[stream_schema(tag = 2)]
///     author: &'a str,
/// }
///
/// // id = 7, author = "ada", as any Protobuf writer encodes them.
/// let payload = [0x08, 0x07, 0x12, 0x03, b'a', b'd', b'a'];
/// let note = Note::from_proto_borrowed(&payload)?;
/// assert_eq!((note.id, note.author), (7, "ada"));
/// // The string points into `payload`: nothing was copied.
/// assert!(payload.as_ptr_range().contains(&note.author.as_ptr()));
/// # Ok::<(), streamhouse_schema::codec::proto::DecodeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no borrowing Protobuf decoder for input of lifetime `'de`",
    label = "this type cannot be read from Protobuf borrowing its input",
    note = "derive it with #[derive(StreamSchema)] and #[stream_schema(protobuf)] on a struct with a lifetime parameter; types without one are read with decode_proto"
)]
pub trait ProtoBorrowDecode<'de>: ProtoBorrowValue<'de> {
    /// Merges a whole message body (no length prefix) into `self`, with `depth` messages
    /// left to enter.
    #[doc(hidden)]
    fn merge_body_borrowed(&mut self, body: &'de [u8], depth: u32) -> Result<(), DecodeError>;

    /// Reads a whole message payload (no framing); unknown fields are skipped, absent ones
    /// take their zero values.
    #[inline]
    fn from_proto_borrowed(payload: &'de [u8]) -> Result<Self, DecodeError> {
        let mut value = Self::proto_default();
        value.merge_body_borrowed(payload, slice::RECURSION_LIMIT)?;
        Ok(value)
    }

    /// Reads a whole message payload held in a [`Bytes`] frame (what the consumer holds), as
    /// [`from_proto_borrowed`](Self::from_proto_borrowed) does, and in addition every
    /// `bytes::Bytes` field, at any depth, is a slice of `frame` (its reference count bumped,
    /// nothing copied) instead of a copy, as `prost` slices a `Bytes` input. See
    /// [`sliced_from`](crate::codec::frame::sliced_from) for how.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use streamhouse_schema::{ProtoBorrowDecode, StreamSchema};
    ///
    /// #[derive(StreamSchema)]
    /// #[stream_schema(protobuf)]
    /// struct Upload<'a> {
    ///     #[stream_schema(tag = 1)]
    ///     name: &'a str,
    ///     #[stream_schema(tag = 2)]
    ///     data: Bytes,
    /// }
    ///
    /// // name = "a", data = [1, 2, 3], as any Protobuf writer encodes them.
    /// let frame = Bytes::from(vec![0x0a, 0x01, b'a', 0x12, 0x03, 1, 2, 3]);
    /// let upload = Upload::from_proto_bytes(&frame)?;
    /// assert_eq!(upload.data, [1, 2, 3][..]);
    /// // `data` is the frame's own bytes 5..8: nothing was copied.
    /// assert_eq!(upload.data.as_ptr(), frame[5..].as_ptr());
    /// # Ok::<(), streamhouse_schema::codec::proto::DecodeError>(())
    /// ```
    #[inline]
    fn from_proto_bytes(frame: &'de Bytes) -> Result<Self, DecodeError> {
        crate::codec::frame::sliced_from(frame, Self::from_proto_borrowed)
    }
}

/// How `Consumer::decode_borrowed` (feature `client`) reaches the
/// borrowing Protobuf decoder of a type that may or may not be a Protobuf message, as
/// `StreamSchema::proto_codec` does for owned types.
///
/// Derived for every type with a lifetime parameter: `Some` for a Protobuf message, `None`
/// otherwise (the consumer then refuses a Protobuf record with a configuration error).
pub trait ProtoBorrowRecord<'de>: Sized {
    /// The type's [`ProtoBorrowDecode::from_proto_borrowed`], if it is a Protobuf message.
    fn proto_borrowed() -> Option<BorrowedDecoder<'de, Self>>;
}

/// A borrowing decoder of whole payloads: [`ProtoBorrowDecode::from_proto_borrowed`] of `T`.
pub type BorrowedDecoder<'de, T> = fn(&'de [u8]) -> Result<T, DecodeError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'de, F: ProtoBorrowField<'de>>(
        wire_type: WireType,
        bytes: &'de [u8],
    ) -> Result<F, DecodeError> {
        let mut f = F::field_default();
        let mut buf = bytes;
        while !buf.is_empty() {
            f.merge_field_borrowed(wire_type, &mut buf, slice::RECURSION_LIMIT)?;
        }
        Ok(f)
    }

    #[test]
    fn strings_and_bytes_point_into_the_input() {
        let bytes = b"\x06h\xc3\xa9llo";
        let s: &str = field(WireType::LengthDelimited, bytes).unwrap_or_default();
        assert_eq!(s, "héllo");
        assert_eq!(s.as_ptr(), bytes[1..].as_ptr());
        let b: &[u8] = field(WireType::LengthDelimited, bytes).unwrap_or_default();
        assert_eq!(b, &bytes[1..]);
        assert!(matches!(
            field::<Cow<str>>(WireType::LengthDelimited, bytes),
            Ok(Cow::Borrowed("héllo"))
        ));
        assert!(matches!(
            field::<Cow<[u8]>>(WireType::LengthDelimited, bytes),
            Ok(Cow::Borrowed(b"h\xc3\xa9llo"))
        ));
    }

    #[test]
    fn repeated_optional_and_packed() {
        assert_eq!(
            field::<Vec<&str>>(WireType::LengthDelimited, b"\x01a\x02bc"),
            Ok(vec!["a", "bc"])
        );
        assert_eq!(
            field::<Option<&str>>(WireType::LengthDelimited, b"\x00"),
            Ok(Some(""))
        );
        // A packed run of 1 and 300, then one unpacked 5.
        let mut v: Vec<i32> = Vec::new();
        let mut buf: &[u8] = b"\x03\x01\xac\x02";
        assert_eq!(
            v.merge_field_borrowed(WireType::LengthDelimited, &mut buf, 10),
            Ok(())
        );
        let mut buf: &[u8] = b"\x05";
        assert_eq!(
            v.merge_field_borrowed(WireType::Varint, &mut buf, 10),
            Ok(())
        );
        assert_eq!(v, [1, 300, 5]);
    }

    #[test]
    fn maps_borrow_their_keys() {
        // Entries {"k": 7} and {"j": 0 (value absent)}, then "k" again with 9.
        let bytes = b"\x05\x0a\x01k\x10\x07\x03\x0a\x01j\x05\x0a\x01k\x10\x09";
        let m: BTreeMap<&str, i64> = field(WireType::LengthDelimited, bytes).unwrap_or_default();
        assert_eq!(m, BTreeMap::from([("j", 0), ("k", 9)]));
        let m: HashMap<Cow<str>, &str> =
            field(WireType::LengthDelimited, b"\x06\x0a\x01k\x12\x01v").unwrap_or_default();
        assert_eq!(m.get("k"), Some(&"v"));
        let err =
            field::<BTreeMap<&str, i64>>(WireType::LengthDelimited, b"\x03\x0a\x05k").unwrap_err();
        assert!(err.to_string().contains("exceeds"), "{err}");
    }

    #[test]
    fn bad_input_is_prosts_error() {
        let err = field::<&str>(WireType::LengthDelimited, b"\x02\xff\xfe").unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
        let err = field::<&str>(WireType::Varint, b"\x01").unwrap_err();
        assert!(err.to_string().contains("invalid wire type"), "{err}");
        let err = field::<&[u8]>(WireType::LengthDelimited, b"\x05ab").unwrap_err();
        assert!(err.to_string().contains("exceeds"), "{err}");
        // A map entry at the nesting limit.
        let mut m: HashMap<&str, i64> = HashMap::new();
        let mut buf: &[u8] = b"\x00";
        let err = m
            .merge_field_borrowed(WireType::LengthDelimited, &mut buf, 0)
            .unwrap_err();
        assert!(format!("{err:?}").contains("RecursionLimit"), "{err:?}");
    }
}
