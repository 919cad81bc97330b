//! Registering in IMPORT mode: the caller (a replicator or migration tool) chooses the id and
//! version, and no compatibility check runs. Follows Confluent's rules: a schema already live
//! under the subject with that id is returned as is, an id held by another schema is refused
//! (42205), and an explicit version replaces whatever that version held.
//!
//! One difference: Confluent lets one schema text live under two ids when imported twice
//! with different ids; here a schema has exactly one id, so that is refused (42205) too.

use super::super::error::ApiError;
use super::reference_guard::ensure_references_live;
use super::registration::{ensure_wire_id, retry_lost_races, Attempt, NewSchema, Registered};
use super::{with_pool, BeginWrite, Pools, Store, RAISE_GENERATION};

impl Store {
    /// Registers `schema` under `subject` with the given `id` (else its existing id or a new
    /// one) and `version` (else the next one), in one transaction.
    pub(crate) async fn import(
        &self,
        subject: &str,
        schema: &NewSchema,
        id: Option<i64>,
        version: Option<i64>,
    ) -> Result<Registered, ApiError> {
        self.timed("import", async move {
            retry_lost_races(subject, "import", || {
                self.import_once(subject, schema, id, version)
            })
            .await
        })
        .await
    }

    async fn import_once(
        &self,
        subject: &str,
        schema: &NewSchema,
        id: Option<i64>,
        version: Option<i64>,
    ) -> Result<Registered, Attempt> {
        let is_postgres = matches!(self.pools, Pools::Postgres(_));
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;

            let known: Option<i64> =
                sqlx::query_scalar("SELECT id FROM schemas WHERE fingerprint = $1")
                    .bind(&schema.fingerprint)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(known) = known.filter(|known| id.is_none_or(|id| id == *known)) {
                let live: Option<i64> = sqlx::query_scalar(
                    "SELECT version FROM subject_versions \
                     WHERE subject = $1 AND schema_id = $2 AND NOT deleted",
                )
                .bind(subject)
                .bind(known)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(live) = live {
                    tx.commit().await?;
                    return Ok(Registered {
                        id: known,
                        version: live,
                        created: false,
                    });
                }
            }

            ensure_references_live!(tx, &schema.references, is_postgres);
            let schema_id = match (id, known) {
                (None, Some(known)) => known,
                (None, None) => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO schemas (schema_type, schema_text, references_json, fingerprint, \
                         metadata_json, rule_set_json) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(schema.format.as_str())
                    .bind(&schema.text)
                    .bind(&schema.references_json)
                    .bind(&schema.fingerprint)
                    .bind(&schema.metadata_json)
                    .bind(&schema.rule_set_json)
                    .fetch_one(&mut *tx)
                    .await?;
                    ensure_wire_id(id)?;
                    id
                }
                (Some(id), known) => {
                    let at_id: Option<String> =
                        sqlx::query_scalar("SELECT fingerprint FROM schemas WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    match (at_id, known) {
                        (Some(fingerprint), _) if fingerprint == schema.fingerprint => id,
                        (Some(_), _) => {
                            return Err(Attempt::Api(ApiError::operation_not_permitted(format!(
                                "Overwrite new schema with id {id} is not permitted."
                            ))))
                        }
                        (None, Some(known)) => {
                            return Err(Attempt::Api(ApiError::operation_not_permitted(format!(
                                "The schema is already registered with id {known}; it cannot also take id {id}."
                            ))))
                        }
                        (None, None) => {
                            sqlx::query(
                                "INSERT INTO schemas (id, schema_type, schema_text, references_json, fingerprint, \
                                 metadata_json, rule_set_json) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            )
                            .bind(id)
                            .bind(schema.format.as_str())
                            .bind(&schema.text)
                            .bind(&schema.references_json)
                            .bind(&schema.fingerprint)
                            .bind(&schema.metadata_json)
                            .bind(&schema.rule_set_json)
                            .execute(&mut *tx)
                            .await?;
                            if is_postgres {
                                // Ids handed out later must pass the imported one (SQLite's
                                // AUTOINCREMENT does this by itself).
                                sqlx::query(
                                    "SELECT setval('schemas_id_seq', \
                                     GREATEST($1, (SELECT last_value FROM schemas_id_seq)))",
                                )
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                            }
                            id
                        }
                    }
                }
            };

            let version = match version {
                Some(version) => version,
                None => {
                    let (latest,): (i64,) = sqlx::query_as(
                        "SELECT COALESCE(MAX(version), 0) FROM subject_versions WHERE subject = $1",
                    )
                    .bind(subject)
                    .fetch_one(&mut *tx)
                    .await?;
                    latest + 1
                }
            };
            let at_version: Option<(i64, bool)> = sqlx::query_as(
                "SELECT schema_id, deleted FROM subject_versions WHERE subject = $1 AND version = $2",
            )
            .bind(subject)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let created = match at_version {
                Some((held, false)) if held == schema_id => false,
                Some(_) => {
                    sqlx::query(
                        "UPDATE subject_versions SET schema_id = $3, deleted = FALSE \
                         WHERE subject = $1 AND version = $2",
                    )
                    .bind(subject)
                    .bind(version)
                    .bind(schema_id)
                    .execute(&mut *tx)
                    .await?;
                    true
                }
                None => {
                    sqlx::query(
                        "INSERT INTO subject_versions (subject, version, schema_id, deleted) \
                         VALUES ($1, $2, $3, FALSE)",
                    )
                    .bind(subject)
                    .bind(version)
                    .bind(schema_id)
                    .execute(&mut *tx)
                    .await?;
                    true
                }
            };
            // An imported version may replace what a version held.
            sqlx::query(RAISE_GENERATION).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Registered {
                id: schema_id,
                version,
                created,
            })
        })
    }
}
