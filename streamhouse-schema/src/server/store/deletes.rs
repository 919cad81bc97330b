//! Soft and permanent deletes of subjects and versions, each in one transaction.
//!
//! Confluent's rules: a soft delete hides versions but keeps their schema ids resolvable; a
//! permanent delete is only allowed after a soft delete (40405 / 40407 otherwise) and
//! removes the rows, and with them any schema id no other subject version still uses. A
//! version another schema references stays (42206), checked after the write inside the
//! transaction so that a concurrent registration cannot slip a reference in (see
//! `reference_guard`).

use super::super::error::ApiError;
use super::super::version::VersionSpec;
use super::reference_guard::ensure_unreferenced_in;
use super::{with_pool, BeginWrite, Store, RAISE_GENERATION};

/// What a delete removed or hid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Deleted {
    /// The versions the delete affected (ascending).
    pub(crate) versions: Vec<i64>,
    /// Schema ids that no longer exist (permanent deletes only), for cache invalidation.
    pub(crate) removed_schema_ids: Vec<i64>,
}

impl Store {
    /// `DELETE /subjects/{subject}[?permanent=true]`.
    pub(crate) async fn delete_subject(
        &self,
        subject: &str,
        permanent: bool,
    ) -> Result<Deleted, ApiError> {
        self.timed("delete_subject", async move {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let rows: Vec<(i64, bool, i64)> = sqlx::query_as(
                "SELECT version, deleted, schema_id FROM subject_versions WHERE subject = $1 ORDER BY version",
            )
            .bind(subject)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                return Err(ApiError::subject_not_found(subject));
            }
            let versions: Vec<i64> = rows.iter().map(|(v, _, _)| *v).collect();
            let newest = versions.iter().copied().max().unwrap_or(0);
            let any_live = rows.iter().any(|(_, deleted, _)| !deleted);
            if !permanent {
                if !any_live {
                    return Err(ApiError::subject_soft_deleted(subject));
                }
                sqlx::query(
                    "UPDATE subject_versions SET deleted = TRUE WHERE subject = $1 AND NOT deleted",
                )
                .bind(subject)
                .execute(&mut *tx)
                .await?;
                ensure_unreferenced_in!(tx, subject, &versions, newest);
                sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
                return Ok(Deleted {
                    versions: rows
                        .iter()
                        .filter(|(_, d, _)| !d)
                        .map(|(v, _, _)| *v)
                        .collect(),
                    removed_schema_ids: Vec::new(),
                });
            }
            if any_live {
                return Err(ApiError::subject_not_soft_deleted(subject));
            }
            sqlx::query("DELETE FROM subject_versions WHERE subject = $1")
                .bind(subject)
                .execute(&mut *tx)
                .await?;
            ensure_unreferenced_in!(tx, subject, &versions, newest);
            // A permanently deleted subject forgets its own settings too.
            sqlx::query("DELETE FROM settings WHERE scope = $1")
                .bind(subject)
                .execute(&mut *tx)
                .await?;
            let mut removed = Vec::new();
            for (_, _, schema_id) in &rows {
                if removed.contains(schema_id) {
                    continue;
                }
                let gone = sqlx::query(
                    "DELETE FROM schemas WHERE id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM subject_versions WHERE schema_id = $1)",
                )
                .bind(*schema_id)
                .execute(&mut *tx)
                .await?;
                if gone.rows_affected() > 0 {
                    removed.push(*schema_id);
                }
            }
            sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Deleted {
                versions: rows.iter().map(|(v, _, _)| *v).collect(),
                removed_schema_ids: removed,
            })
        })
    })
        .await
    }

    /// `DELETE /subjects/{subject}/versions/{version}[?permanent=true]`.
    pub(crate) async fn delete_version(
        &self,
        subject: &str,
        spec: VersionSpec,
        permanent: bool,
    ) -> Result<Deleted, ApiError> {
        self.timed("delete_version", async move {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let rows: Vec<(i64, bool, i64)> = sqlx::query_as(
                "SELECT version, deleted, schema_id FROM subject_versions WHERE subject = $1 ORDER BY version",
            )
            .bind(subject)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                return Err(ApiError::subject_not_found(subject));
            }
            let target = match spec {
                // `latest` means the newest live version for a soft delete and the newest
                // (soft-deleted) version for a permanent one.
                VersionSpec::Latest => rows
                    .iter()
                    .rev()
                    .find(|(_, deleted, _)| permanent || !deleted)
                    .copied()
                    .ok_or_else(|| ApiError::subject_not_found(subject))?,
                VersionSpec::Number(n) => rows
                    .iter()
                    .find(|(version, _, _)| *version == n)
                    .copied()
                    .ok_or_else(|| ApiError::version_not_found(n))?,
            };
            let (version, deleted, schema_id) = target;
            let newest = rows.iter().map(|(v, _, _)| *v).max().unwrap_or(0);
            if !permanent {
                if deleted {
                    return Err(ApiError::version_soft_deleted(subject, version));
                }
                sqlx::query("UPDATE subject_versions SET deleted = TRUE WHERE subject = $1 AND version = $2")
                    .bind(subject)
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                ensure_unreferenced_in!(tx, subject, &[version], newest);
                sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
                return Ok(Deleted {
                    versions: vec![version],
                    removed_schema_ids: Vec::new(),
                });
            }
            if !deleted {
                return Err(ApiError::version_not_soft_deleted(subject, version));
            }
            sqlx::query("DELETE FROM subject_versions WHERE subject = $1 AND version = $2")
                .bind(subject)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            ensure_unreferenced_in!(tx, subject, &[version], newest);
            let gone = sqlx::query(
                "DELETE FROM schemas WHERE id = $1 AND NOT EXISTS \
                 (SELECT 1 FROM subject_versions WHERE schema_id = $1)",
            )
            .bind(schema_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Deleted {
                versions: vec![version],
                removed_schema_ids: if gone.rows_affected() > 0 {
                    vec![schema_id]
                } else {
                    Vec::new()
                },
            })
        })
    })
        .await
    }
}
