//! Errors of the compatibility module.

use crate::SchemaFormat;

/// Why a compatibility check (or schema parsing) could not run.
///
/// An incompatible pair of schemas is *not* an error: it is a
/// [`CompatibilityReport`](super::CompatibilityReport) with messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompatError {
    /// The schema text is not a valid schema of its format.
    #[error("invalid {format} schema: {message}")]
    InvalidSchema {
        /// The format the text was parsed as.
        format: SchemaFormat,
        /// What is wrong with it.
        message: String,
    },
    /// One of the already registered schemas passed as `existing` does not parse.
    #[error("invalid existing {format} schema at position {index}: {message}")]
    InvalidExistingSchema {
        /// The format the text was parsed as.
        format: SchemaFormat,
        /// Its position in the `existing` slice (0 = oldest).
        index: usize,
        /// What is wrong with it.
        message: String,
    },
}
