//! The Avro binary encoding: the traits derived types implement and their implementations
//! for std and common crate types.
//!
//! Derived encoders write fields in order straight into the caller's buffer; there is no
//! intermediate `Value` and no serde walk. Decoders read from a byte cursor (`&mut &[u8]`),
//! check every length against the bytes that remain, and return [`DecodeError`] on
//! malformed input.

mod borrowed;
pub(crate) mod collections;
pub(crate) mod depth;
mod error;
// apache-avro's generic values from untrusted payloads: for the consumer, the producer's
// rewrite and the rules.
#[cfg(feature = "client")]
pub(crate) mod generic;
pub(crate) mod logical;
mod primitives;
pub mod resolve;
pub(crate) mod varint;

use bytes::BufMut;

pub use borrowed::AvroBorrowDecode;
pub use error::{DecodeError, EncodeError};
// The codec traits of explicit mappings (`unit`, `decimal`, `repr`) and their `with`
// functions are for generated code only: `crate::__private` re-exports them.
pub(crate) use logical::{DecimalCodec, WideIntCodec};

use crate::schema::SchemaType;

/// Types that write themselves in the Avro binary encoding of their schema.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Avro encoder",
    label = "this type cannot be written as Avro",
    note = "derive it with #[derive(StreamSchema)]"
)]
pub trait AvroEncode: SchemaType {
    /// Appends the Avro encoding of `self` to `buf`.
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError>;

    /// Writes `self` as a branch of a union whose first branch for this type is `first`:
    /// the branch index, then the value. Union types (data enums) override this to add
    /// their own variant index.
    #[doc(hidden)]
    #[inline]
    fn encode_avro_branch<B: BufMut>(&self, first: i64, buf: &mut B) -> Result<(), EncodeError> {
        varint::write_long(buf, first);
        self.encode_avro(buf)
    }

    /// Writes a slice of `Self` as an Avro array (`u8` overrides it: `Vec<u8>` is `bytes`).
    #[doc(hidden)]
    #[inline]
    fn encode_avro_seq<B: BufMut>(items: &[Self], buf: &mut B) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        collections::encode_array(items.iter(), items.len(), buf)
    }
}

/// Types that read themselves from the Avro binary encoding of their own schema.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Avro decoder",
    label = "this type cannot be read from Avro",
    note = "derive it with #[derive(StreamSchema)]; a derived type with a lifetime parameter borrows from its input instead: read it with AvroBorrowDecode (`from_avro_borrowed`, `Consumer::decode_borrowed`)"
)]
pub trait AvroDecode: SchemaType + Sized {
    /// Reads one value from the front of `input`, advancing it.
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError>;

    /// Reads the value of union branch `branch`, counted from this type's first branch.
    #[doc(hidden)]
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_branch(branch: i64, input: &mut &[u8]) -> Result<Self, DecodeError> {
        if branch == 0 {
            Self::decode_avro(input)
        } else {
            Err(DecodeError::UnionBranch {
                index: branch,
                branches: Self::AVRO_UNION_WIDTH,
            })
        }
    }

    /// Reads an Avro array of `Self` (`u8` overrides it: `Vec<u8>` is `bytes`).
    #[doc(hidden)]
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro_seq(input: &mut &[u8]) -> Result<Vec<Self>, DecodeError> {
        collections::decode_array(input, Self::decode_avro)
    }

    /// Reads one value written with another schema, following `step` of a resolution
    /// plan. By default the value is decoded in place when its bytes are unchanged and
    /// rewritten into reader bytes first otherwise; derived records and `Vec` override it
    /// to read changed values directly.
    #[doc(hidden)]
    #[inline]
    fn decode_avro_resolved(
        input: &mut &[u8],
        step: resolve::Step<'_>,
    ) -> Result<Self, DecodeError> {
        step.decode_with(input, Self::decode_avro)
    }
}
