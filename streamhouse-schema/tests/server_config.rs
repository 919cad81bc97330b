//! Registry server over real HTTP: config (GET `compatibilityLevel` vs PUT `compatibility`),
//! modes (READONLY → 42205), compatibility checks and 409s, on SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{order_schema, Backend, TestRegistry};

const NOTE_FIELD: &str = r#"{"name":"note","type":"string","default":""}"#;
const NOTE_NO_DEFAULT: &str = r#"{"name":"note","type":"string"}"#;

async fn global_and_subject_config(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(
        r.get("/config").await.ok(),
        &json!({ "compatibilityLevel": "BACKWARD" })
    );
    assert_eq!(
        r.put("/config", &json!({ "compatibility": "full_transitive" }))
            .await
            .ok(),
        &json!({ "compatibility": "FULL_TRANSITIVE" })
    );
    assert_eq!(
        r.get("/config").await.ok(),
        &json!({ "compatibilityLevel": "FULL_TRANSITIVE" })
    );
    r.put("/config", &json!({ "compatibility": "SIDEWAYS" }))
        .await
        .assert_error(422, 42203);
    r.put("/config", &json!({ "something": "else" }))
        .await
        .assert_error(422, 42203);

    // Subject level: 40408 until set; defaultToGlobal falls back.
    r.get("/config/orders-value").await.assert_error(404, 40408);
    assert_eq!(
        r.get("/config/orders-value?defaultToGlobal=true")
            .await
            .ok(),
        &json!({ "compatibilityLevel": "FULL_TRANSITIVE" })
    );
    assert_eq!(
        r.put(
            "/config/orders-value",
            &json!({ "compatibility": "NONE", "normalize": true })
        )
        .await
        .ok(),
        &json!({ "compatibility": "NONE" })
    );
    assert_eq!(
        r.get("/config/orders-value").await.ok(),
        &json!({ "compatibilityLevel": "NONE" })
    );
    r.put("/config/orders-value", &json!({ "compatibility": "x" }))
        .await
        .assert_error(422, 42203);
    assert_eq!(
        r.delete("/config/orders-value").await.ok(),
        &json!({ "compatibilityLevel": "NONE" })
    );
    r.delete("/config/orders-value")
        .await
        .assert_error(404, 40401);
    r.get("/config/orders-value").await.assert_error(404, 40408);

    // DELETE /config answers the old level and restores the default.
    assert_eq!(
        r.delete("/config").await.ok(),
        &json!({ "compatibilityLevel": "FULL_TRANSITIVE" })
    );
    assert_eq!(
        r.get("/config").await.ok(),
        &json!({ "compatibilityLevel": "BACKWARD" })
    );
    // Also under /schemas.
    assert_eq!(
        r.get("/schemas/config").await.ok(),
        &json!({ "compatibilityLevel": "BACKWARD" })
    );
    r.finish().await;
}

async fn incompatible_registration_is_409_with_reason(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.register("orders-value", &order_schema(&[]), None).await;
    let breaking = order_schema(&[NOTE_NO_DEFAULT]);
    let answer = r
        .post(
            "/subjects/orders-value/versions",
            &json!({ "schema": breaking }),
        )
        .await;
    answer.assert_error(409, 409);
    let message = answer.body["message"].as_str().unwrap_or_default();
    assert!(message.contains("orders-value"), "{message}");
    assert!(
        message.contains("note"),
        "reason names the field: {message}"
    );
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1])
    );

    // The same change passes once the subject's level is NONE.
    r.put("/config/orders-value", &json!({ "compatibility": "NONE" }))
        .await
        .ok();
    assert_eq!(r.register("orders-value", &breaking, None).await, 2);
    // A schema type change is incompatible under BACKWARD.
    r.put(
        "/config/orders-value",
        &json!({ "compatibility": "BACKWARD" }),
    )
    .await
    .ok();
    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": r#"{"type":"object"}"#, "schemaType": "JSON" }),
    )
    .await
    .assert_error(409, 409);
    r.finish().await;
}

