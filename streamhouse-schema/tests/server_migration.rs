//! A registry database made by the first release (only `0001_registry.sql` applied) opens
//! with the current server: its ids, versions and settings stay, the schemas it holds are
//! still found by their fingerprints (registering one again answers its old id), and the
//! data-contract columns are there for new registrations. On SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use std::path::PathBuf;

use serde_json::json;
use server_common::{order_schema, Backend, TestDb, TestRegistry};
use sqlx::migrate::Migrator;

/// One row of `schemas` as the first release wrote it.
type OldSchemaRow = (String, String, String, String);

fn backend_dir(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// A directory holding only the first migration, copied from the crate's migrations.
fn first_release_migrations(backend: Backend) -> PathBuf {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend_dir(backend))
        .join("0001_registry.sql");
    let dir = std::env::temp_dir().join(format!(
        "streamhouse_first_release_{}_{}",
        backend_dir(backend),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("migrations dir");
    std::fs::copy(&source, dir.join("0001_registry.sql")).expect("copy 0001");
    dir
}

/// The `schemas` rows the current server writes for schemas without metadata or rules: the
/// same as the first release wrote (the fingerprint of such schemas did not change).
async fn rows_from_a_registry(
    backend: Backend,
    schemas: &[(&str, Option<&str>)],
) -> Vec<OldSchemaRow> {
    let r = TestRegistry::start(backend).await;
    for (n, (schema, schema_type)) in schemas.iter().enumerate() {
        r.register(&format!("scratch-{n}"), schema, *schema_type)
            .await;
    }
    let rows = fetch(
        &r.db.url,
        "SELECT schema_type, schema_text, references_json, fingerprint FROM schemas ORDER BY id",
    )
    .await;
    r.finish().await;
    rows
}

async fn fetch(url: &str, sql: &str) -> Vec<OldSchemaRow> {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite");
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.expect("rows");
        pool.close().await;
        rows
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("postgres");
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.expect("rows");
        pool.close().await;
        rows
    }
}

/// Writes a first-release database: ids 7 and 12, subject `orders` versions 1 and 2 (2
/// soft-deleted), a subject level and a global mode.
macro_rules! write_first_release {
    ($pool:expr, $rows:expr, $postgres:expr) => {{
        let pool = $pool;
        for ((schema_type, text, references, fingerprint), id) in $rows.iter().zip([7_i64, 12]) {
            sqlx::query(
                "INSERT INTO schemas (id, schema_type, schema_text, references_json, fingerprint) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(schema_type)
            .bind(text)
            .bind(references)
            .bind(fingerprint)
            .execute(&pool)
            .await
            .expect("insert schema");
        }
        if $postgres {
            sqlx::query("SELECT setval('schemas_id_seq', 12)")
                .execute(&pool)
                .await
                .expect("setval");
        }
        for (version, id, deleted) in [(1_i64, 7_i64, false), (2, 12, true)] {
            sqlx::query(
                "INSERT INTO subject_versions (subject, version, schema_id, deleted) VALUES ('orders', $1, $2, $3)",
            )
            .bind(version)
            .bind(id)
            .bind(deleted)
            .execute(&pool)
            .await
            .expect("insert version");
        }
        for (scope, name, value) in [("orders", "compatibility", "NONE"), ("", "mode", "READWRITE")] {
            sqlx::query("INSERT INTO settings (scope, name, value) VALUES ($1, $2, $3)")
                .bind(scope)
                .bind(name)
                .bind(value)
                .execute(&pool)
                .await
                .expect("insert setting");
        }
        pool.close().await;
    }};
}

async fn first_release_database_opens_and_keeps_ids(backend: Backend) {
    let v1 = order_schema(&[]);
    let v2 = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    let rows = rows_from_a_registry(backend, &[(&v1, None), (v2, Some("JSON"))]).await;
    assert_eq!(rows.len(), 2);

    let db = TestDb::new(backend).await;
    let migrations = first_release_migrations(backend);
    let migrator = Migrator::new(migrations.as_path())
        .await
        .expect("first release migrator");
    let _ = std::fs::remove_dir_all(&migrations);
    match backend {
        Backend::Sqlite => {
            let options = db
                .url
                .parse::<sqlx::sqlite::SqliteConnectOptions>()
                .expect("sqlite url")
                .create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options)
                .await
                .expect("sqlite");
            migrator.run(&pool).await.expect("apply 0001");
            write_first_release!(pool, rows, false);
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.expect("postgres");
            migrator.run(&pool).await.expect("apply 0001");
            write_first_release!(pool, rows, true);
        }
    }

    let r = TestRegistry::start_with(db, |config| config).await;
    // Everything the first release stored answers as before.
    assert_eq!(r.get("/schemas/ids/7").await.ok(), &json!({ "schema": v1 }));
    assert_eq!(
        r.get("/schemas/ids/12").await.ok(),
        &json!({ "schema": v2, "schemaType": "JSON" })
    );
    assert_eq!(r.get("/subjects/orders/versions").await.ok(), &json!([1]));
    assert_eq!(
        r.get("/subjects/orders/versions?deleted=true").await.ok(),
        &json!([1, 2])
    );
    assert_eq!(
        r.get("/config/orders").await.ok(),
        &json!({ "compatibilityLevel": "NONE" })
    );
    // The stored fingerprints still match: the same schemas get their old ids.
    assert_eq!(r.register("orders", &v1, None).await, 7);
    assert_eq!(
        r.post("/subjects/orders", &json!({ "schema": v1 }))
            .await
            .ok()["version"],
        json!(1)
    );
    assert_eq!(r.register("other", v2, Some("JSON")).await, 12);
    // New registrations get new ids after the old ones, with the new columns.
    let answer = r
        .post(
            "/subjects/orders/versions",
            &json!({ "schema": v1, "metadata": { "properties": { "owner": "me" } } }),
        )
        .await;
    assert_eq!(
        (answer.ok()["id"].clone(), answer.ok()["version"].clone()),
        (json!(13), json!(3))
    );
    assert_eq!(
        r.get("/schemas/ids/13").await.ok(),
        &json!({ "schema": v1, "metadata": { "properties": { "owner": "me" } } })
    );
    r.finish().await;
}

on_both_backends!(first_release_database_opens_and_keeps_ids);
