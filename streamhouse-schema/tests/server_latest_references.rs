//! Registry server over real HTTP: references with `"version": -1` (latest), on SQLite and
//! PostgreSQL. As Confluent does, `-1` is pinned at registration to the version it resolves
//! to; that version then cannot be deleted (42206), and a reference that no longer resolves
//! (data stored before pinning, or changed by hand) answers 42201, never 500.
#![cfg(feature = "server")]

mod server_common;

use serde_json::{json, Value};
use server_common::{Backend, TestDb, TestRegistry};

fn money(extra: &str) -> String {
    format!(
        r#"{{"type":"record","name":"Money","namespace":"shop","fields":[{{"name":"cents","type":"long"}}{extra}]}}"#
    )
}

fn order(extra: &str) -> String {
    format!(
        r#"{{"type":"record","name":"Order","namespace":"shop","fields":[{{"name":"total","type":"shop.Money"}}{extra}]}}"#
    )
}

fn with_latest_money(schema: &str) -> Value {
    json!({
        "schema": schema,
        "references": [{ "name": "shop.Money", "subject": "money", "version": -1 }]
    })
}

/// Overwrites the stored references of schema `id` behind the server's back.
async fn set_stored_references(db: &TestDb, id: i64, references: &str) {
    use sqlx::Connection;
    let sql = "UPDATE schemas SET references_json = $1 WHERE id = $2";
    let changed = match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("open");
            let done = sqlx::query(sql)
                .bind(references)
                .bind(id)
                .execute(&mut c)
                .await
                .expect("update");
            done.rows_affected()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            let done = sqlx::query(sql)
                .bind(references)
                .bind(id)
                .execute(&mut c)
                .await
                .expect("update");
            done.rows_affected()
        }
    };
    assert_eq!(changed, 1);
}

