//! The DEK registry's tables: key encryption keys (`keks`) and data encryption keys
//! (`deks`). Plain rows; the rules (what may be created, deleted, undeleted) live in
//! [`crate::server::dek`].

use std::collections::BTreeMap;

use super::super::error::ApiError;
use super::{decode_json, with_pool, with_reader, Store};

/// One KEK row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KekRecord {
    pub(crate) name: String,
    pub(crate) kms_type: String,
    pub(crate) kms_key_id: String,
    pub(crate) kms_props: BTreeMap<String, String>,
    pub(crate) doc: Option<String>,
    pub(crate) shared: bool,
    /// Milliseconds since the epoch of the last write.
    pub(crate) ts: i64,
    pub(crate) deleted: bool,
}

/// One DEK row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DekRecord {
    pub(crate) kek_name: String,
    pub(crate) subject: String,
    pub(crate) algorithm: String,
    pub(crate) version: i64,
    pub(crate) encrypted_key_material: Option<String>,
    pub(crate) ts: i64,
    pub(crate) deleted: bool,
}

type KekRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    bool,
    i64,
    bool,
);
type DekRow = (String, String, String, i64, Option<String>, i64, bool);

const KEK_COLUMNS: &str = "name, kms_type, kms_key_id, kms_props_json, doc, shared, ts, deleted";
const DEK_COLUMNS: &str =
    "kek_name, subject, algorithm, version, encrypted_key_material, ts, deleted";

fn kek_from_row(
    (name, kms_type, kms_key_id, kms_props_json, doc, shared, ts, deleted): KekRow,
) -> Result<KekRecord, ApiError> {
    Ok(KekRecord {
        name,
        kms_type,
        kms_key_id,
        kms_props: decode_json(&kms_props_json)?,
        doc,
        shared,
        ts,
        deleted,
    })
}

fn dek_from_row(
    (kek_name, subject, algorithm, version, encrypted_key_material, ts, deleted): DekRow,
) -> DekRecord {
    DekRecord {
        kek_name,
        subject,
        algorithm,
        version,
        encrypted_key_material,
        ts,
        deleted,
    }
}

impl Store {
    /// Every KEK, by name.
    pub(crate) async fn keks(&self) -> Result<Vec<KekRecord>, ApiError> {
        self.timed("keks", async move {
            let sql = format!("SELECT {KEK_COLUMNS} FROM keks ORDER BY name");
            let rows: Vec<KekRow> =
                with_reader!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
            rows.into_iter().map(kek_from_row).collect()
        })
        .await
    }

    /// The KEK called `name`, deleted or not.
    pub(crate) async fn kek(&self, name: &str) -> Result<Option<KekRecord>, ApiError> {
        self.timed("kek", async move {
            let sql = format!("SELECT {KEK_COLUMNS} FROM keks WHERE name = $1");
            let row: Option<KekRow> = with_reader!(self, |pool| {
                sqlx::query_as(&sql).bind(name).fetch_optional(pool).await?
            });
            row.map(kek_from_row).transpose()
        })
        .await
    }

    /// Inserts or replaces a KEK.
    pub(crate) async fn put_kek(&self, kek: &KekRecord) -> Result<(), ApiError> {
        self.timed("put_kek", async move {
        let props = serde_json::to_string(&kek.kms_props).map_err(ApiError::bad_request)?;
        with_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO keks (name, kms_type, kms_key_id, kms_props_json, doc, shared, ts, deleted) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (name) DO UPDATE SET kms_type = excluded.kms_type, \
                 kms_key_id = excluded.kms_key_id, kms_props_json = excluded.kms_props_json, \
                 doc = excluded.doc, shared = excluded.shared, ts = excluded.ts, \
                 deleted = excluded.deleted",
            )
            .bind(&kek.name)
            .bind(&kek.kms_type)
            .bind(&kek.kms_key_id)
            .bind(&props)
            .bind(&kek.doc)
            .bind(kek.shared)
            .bind(kek.ts)
            .bind(kek.deleted)
            .execute(pool)
            .await?;
        });
        Ok(())
    })
        .await
    }

    /// Removes a KEK for good.
    pub(crate) async fn remove_kek(&self, name: &str) -> Result<(), ApiError> {
        self.timed("remove_kek", async move {
            with_pool!(self, |pool| {
                sqlx::query("DELETE FROM keks WHERE name = $1")
                    .bind(name)
                    .execute(pool)
                    .await?;
            });
            Ok(())
        })
        .await
    }

    /// The DEKs of `kek_name` (of `subject` and `algorithm` when given), ordered by subject,
    /// algorithm and version as Confluent's key order.
    pub(crate) async fn deks(
        &self,
        kek_name: &str,
        subject: Option<&str>,
        algorithm: Option<&str>,
    ) -> Result<Vec<DekRecord>, ApiError> {
        self.timed("deks", async move {
            let sql = format!(
                "SELECT {DEK_COLUMNS} FROM deks WHERE kek_name = $1 \
             AND (CAST($2 AS TEXT) IS NULL OR subject = CAST($2 AS TEXT)) \
             AND (CAST($3 AS TEXT) IS NULL OR algorithm = CAST($3 AS TEXT)) \
             ORDER BY subject, algorithm, version"
            );
            let rows: Vec<DekRow> = with_reader!(self, |pool| {
                sqlx::query_as(&sql)
                    .bind(kek_name)
                    .bind(subject)
                    .bind(algorithm)
                    .fetch_all(pool)
                    .await?
            });
            Ok(rows.into_iter().map(dek_from_row).collect())
        })
        .await
    }

    /// Every DEK of every KEK (for `GET /keks?subjectPrefix=`).
    pub(crate) async fn all_deks(&self) -> Result<Vec<DekRecord>, ApiError> {
        self.timed("all_deks", async move {
            let sql = format!("SELECT {DEK_COLUMNS} FROM deks ORDER BY kek_name, subject");
            let rows: Vec<DekRow> =
                with_reader!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
            Ok(rows.into_iter().map(dek_from_row).collect())
        })
        .await
    }

    /// Inserts or replaces a DEK.
    pub(crate) async fn put_dek(&self, dek: &DekRecord) -> Result<(), ApiError> {
        self.timed("put_dek", async move {
        with_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO deks (kek_name, subject, algorithm, version, encrypted_key_material, ts, deleted) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (kek_name, subject, algorithm, version) DO UPDATE SET \
                 encrypted_key_material = excluded.encrypted_key_material, ts = excluded.ts, \
                 deleted = excluded.deleted",
            )
            .bind(&dek.kek_name)
            .bind(&dek.subject)
            .bind(&dek.algorithm)
            .bind(dek.version)
            .bind(&dek.encrypted_key_material)
            .bind(dek.ts)
            .bind(dek.deleted)
            .execute(pool)
            .await?;
        });
        Ok(())
    })
        .await
    }

    /// Removes a DEK for good.
    pub(crate) async fn remove_dek(&self, dek: &DekRecord) -> Result<(), ApiError> {
        self.timed("remove_dek", async move {
        with_pool!(self, |pool| {
            sqlx::query(
                "DELETE FROM deks WHERE kek_name = $1 AND subject = $2 AND algorithm = $3 AND version = $4",
            )
            .bind(&dek.kek_name)
            .bind(&dek.subject)
            .bind(&dek.algorithm)
            .bind(dek.version)
            .execute(pool)
            .await?;
        });
        Ok(())
    })
        .await
    }
}
