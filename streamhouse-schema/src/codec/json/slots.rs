//! The slots a generated JSON object decoder fills, one per field, as generic functions:
//! one instantiation per field type across the build instead of the same `if`/`match` in
//! every generated field.

use super::JsonDecodeError;

/// `Ok` when `slot` is still empty; a field seen twice in one object is an error.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn vacant<T>(slot: &Option<T>, field: &'static str) -> Result<(), JsonDecodeError> {
    match slot {
        None => Ok(()),
        Some(_) => Err(JsonDecodeError::DuplicateField { field }),
    }
}

/// The value of a required field, or the error for a missing one.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn required<T>(slot: Option<T>, field: &'static str) -> Result<T, JsonDecodeError> {
    match slot {
        Some(value) => Ok(value),
        None => Err(JsonDecodeError::MissingField { field }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_and_missing_fields_are_named() {
        assert_eq!(vacant::<u8>(&None, "a"), Ok(()));
        assert_eq!(
            vacant(&Some(1u8), "a"),
            Err(JsonDecodeError::DuplicateField { field: "a" })
        );
        assert_eq!(required(Some(2u8), "b"), Ok(2));
        assert_eq!(
            required::<u8>(None, "b"),
            Err(JsonDecodeError::MissingField { field: "b" })
        );
    }
}
