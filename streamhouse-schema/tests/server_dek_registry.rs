//! The DEK registry over real HTTP on SQLite and PostgreSQL: KEKs and DEKs with Confluent's
//! JSON, soft and permanent deletes, undeletes and error codes (`DekRegistryResource`,
//! `AbstractDekRegistry`, `DekRegistryErrors`).
#![cfg(feature = "server")]

mod server_common;

use serde_json::{json, Value};
use server_common::{Backend, TestRegistry};

const KEKS: &str = "/dek-registry/v1/keks";

/// `body` without its `ts`, after checking `ts` is a recent epoch-milliseconds number.
fn without_ts(body: &Value) -> Value {
    let ts = body["ts"].as_i64().expect("numeric ts");
    assert!(ts > 1_600_000_000_000, "ts {ts}");
    let mut body = body.clone();
    body.as_object_mut().expect("object").remove("ts");
    body
}

fn kek_request(name: &str) -> Value {
    json!({
        "name": name,
        "kmsType": "aws-kms",
        "kmsKeyId": "arn:aws:kms:us-east-1:111:key/abc",
        "kmsProps": { "b": "2", "a": "1" },
        "doc": "orders",
        "shared": false
    })
}

fn kek_answer(name: &str, doc: &str, deleted: bool) -> Value {
    json!({
        "name": name,
        "kmsType": "aws-kms",
        "kmsKeyId": "arn:aws:kms:us-east-1:111:key/abc",
        "kmsProps": { "a": "1", "b": "2" },
        "doc": doc,
        "shared": false,
        "deleted": deleted
    })
}

fn dek_answer(version: i64, material: &str, deleted: bool) -> Value {
    json!({
        "kekName": "kek1",
        "subject": "orders-value",
        "version": version,
        "algorithm": "AES256_GCM",
        "encryptedKeyMaterial": material,
        "deleted": deleted
    })
}