async fn latest_reference_is_pinned_and_protects_its_target(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let money_id = r.register("money", &money(""), None).await;
    let order_id = r
        .post(
            "/subjects/orders-value/versions",
            &with_latest_money(&order("")),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    // Stored and answered with the version `-1` resolved to.
    let stored = r.get("/subjects/orders-value/versions/1").await;
    assert_eq!(
        stored.ok()["references"],
        json!([{ "name": "shop.Money", "subject": "money", "version": 1 }])
    );
    assert_eq!(
        r.get("/subjects/money/versions/1/referencedby").await.ok(),
        &json!([order_id])
    );
    // Looking the schema up with `-1` finds it (the same pinned references).
    assert_eq!(
        r.post("/subjects/orders-value", &with_latest_money(&order("")))
            .await
            .ok()["id"],
        json!(order_id)
    );

    // What the reference resolves to cannot go, whichever way it is named.
    for path in [
        "/subjects/money",
        "/subjects/money/versions/1",
        "/subjects/money/versions/latest",
        "/subjects/money/versions/-1",
    ] {
        r.delete(path).await.assert_error(422, 42206);
    }
    assert_eq!(
        r.get("/subjects/money/versions/1").await.ok()["id"],
        json!(money_id)
    );

    // A newer version of the referenced subject is not pinned by the old registration.
    r.put("/config/money", &json!({ "compatibility": "NONE" }))
        .await
        .ok();
    r.register(
        "money",
        &money(r#",{"name":"currency","type":"string","default":"EUR"}"#),
        None,
    )
    .await;
    assert_eq!(r.delete("/subjects/money/versions/2").await.ok(), &json!(2));

    // The referring subject keeps registering and checking (`-1` now resolves to version 1
    // again, version 2 being soft-deleted).
    let next = with_latest_money(&order(r#",{"name":"note","type":"string","default":""}"#));
    assert_eq!(
        r.post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            &next
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    let next_id = r.post("/subjects/orders-value/versions", &next).await.ok()["id"]
        .as_i64()
        .expect("id");
    assert_eq!(
        r.get("/subjects/money/versions/1/referencedby").await.ok(),
        &json!([order_id, next_id])
    );
    r.finish().await;
}

async fn legacy_latest_reference_protects_the_newest_version(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.register("money", &money(""), None).await;
    r.put("/config/money", &json!({ "compatibility": "NONE" }))
        .await
        .ok();
    r.register(
        "money",
        &money(r#",{"name":"c","type":"string","default":""}"#),
        None,
    )
    .await;
    let order_id = r
        .post(
            "/subjects/orders-value/versions",
            &with_latest_money(&order("")),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    // As rows written before `-1` was pinned look.
    set_stored_references(
        &r.db,
        order_id,
        r#"[{"name":"shop.Money","subject":"money","version":-1}]"#,
    )
    .await;
    // A stored `-1` resolves to the newest version (soft-deleted ones included): that one
    // is protected, older ones are not.
    assert_eq!(
        r.get("/subjects/money/versions/2/referencedby").await.ok(),
        &json!([order_id])
    );
    assert_eq!(
        r.get("/subjects/money/versions/1/referencedby").await.ok(),
        &json!([])
    );
    r.delete("/subjects/money/versions/2")
        .await
        .assert_error(422, 42206);
    r.delete("/subjects/money").await.assert_error(422, 42206);
    assert_eq!(r.delete("/subjects/money/versions/1").await.ok(), &json!(1));
    r.post(
        "/compatibility/subjects/orders-value/versions",
        &with_latest_money(&order("")),
    )
    .await
    .ok();
    r.finish().await;
}

async fn unresolvable_stored_reference_is_42201_not_500(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.register("money", &money(""), None).await;
    let order_id = r
        .post(
            "/subjects/orders-value/versions",
            &with_latest_money(&order("")),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    set_stored_references(
        &r.db,
        order_id,
        r#"[{"name":"shop.Money","subject":"gone","version":-1}]"#,
    )
    .await;
    let next = with_latest_money(&order(r#",{"name":"n","type":"int","default":0}"#));
    for path in [
        "/subjects/orders-value/versions",
        "/compatibility/subjects/orders-value/versions",
        "/compatibility/subjects/orders-value/versions/1",
    ] {
        let answer = r.post(path, &next).await;
        answer.assert_error(422, 42201);
        assert!(
            answer.text.contains(&format!("stored schema {order_id}")),
            "{}",
            answer.text
        );
    }
    // Reads that need no parsing still work, and so does the rest of the registry.
    assert_eq!(
        r.get("/subjects/orders-value/versions/1").await.ok()["id"],
        json!(order_id)
    );
    r.register("other-value", &money(""), None).await;
    r.finish().await;
}

async fn reference_cycle_made_by_import_resolves_each_schema_once(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let a = r#"{"type":"record","name":"A","fields":[{"name":"b","type":["null","B"],"default":null}]}"#;
    let b_plain = r#"{"type":"record","name":"B","fields":[{"name":"x","type":"int"}]}"#;
    let b_cyclic = r#"{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"],"default":null}]}"#;
    r.put("/mode", &json!({ "mode": "IMPORT" })).await.ok();
    let import = |schema: &str, id: i64, refs: Value| json!({ "schema": schema, "id": id, "version": 1, "references": refs });
    r.post("/subjects/b/versions", &import(b_plain, 10, json!([])))
        .await
        .ok();
    r.post(
        "/subjects/a/versions",
        &import(
            a,
            11,
            json!([{ "name": "B", "subject": "b", "version": 1 }]),
        ),
    )
    .await
    .ok();
    // Replacing b's version 1 with a schema referencing a closes a cycle a -> b -> a.
    r.post(
        "/subjects/b/versions",
        &import(
            b_cyclic,
            12,
            json!([{ "name": "A", "subject": "a", "version": 1 }]),
        ),
    )
    .await
    .ok();
    r.put("/mode", &json!({ "mode": "READWRITE" })).await.ok();
    let again = json!({
        "schema": a,
        "references": [{ "name": "B", "subject": "b", "version": 1 }]
    });
    // Each schema of the cycle is resolved once: the check and the registration work.
    assert_eq!(
        r.post("/compatibility/subjects/a/versions", &again)
            .await
            .ok(),
        &json!({ "is_compatible": true })
    );
    assert_eq!(
        r.post("/subjects/a/versions", &again).await.ok(),
        &json!({ "id": 13 })
    );
    assert_eq!(
        r.post("/subjects/a", &again).await.ok()["version"],
        json!(2)
    );
    r.get("/schemas/ids/12?format=serialized").await.ok();
    r.register("fine-value", &money(""), None).await;
    r.finish().await;
}

/// Registrations referencing a version race its delete: whatever the order, a delete that
/// succeeds leaves no reference to the deleted version, and every registration that
/// succeeds is one of its referrers.
async fn delete_racing_referencing_registrations_never_leaves_a_dangling_reference(
    backend: Backend,
) {
    let r = std::sync::Arc::new(TestRegistry::start(backend).await);
    for round in 0..5 {
        let subject = format!("money{round}");
        r.register(&subject, &money(""), None).await;
        let mut tasks = Vec::new();
        for i in 0..8 {
            let (task_r, task_subject) = (r.clone(), subject.clone());
            tasks.push(tokio::spawn(async move {
                let (r, subject) = (task_r, task_subject);
                let body = json!({
                    "schema": order(&format!(r#",{{"name":"f{i}","type":"int","default":0}}"#)),
                    "references": [{ "name": "shop.Money", "subject": subject, "version": 1 }]
                });
                let answer = r
                    .post(&format!("/subjects/orders-{subject}-{i}/versions"), &body)
                    .await;
                match answer.status.as_u16() {
                    200 => true,
                    _ => {
                        answer.assert_error(422, 42201);
                        false
                    }
                }
            }));
            if i == 3 {
                let r = r.clone();
                let subject = subject.clone();
                tasks.push(tokio::spawn(async move {
                    let answer = r.delete(&format!("/subjects/{subject}/versions/1")).await;
                    match answer.status.as_u16() {
                        200 => false,
                        _ => {
                            answer.assert_error(422, 42206);
                            true
                        }
                    }
                }));
            }
        }
        let mut registered = 0;
        let mut delete_refused = false;
        for (index, task) in tasks.into_iter().enumerate() {
            let outcome = task.await.expect("task");
            if index == 4 {
                delete_refused = outcome;
            } else if outcome {
                registered += 1;
            }
        }
        if delete_refused {
            let referrers = r
                .get(&format!("/subjects/{subject}/versions/1/referencedby"))
                .await;
            assert_eq!(
                referrers.ok().as_array().map(Vec::len),
                Some(registered),
                "round {round}"
            );
        } else {
            assert_eq!(registered, 0, "round {round}: deleted while referenced");
        }
    }
    match std::sync::Arc::try_unwrap(r) {
        Ok(r) => r.finish().await,
        Err(_) => panic!("tasks still hold the registry"),
    }
}

on_both_backends!(
    delete_racing_referencing_registrations_never_leaves_a_dangling_reference,
    latest_reference_is_pinned_and_protects_its_target,
    legacy_latest_reference_protects_the_newest_version,
    unresolvable_stored_reference_is_42201_not_500,
    reference_cycle_made_by_import_resolves_each_schema_once,
);