async fn compatibility_endpoints(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    let good = order_schema(&[NOTE_FIELD]);
    let bad = order_schema(&[NOTE_NO_DEFAULT]);

    // A subject without versions: everything is compatible with nothing.
    assert_eq!(
        r.post(
            "/compatibility/subjects/orders-value/versions",
            &json!({ "schema": bad })
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    r.post(
        "/compatibility/subjects/orders-value/versions/latest",
        &json!({ "schema": bad }),
    )
    .await
    .assert_error(404, 40401);

    r.register("orders-value", &v1, None).await;
    for path in [
        "/compatibility/subjects/orders-value/versions/latest",
        "/compatibility/subjects/orders-value/versions/1",
        "/compatibility/subjects/orders-value/versions",
    ] {
        assert_eq!(
            r.post(path, &json!({ "schema": good })).await.ok()["is_compatible"],
            json!(true),
            "{path}"
        );
        let verdict = r
            .post(&format!("{path}?verbose=true"), &json!({ "schema": bad }))
            .await;
        assert_eq!(verdict.ok()["is_compatible"], json!(false), "{path}");
        let messages = verdict.ok()["messages"].as_array().expect("messages");
        assert!(!messages.is_empty(), "{path}: {}", verdict.text);
        assert!(
            messages
                .iter()
                .any(|m| m.as_str().is_some_and(|m| m.contains("note"))),
            "{path}: {}",
            verdict.text
        );
        // Without verbose the verdict stands but the reasons are left out, as Confluent does.
        let quiet = r.post(path, &json!({ "schema": bad })).await;
        assert_eq!(quiet.ok(), &json!({ "is_compatible": false }));
    }
    r.post(
        "/compatibility/subjects/orders-value/versions/5",
        &json!({ "schema": good }),
    )
    .await
    .assert_error(404, 40402);
    r.post(
        "/compatibility/subjects/orders-value/versions/abc",
        &json!({ "schema": good }),
    )
    .await
    .assert_error(422, 42202);
    r.post(
        "/compatibility/subjects/orders-value/versions/latest",
        &json!({ "schema": "{not avro" }),
    )
    .await
    .assert_error(422, 42201);
    r.finish().await;
}

async fn read_only_mode_rejects_writes(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let v1 = order_schema(&[]);
    r.register("orders-value", &v1, None).await;
    assert_eq!(r.get("/mode").await.ok(), &json!({ "mode": "READWRITE" }));
    r.put("/mode", &json!({ "mode": "SIDEWAYS" }))
        .await
        .assert_error(422, 42204);
    assert_eq!(
        r.put("/mode", &json!({ "mode": "READONLY" })).await.ok(),
        &json!({ "mode": "READONLY" })
    );
    assert_eq!(r.get("/mode").await.ok(), &json!({ "mode": "READONLY" }));

    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": order_schema(&[NOTE_FIELD]) }),
    )
    .await
    .assert_error(422, 42205);
    r.delete("/subjects/orders-value")
        .await
        .assert_error(422, 42205);
    r.delete("/subjects/orders-value/versions/1")
        .await
        .assert_error(422, 42205);
    // Reads still work.
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1])
    );
    assert_eq!(
        r.post("/subjects/orders-value", &json!({ "schema": v1 }))
            .await
            .ok()["id"],
        json!(1)
    );

    // A subject can be READWRITE on its own while the registry is READONLY.
    r.get("/mode/orders-value").await.assert_error(404, 40409);
    assert_eq!(
        r.get("/mode/orders-value?defaultToGlobal=true").await.ok(),
        &json!({ "mode": "READONLY" })
    );
    assert_eq!(
        r.put("/mode/orders-value", &json!({ "mode": "READWRITE" }))
            .await
            .ok(),
        &json!({ "mode": "READWRITE" })
    );
    assert_eq!(
        r.register("orders-value", &order_schema(&[NOTE_FIELD]), None)
            .await,
        2
    );
    assert_eq!(
        r.delete("/mode/orders-value").await.ok(),
        &json!({ "mode": "READWRITE" })
    );
    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": r#""string""# }),
    )
    .await
    .assert_error(422, 42205);

    assert_eq!(
        r.put("/mode", &json!({ "mode": "READWRITE" })).await.ok(),
        &json!({ "mode": "READWRITE" })
    );
    assert_eq!(
        r.delete("/subjects/orders-value").await.ok(),
        &json!([1, 2])
    );
    r.finish().await;
}

on_both_backends!(
    global_and_subject_config,
    incompatible_registration_is_409_with_reason,
    compatibility_endpoints,
    read_only_mode_rejects_writes,
);