async fn keks(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(r.get(KEKS).await.ok(), &json!([]));
    let created = r.post(KEKS, &kek_request("kek1")).await;
    assert_eq!(
        without_ts(created.ok()),
        kek_answer("kek1", "orders", false)
    );
    // The kmsProps are written sorted, as Confluent's SortedMap.
    assert!(
        created.text.contains(r#""kmsProps":{"a":"1","b":"2"}"#),
        "{}",
        created.text
    );
    r.post(KEKS, &kek_request("kek1"))
        .await
        .assert_error(409, 40971);
    // Missing or invalid fields: 42271.
    let mut missing = kek_request("kek2");
    missing.as_object_mut().unwrap().remove("kmsKeyId");
    r.post(KEKS, &missing).await.assert_error(422, 42271);
    let mut missing = kek_request("kek2");
    missing.as_object_mut().unwrap().remove("kmsType");
    r.post(KEKS, &missing).await.assert_error(422, 42271);
    r.post(KEKS, &kek_request("1kek"))
        .await
        .assert_error(422, 42271);
    r.post(KEKS, &json!({ "name": 5 }))
        .await
        .assert_error(400, 400);
    // The KMS type is normalized (`normalizeKmsType`).
    let mut gcp = kek_request("gcpkek");
    gcp["kmsType"] = json!("GCP");
    assert_eq!(r.post(KEKS, &gcp).await.ok()["kmsType"], json!("gcp-kms"));

    assert_eq!(
        without_ts(r.get(&format!("{KEKS}/kek1")).await.ok()),
        kek_answer("kek1", "orders", false)
    );
    r.get(&format!("{KEKS}/nope"))
        .await
        .assert_error(404, 40470);
    assert_eq!(r.get(KEKS).await.ok(), &json!(["gcpkek", "kek1"]));
    assert_eq!(
        r.get(&format!("{KEKS}?offset=1&limit=1")).await.ok(),
        &json!(["kek1"])
    );

    // PUT changes doc; absent fields stay.
    let updated = r
        .put(&format!("{KEKS}/kek1"), &json!({ "doc": "new" }))
        .await;
    assert_eq!(without_ts(updated.ok()), kek_answer("kek1", "new", false));
    r.put(&format!("{KEKS}/nope"), &json!({ "doc": "x" }))
        .await
        .assert_error(404, 40470);

    // Soft delete, hidden, undelete; permanent only after a soft delete.
    r.delete(&format!("{KEKS}/kek1?permanent=true"))
        .await
        .assert_error(404, 40471);
    assert_eq!(r.delete(&format!("{KEKS}/kek1")).await.status, 204);
    r.get(&format!("{KEKS}/kek1"))
        .await
        .assert_error(404, 40470);
    assert_eq!(
        without_ts(r.get(&format!("{KEKS}/kek1?deleted=true")).await.ok()),
        kek_answer("kek1", "new", true)
    );
    assert_eq!(r.get(KEKS).await.ok(), &json!(["gcpkek"]));
    assert_eq!(
        r.get(&format!("{KEKS}?deleted=true")).await.ok(),
        &json!(["gcpkek", "kek1"])
    );
    let undeleted = r.post(&format!("{KEKS}/kek1/undelete"), &json!({})).await;
    assert_eq!(undeleted.status, 204);
    assert_eq!(
        r.get(&format!("{KEKS}/kek1")).await.ok()["deleted"],
        json!(false)
    );
    // Creating an equal KEK over a soft-deleted one undeletes it.
    r.delete(&format!("{KEKS}/gcpkek")).await;
    assert_eq!(r.post(KEKS, &gcp).await.ok()["deleted"], json!(false));
    r.delete(&format!("{KEKS}/gcpkek")).await;
    assert_eq!(
        r.delete(&format!("{KEKS}/gcpkek?permanent=true"))
            .await
            .status,
        204
    );
    r.get(&format!("{KEKS}/gcpkek?deleted=true"))
        .await
        .assert_error(404, 40470);
    r.finish().await;
}

async fn deks(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.post(KEKS, &kek_request("kek1")).await.ok();
    let deks = format!("{KEKS}/kek1/deks");
    let subject = format!("{deks}/orders-value");

    let created = r
        .post(&subject, &json!({ "encryptedKeyMaterial": "AAAA" }))
        .await;
    assert_eq!(without_ts(created.ok()), dek_answer(1, "AAAA", false));
    r.post(&subject, &json!({ "encryptedKeyMaterial": "AAAA" }))
        .await
        .assert_error(409, 40971);
    // This registry cannot reach the KMS to generate material.
    r.post(&subject, &json!({ "version": 3 }))
        .await
        .assert_error(422, 42271);
    r.post(
        &subject,
        &json!({ "encryptedKeyMaterial": "AAAA", "algorithm": "DES" }),
    )
    .await
    .assert_error(422, 42271);
    r.post(
        &format!("{KEKS}/nope/deks/orders-value"),
        &json!({ "encryptedKeyMaterial": "AAAA" }),
    )
    .await
    .assert_error(404, 40470);
    // Version 2, through Confluent's older form with the subject in the body.
    let second = r
        .post(
            &deks,
            &json!({ "subject": "orders-value", "version": 2, "encryptedKeyMaterial": "BBBB" }),
        )
        .await;
    assert_eq!(without_ts(second.ok()), dek_answer(2, "BBBB", false));

    assert_eq!(r.get(&deks).await.ok(), &json!(["orders-value"]));
    assert_eq!(
        without_ts(r.get(&subject).await.ok()),
        dek_answer(1, "AAAA", false)
    );
    assert_eq!(
        r.get(&format!("{subject}/versions")).await.ok(),
        &json!([1, 2])
    );
    assert_eq!(
        without_ts(r.get(&format!("{subject}/versions/latest")).await.ok()),
        dek_answer(2, "BBBB", false)
    );
    r.get(&format!("{subject}/versions/3"))
        .await
        .assert_error(404, 40470);
    r.get(&format!("{subject}/versions/abc"))
        .await
        .assert_error(422, 42202);
    r.get(&format!("{subject}?algorithm=AES128_GCM"))
        .await
        .assert_error(404, 40470);
    assert_eq!(
        r.get(&format!("{KEKS}?subjectPrefix=orders")).await.ok(),
        &json!(["kek1"])
    );
    assert_eq!(
        r.get(&format!("{KEKS}?subjectPrefix=payments")).await.ok(),
        &json!([])
    );

    // A KEK with live DEKs cannot be deleted.
    r.delete(&format!("{KEKS}/kek1"))
        .await
        .assert_error(422, 42272);

    // Versions: soft delete, hidden, undelete.
    r.delete(&format!("{subject}/versions/2?permanent=true"))
        .await
        .assert_error(404, 40471);
    assert_eq!(r.delete(&format!("{subject}/versions/2")).await.status, 204);
    assert_eq!(
        r.get(&format!("{subject}/versions")).await.ok(),
        &json!([1])
    );
    assert_eq!(
        r.get(&format!("{subject}/versions?deleted=true"))
            .await
            .ok(),
        &json!([1, 2])
    );
    assert_eq!(
        without_ts(
            r.get(&format!("{subject}/versions/2?deleted=true"))
                .await
                .ok()
        ),
        dek_answer(2, "BBBB", true)
    );
    assert_eq!(
        r.post(&format!("{subject}/versions/2/undelete"), &json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        r.get(&format!("{subject}/versions")).await.ok(),
        &json!([1, 2])
    );

    // The whole subject, then the KEK; undeleting DEKs of a deleted KEK is 40472.
    assert_eq!(r.delete(&subject).await.status, 204);
    assert_eq!(r.get(&deks).await.ok(), &json!([]));
    assert_eq!(r.delete(&format!("{KEKS}/kek1")).await.status, 204);
    r.post(&format!("{subject}/undelete"), &json!({}))
        .await
        .assert_error(404, 40472);
    r.delete(&format!("{KEKS}/kek1?permanent=true"))
        .await
        .assert_error(422, 42272);
    assert_eq!(
        r.delete(&format!("{subject}?permanent=true")).await.status,
        204
    );
    r.delete(&subject).await.assert_error(404, 40470);
    assert_eq!(
        r.delete(&format!("{KEKS}/kek1?permanent=true"))
            .await
            .status,
        204
    );
    assert_eq!(
        r.get(&format!("{KEKS}?deleted=true")).await.ok(),
        &json!([])
    );
    r.finish().await;
}

/// Malformed input on every kind of DEK-registry route: Confluent error JSON, never a 500.
async fn bad_input(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.post(KEKS, &kek_request("kek1")).await.ok();
    let subject = format!("{KEKS}/kek1/deks/orders-value");
    r.put(&format!("{KEKS}/kek1"), &json!({ "shared": "yes" }))
        .await
        .assert_error(400, 400);
    r.post(
        KEKS,
        &json!({ "name": "k2", "kmsType": "aws", "kmsKeyId": "x", "kmsProps": [1] }),
    )
    .await
    .assert_error(400, 400);
    r.post(
        &subject,
        &json!({ "version": "x", "encryptedKeyMaterial": "A" }),
    )
    .await
    .assert_error(400, 400);
    r.post(
        &subject,
        &json!({ "version": 0, "encryptedKeyMaterial": "A" }),
    )
    .await
    .assert_error(422, 42271);
    r.post(
        &format!("{KEKS}/kek1/deks/bad%07subject"),
        &json!({ "encryptedKeyMaterial": "A" }),
    )
    .await
    .assert_error(422, 42271);
    r.post(
        &format!("{KEKS}/kek1/deks"),
        &json!({ "encryptedKeyMaterial": "A" }),
    )
    .await
    .assert_error(422, 42271);
    for path in [
        format!("{subject}/versions/0"),
        format!("{subject}/versions/99999999999"),
    ] {
        r.get(&path).await.assert_error(422, 42202);
    }
    r.get(&format!("{KEKS}/1bad"))
        .await
        .assert_error(422, 42271);
    r.get(&format!("{subject}?algorithm=ROT13"))
        .await
        .assert_error(422, 42271);
    assert_eq!(
        r.get(&format!("{KEKS}?offset=x&limit=y")).await.ok(),
        &json!(["kek1"])
    );
    r.finish().await;
}

on_both_backends!(keks, deks, bad_input);
