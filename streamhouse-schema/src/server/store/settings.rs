//! Compatibility levels and modes, stored globally (scope `""`) or per subject.

use super::super::error::ApiError;
use super::{with_pool, with_reader, Store};

/// The setting names stored in the `settings` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    /// The compatibility level (`BACKWARD`, ...).
    Compatibility,
    /// The mode (`READWRITE` / `READONLY`).
    Mode,
}

impl Setting {
    fn name(self) -> &'static str {
        match self {
            Setting::Compatibility => "compatibility",
            Setting::Mode => "mode",
        }
    }
}

/// The scope of global settings (subjects are never empty, so no clash).
pub(crate) const GLOBAL: &str = "";

impl Store {
    /// The value set for `scope`, if any.
    pub(crate) async fn setting(
        &self,
        scope: &str,
        setting: Setting,
    ) -> Result<Option<String>, ApiError> {
        Ok(with_reader!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM settings WHERE scope = $1 AND name = $2")
                .bind(scope)
                .bind(setting.name())
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Sets (inserts or replaces) the value for `scope`.
    pub(crate) async fn put_setting(
        &self,
        scope: &str,
        setting: Setting,
        value: &str,
    ) -> Result<(), ApiError> {
        with_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (scope, name, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (scope, name) DO UPDATE SET value = excluded.value",
            )
            .bind(scope)
            .bind(setting.name())
            .bind(value)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Removes the value for `scope`, returning what it was.
    pub(crate) async fn delete_setting(
        &self,
        scope: &str,
        setting: Setting,
    ) -> Result<Option<String>, ApiError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "DELETE FROM settings WHERE scope = $1 AND name = $2 RETURNING value",
            )
            .bind(scope)
            .bind(setting.name())
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Whether `subject` has any version row (live or soft-deleted).
    pub(crate) async fn subject_exists(&self, subject: &str) -> Result<bool, ApiError> {
        let found: Option<i64> = with_reader!(self, |pool| {
            sqlx::query_scalar("SELECT version FROM subject_versions WHERE subject = $1 LIMIT 1")
                .bind(subject)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }
}
