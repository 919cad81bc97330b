//! The registry's storage on SQLite or PostgreSQL through sqlx.
//!
//! Both backends share one set of SQL statements (`$n` placeholders work in both); the
//! [`with_pool!`] macro expands each operation once per backend so every query is checked
//! against the native driver's types. Domain failures (40401, 40405, ...) come back as
//! [`ApiError`]s so a whole operation, checks included, can run inside one transaction.

mod deletes;
mod generation;
mod group_commit;
mod imports;
pub(crate) mod keys;
pub(crate) mod reads;
mod reference_guard;
mod registration;
pub(crate) mod settings;
mod sqlite_recovery;
mod timings;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::schema::contract::{Metadata, RuleSet};
use crate::schema::SchemaFormat;

use super::config::RegistryConfig;
use super::error::{ApiError, ServerError};
use super::model::ReferenceBody;

/// How long a SQLite statement waits for a lock (another process writing the same file).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) use generation::RAISE_GENERATION;
pub(crate) use registration::{Check, ExistingSchema, NewSchema};

/// Runs `$body` with `$pool` bound to the concrete sqlx pool of `$store` that may write: on
/// SQLite its single writer connection.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pools {
            $crate::server::store::Pools::Sqlite { writer: $pool, .. } => $body,
            $crate::server::store::Pools::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// As [`with_pool!`] for statements that only read: on SQLite they run on the read-only
