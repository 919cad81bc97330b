//! The field context generated code adds to an error, as a plain generic function.
//!
//! Generated decoders and encoders used to wrap every field's result in
//! `.map_err(|e| e.in_field("Type.field"))`: one closure per field, each a body of its own
//! for the compiler to type-check, borrow-check and generate code for, in every crate that
//! derives. [`in_field`] is one generic function instantiated once per (value, error) type
//! pair across the whole build; inlined, it compiles to the same code as the closure.

use super::avro::{DecodeError, EncodeError};
use super::json::{JsonDecodeError, JsonEncodeError};

/// An error that can say which field it happened in.
pub trait FieldError {
    /// The error wrapped with `field` (`Type.field`).
    fn within(self, field: &'static str) -> Self;
}

impl FieldError for DecodeError {
    #[inline]
    fn within(self, field: &'static str) -> Self {
        self.in_field(field)
    }
}

impl FieldError for EncodeError {
    #[inline]
    fn within(self, field: &'static str) -> Self {
        self.in_field(field)
    }
}

impl FieldError for JsonDecodeError {
    #[inline]
    fn within(self, field: &'static str) -> Self {
        self.in_field(field)
    }
}

impl FieldError for JsonEncodeError {
    #[inline]
    fn within(self, field: &'static str) -> Self {
        self.in_field(field)
    }
}

/// `result` with its error, if any, wrapped with `field`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn in_field<T, E: FieldError>(result: Result<T, E>, field: &'static str) -> Result<T, E> {
    match result {
        Ok(value) => Ok(value),
        Err(error) => Err(error.within(field)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_errors_only() {
        let ok: Result<u8, DecodeError> = Ok(7);
        assert_eq!(in_field(ok, "T.f"), Ok(7));
        let err: Result<u8, DecodeError> = Err(DecodeError::MalformedVarint);
        assert_eq!(
            in_field(err, "T.f"),
            Err(DecodeError::MalformedVarint.in_field("T.f"))
        );
    }
}
