//! Zero-copy JSON decoding: types that borrow strings from the document they are read from.
//!
//! The JSON counterpart of [`AvroBorrowDecode`](crate::AvroBorrowDecode), a separate trait
//! for the same reasons (owned decoding and its bounds unchanged, no blanket impl). A JSON
//! string can be borrowed only when it has no escapes: `&'de str` refuses an escaped one
//! with [`JsonDecodeError::EscapedBorrow`] (named by field in derived types, as serde does),
//! while `Cow<'de, str>` borrows when it can and owns the unescaped text when it must.
//! Bytes are base64 text in JSON, so `Cow<'de, [u8]>` always owns them and `&'de [u8]` is
//! [`JsonDecodeError::BorrowedBase64`]. For the same reason a `bytes::Bytes` field is never a
//! slice of the input here, unlike Avro and Protobuf ones read from a `Bytes` frame
//! ([`frame`](crate::codec::frame)): its base64 text is decoded into a new buffer.

use std::borrow::Cow;

use super::collections::read_array;
use super::primitives::read_base64;
use super::{JsonDecodeError, JsonReader};
use crate::schema::SchemaType;

/// Types that read themselves from JSON matching their JSON Schema, borrowing strings from
/// the document (`'de`) where they can.
///
/// Derived for types with a lifetime parameter:
///
/// ```
/// use std::borrow::Cow;
/// use streamhouse_schema::{JsonBorrowDecode, StreamSchema};
///
/// #[derive(StreamSchema)]
/// struct Note<'a> {
///     author: &'a str,
///     text: Cow<'a, str>,
/// }
///
/// let json = br#"{"author":"ada","text":"two\nlines"}"#;
/// let note = Note::decode_json_borrowed(json)?;
/// assert_eq!(note.author, "ada");
/// // `text` has an escape, so it was unescaped into a String of its own.
/// assert!(matches!(note.text, Cow::Owned(ref t) if t == "two\nlines"));
///
/// // An escaped string cannot be borrowed as `&str`: the error names the field.
/// let err = Note::decode_json_borrowed(br#"{"author":"a\"b","text":""}"#).err();
/// assert!(err.is_some_and(|e| e.to_string().starts_with("field `Note.author`")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no borrowing JSON decoder for input of lifetime `'de`",
    label = "this type cannot be read from JSON borrowing its input",
    note = "derive it with #[derive(StreamSchema)] on a type with a lifetime parameter; types without one implement JsonDecode"
)]
pub trait JsonBorrowDecode<'de>: SchemaType + Sized {
    /// Reads one value at the reader's position, borrowing from the reader's input.
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError>;

    /// Reads a whole JSON document (whitespace around the value is allowed, anything else
    /// after it is an error), borrowing from it.
    fn decode_json_borrowed(input: &'de [u8]) -> Result<Self, JsonDecodeError> {
        let mut r = JsonReader::new(input);
        let v = Self::read_json_borrowed(&mut r)?;
        r.finish()?;
        Ok(v)
    }
}

/// Where the next value starts (for errors about it).
#[inline]
fn value_offset(r: &mut JsonReader<'_>) -> Result<usize, JsonDecodeError> {
    r.peek()?;
    Ok(r.offset())
}

/// A string without escapes, borrowed; an escaped one is an error.
impl<'de: 'a, 'a> JsonBorrowDecode<'de> for &'a str {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        let at = value_offset(r)?;
        match r.read_str()? {
            Cow::Borrowed(s) => Ok(s),
            Cow::Owned(_) => Err(JsonDecodeError::EscapedBorrow { offset: at }),
        }
    }
}

/// A string, borrowed when it has no escapes and unescaped into its own buffer otherwise.
impl<'de: 'a, 'a> JsonBorrowDecode<'de> for Cow<'a, str> {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        r.read_str()
    }
}

/// Base64 bytes, decoded into a buffer of their own (JSON has no raw bytes to borrow).
impl<'de: 'a, 'a> JsonBorrowDecode<'de> for Cow<'a, [u8]> {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        read_base64(r).map(Cow::Owned)
    }
}

/// Always [`JsonDecodeError::BorrowedBase64`], so that a type with a `&[u8]` field still
/// derives (its Avro decoder borrows the bytes) and says why when read from JSON.
impl<'de: 'a, 'a> JsonBorrowDecode<'de> for &'a [u8] {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        let at = value_offset(r)?;
        Err(JsonDecodeError::BorrowedBase64 { offset: at })
    }
}

/// `null` or the value.
impl<'de, T: JsonBorrowDecode<'de>> JsonBorrowDecode<'de> for Option<T> {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        if r.take_null()? {
            Ok(None)
        } else {
            T::read_json_borrowed(r).map(Some)
        }
    }
}

/// An array of borrowing items.
impl<'de, T: JsonBorrowDecode<'de>> JsonBorrowDecode<'de> for Vec<T> {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        read_array(r, T::read_json_borrowed)
    }
}

/// A boxed borrowing value.
impl<'de, T: JsonBorrowDecode<'de>> JsonBorrowDecode<'de> for Box<T> {
    #[inline]
    fn read_json_borrowed(r: &mut JsonReader<'de>) -> Result<Self, JsonDecodeError> {
        T::read_json_borrowed(r).map(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_point_into_the_document() {
        let doc = [b"\"caf".as_slice(), "é".as_bytes(), b"\""].concat();
        let s = <&str>::decode_json_borrowed(&doc);
        assert_eq!(s, Ok("café"));
        assert_eq!(s.map(str::as_ptr), Ok(doc[1..].as_ptr()));
        assert!(matches!(
            Cow::<str>::decode_json_borrowed(&doc),
            Ok(Cow::Borrowed("café"))
        ));
    }

    #[test]
    fn escaped_strings_are_owned_by_cow_and_refused_by_str() {
        let doc = br#" "a\u00e9\"b""#;
        assert_eq!(
            Cow::<str>::decode_json_borrowed(doc),
            Ok(Cow::Owned("aé\"b".to_string()))
        );
        assert_eq!(
            <&str>::decode_json_borrowed(doc),
            Err(JsonDecodeError::EscapedBorrow { offset: 1 })
        );
    }

    #[test]
    fn bytes_are_decoded_from_base64() {
        assert_eq!(
            Cow::<[u8]>::decode_json_borrowed(br#""AAH/""#),
            Ok(Cow::Owned(vec![0, 1, 255]))
        );
        assert_eq!(
            <&[u8]>::decode_json_borrowed(br#" "AAH/""#),
            Err(JsonDecodeError::BorrowedBase64 { offset: 1 })
        );
    }

    #[test]
    fn options_and_arrays() {
        assert_eq!(
            Vec::<Option<&str>>::decode_json_borrowed(br#"["x", null]"#),
            Ok(vec![Some("x"), None])
        );
        assert_eq!(
            Option::<&str>::decode_json_borrowed(b"7"),
            Err(JsonDecodeError::WrongType {
                expected: "string",
                found: "a number",
                offset: 0
            })
        );
    }
}
