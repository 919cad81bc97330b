//! Registry server over real HTTP: modes as Confluent has them. IMPORT registrations carry
//! their own `id` and `version`; READONLY and READONLY_OVERRIDE refuse writes with 42205.
//! On SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::{json, Value};
use server_common::{order_schema, Backend, TestRegistry};

const NOTE_FIELD: &str = r#"{"name":"note","type":"string","default":""}"#;
/// Not BACKWARD compatible with `order_schema(&[])`: a new field without a default.
const OWNER_FIELD: &str = r#"{"name":"owner","type":"string"}"#;

fn import_body(schema: &str, id: Option<i64>, version: Option<i64>) -> Value {
    let mut body = json!({ "schema": schema });
    if let Some(id) = id {
        body["id"] = json!(id);
    }
    if let Some(version) = version {
        body["version"] = json!(version);
    }
    body
}

#[track_caller]
fn assert_message(answer: &server_common::Answer, expected: &str) {
    assert_eq!(answer.body["message"], json!(expected), "{}", answer.text);
}

async fn import_mode_takes_ids_and_versions(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(
        r.put("/mode", &json!({ "mode": "IMPORT" })).await.ok(),
        &json!({ "mode": "IMPORT" })
    );
    assert_eq!(r.get("/mode").await.ok(), &json!({ "mode": "IMPORT" }));
    let v1 = order_schema(&[]);
    let path = "/subjects/orders-value/versions";

    assert_eq!(
        r.post(path, &import_body(&v1, Some(100), Some(3)))
            .await
            .ok(),
        &json!({ "id": 100 })
    );
    assert_eq!(r.get(path).await.ok(), &json!([3]));
    assert_eq!(
        r.get("/subjects/orders-value/versions/3").await.ok()["id"],
        json!(100)
    );
    assert_eq!(
        r.get("/schemas/ids/100").await.ok(),
        &json!({ "schema": v1 })
    );
    // The same schema again, even at another version, is the registered one.
    assert_eq!(
        r.post(path, &import_body(&v1, Some(100), Some(3)))
            .await
            .ok(),
        &json!({ "id": 100 })
    );
    assert_eq!(
        r.post(path, &import_body(&v1, Some(100), Some(5)))
            .await
            .ok(),
        &json!({ "id": 100 })
    );
    assert_eq!(r.get(path).await.ok(), &json!([3]));

    // Another schema cannot take id 100, here or in another subject.
    let v2 = order_schema(&[OWNER_FIELD]);
    for subject_path in [path, "/subjects/other-value/versions"] {
        let taken = r
            .post(subject_path, &import_body(&v2, Some(100), None))
            .await;
        taken.assert_error(422, 42205);
        assert_message(&taken, "Overwrite new schema with id 100 is not permitted.");
    }
    // Nor can one schema have two ids.
    r.post(path, &import_body(&v1, Some(101), Some(9)))
        .await
        .assert_error(422, 42205);

    // No compatibility check in IMPORT mode: v2 is not BACKWARD compatible with v1. Without
    // a version it takes the next one.
    assert_eq!(
        r.post(path, &import_body(&v2, Some(7), None)).await.ok(),
        &json!({ "id": 7 })
    );
    assert_eq!(r.get(path).await.ok(), &json!([3, 4]));
    assert_eq!(
        r.get("/subjects/orders-value/versions/latest").await.ok()["id"],
        json!(7)
    );
    // An explicit version replaces what it held, as Confluent's import does.
    let v3 = order_schema(&[NOTE_FIELD]);
    assert_eq!(
        r.post(path, &import_body(&v3, Some(8), Some(4))).await.ok(),
        &json!({ "id": 8 })
    );
    assert_eq!(r.get(path).await.ok(), &json!([3, 4]));
    assert_eq!(
        r.get("/subjects/orders-value/versions/4").await.ok()["schema"],
        json!(v3)
    );

    // IMPORT mode needs an id or a version; a version out of range is 42202.
    let plain = r.post(path, &json!({ "schema": r#""string""# })).await;
    plain.assert_error(422, 42205);
    assert_message(&plain, "Subject orders-value is not in read-write mode");
    r.post(path, &import_body(r#""string""#, None, Some(1 << 40)))
        .await
        .assert_error(422, 42202);

    // Back in READWRITE, new ids continue after the imported ones and ids are refused.
    assert_eq!(
        r.put("/mode", &json!({ "mode": "READWRITE" })).await.ok(),
        &json!({ "mode": "READWRITE" })
    );
    let refused = r
        .post(path, &import_body(r#""string""#, Some(500), None))
        .await;
    refused.assert_error(422, 42205);
    assert_message(&refused, "Subject orders-value is not in import mode");
    assert_eq!(r.register("fresh-value", r#""string""#, None).await, 101);
    r.finish().await;
}

async fn switching_to_import_needs_an_empty_scope(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.register("orders-value", &order_schema(&[]), None).await;
    let refused = r.put("/mode", &json!({ "mode": "IMPORT" })).await;
    refused.assert_error(422, 42205);
    assert_message(&refused, "Cannot import since found existing subjects");
    r.put("/mode/orders-value", &json!({ "mode": "IMPORT" }))
        .await
        .assert_error(422, 42205);
    assert_eq!(r.get("/mode").await.ok(), &json!({ "mode": "READWRITE" }));

    // An empty subject may switch while others have versions.
    assert_eq!(
        r.put("/mode/copy-value", &json!({ "mode": "IMPORT" }))
            .await
            .ok(),
        &json!({ "mode": "IMPORT" })
    );
    assert_eq!(
        r.post(
            "/subjects/copy-value/versions",
            &import_body(r#""string""#, Some(40), Some(1))
        )
        .await
        .ok(),
        &json!({ "id": 40 })
    );
    // Already IMPORT: setting it again is fine; force overrides the emptiness rule.
    r.put("/mode/copy-value", &json!({ "mode": "IMPORT" }))
        .await
        .ok();
    assert_eq!(
        r.put("/mode?force=true", &json!({ "mode": "IMPORT" }))
            .await
            .ok(),
        &json!({ "mode": "IMPORT" })
    );
    r.finish().await;
}

async fn read_only_override_beats_subject_modes(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.register("orders-value", &order_schema(&[]), None).await;
    r.put("/mode/orders-value", &json!({ "mode": "READWRITE" }))
        .await
        .ok();
    // Plain READONLY leaves the subject's own READWRITE in force...
    r.put("/mode", &json!({ "mode": "READONLY" })).await.ok();
    assert_eq!(
        r.register("orders-value", &order_schema(&[NOTE_FIELD]), None)
            .await,
        2
    );
    // ...READONLY_OVERRIDE does not.
    assert_eq!(
        r.put("/mode", &json!({ "mode": "READONLY_OVERRIDE" }))
            .await
            .ok(),
        &json!({ "mode": "READONLY_OVERRIDE" })
    );
    let refused = r
        .post(
            "/subjects/orders-value/versions",
            &json!({ "schema": r#""string""# }),
        )
        .await;
    refused.assert_error(422, 42205);
    assert_message(&refused, "Subject orders-value is in read-only mode");
    r.delete("/subjects/orders-value/versions/1")
        .await
        .assert_error(422, 42205);
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1, 2])
    );
    let invalid = r.put("/mode", &json!({ "mode": "FORWARD" })).await;
    invalid.assert_error(422, 42204);
    assert_eq!(
        r.get("/mode").await.ok(),
        &json!({ "mode": "READONLY_OVERRIDE" })
    );
    r.finish().await;
}

on_both_backends!(
    import_mode_takes_ids_and_versions,
    switching_to_import_needs_an_empty_scope,
    read_only_override_beats_subject_modes
);
