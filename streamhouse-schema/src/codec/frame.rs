//! Zero-copy `bytes::Bytes` fields: while a decoder runs inside [`sliced_from`], a `Bytes`
//! field whose raw bytes lie inside the frame being decoded is a slice of that frame (a
//! reference-count bump, as `prost` does with `Buf::copy_to_bytes` on a `Bytes` input)
//! instead of a copy.
//!
//! Avro `bytes` and Protobuf `bytes` fields are raw on the wire and are sliced. JSON writes
//! bytes as base64, which must be decoded into new memory: a JSON `Bytes` field is always
//! a copy.
//!
//! # Why a scoped thread-local and not a typed input
//!
//! The frame reaches the `Bytes` impls out of band, through a thread-local set for the
//! duration of one decode, instead of through the decoders' signatures. A `Bytes` field
//! can sit at any depth, under owned derived types (`AvroDecode`, Protobuf's `ProtoValue`)
//! whose cursor is a plain `&mut &[u8]`: that cursor is what keeps generated decoders
//! as fast as hand-written ones (it stays in registers), and every derived type, the
//! resolved (evolution) decoder and the Protobuf slice path share it. Carrying the owning
//! `Bytes` beside it would change every decoder signature and the code the derive emits in
//! all three formats, and cost every field of every record a wider cursor, for the sake of
//! the one type that can use it. Here only `Bytes` pays: one thread-local read per field.
//!
//! The scope is typed at its entry ([`sliced_from`] takes the `&Bytes`), re-entrant (a
//! nested scope saves the frame it replaces and puts it back) and panic-safe (a guard
//! restores the previous frame when it drops, also while unwinding). It holds a pointer to
//! the caller's `Bytes`, not a clone: entering and leaving are a store each (a clone and its
//! drop were two atomic operations through `Bytes`' vtable and a thread-local with a
//! destructor, ~130 instructions a decode, more than a small record's whole decode).
//! Slicing is sound whatever the scope holds: a field is sliced only when its bytes lie
//! inside the frame's own buffer, so it is exactly those bytes, kept alive by the slice's
//! reference; bytes from anywhere else (a plain slice, the scratch buffer of a resolved
//! decode) are copied.

use std::cell::Cell;
use std::ptr;

use bytes::Bytes;

thread_local! {
    /// The frame the decoder running on this thread reads from, or null. Non-null only
    /// while a [`Scope`] lives, and then it points to the `Bytes` that scope was entered
    /// with, which [`sliced_from`] keeps borrowed for at least that long.
    static FRAME: Cell<*const Bytes> = const { Cell::new(ptr::null()) };
}

/// Runs `decode` on `frame`'s bytes with `frame` as the current frame: the `bytes::Bytes`
/// fields it decodes (Avro and Protobuf, at any depth) are slices of `frame`, sharing its
/// buffer, instead of copies.
///
/// The typed entry points call it: [`AvroBorrowDecode::from_avro_bytes`](crate::AvroBorrowDecode::from_avro_bytes),
/// [`ProtoBorrowDecode::from_proto_bytes`](crate::ProtoBorrowDecode::from_proto_bytes) and
/// (feature `client`) `Consumer::decode_borrowed`. Use it directly to
/// decode an owned type from a `Bytes` frame the same way:
///
/// ```
/// use bytes::Bytes;
/// use streamhouse_schema::codec::frame::sliced_from;
/// use streamhouse_schema::{AvroDecode, AvroEncode, StreamSchema};
///
/// #[derive(StreamSchema, Debug, PartialEq)]
/// struct Blob {
///     id: i64,
///     data: Bytes,
/// }
///
/// let mut buf = Vec::new();
/// Blob { id: 1, data: Bytes::from_static(b"payload") }.encode_avro(&mut buf)?;
/// let frame = Bytes::from(buf);
/// let blob = sliced_from(&frame, |mut input| Blob::decode_avro(&mut input))?;
/// assert_eq!(blob.data, b"payload"[..]);
/// // `data` shares the frame's buffer: nothing was copied.
/// assert!(frame.as_ptr_range().contains(&blob.data.as_ptr()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sliced_from<'f, R>(frame: &'f Bytes, decode: impl FnOnce(&'f [u8]) -> R) -> R {
    // Declared before the call and dropped after it (or while unwinding out of it), inside
    // the borrow of `frame`.
    let _scope = Scope::enter(frame);
    decode(frame)
}

