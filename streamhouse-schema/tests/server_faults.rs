//! Registry server over real HTTP after faults, on SQLite and PostgreSQL: a transaction the
//! database aborts mid-way is rolled back and the next write works, `/health` tells the
//! truth about the database, and schema ids stay within the 4-byte wire header.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{order_schema, Backend, TestDb, TestRegistry};

/// Runs `statements` on the test's database through a connection of its own (what an
/// operator, or a fault, does behind the server's back).
async fn run_sql(db: &TestDb, statements: &[&str]) {
    use sqlx::Connection;
    match db.backend {
        Backend::Sqlite => {
            let mut connection = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("open the SQLite file");
            for statement in statements {
                sqlx::raw_sql(statement)
                    .execute(&mut connection)
                    .await
                    .expect("SQL on SQLite");
            }
            connection.close().await.expect("close");
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(&db.url)
                .await
                .expect("connect to PostgreSQL");
            for statement in statements {
                sqlx::raw_sql(statement)
                    .execute(&mut connection)
                    .await
                    .expect("SQL on PostgreSQL");
            }
            connection.close().await.expect("close");
        }
    }
}

/// A trigger that makes the database abort the whole transaction of any write of a version
/// of subject `doomed-value`: SQLite's `RAISE(ROLLBACK)` ends the transaction by itself, as
/// a full disk does; PostgreSQL's exception aborts it.
async fn install_failing_trigger(db: &TestDb) {
    match db.backend {
        Backend::Sqlite => {
            run_sql(
                db,
                &["CREATE TRIGGER doomed BEFORE INSERT ON subject_versions \
                   WHEN NEW.subject = 'doomed-value' \
                   BEGIN SELECT RAISE(ROLLBACK, 'injected failure'); END"],
            )
            .await
        }
        Backend::Postgres => {
            run_sql(
                db,
                &[
                    "CREATE FUNCTION doomed() RETURNS trigger AS $$ BEGIN \
                     IF NEW.subject = 'doomed-value' THEN RAISE EXCEPTION 'injected failure'; END IF; \
                     RETURN NEW; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER doomed BEFORE INSERT ON subject_versions \
                     FOR EACH ROW EXECUTE FUNCTION doomed()",
                ],
            )
            .await
        }
    }
}

async fn aborted_transaction_is_rolled_back_and_the_next_write_works(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(
        r.register("before-value", &order_schema(&[]), None).await,
        1
    );
    install_failing_trigger(&r.db).await;

    let doomed = json!({ "schema": order_schema(&[r#"{"name":"a","type":"int","default":0}"#]) });
    for _ in 0..3 {
        // A genuine database failure: 500 with Confluent's store error code.
        r.post("/subjects/doomed-value/versions", &doomed)
            .await
            .assert_error(500, 50001);
        // ...and nothing of it stayed: the schema row went with the rolled-back transaction.
        r.get("/subjects/doomed-value/versions")
            .await
            .assert_error(404, 40401);
        r.get("/schemas/ids/2").await.assert_error(404, 40403);
    }

    // The next writes work on the same connection, and health says so.
    assert_eq!(
        r.get("/health").await.ok()["status"],
        json!("UP"),
        "health after the failure"
    );
    let next = order_schema(&[r#"{"name":"b","type":"int","default":0}"#]);
    let id = r.register("after-value", &next, None).await;
    assert_eq!(
        r.get("/subjects/after-value/versions/1").await.ok()["id"],
        json!(id)
    );
    r.put("/config/after-value", &json!({ "compatibility": "NONE" }))
        .await
        .ok();
    assert_eq!(
        r.delete("/subjects/after-value/versions/1").await.ok(),
        &json!(1)
    );
    assert_eq!(
        r.get("/subjects?deleted=true").await.ok(),
        &json!(["after-value", "before-value"])
    );
    r.finish().await;
}

async fn health_fails_when_the_tables_are_gone(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(
        r.get("/health").await.ok(),
        &json!({ "status": "UP", "backend": match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }})
    );
    run_sql(&r.db, &["DROP TABLE settings"]).await;
    let answer = r.get("/health").await;
    answer.assert_error(500, 50001);
    assert_eq!(
        answer.content_type,
        "application/vnd.schemaregistry.v1+json"
    );
    r.finish().await;
}

async fn import_ids_must_fit_the_wire_header(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.put("/mode", &json!({ "mode": "IMPORT" })).await.ok();
    let schema = order_schema(&[]);
    for id in [
        json!(0),
        json!(-2),
        json!(2_147_483_648_i64),
        json!(i64::MAX - 1),
        json!(i64::MIN),
    ] {
        r.post(
            "/subjects/imported-value/versions",
            &json!({ "schema": schema, "id": id, "version": 1 }),
        )
        .await
        .assert_error(422, 42207);
    }
    // Not an integer at all: the body is not the JSON the endpoint expects.
    r.post(
        "/subjects/imported-value/versions",
        &json!({ "schema": schema, "id": 1e30, "version": 1 }),
    )
    .await
    .assert_error(400, 400);
    assert_eq!(r.get("/subjects").await.ok(), &json!([]));

    // The largest id the header carries is fine...
    let top = r
        .post(
            "/subjects/imported-value/versions",
            &json!({ "schema": schema, "id": 2_147_483_647_i64, "version": 1 }),
        )
        .await;
    assert_eq!(top.ok(), &json!({ "id": 2_147_483_647_i64 }));
    // ...but afterwards the database has no id left to hand out: refused, not wrapped.
    r.put("/mode", &json!({ "mode": "READWRITE" })).await.ok();
    let fresh = order_schema(&[r#"{"name":"c","type":"int","default":0}"#]);
    r.post(
        "/subjects/other-value/versions",
        &json!({ "schema": fresh }),
    )
    .await
    .assert_error(422, 42207);
    // What exists keeps working: the imported schema registers under another subject.
    assert_eq!(
        r.register("other-value", &schema, None).await,
        2_147_483_647
    );
    assert_eq!(
        r.get("/subjects").await.ok(),
        &json!(["imported-value", "other-value"])
    );
    r.finish().await;
}

on_both_backends!(
    aborted_transaction_is_rolled_back_and_the_next_write_works,
    health_fails_when_the_tables_are_gone,
    import_ids_must_fit_the_wire_header,
);
