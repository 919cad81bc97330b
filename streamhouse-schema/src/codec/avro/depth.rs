//! The nesting count of the Avro decoders on this thread.
//!
//! Decoders of arrays, maps and pointers (the only places a type can contain itself) take a
//! [`Level`] before reading their contents: past [`limits::max_nesting_depth`] levels the
//! input is refused with [`DecodeError::TooDeep`] instead of overflowing the stack. The count
//! lives in a thread local so that generated decoders need no extra argument; a `Level` gives
//! its level back when dropped, on success and on error alike.

use std::cell::Cell;

use super::DecodeError;
use crate::codec::limits;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// One level of nesting, held while a nested value is decoded.
#[must_use = "the level is given back when this is dropped"]
pub(crate) struct Level(());

impl Level {
    /// Enters one level, or refuses when the limit is reached.
    ///
    /// Inlined with `LocalKey::get`/`set` on the const-initialized cell: one thread-local
    /// read and write and an atomic load, without a call into `LocalKey::with`.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn enter() -> Result<Level, DecodeError> {
        let depth = DEPTH.get();
        let limit = limits::max_nesting_depth();
        if depth >= limit {
            return Err(too_deep(limit));
        }
        DEPTH.set(depth + 1);
        Ok(Level(()))
    }
}

#[cold]
#[inline(never)]
fn too_deep(limit: usize) -> DecodeError {
    DecodeError::TooDeep { limit }
}

impl Drop for Level {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_counted_and_given_back() {
        let limit = limits::max_nesting_depth();
        let mut held = Vec::new();
        for _ in 0..limit {
            held.push(Level::enter().unwrap());
        }
        assert!(matches!(Level::enter(), Err(DecodeError::TooDeep { limit: l }) if l == limit));
        held.pop();
        let again = Level::enter().unwrap();
        drop(again);
        drop(held);
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
