//! TODO-placeholder
