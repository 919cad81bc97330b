//! Nesting limits for decoding untrusted input, shared by the Avro and JSON decoders.
//!
//! A record type that contains itself (through `Box`, `Vec`, a map or an `Option<Box<_>>`)
//! lets the input choose how deep the decoder recurses; without a bound, a crafted payload
//! of a few kilobytes overflows the thread's stack and aborts the process. Decoders count
//! the levels they enter and refuse input past [`max_nesting_depth`] with a typed error
//! (Avro [`DecodeError::TooDeep`](super::avro::DecodeError::TooDeep), JSON
//! [`JsonDecodeError::TooDeep`](super::json::JsonDecodeError::TooDeep)).
//!
//! What counts as a level: for Avro, every array, map and pointer (`Box`, `Rc`, `Arc`) the
//! decoder enters (plain nested records need no bound: their depth is fixed by the type);
//! for JSON, every object and array. Protobuf decoding keeps prost's own recursion limit of
//! 100 nested messages.
//!
//! The default, [`DEFAULT_MAX_NESTING_DEPTH`] (128, serde_json's limit), keeps a decode
//! within about 1 MiB of stack for ordinary types, so it is safe on a 2 MiB thread (tokio's
//! default worker stack). Raise it with [`set_max_nesting_depth`] only for trusted data with
//! deeper legitimate nesting, and give the decoding threads a larger stack to match.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The nesting limit decoders start with.
pub const DEFAULT_MAX_NESTING_DEPTH: usize = 128;

static MAX_NESTING_DEPTH: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_NESTING_DEPTH);

/// The nesting limit in force for the Avro and JSON decoders of this process.
#[inline]
pub fn max_nesting_depth() -> usize {
    MAX_NESTING_DEPTH.load(Ordering::Relaxed)
}

/// Sets the nesting limit for the Avro and JSON decoders of this process (at least 1).
///
/// ```
/// use streamhouse_schema::codec::limits;
///
/// limits::set_max_nesting_depth(64);
/// assert_eq!(limits::max_nesting_depth(), 64);
/// limits::set_max_nesting_depth(limits::DEFAULT_MAX_NESTING_DEPTH);
/// ```
pub fn set_max_nesting_depth(depth: usize) {
    MAX_NESTING_DEPTH.store(depth.max(1), Ordering::Relaxed);
}
