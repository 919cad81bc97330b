//! Zero-copy decoding: types that borrow strings and bytes from the input they are read
//! from (`&'de str`, `&'de [u8]`, `Cow<'de, str>`, `Cow<'de, [u8]>`, and derived types with
//! a lifetime parameter).
//!
//! A separate trait rather than a lifetime on [`AvroDecode`]: owned types and every
//! `T: AvroDecode` bound stay as they are, and only types that borrow implement this one.
//! There is deliberately no blanket impl for `T: AvroDecode` (it would overlap the impls
//! for `Option`, `Vec` and `Box` of borrowing types); the derive instead reads each field
//! of a borrowing type through this trait when its type names a lifetime, and through
//! [`AvroDecode`] otherwise.
//!
//! Borrowed decoding reads the type's own schema only: there is no schema resolution for
//! borrowing types (a resolved read rewrites changed values into scratch bytes, which
//! nothing may borrow from).
//!
//! `bytes::Bytes` fields (owned, no lifetime) copy when read from a plain `&[u8]`; read from
//! a `Bytes` frame with [`AvroBorrowDecode::from_avro_bytes`] (or, feature `client`,
//! `Consumer::decode_borrowed`) they are slices of it.

use std::borrow::Cow;

use bytes::Bytes;

use super::collections::decode_array;
use super::depth::Level;
use super::varint::{read_bytes, read_long, read_str};
use super::DecodeError;
use crate::codec::frame::sliced_from;
use crate::schema::SchemaType;

/// Types that read themselves from the Avro binary encoding of their own schema, borrowing
/// strings and bytes from the input (`'de`) instead of copying them.
///
/// Derived for types with a lifetime parameter:
///
/// ```
/// use streamhouse_schema::{AvroBorrowDecode, AvroEncode, StreamSchema};
///
/// #[derive(StreamSchema)]
/// struct Order<'a> {
///     id: i64,
///     customer: &'a str,
///     note: Option<&'a str>,
/// }
///
/// let mut bytes = Vec::new();
/// Order { id: 7, customer: "ada", note: None }.encode_avro(&mut bytes)?;
/// let order = Order::from_avro_borrowed(&bytes)?;
/// assert_eq!(order.customer, "ada");
/// // The string points into `bytes`: nothing was copied.
/// assert!(bytes.as_ptr_range().contains(&order.customer.as_ptr()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no borrowing Avro decoder for input of lifetime `'de`",
    label = "this type cannot be read from Avro borrowing its input",
    note = "derive it with #[derive(StreamSchema)] on a type with a lifetime parameter; types without one implement AvroDecode"
)]
pub trait AvroBorrowDecode<'de>: SchemaType + Sized {
    /// Reads one value from the front of `input`, advancing it; strings and bytes of the
    /// value point into `input`.
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError>;

    /// Reads a value from an Avro payload written with this type's schema. Trailing bytes
    /// are ignored, as [`StreamSchema::decode_value`](crate::StreamSchema::decode_value)
    /// ignores them.
    #[inline]
    fn from_avro_borrowed(payload: &'de [u8]) -> Result<Self, DecodeError> {
        let mut input = payload;
        Self::decode_avro_borrowed(&mut input)
    }

    /// Reads a value from an Avro payload held in a [`Bytes`] frame (what the consumer
    /// holds), as [`from_avro_borrowed`](Self::from_avro_borrowed) does, and in addition
    /// every `bytes::Bytes` field, at any depth, is a slice of `frame` (its reference count
    /// bumped, nothing copied) instead of a copy. See [`sliced_from`] for how.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use streamhouse_schema::{AvroBorrowDecode, AvroEncode, StreamSchema};
    ///
    /// #[derive(StreamSchema)]
    /// struct Upload<'a> {
    ///     name: &'a str,
    ///     data: Bytes,
    /// }
    ///
    /// let mut buf = Vec::new();
    /// Upload { name: "a.bin", data: Bytes::from_static(b"\x00\x01") }.encode_avro(&mut buf)?;
    /// let frame = Bytes::from(buf);
    /// let upload = Upload::from_avro_bytes(&frame)?;
    /// assert_eq!(upload.data, b"\x00\x01"[..]);
    /// assert!(frame.as_ptr_range().contains(&upload.data.as_ptr()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    fn from_avro_bytes(frame: &'de Bytes) -> Result<Self, DecodeError> {
        sliced_from(frame, Self::from_avro_borrowed)
    }

    /// Reads the value of union branch `branch`, counted from this type's first branch
    /// (data enums override it, as with [`AvroDecode`](super::AvroDecode)).
    #[doc(hidden)]
    #[inline]
    fn decode_avro_borrowed_branch(
        branch: i64,
        input: &mut &'de [u8],
    ) -> Result<Self, DecodeError> {
        if branch == 0 {
            Self::decode_avro_borrowed(input)
        } else {
            Err(DecodeError::UnionBranch {
                index: branch,
                branches: Self::AVRO_UNION_WIDTH,
            })
        }
    }
}

