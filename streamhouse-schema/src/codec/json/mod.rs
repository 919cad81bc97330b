//! The JSON encoding of a type, matching its JSON Schema (see [`crate::schema::json`]).
//!
//! Derived encoders write compact JSON straight into the caller's buffer, fields in
//! declaration order, with no intermediate `Value` and no serde walk. Derived decoders
//! pull tokens from a [`JsonReader`]: unknown fields are skipped, and a missing required
//! field, a value of the wrong JSON type or an unknown enum symbol is a typed
//! [`JsonDecodeError`].
//!
//! | model type | JSON |
//! |---|---|
//! | boolean, int, long | `true`/`false`, integer |
//! | float, double | number in its shortest round-trip form, in Python's `repr` notation (`1e+16`, `1e-05`; see `float.rs`); NaN and infinities are an error |
//! | string | string |
//! | bytes, fixed | base64 string (RFC 4648, padded) |
//! | uuid | `"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"` (lowercase) |
//! | date | `"YYYY-MM-DD"` |
//! | time-millis / time-micros | `"HH:MM:SS.sss"` / `"HH:MM:SS.ssssss"`, with `Z` |
//! | timestamp-millis / -micros | `"YYYY-MM-DDTHH:MM:SS.sss[sss]Z"` |
//! | local-timestamp-millis / -micros | the same without `Z` |
//! | decimal | string with exactly `scale` fraction digits (`"-12.50"`) |
//! | array, map | array, object |
//! | `Option<T>` | `null` or the value |
//! | record | object, fields in declaration order |
//! | enum | the symbol as a string |
//! | data enum | `"Variant"` for a unit variant, `{"Variant": value}` otherwise |

mod borrowed;
pub(crate) mod collections;
mod error;
mod float;
pub(crate) mod logical;
mod primitives;
pub mod reader;
pub(crate) mod slots;
#[cfg(any(feature = "chrono", feature = "time"))]
mod temporal;
pub mod writer;

use bytes::BufMut;

pub use borrowed::JsonBorrowDecode;
pub use error::{JsonDecodeError, JsonEncodeError};
pub use reader::JsonReader;

use crate::schema::SchemaType;

// `JsonTemporalMillis` and the `with` functions of explicit mappings (`repr`, `unit`,
// `decimal`) are for generated code only: `crate::__private` re-exports them.

/// Types that write themselves as JSON matching their JSON Schema.
pub trait JsonEncode: SchemaType {
    /// Appends the JSON encoding of `self` to `buf`.
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError>;

    /// The JSON encoding of `self` as a new buffer.
    fn to_json_vec(&self) -> Result<Vec<u8>, JsonEncodeError> {
        let mut buf = Vec::new();
        self.encode_json(&mut buf)?;
        Ok(buf)
    }

    /// Writes a slice of `Self` as a JSON array (`u8` overrides it: `Vec<u8>` is a base64
    /// string, as its schema is bytes).
    #[doc(hidden)]
    #[inline]
    fn encode_json_seq<B: BufMut>(items: &[Self], buf: &mut B) -> Result<(), JsonEncodeError>
    where
        Self: Sized,
    {
        writer::write_array(items, buf, |v, buf| v.encode_json(buf))
    }
}

/// Types that read themselves from JSON matching their JSON Schema.
pub trait JsonDecode: SchemaType + Sized {
    /// Reads one value at the reader's position.
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError>;

    /// Reads a whole JSON document (whitespace around the value is allowed, anything else
    /// after it is an error).
    fn decode_json(input: &[u8]) -> Result<Self, JsonDecodeError> {
        let mut r = JsonReader::new(input);
        let v = Self::read_json(&mut r)?;
        r.finish()?;
        Ok(v)
    }

    /// Reads a JSON array of `Self` (`u8` overrides it: `Vec<u8>` is a base64 string).
    #[doc(hidden)]
    #[inline]
    fn read_json_seq(r: &mut JsonReader<'_>) -> Result<Vec<Self>, JsonDecodeError> {
        collections::read_array(r, Self::read_json)
    }
}
