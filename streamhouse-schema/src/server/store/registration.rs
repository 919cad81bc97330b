//! Registering a schema under a subject: one transaction, idempotent under concurrency.
//!
//! Two writers racing on the same subject (on PostgreSQL, or two registry instances on one
//! database) both compute "no such version yet"; the unique indexes let exactly one insert
//! win and the loser's transaction fails with a unique violation. The loser then retries
//! from the start and finds the winner's row, so 100 identical concurrent registrations
//! yield one id and one version.

use std::sync::Arc;

use crate::schema::contract::Metadata;
use crate::schema::SchemaFormat;

use super::super::error::ApiError;
use super::super::model::ReferenceBody;
use super::reference_guard::ensure_references_live;
use super::{is_unique_violation, with_pool, BeginWrite, Pools, Store};

/// How often a registration that lost a race is retried before giving up with 50001.
const MAX_ATTEMPTS: usize = 20;

/// A schema ready to be stored: validated, with its dedupe fingerprint.
#[derive(Debug, Clone)]
pub(crate) struct NewSchema {
    pub(crate) format: SchemaFormat,
    /// The text to store and return.
    pub(crate) text: String,
    /// `references` as stored JSON.
    pub(crate) references_json: String,
    /// `metadata` as stored JSON (none when empty).
    pub(crate) metadata_json: Option<String>,
    /// `ruleSet` as stored JSON (none when empty).
    pub(crate) rule_set_json: Option<String>,
    /// Equal for schemas that are the same (format, normalized text, references, metadata,
    /// rule set).
    pub(crate) fingerprint: String,
    /// The references (pinned versions), confirmed live inside the writing transaction.
    pub(crate) references: Vec<ReferenceBody>,
}

/// A live version's row as the registration reads it: version, id, format, text,
/// references, metadata (all as stored) and fingerprint.
pub(super) type LiveRow = (i64, i64, String, String, String, Option<String>, String);

/// A live version the compatibility check must consider.
#[derive(Debug, Clone)]
pub(crate) struct ExistingSchema {
    pub(crate) version: i64,
    /// The schema's id.
    pub(crate) id: i64,
    pub(crate) format: SchemaFormat,
    pub(crate) text: String,
    /// Its `references` (resolving them needs the store, so the caller does it up front).
    pub(crate) references: Vec<ReferenceBody>,
    /// Its `metadata` (compatibility groups select versions by a property of it).
    pub(crate) metadata: Option<Metadata>,
}

/// The compatibility check of a registration: sees the subject's live versions and refuses
/// (or asks for a retry) with an [`ApiError`]. Shared, as a group commit runs it on the
/// writer's task.
pub(crate) type Check = Arc<dyn Fn(&[ExistingSchema]) -> Result<(), ApiError> + Send + Sync>;

/// The outcome of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Registered {
    pub(crate) id: i64,
    pub(crate) version: i64,
    /// False when the schema was already live under the subject.
    pub(crate) created: bool,
}

/// The statements of one registration on transaction `$tx` (or a savepoint in one), not
/// committed; evaluates to `Result<Registered, Attempt>`. A macro, as [`with_pool!`], so
/// that the statements are checked against each backend's types.
macro_rules! registration_steps {
    ($tx:ident, $subject:expr, $schema:expr, $check:expr, $is_postgres:expr) => {
        async {
            let (subject, schema, is_postgres): (&str, &NewSchema, bool) =
                ($subject, $schema, $is_postgres);
            // One read answers both questions: is the schema already live under the subject
            // (its newest such version is the answer), and else which live versions the
            // compatibility check must see.
            let rows: Vec<LiveRow> = sqlx::query_as(
                "SELECT sv.version, s.id, s.schema_type, s.schema_text, s.references_json, s.metadata_json, \
                 s.fingerprint \
                 FROM subject_versions sv \
                 JOIN schemas s ON s.id = sv.schema_id \
                 WHERE sv.subject = $1 AND NOT sv.deleted ORDER BY sv.version",
            )
            .bind(subject)
            .fetch_all(&mut *$tx)
            .await?;
            if let Some(row) = rows.iter().rev().find(|row| row.6 == schema.fingerprint) {
                return Ok(Registered {
                    id: row.1,
                    version: row.0,
                    created: false,
                });
            }
            let live = rows
                .into_iter()
                .map(existing_schema)
                .collect::<Result<Vec<_>, Attempt>>()?;
            ($check)(&live).map_err(Attempt::Api)?;
            ensure_references_live!($tx, &schema.references, is_postgres);

            // Insert only when absent (the `NOT EXISTS` is evaluated before the id is drawn):
            // a conflicting insert would still use up a sequence value and leave a gap in the
            // ids. No row back means the schema is known (or a concurrent registration
            // committed it meanwhile); its id is read then.
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO schemas (schema_type, schema_text, references_json, fingerprint, \
                 metadata_json, rule_set_json) \
                 SELECT $1, $2, $3, $4, $5, $6 \
                 WHERE NOT EXISTS (SELECT 1 FROM schemas WHERE fingerprint = $4) \
                 ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
            )
            .bind(schema.format.as_str())
            .bind(&schema.text)
            .bind(&schema.references_json)
            .bind(&schema.fingerprint)
            .bind(&schema.metadata_json)
            .bind(&schema.rule_set_json)
            .fetch_optional(&mut *$tx)
            .await?;
            let id = match inserted {
                Some(id) => id,
                None => {
                    sqlx::query_scalar("SELECT id FROM schemas WHERE fingerprint = $1")
                        .bind(&schema.fingerprint)
                        .fetch_one(&mut *$tx)
                        .await?
                }
            };
            ensure_wire_id(id)?;

            // The next version, computed by the insert itself (deleted versions count: a
            // number is never reused). Two writers computing the same one collide on the
            // primary key and the loser retries.
            let version: i64 = sqlx::query_scalar(
                "INSERT INTO subject_versions (subject, version, schema_id, deleted) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, FALSE \
                 FROM subject_versions WHERE subject = $1 RETURNING version",
            )
            .bind(subject)
            .bind(id)
            .fetch_one(&mut *$tx)
            .await?;
            Ok::<Registered, Attempt>(Registered {
                id,
                version,
                created: true,
            })
        }
        .await
    };
}
pub(super) use registration_steps;