/// A string, borrowed.
impl<'de: 'a, 'a> AvroBorrowDecode<'de> for &'a str {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        read_str(input)
    }
}

/// Bytes, borrowed.
impl<'de: 'a, 'a> AvroBorrowDecode<'de> for &'a [u8] {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        read_bytes(input)
    }
}

/// A string, always borrowed (Avro strings have no escapes).
impl<'de: 'a, 'a> AvroBorrowDecode<'de> for Cow<'a, str> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        read_str(input).map(Cow::Borrowed)
    }
}

/// Bytes, always borrowed.
impl<'de: 'a, 'a> AvroBorrowDecode<'de> for Cow<'a, [u8]> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        read_bytes(input).map(Cow::Borrowed)
    }
}

/// `["null", T...]`, as the owned `Option<T>` reads it.
impl<'de, T: AvroBorrowDecode<'de>> AvroBorrowDecode<'de> for Option<T> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        match read_long(input)? {
            0 => Ok(None),
            b if b > 0 && (b as u64) <= T::AVRO_UNION_WIDTH as u64 => {
                Ok(Some(T::decode_avro_borrowed_branch(b - 1, input)?))
            }
            b => Err(DecodeError::UnionBranch {
                index: b,
                branches: T::AVRO_UNION_WIDTH + 1,
            }),
        }
    }
}

/// An array of borrowing items (`Vec<&str>`, `Vec<LineItem<'a>>`), under the nesting limit.
impl<'de, T: AvroBorrowDecode<'de>> AvroBorrowDecode<'de> for Vec<T> {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        decode_array(input, T::decode_avro_borrowed)
    }
}

/// A boxed borrowing value: how a borrowing type contains itself, so it counts a level.
impl<'de, T: AvroBorrowDecode<'de>> AvroBorrowDecode<'de> for Box<T> {
    #[inline]
    fn decode_avro_borrowed(input: &mut &'de [u8]) -> Result<Self, DecodeError> {
        let _level = Level::enter()?;
        T::decode_avro_borrowed(input).map(Box::new)
    }
    #[inline]
    fn decode_avro_borrowed_branch(
        branch: i64,
        input: &mut &'de [u8],
    ) -> Result<Self, DecodeError> {
        let _level = Level::enter()?;
        T::decode_avro_borrowed_branch(branch, input).map(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AvroEncode;

    fn encoded<T: AvroEncode + ?Sized>(v: &T) -> Vec<u8> {
        let mut buf = Vec::new();
        v.encode_avro(&mut buf).unwrap_or_default();
        buf
    }

    #[test]
    fn strings_and_bytes_point_into_the_input() {
        let bytes = encoded("héllo");
        assert_eq!(bytes, b"\x0ch\xc3\xa9llo");
        let s = <&str>::from_avro_borrowed(&bytes);
        assert_eq!(s, Ok("héllo"));
        assert_eq!(s.map(str::as_ptr), Ok(bytes[1..].as_ptr()));
        let b = <&[u8]>::from_avro_borrowed(&bytes);
        assert_eq!(b, Ok(&bytes[1..]));
        assert!(matches!(
            Cow::<str>::from_avro_borrowed(&bytes),
            Ok(Cow::Borrowed("héllo"))
        ));
        assert!(matches!(
            Cow::<[u8]>::from_avro_borrowed(&bytes),
            Ok(Cow::Borrowed(b"h\xc3\xa9llo"))
        ));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        // Length 3, two bytes left.
        assert_eq!(
            <&str>::from_avro_borrowed(b"\x06ab"),
            Err(DecodeError::InvalidLength {
                len: 3,
                remaining: 2
            })
        );
        assert_eq!(
            <&str>::from_avro_borrowed(b"\x02\xff"),
            Err(DecodeError::InvalidUtf8)
        );
        assert_eq!(
            Option::<&str>::from_avro_borrowed(b"\x04"),
            Err(DecodeError::UnionBranch {
                index: 2,
                branches: 2
            })
        );
    }

    #[test]
    fn options_and_arrays_of_borrowed_strings() {
        let v = vec!["a", "bc"];
        let bytes = encoded(&v);
        assert_eq!(bytes, b"\x04\x02a\x04bc\x00");
        assert_eq!(Vec::<&str>::from_avro_borrowed(&bytes), Ok(v));
        assert_eq!(
            Option::<&str>::from_avro_borrowed(b"\x02\x02z"),
            Ok(Some("z"))
        );
        assert_eq!(Option::<&str>::from_avro_borrowed(b"\x00"), Ok(None));
        assert_eq!(Box::<&str>::from_avro_borrowed(b"\x02z"), Ok(Box::new("z")));
    }
}
