//! The arena values are allocated in, which drops the values that own memory outside it.
//!
//! `bumpalo::Bump` runs no destructors. Most values keep all their memory in the arena
//! (strings, arrays, objects), but a few own memory of the global allocator: a native
//! function's name, a lambda's copy of its AST and its captured frame (an `Rc`), a
//! transformer's ASTs and a regex literal. Allocated in a plain `Bump`, each evaluation
//! that made one lost that memory for good (every evaluation binds the built-in functions,
//! so every evaluation lost some). [`Arena`] records where such values are and drops them
//! when it is reset or dropped, when nothing can borrow them any more.

use std::cell::RefCell;
use std::ops::Deref;
use std::ptr::NonNull;

use bumpalo::Bump;

use crate::Value;

/// A bump arena for JSONata values: a [`Bump`] (to which it dereferences) that also drops,
/// on [`reset`](Arena::reset) and on drop, the values that own memory outside it.
#[derive(Default)]
pub struct Arena {
    bump: Bump,
    /// Values in `bump` to drop before its memory is reused or freed. The lifetime is
    /// erased: these are only dropped when the arena is borrowed mutably (or dropped), so no
    /// reference into it is alive.
    owners: RefCell<Vec<NonNull<Value<'static>>>>,
}

impl Arena {
    /// An empty arena.
    pub fn new() -> Self {
        Self::default()
    }

    /// The underlying bump allocator.
    pub fn bump(&self) -> &Bump {
        &self.bump
    }

    /// Drops the values that own memory outside the arena, then resets the bump allocator
    /// for reuse (see [`Bump::reset`]).
    pub fn reset(&mut self) {
        self.drop_owners();
        self.bump.reset();
    }

    /// Allocates `value`, which owns memory outside the arena, and records it to be dropped
    /// with the arena.
    pub(crate) fn alloc_owner<'a>(&'a self, value: Value<'a>) -> &'a mut Value<'a> {
        // The recorded pointer and the returned reference both derive from this one raw
        // pointer, so the reference's use does not invalidate the pointer the drop uses.
        let slot: *mut Value<'a> = self.bump.alloc(value);
        if let Some(owner) = NonNull::new(slot) {
            self.owners
                .borrow_mut()
                .push(owner.cast::<Value<'static>>());
        }
        // SAFETY: `slot` is the bump's fresh, initialized allocation of `value`, valid for
        // `'a` (the bump is not reset or dropped while `self` is borrowed).
        unsafe { &mut *slot }
    }

    fn drop_owners(&mut self) {
        for owner in self.owners.get_mut().drain(..) {
            // SAFETY: each pointer is to a live, initialized `Value` in `self.bump`, recorded
            // once by `alloc_owner`, and the bump has not been reset or dropped since (both go
            // through here first). `&mut self` (or drop) means no reference into the arena is
            // alive, so nothing can observe the dropped value; dropping a `Value` does not
            // read the other values it refers to.
            unsafe { std::ptr::drop_in_place(owner.as_ptr()) }
        }
    }
}

impl Deref for Arena {
    type Target = Bump;

    fn deref(&self) -> &Bump {
        &self.bump
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        self.drop_owners();
    }
}

impl std::fmt::Debug for Arena {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arena")
            .field("allocated_bytes", &self.bump.allocated_bytes())
            .field("owners", &self.owners.borrow().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluator::frame::Frame;
    use crate::parser::ast::{Ast, AstKind};

    /// Run under Miri too (`cargo +nightly miri test --lib arena`): its leak check fails the
    /// test if a recorded value's memory (the lambda's AST copy and frame handle, the native
    /// function's name) is not given back.
    #[test]
    fn reset_and_drop_drop_the_values_that_own_memory() {
        let node = Ast::new(AstKind::Null, 0);
        let mut arena = Arena::new();
        {
            let frame = Frame::new();
            let lambda = Value::lambda(&arena, &node, Value::undefined(), frame.clone());
            assert!(matches!(lambda, Value::Lambda { .. }));
            Value::nativefn(&arena, "f", 0, |ctx, _| Ok(Value::null(ctx.arena)));
            assert_eq!(frame.handles(), 2, "the lambda holds a handle on the frame");
        }
        assert_eq!(arena.owners.borrow().len(), 2);
        arena.reset();
        assert_eq!(arena.owners.borrow().len(), 0, "reset dropped them");

        Value::lambda(&arena, &node, Value::undefined(), Frame::new());
        assert_eq!(arena.owners.borrow().len(), 1);
        drop(arena);
    }
}