impl Store {
    /// Registers `schema` under `subject`. `check` sees the subject's live versions (oldest
    /// first) and the effective compatibility level's verdict is its business; it runs only
    /// when the schema is not already registered under the subject.
    pub(crate) async fn register(
        &self,
        subject: &str,
        schema: &NewSchema,
        check: Check,
    ) -> Result<Registered, ApiError> {
        self.timed("register", async move {
            retry_lost_races(subject, "registration", || {
                self.register_once(subject, schema, &check)
            })
            .await
        })
        .await
    }

    async fn register_once(
        &self,
        subject: &str,
        schema: &NewSchema,
        check: &Check,
    ) -> Result<Registered, Attempt> {
        if let Some(group) = &self.group_commit {
            return group
                .register(subject.to_string(), schema.clone(), Arc::clone(check))
                .await;
        }
        let is_postgres = matches!(self.pools, Pools::Postgres(_));
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let registered = registration_steps!(tx, subject, schema, check, is_postgres)?;
            tx.commit().await?;
            Ok(registered)
        })
    }
}

/// A live version's row as the compatibility check sees it.
pub(super) fn existing_schema(
    (version, id, schema_type, text, references_json, metadata_json, _fingerprint): LiveRow,
) -> Result<ExistingSchema, Attempt> {
    let decoding = |error: Box<dyn std::error::Error + Send + Sync>| {
        Attempt::Database(sqlx::Error::Decode(error))
    };
    let format = schema_type
        .parse::<SchemaFormat>()
        .map_err(|error| decoding(Box::new(error)))?;
    let references: Vec<ReferenceBody> =
        serde_json::from_str(&references_json).map_err(|error| decoding(Box::new(error)))?;
    let metadata: Option<Metadata> = metadata_json
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|error| decoding(Box::new(error)))?;
    Ok(ExistingSchema {
        version,
        id,
        format,
        text,
        references,
        metadata,
    })
}

/// A schema id the database just handed out must fit the 4-byte wire header; past 2^31-1
/// (reachable after an IMPORT of an id near the top) the registration is refused (42207)
/// and its transaction rolled back.
pub(super) fn ensure_wire_id(id: i64) -> Result<(), Attempt> {
    if id > i64::from(i32::MAX) {
        return Err(Attempt::Api(ApiError::ids_exhausted(id)));
    }
    Ok(())
}

/// Why one attempt failed: a verdict to return, or a database error that may be a lost race.
/// Runs `attempt` again while it loses a uniqueness race (a concurrent request or another
/// registry instance on the same database committed the same row first), up to
/// [`MAX_ATTEMPTS`] times; API errors and other database errors end it at once.
pub(super) async fn retry_lost_races<T, F, Fut>(
    subject: &str,
    what: &str,
    mut attempt: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Attempt>>,
{
    let mut last_error = None;
    for _ in 0..MAX_ATTEMPTS {
        match attempt().await {
            Ok(done) => return Ok(done),
            Err(Attempt::Api(error)) => return Err(error),
            Err(Attempt::Database(error)) if is_unique_violation(&error) => {
                tracing::debug!(subject, "{what} lost a race; retrying");
                last_error = Some(error);
                tokio::task::yield_now().await;
            }
            Err(Attempt::Database(error)) => return Err(ApiError::store(&error)),
        }
    }
    Err(ApiError::store(
        &last_error.unwrap_or(sqlx::Error::PoolTimedOut),
    ))
}

pub(super) enum Attempt {
    Api(ApiError),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Attempt {
    fn from(error: sqlx::Error) -> Self {
        Attempt::Database(error)
    }
}
