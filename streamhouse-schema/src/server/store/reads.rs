//! Read-only queries: subjects, versions, schemas by id, lookups.

use super::super::error::ApiError;
use super::super::model::ReferenceBody;
use super::super::version::VersionSpec;
use super::reference_guard::references_version;
use super::{
    decode_json, schema_from_row, version_from_row, with_reader, SchemaRecord, SchemaRow, Store,
    VersionRecord, VersionRow,
};
use crate::schema::contract::{Metadata, RuleSet};

/// A row of [`Store::registration_view`]'s statement: version, id, fingerprint, metadata and
/// rule set (as stored).
type ViewRow = (i64, i64, String, Option<String>, Option<String>);

/// What a registration reads before its transaction (see [`Store::registration_view`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct RegistrationView {
    /// The newest live version holding the schema, and the schema's id.
    pub(crate) live_match: Option<(i64, i64)>,
    /// The newest live version's metadata and rule set; none without live versions.
    pub(crate) latest_contract: Option<(Option<Metadata>, Option<RuleSet>)>,
}

/// Which versions a read may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visibility {
    /// Only versions that are not soft-deleted.
    Live,
    /// Live and soft-deleted versions (`?deleted=true`).
    IncludeDeleted,
    /// Only soft-deleted versions (`?deletedOnly=true`).
    DeletedOnly,
}

impl Visibility {
    /// From the `deleted` / `deletedOnly` query flags.
    pub(crate) fn from_flags(deleted: bool, deleted_only: bool) -> Self {
        if deleted_only {
            Visibility::DeletedOnly
        } else if deleted {
            Visibility::IncludeDeleted
        } else {
            Visibility::Live
        }
    }

    fn shows(self, deleted: bool) -> bool {
        match self {
            Visibility::Live => !deleted,
            Visibility::IncludeDeleted => true,
            Visibility::DeletedOnly => deleted,
        }
    }
}

impl Store {
    /// Subject names (sorted) with at least one version `visibility` shows.
    pub(crate) async fn subjects(&self, visibility: Visibility) -> Result<Vec<String>, ApiError> {
        self.timed("subjects", async move {
            let rows: Vec<(String, bool)> = with_reader!(self, |pool| {
                sqlx::query_as(
                    "SELECT DISTINCT subject, deleted FROM subject_versions ORDER BY subject",
                )
                .fetch_all(pool)
                .await?
            });
            let mut subjects: Vec<String> = rows
                .into_iter()
                .filter(|(_, deleted)| visibility.shows(*deleted))
                .map(|(subject, _)| subject)
                .collect();
            subjects.dedup();
            Ok(subjects)
        })
        .await
    }

    /// How many schemas (distinct ids) are stored.
    pub(crate) async fn schema_count(&self) -> Result<i64, ApiError> {
        self.timed("schema_count", async move {
            let (count,): (i64,) = with_reader!(self, |pool| {
                sqlx::query_as("SELECT COUNT(*) FROM schemas")
                    .fetch_one(pool)
                    .await?
            });
            Ok(count)
        })
        .await
    }

    /// Every version of `subject` (oldest first), soft-deleted ones included.
    pub(crate) async fn all_versions(&self, subject: &str) -> Result<Vec<VersionRecord>, ApiError> {
        self.timed("all_versions", async move {
            let sql = format!(
                "SELECT {} WHERE sv.subject = $1 ORDER BY sv.version",
                super::VERSION_COLUMNS
            );
            let rows: Vec<VersionRow> = with_reader!(self, |pool| {
                sqlx::query_as(&sql).bind(subject).fetch_all(pool).await?
            });
            rows.into_iter().map(version_from_row).collect()
        })
        .await
    }

    /// The versions of `subject` that `visibility` shows; 40401 when there are none.
    pub(crate) async fn visible_versions(
        &self,
        subject: &str,
        visibility: Visibility,
    ) -> Result<Vec<VersionRecord>, ApiError> {
        self.timed("visible_versions", async move {
            let versions: Vec<VersionRecord> = self
                .all_versions(subject)
                .await?
                .into_iter()
                .filter(|v| visibility.shows(v.deleted))
                .collect();
            if versions.is_empty() {
                return Err(ApiError::subject_not_found(subject));
            }
            Ok(versions)
        })
        .await
    }

    /// One version of `subject`: 40401 without visible versions, 40402 without that one.
    pub(crate) async fn version(
        &self,
        subject: &str,
        spec: VersionSpec,
        visibility: Visibility,
    ) -> Result<VersionRecord, ApiError> {
        self.timed("version", async move {
            let versions = self.visible_versions(subject, visibility).await?;
            pick_version(versions, spec)
        })
        .await
    }

    /// The schema with this id (soft-deleted registrations keep it resolvable); 40403 otherwise.
    pub(crate) async fn schema_by_id(&self, id: i64) -> Result<SchemaRecord, ApiError> {
        self.timed("schema_by_id", async move {
            let row: Option<SchemaRow> = with_reader!(self, |pool| {
                sqlx::query_as(&format!(
                    "SELECT {} FROM schemas WHERE id = $1",
                    super::SCHEMA_COLUMNS
                ))
                .bind(id)
                .fetch_optional(pool)
                .await?
            });
            match row {
                Some(row) => schema_from_row(row),
                None => Err(ApiError::schema_not_found(format!("Schema {id} not found"))),
            }
        })
        .await
    }

