//! Effective settings: a subject's own compatibility level or mode, else the global one.

use std::collections::HashMap;
use std::str::FromStr;

use crate::compat::CompatibilityLevel;

use super::error::ApiError;
use super::store::settings::{Setting, GLOBAL};
use super::store::Store;

/// The registry's modes, as Confluent's (its deprecated `FORWARD` mode is not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reads and writes.
    ReadWrite,
    /// Reads only: registrations and deletes fail with 42205.
    ReadOnly,
    /// READONLY that, set globally, also overrides subjects' own modes.
    ReadOnlyOverride,
    /// Registrations carry their own `id` and `version` (replicating or migrating another
    /// registry) and are not checked for compatibility.
    Import,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
        }
    }

    /// Whether writes (registrations, deletes) are refused.
    pub(crate) fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }
}

impl FromStr for Mode {
    type Err = ApiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "READWRITE" => Ok(Mode::ReadWrite),
            "READONLY" => Ok(Mode::ReadOnly),
            "READONLY_OVERRIDE" => Ok(Mode::ReadOnlyOverride),
            "IMPORT" => Ok(Mode::Import),
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

/// The mode that applies to `subject`: a global READONLY_OVERRIDE, else the subject's own
/// mode, else the global one.
pub(crate) async fn effective_mode(store: &Store, subject: &str) -> Result<Mode, ApiError> {
    let global = global_mode(store).await?;
    if global == Mode::ReadOnlyOverride {
        return Ok(global);
    }
    match store.setting(subject, Setting::Mode).await? {
        Some(raw) => raw.parse(),
        None => Ok(global),
    }
}

/// 42205 when `subject` is read-only (deletes are allowed in READWRITE and IMPORT).
pub(crate) async fn ensure_writable(store: &Store, subject: &str) -> Result<(), ApiError> {
    if effective_mode(store, subject).await?.is_read_only() {
        return Err(ApiError::read_only(subject));
    }
    Ok(())
}

/// What a registration may do in `subject`'s `mode`, as Confluent decides it: 42205 when
/// read-only, when it carries an `id` or `version` outside IMPORT mode, or when it does not
/// in IMPORT mode.
fn allowed_registration(mode: Mode, subject: &str, imports: bool) -> Result<Mode, ApiError> {
    match (mode, imports) {
        (Mode::ReadOnly | Mode::ReadOnlyOverride, _) => Err(ApiError::read_only(subject)),
        (Mode::Import, true) | (Mode::ReadWrite, false) => Ok(mode),
        (_, true) => Err(ApiError::operation_not_permitted(format!(
            "Subject {subject} is not in import mode"
        ))),
        (_, false) => Err(ApiError::operation_not_permitted(format!(
            "Subject {subject} is not in read-write mode"
        ))),
    }
}

/// The global settings and a subject's own, read together (one statement instead of one per
/// setting, for the registration path); the same rules as the functions above.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScopeSettings {
    pub(crate) global: HashMap<String, String>,
    pub(crate) own: HashMap<String, String>,
}

impl ScopeSettings {
    /// Reads the global settings and `subject`'s.
    pub(crate) async fn load(store: &Store, subject: &str) -> Result<Self, ApiError> {
        let (global, own) = store.global_and_subject_settings(subject).await?;
        Ok(ScopeSettings { global, own })
    }

    /// As [`effective_mode`].
    pub(crate) fn mode(&self) -> Result<Mode, ApiError> {
        let global = match self.global.get(Setting::Mode.name()) {
            Some(raw) => raw.parse()?,
            None => Mode::ReadWrite,
        };
        if global == Mode::ReadOnlyOverride {
            return Ok(global);
        }
        match self.own.get(Setting::Mode.name()) {
            Some(raw) => raw.parse(),
            None => Ok(global),
        }
    }

    /// What a registration may do here (see [`allowed_registration`]).
    pub(crate) fn registration_mode(&self, subject: &str, imports: bool) -> Result<Mode, ApiError> {
        allowed_registration(self.mode()?, subject, imports)
    }

    /// As [`effective_level`].
    pub(crate) fn level(&self) -> Result<CompatibilityLevel, ApiError> {
        match self
            .own
            .get(Setting::Compatibility.name())
            .or_else(|| self.global.get(Setting::Compatibility.name()))
        {
            Some(raw) => parse_level(raw),
            None => Ok(CompatibilityLevel::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_any_case_and_print_as_confluent() {
        for mode in [
            Mode::ReadWrite,
            Mode::ReadOnly,
            Mode::ReadOnlyOverride,
            Mode::Import,
        ] {
            assert_eq!(mode.as_str().parse::<Mode>(), Ok(mode));
            assert_eq!(mode.as_str().to_lowercase().parse::<Mode>(), Ok(mode));
        }
        assert_eq!(
            "FORWARD".parse::<Mode>().map_err(|e| e.error_code),
            Err(42204)
        );
        assert!(Mode::ReadOnlyOverride.is_read_only());
        assert!(!Mode::Import.is_read_only());
    }
}
