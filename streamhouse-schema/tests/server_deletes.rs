//! Registry server over real HTTP: Confluent's soft-then-permanent delete rules
//! (40404/40405/40406/40407), `deleted=true` listings and id lifetime, on SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{order_schema, Backend, TestRegistry};

const NOTE_FIELD: &str = r#"{"name":"note","type":"string","default":""}"#;

async fn soft_then_permanent_subject_delete(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    r.register("orders-value", &v1, None).await;
    r.register("orders-value", &order_schema(&[NOTE_FIELD]), None)
        .await;

    // Permanent before soft: 40405.
    r.delete("/subjects/orders-value?permanent=true")
        .await
        .assert_error(404, 40405);
    // Soft delete answers the versions it hid.
    assert_eq!(
        r.delete("/subjects/orders-value").await.ok(),
        &json!([1, 2])
    );
    // Twice: 40404.
    r.delete("/subjects/orders-value")
        .await
        .assert_error(404, 40404);

    // Hidden from listings, visible with deleted=true; ids stay resolvable.
    assert_eq!(r.get("/subjects").await.ok(), &json!([]));
    assert_eq!(
        r.get("/subjects?deleted=true").await.ok(),
        &json!(["orders-value"])
    );
    assert_eq!(
        r.get("/subjects?deletedOnly=true").await.ok(),
        &json!(["orders-value"])
    );
    r.get("/subjects/orders-value/versions")
        .await
        .assert_error(404, 40401);
    assert_eq!(
        r.get("/subjects/orders-value/versions?deleted=true")
            .await
            .ok(),
        &json!([1, 2])
    );
    assert_eq!(
        r.get("/subjects/orders-value/versions/1?deleted=true")
            .await
            .ok()["schema"],
        json!(v1)
    );
    assert_eq!(r.get("/schemas/ids/1").await.ok()["schema"], json!(v1));
    assert_eq!(r.get("/schemas/ids/1/versions").await.ok(), &json!([]));
    assert_eq!(
        r.get("/schemas/ids/1/versions?deleted=true").await.ok(),
        &json!([{ "subject": "orders-value", "version": 1 }])
    );
    r.post("/subjects/orders-value", &json!({ "schema": v1 }))
        .await
        .assert_error(404, 40401);
    assert_eq!(
        r.post(
            "/subjects/orders-value?deleted=true",
            &json!({ "schema": v1 })
        )
        .await
        .ok()["version"],
        json!(1)
    );

    // Now the permanent delete works and removes the ids.
    assert_eq!(
        r.delete("/subjects/orders-value?permanent=true").await.ok(),
        &json!([1, 2])
    );
    r.get("/schemas/ids/1").await.assert_error(404, 40403);
    r.get("/schemas/ids/2").await.assert_error(404, 40403);
    assert_eq!(r.get("/subjects?deleted=true").await.ok(), &json!([]));
    r.delete("/subjects/orders-value")
        .await
        .assert_error(404, 40401);
    r.delete("/subjects/orders-value?permanent=true")
        .await
        .assert_error(404, 40401);
    r.finish().await;
}

async fn soft_then_permanent_version_delete(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    let v2 = order_schema(&[NOTE_FIELD]);
    r.register("orders-value", &v1, None).await;
    r.register("orders-value", &v2, None).await;
    // v1 is shared with another subject: its id must survive the permanent delete.
    r.register("mirror-value", &v1, None).await;

    r.delete("/subjects/orders-value/versions/1?permanent=true")
        .await
        .assert_error(404, 40407);
    assert_eq!(
        r.delete("/subjects/orders-value/versions/1").await.ok(),
        &json!(1)
    );
    r.delete("/subjects/orders-value/versions/1")
        .await
        .assert_error(404, 40406);
    r.delete("/subjects/orders-value/versions/9")
        .await
        .assert_error(404, 40402);
    r.delete("/subjects/orders-value/versions/0")
        .await
        .assert_error(422, 42202);
    r.delete("/subjects/ghost/versions/1")
        .await
        .assert_error(404, 40401);

    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([2])
    );
    r.get("/subjects/orders-value/versions/1")
        .await
        .assert_error(404, 40402);
    assert_eq!(
        r.get("/subjects/orders-value/versions/1?deleted=true")
            .await
            .ok()["id"],
        json!(1)
    );

    assert_eq!(
        r.delete("/subjects/orders-value/versions/1?permanent=true")
            .await
            .ok(),
        &json!(1)
    );
    r.get("/subjects/orders-value/versions/1?deleted=true")
        .await
        .assert_error(404, 40402);
    // Still used by mirror-value.
    assert_eq!(r.get("/schemas/ids/1").await.ok()["schema"], json!(v1));

    // `latest` soft-deletes the newest live version.
    assert_eq!(
        r.delete("/subjects/orders-value/versions/latest")
            .await
            .ok(),
        &json!(2)
    );
    r.get("/subjects/orders-value/versions")
        .await
        .assert_error(404, 40401);

    // Re-registering a soft-deleted schema makes a new version (numbers are not reused).
    assert_eq!(r.register("orders-value", &v2, None).await, 2);
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([3])
    );
    r.finish().await;
}

on_both_backends!(
    soft_then_permanent_subject_delete,
    soft_then_permanent_version_delete
);