    /// The (subject, version) pairs that use schema `id`; 40403 when the id is unknown.
    pub(crate) async fn versions_of_schema(
        &self,
        id: i64,
        visibility: Visibility,
    ) -> Result<Vec<(String, i64)>, ApiError> {
        self.timed("versions_of_schema", async move {
        self.schema_by_id(id).await?;
        let rows: Vec<(String, i64, bool)> = with_reader!(self, |pool| {
            sqlx::query_as(
                "SELECT subject, version, deleted FROM subject_versions WHERE schema_id = $1 ORDER BY subject, version",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter(|(_, _, deleted)| visibility.shows(*deleted))
            .map(|(subject, version, _)| (subject, version))
            .collect())
    })
        .await
    }

    /// What a registration of a schema with `fingerprint` under `subject` reads before its
    /// transaction, in one statement: the newest live version holding that schema (its
    /// version and the schema's id: the registration's `registerOrForward`), and the newest
    /// live version's metadata and rule set (none without live versions), which the
    /// config's contract merge inherits.
    pub(crate) async fn registration_view(
        &self,
        subject: &str,
        fingerprint: &str,
    ) -> Result<RegistrationView, ApiError> {
        self.timed("registration_view", async move {
            // At most two rows: the newest live version, and the live version with the
            // schema (a schema is live at most once per subject), newest first.
            let rows: Vec<ViewRow> = with_reader!(self, |pool| {
                sqlx::query_as(
                    "SELECT sv.version, s.id, s.fingerprint, s.metadata_json, s.rule_set_json \
                     FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id \
                     WHERE sv.subject = $1 AND NOT sv.deleted AND (s.fingerprint = $2 OR \
                     sv.version = (SELECT MAX(version) FROM subject_versions \
                     WHERE subject = $1 AND NOT deleted)) \
                     ORDER BY sv.version DESC",
                )
                .bind(subject)
                .bind(fingerprint)
                .fetch_all(pool)
                .await?
            });
            let live_match = rows
                .iter()
                .find(|row| row.2 == fingerprint)
                .map(|row| (row.0, row.1));
            let latest_contract = match rows.into_iter().next() {
                Some((_, _, _, metadata, rule_set)) => Some((
                    metadata.as_deref().map(decode_json).transpose()?,
                    rule_set.as_deref().map(decode_json).transpose()?,
                )),
                None => None,
            };
            Ok(RegistrationView {
                live_match,
                latest_contract,
            })
        })
        .await
    }

    /// The newest visible version of `subject` whose schema has `fingerprint`: 40401 when
    /// the subject has no visible version, 40403 when none matches.
    pub(crate) async fn lookup(
        &self,
        subject: &str,
        fingerprint: &str,
        visibility: Visibility,
    ) -> Result<VersionRecord, ApiError> {
        self.timed("lookup", async move {
        let versions = self.visible_versions(subject, visibility).await?;
        let matching: Vec<(i64, bool)> = with_reader!(self, |pool| {
            sqlx::query_as(
                "SELECT sv.version, sv.deleted FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id \
                 WHERE sv.subject = $1 AND s.fingerprint = $2 ORDER BY sv.version DESC",
            )
            .bind(subject)
            .bind(fingerprint)
            .fetch_all(pool)
            .await?
        });
        let found = matching
            .into_iter()
            .find(|(_, deleted)| visibility.shows(*deleted))
            .and_then(|(version, _)| versions.into_iter().find(|v| v.version == version));
        found.ok_or_else(|| ApiError::schema_not_found("Schema not found"))
    })
        .await
    }
}

impl Store {
    /// Ids of schemas whose references name `subject` version `version`. A stored `-1`
    /// reference (written before `-1` was pinned at registration) names what it resolves
    /// to when a stored schema is parsed: the subject's newest version, soft-deleted or not.
    pub(crate) async fn referenced_by(
        &self,
        subject: &str,
        version: i64,
    ) -> Result<Vec<i64>, ApiError> {
        self.timed("referenced_by", async move {
            let rows: Vec<(i64, String)> = with_reader!(self, |pool| {
                sqlx::query_as(
                "SELECT id, references_json FROM schemas WHERE references_json <> '[]' ORDER BY id",
            )
            .fetch_all(pool)
            .await?
            });
            let mut ids = Vec::new();
            let mut newest: Option<i64> = None;
            for (id, references_json) in rows {
                let references: Vec<ReferenceBody> = serde_json::from_str(&references_json)
                    .map_err(|error| {
                        ApiError::internal(format!("stored references of schema {id}: {error}"))
                    })?;
                let latest_reference = references
                    .iter()
                    .any(|r| r.subject == subject && r.version == -1);
                if latest_reference && newest.is_none() {
                    let all = self.all_versions(subject).await?;
                    newest = Some(all.iter().map(|v| v.version).max().unwrap_or(0));
                }
                if references_version(&references, subject, version, newest.unwrap_or(0)) {
                    ids.push(id);
                }
            }
            Ok(ids)
        })
        .await
    }
}

/// Picks `spec` out of `versions` (oldest first, non-empty); 40402 when absent.
pub(crate) fn pick_version(
    versions: Vec<VersionRecord>,
    spec: VersionSpec,
) -> Result<VersionRecord, ApiError> {
    match spec {
        VersionSpec::Latest => versions
            .into_iter()
            .max_by_key(|v| v.version)
            .ok_or_else(|| ApiError::version_not_found(-1)),
        VersionSpec::Number(n) => versions
            .into_iter()
            .find(|v| v.version == n)
            .ok_or_else(|| ApiError::version_not_found(n)),
    }
}