/// `raw` as `Bytes`: a slice of the current frame when `raw` lies inside it, else a copy.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn bytes_of(raw: &[u8]) -> Bytes {
    if raw.is_empty() {
        // Nothing to share: an empty `Bytes` holds no buffer.
        return Bytes::new();
    }
    // SAFETY: the pointer is null or points to the `Bytes` of the innermost live `Scope`
    // on this thread (a thread-local: no other thread sees it). Each scope lives inside
    // `sliced_from`, which holds a shared borrow of that `Bytes` for longer than the scope,
    // and scopes nest (a guard restores the outer pointer on drop, also when unwinding), so
    // the `Bytes` is alive; the reference does not leave this call.
    let frame = unsafe { FRAME.get().as_ref() };
    match frame {
        Some(frame) if contains(frame, raw) => frame.slice_ref(raw),
        _ => Bytes::copy_from_slice(raw),
    }
}

/// Whether `raw` lies inside `frame`'s buffer (what `Bytes::slice_ref` requires; it
/// panics otherwise).
fn contains(frame: &Bytes, raw: &[u8]) -> bool {
    let outer = frame.as_ptr_range();
    let inner = raw.as_ptr_range();
    outer.start <= inner.start && inner.end <= outer.end
}

/// The current frame for as long as it lives; the one it replaced comes back when it drops.
struct Scope {
    previous: *const Bytes,
}

impl Scope {
    #[inline]
    fn enter(frame: &Bytes) -> Self {
        Scope {
            previous: FRAME.replace(frame),
        }
    }
}

impl Drop for Scope {
    #[inline]
    fn drop(&mut self) {
        FRAME.set(self.previous);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(frame: &Bytes, b: &Bytes) -> bool {
        frame.as_ptr_range().contains(&b.as_ptr())
    }

    #[test]
    fn inside_a_scope_bytes_of_the_frame_are_sliced_and_others_copied() {
        let frame = Bytes::from(b"0123456789".to_vec());
        let other = b"0123456789".to_vec();
        let (inside, outside) = sliced_from(&frame, |input| {
            (bytes_of(&input[2..5]), bytes_of(&other[2..5]))
        });
        assert_eq!(inside, b"234"[..]);
        assert!(shares(&frame, &inside));
        assert_eq!(outside, b"234"[..]);
        assert!(!shares(&frame, &outside));
        // Out of any scope, even the frame's own bytes are copied.
        let copied = bytes_of(&frame[2..5]);
        assert_eq!(copied, b"234"[..]);
        assert!(!shares(&frame, &copied));
    }

    #[test]
    fn a_slice_straddling_the_frame_end_is_copied() {
        // The frame is the first half of a larger buffer; the field runs past its end.
        let whole = Bytes::from(b"abcdefgh".to_vec());
        let frame = whole.slice(..4);
        let got = sliced_from(&frame, |_| bytes_of(&whole[2..6]));
        assert_eq!(got, b"cdef"[..]);
        assert!(!shares(&frame, &got));
    }

    #[test]
    fn scopes_nest_and_restore_the_outer_frame() {
        let outer = Bytes::from(b"outer frame".to_vec());
        let inner = Bytes::from(b"inner frame".to_vec());
        sliced_from(&outer, |o| {
            let from_inner = sliced_from(&inner, |i| bytes_of(&i[..5]));
            assert!(shares(&inner, &from_inner));
            // Back in the outer scope: the outer frame is current again.
            let from_outer = bytes_of(&o[..5]);
            assert!(shares(&outer, &from_outer));
        });
        assert!(!shares(&outer, &bytes_of(&outer[..5])));
    }

    #[test]
    fn a_panicking_decode_leaves_no_frame_behind() {
        let frame = Bytes::from(b"frame".to_vec());
        let caught = std::panic::catch_unwind(|| {
            sliced_from(&frame, |_| -> u8 { panic!("decoder panicked") })
        });
        assert!(caught.is_err());
        assert!(!shares(&frame, &bytes_of(&frame[..])));
    }

    #[test]
    fn empty_fields_hold_no_buffer() {
        let frame = Bytes::from(b"abc".to_vec());
        let empty = sliced_from(&frame, |input| bytes_of(&input[1..1]));
        assert!(empty.is_empty());
    }
}
