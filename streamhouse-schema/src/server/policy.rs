//! Effective settings: a subject's own compatibility level or mode, else the global one.

use std::str::FromStr;

use crate::compat::CompatibilityLevel;

use super::error::ApiError;
use super::store::settings::{Setting, GLOBAL};
use super::store::Store;

/// The registry's modes (Confluent's IMPORT and READONLY_OVERRIDE are not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reads and writes.
    ReadWrite,
    /// Reads only: registrations and deletes fail with 42205.
    ReadOnly,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
        }
    }
}

impl FromStr for Mode {
    type Err = ApiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "READWRITE" => Ok(Mode::ReadWrite),
            "READONLY" => Ok(Mode::ReadOnly),
            _ => Err(ApiError::invalid_mode(s)),
        }
    }
}

/// Parses a stored or requested level (42203 when it is not one).
pub(crate) fn parse_level(raw: &str) -> Result<CompatibilityLevel, ApiError> {
    raw.parse::<CompatibilityLevel>()
        .map_err(|_| ApiError::invalid_compatibility_level(raw))
}

/// The global level (BACKWARD unless set).
pub(crate) async fn global_level(store: &Store) -> Result<CompatibilityLevel, ApiError> {
    match store.setting(GLOBAL, Setting::Compatibility).await? {
        Some(raw) => parse_level(&raw),
        None => Ok(CompatibilityLevel::default()),
    }
}

/// The level that applies to `subject`.
pub(crate) async fn effective_level(
    store: &Store,
    subject: &str,
) -> Result<CompatibilityLevel, ApiError> {
    match store.setting(subject, Setting::Compatibility).await? {
        Some(raw) => parse_level(&raw),
        None => global_level(store).await,
    }
}

/// The global mode (READWRITE unless set).
pub(crate) async fn global_mode(store: &Store) -> Result<Mode, ApiError> {
    match store.setting(GLOBAL, Setting::Mode).await? {
        Some(raw) => raw.parse(),
        None => Ok(Mode::ReadWrite),
    }
}

/// 42205 unless `subject` (or, without its own mode, the registry) is READWRITE.
pub(crate) async fn ensure_writable(store: &Store, subject: &str) -> Result<(), ApiError> {
    let mode = match store.setting(subject, Setting::Mode).await? {
        Some(raw) => raw.parse()?,
        None => global_mode(store).await?,
    };
    match mode {
        Mode::ReadWrite => Ok(()),
        Mode::ReadOnly => Err(ApiError::read_only(subject)),
    }
}
