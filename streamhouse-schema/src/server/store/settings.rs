//! Compatibility levels and modes, stored globally (scope `""`) or per subject.

use std::collections::HashMap;

use super::super::error::ApiError;
use super::{with_pool, with_reader, BeginWrite, Store, RAISE_GENERATION};

/// The setting names stored in the `settings` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    /// The compatibility level (`BACKWARD`, ...).
    Compatibility,
    /// The mode (`READWRITE` / `READONLY`).
    Mode,
    /// `compatibilityGroup`: the metadata property that splits versions into groups.
    CompatibilityGroup,
    /// `defaultMetadata` (JSON).
    DefaultMetadata,
    /// `overrideMetadata` (JSON).
    OverrideMetadata,
    /// `defaultRuleSet` (JSON).
    DefaultRuleSet,
    /// `overrideRuleSet` (JSON).
    OverrideRuleSet,
}

impl Setting {
    /// The settings that make up a config (`/config`), as opposed to the mode.
    pub(crate) const CONFIG: [Setting; 6] = [
        Setting::Compatibility,
        Setting::CompatibilityGroup,
        Setting::DefaultMetadata,
        Setting::OverrideMetadata,
        Setting::DefaultRuleSet,
        Setting::OverrideRuleSet,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Setting::Compatibility => "compatibility",
            Setting::Mode => "mode",
            Setting::CompatibilityGroup => "compatibilityGroup",
            Setting::DefaultMetadata => "defaultMetadata",
            Setting::OverrideMetadata => "overrideMetadata",
            Setting::DefaultRuleSet => "defaultRuleSet",
            Setting::OverrideRuleSet => "overrideRuleSet",
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
        self.timed("setting", async move {
            Ok(with_reader!(self, |pool| {
                sqlx::query_scalar("SELECT value FROM settings WHERE scope = $1 AND name = $2")
                    .bind(scope)
                    .bind(setting.name())
                    .fetch_optional(pool)
                    .await?
            }))
        })
        .await
    }

    /// Every value set for `scope`, by setting name.
    pub(crate) async fn settings_of(
        &self,
        scope: &str,
    ) -> Result<HashMap<String, String>, ApiError> {
        self.timed("settings_of", async move {
            let rows: Vec<(String, String)> = with_reader!(self, |pool| {
                sqlx::query_as("SELECT name, value FROM settings WHERE scope = $1")
                    .bind(scope)
                    .fetch_all(pool)
                    .await?
            });
            Ok(rows.into_iter().collect())
        })
        .await
    }

    /// Every value set globally and for `subject`, by setting name, read in one statement.
    pub(crate) async fn global_and_subject_settings(
        &self,
        subject: &str,
    ) -> Result<(HashMap<String, String>, HashMap<String, String>), ApiError> {
        self.timed("global_and_subject_settings", async move {
            let rows: Vec<(String, String, String)> = with_reader!(self, |pool| {
                sqlx::query_as(
                    "SELECT scope, name, value FROM settings WHERE scope = $1 OR scope = $2",
                )
                .bind(GLOBAL)
                .bind(subject)
                .fetch_all(pool)
                .await?
            });
            let (mut global, mut own) = (HashMap::new(), HashMap::new());
            for (scope, name, value) in rows {
                if scope == GLOBAL {
                    global.insert(name, value);
                } else {
                    own.insert(name, value);
                }
            }
            Ok((global, own))
        })
        .await
    }

    /// Sets (inserts or replaces) the value for `scope`, raising the registry's generation.
    pub(crate) async fn put_setting(
        &self,
        scope: &str,
        setting: Setting,
        value: &str,
    ) -> Result<(), ApiError> {
        self.timed("put_setting", async move {
            with_pool!(self, |pool| {
                let mut tx = pool.begin_write().await?;
                sqlx::query(
                    "INSERT INTO settings (scope, name, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (scope, name) DO UPDATE SET value = excluded.value",
                )
                .bind(scope)
                .bind(setting.name())
                .bind(value)
                .execute(&mut *tx)
                .await?;
                sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
                tx.commit().await?;
            });
            Ok(())
        })
        .await
    }

    /// Removes the value for `scope`, returning what it was (and raising the registry's
    /// generation when there was one).
    pub(crate) async fn delete_setting(
        &self,
        scope: &str,
        setting: Setting,
    ) -> Result<Option<String>, ApiError> {
        self.timed("delete_setting", async move {
            Ok(with_pool!(self, |pool| {
                let mut tx = pool.begin_write().await?;
                let removed: Option<String> = sqlx::query_scalar(
                    "DELETE FROM settings WHERE scope = $1 AND name = $2 RETURNING value",
                )
                .bind(scope)
                .bind(setting.name())
                .fetch_optional(&mut *tx)
                .await?;
                if removed.is_some() {
                    sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                removed
            }))
        })
        .await
    }

    /// Whether `subject` has any version row (live or soft-deleted).
    pub(crate) async fn subject_exists(&self, subject: &str) -> Result<bool, ApiError> {
        self.timed("subject_exists", async move {
            let found: Option<i64> = with_reader!(self, |pool| {
                sqlx::query_scalar(
                    "SELECT version FROM subject_versions WHERE subject = $1 LIMIT 1",
                )
                .bind(subject)
                .fetch_optional(pool)
                .await?
            });
            Ok(found.is_some())
        })
        .await
    }
}
