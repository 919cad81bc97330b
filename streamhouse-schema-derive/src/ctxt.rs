//! Collects every error found while parsing and checking, so users see them all at once.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    pub fn error_spanned<T: ToTokens, M: Display>(&self, tokens: T, msg: M) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens, msg));
    }

    pub fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// Moves `other`'s errors here, each prefixed with the `owner` they are about
    /// (`Type`, `Type.field`, `Type::Variant`); returns whether there were any.
    pub fn absorb(&self, other: Ctxt, owner: &str) -> bool {
        let errors = other.errors.into_inner();
        let any = !errors.is_empty();
        let mut mine = self.errors.borrow_mut();
        for err in errors {
            for e in err {
                mine.push(syn::Error::new(e.span(), format!("`{owner}`: {e}")));
            }
        }
        any
    }

    /// All errors combined into one, or `Ok` when there were none.
    pub fn check(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_inner().into_iter();
        let Some(mut first) = errors.next() else {
            return Ok(());
        };
        for e in errors {
            first.combine(e);
        }
        Err(first)
    }
}