/// reader connections, concurrently with each other and with the writer (WAL), and a write
/// attempted there fails with `SQLITE_READONLY` instead of bypassing the writer.
macro_rules! with_reader {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pools {
            $crate::server::store::Pools::Sqlite { readers: $pool, .. } => $body,
            $crate::server::store::Pools::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_reader;

/// The two supported databases.
#[derive(Debug, Clone)]
pub(crate) enum Pools {
    /// SQLite allows one writer at a time: every write goes through the one `writer`
    /// connection (a queue in the pool, not `SQLITE_BUSY` failures), while reads run on
    /// `readers`, which WAL lets proceed during a write. For `sqlite::memory:` both are the
    /// same single connection (each connection would otherwise have its own database).
    Sqlite {
        readers: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// The registry's database.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub(crate) pools: Pools,
    /// How long each operation takes (for `/metrics`).
    timings: std::sync::Arc<timings::StoreTimings>,
    /// Callers waiting for a read of the registry's generation.
    generation_reads: generation::SharedGenerationReads,
    /// On SQLite with `group_commit`, the queue of registrations committed in groups.
    group_commit: Option<group_commit::GroupCommit>,
}

/// One stored schema (the row behind a schema id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchemaRecord {
    pub(crate) id: i64,
    pub(crate) format: SchemaFormat,
    pub(crate) text: String,
    pub(crate) references: Vec<ReferenceBody>,
    /// Its `metadata` (none when empty).
    pub(crate) metadata: Option<Metadata>,
    /// Its `ruleSet` (none when empty).
    pub(crate) rule_set: Option<RuleSet>,
}

/// One version of a subject with its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionRecord {
    pub(crate) subject: String,
    pub(crate) version: i64,
    pub(crate) deleted: bool,
    pub(crate) schema: SchemaRecord,
}

/// The columns of `schemas` in the order the queries select them ([`SCHEMA_COLUMNS`]).
type SchemaRow = (i64, String, String, String, Option<String>, Option<String>);
/// `subject_versions` joined with `schemas`.
type VersionRow = (
    String,
    i64,
    bool,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The SELECT list matching [`SchemaRow`].
pub(crate) const SCHEMA_COLUMNS: &str =
    "id, schema_type, schema_text, references_json, metadata_json, rule_set_json";

/// The SELECT list matching [`VersionRow`].
pub(crate) const VERSION_COLUMNS: &str =
    "sv.subject, sv.version, sv.deleted, s.id, s.schema_type, s.schema_text, s.references_json, \
     s.metadata_json, s.rule_set_json \
     FROM subject_versions sv JOIN schemas s ON s.id = sv.schema_id";

/// A stored JSON column (a decoding failure is a store error: the database was written by
/// this server).
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    serde_json::from_str(raw)
        .map_err(|error| ApiError::store(&sqlx::Error::Decode(Box::new(error))))
}

fn schema_from_row(
    (id, schema_type, text, references_json, metadata_json, rule_set_json): SchemaRow,
) -> Result<SchemaRecord, ApiError> {
    let format = SchemaFormat::from_str(&schema_type)
        .map_err(|error| ApiError::store(&sqlx::Error::Decode(Box::new(error))))?;
    let references: Vec<ReferenceBody> = decode_json(&references_json)?;
    Ok(SchemaRecord {
        id,
        format,
        text,
        references,
        metadata: metadata_json.as_deref().map(decode_json).transpose()?,
        rule_set: rule_set_json.as_deref().map(decode_json).transpose()?,
    })
}

fn version_from_row(
    (subject, version, deleted, id, schema_type, text, references_json, metadata, rule_set): VersionRow,
) -> Result<VersionRecord, ApiError> {
    Ok(VersionRecord {
        subject,
        version,
        deleted,
        schema: schema_from_row((id, schema_type, text, references_json, metadata, rule_set))?,
    })
}

impl Store {
    /// Connects to `config.database_url` and brings its tables up to date.
    pub(crate) async fn connect(config: &RegistryConfig) -> Result<Store, ServerError> {
        let url = config.database_url.as_str();
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url, config.max_connections, config.group_commit).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_postgres(url, config.max_connections).await
        } else {
            Err(ServerError::UnsupportedDatabase(url.to_string()))
        }
    }

    /// One writer connection (migrated first), then up to `max_readers` read-only ones.
    async fn connect_sqlite(
        url: &str,
        max_readers: u32,
        group_commit: bool,
    ) -> Result<Store, ServerError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(ServerError::Connect)?
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let mut writer_options = options.clone().create_if_missing(true);
        if !in_memory {
            writer_options = writer_options.journal_mode(SqliteJournalMode::Wal);
        }
        // Never recycled, so an in-memory database lives as long as the server.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .after_release(sqlite_recovery::after_release)
            .connect_with(writer_options)
            .await
            .map_err(ServerError::Connect)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&writer)
            .await
            .map_err(ServerError::Migrate)?;
        let readers = if in_memory {
            writer.clone()
        } else {
            // The file and its WAL exist now (the writer made them); readers open lazily.
            SqlitePoolOptions::new()
                .max_connections(max_readers.max(1))
                .min_connections(0)
                .connect_lazy_with(options.read_only(true))
        };
        let group_commit = group_commit.then(|| group_commit::GroupCommit::start(writer.clone()));
        Ok(Store {
            pools: Pools::Sqlite { readers, writer },
            timings: Default::default(),
            generation_reads: Default::default(),
            group_commit,
        })
    }

    async fn connect_postgres(url: &str, max_connections: u32) -> Result<Store, ServerError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(ServerError::Connect)?;
        // sqlx takes an advisory lock while migrating, so instances starting together on one
        // database do not race.
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(ServerError::Migrate)?;
        Ok(Store {
            pools: Pools::Postgres(pool),
            timings: Default::default(),
            generation_reads: Default::default(),
            group_commit: None,
        })
    }

    /// Closes every connection (waits for checked-out ones to come back).
    pub(crate) async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { readers, writer } => {
                readers.close().await;
                writer.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }

    /// Registration groups committed so far and the registrations they held (zeros without
    /// group commit).
    pub(crate) fn group_commits(&self) -> (u64, u64) {
        self.group_commit
            .as_ref()
            .map_or((0, 0), group_commit::GroupCommit::counts)
    }

    /// The backend's name, for logs.
    pub(crate) fn backend_name(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite { .. } => "sqlite",
            Pools::Postgres(_) => "postgres",
        }
    }

    /// Whether the database can serve writes (for `/health`): begins a write transaction as
    /// a registration does, reads each of the registry's tables by primary key, and rolls
    /// back. A constant `SELECT 1` would answer even on a connection that can no longer
    /// write or whose tables are gone.
    pub(crate) async fn ping(&self) -> Result<(), ApiError> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST((SELECT COUNT(*) FROM schemas WHERE id = 0) \
                 + (SELECT COUNT(*) FROM subject_versions WHERE subject = '' AND version = 0) \
                 + (SELECT COUNT(*) FROM settings WHERE scope = '' AND name = '') AS BIGINT)",
            )
            .fetch_one(&mut *tx)
            .await?;
            tx.rollback().await?;
        });
        Ok(())
    }
}

/// Starting a transaction that will write.
pub(crate) trait BeginWrite {
    /// The database of the pool.
    type Db: sqlx::Database;

    /// Begins a write transaction.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;

    /// `BEGIN IMMEDIATE` takes SQLite's write lock up front, so two registries sharing one
    /// file queue on the busy timeout instead of failing a read-then-write upgrade.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error> {
        self.begin().await
    }
}

/// Whether `error` is a unique-constraint violation (a lost race with a concurrent writer).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|db| db.is_unique_violation())
}
