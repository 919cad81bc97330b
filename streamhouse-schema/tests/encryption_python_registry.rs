//! Field encryption through OUR registry's DEK registry, with Confluent's Python client as
//! the peer: `tests/python/encryption_peer_registry.py` runs its real
//! `FieldEncryptionExecutor` (KEK/DEK get-or-create through its `DekRegistryClient`,
//! local-kms, Tink, base64 string fields, the version prefix when DEKs rotate) against a
//! server started in-process; our [`DekStore`] fetches, unwraps and uses the keys it made,
//! and the other way round. Also: a send with a cached DEK makes no request, a wrong
//! secret, a changed ciphertext, a missing KEK or DEK are typed errors. On SQLite.
//! Needs `scripts/setup-python.sh`.
#![cfg(all(feature = "server", feature = "encryption"))]

mod python_peer;
mod server_common;

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use python_peer::answer_async;
use serde_json::{json, Value};
use server_common::{Backend, TestRegistry};
use streamhouse_schema::registry::{DekAlgorithm, SchemaRegistryClient, Version};
use streamhouse_schema::rules::encryption::{
    field, Clock, DekStore, EncryptPolicy, EncryptionError, KeyUse, KmsError,
};

const SECRET: &str = "registry-interop-secret";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Runs Confluent's executor over `fields` (`("STRING", text)` or `("BYTES", base64)`).
async fn python_transform(
    url: &str,
    secret: &str,
    subject: &str,
    mode: &str,
    params: &Value,
    fields: &[(&str, String)],
) -> Result<Vec<String>, String> {
    let request = json!({
        "secret": secret,
        "subject": subject,
        "mode": mode,
        "params": params,
        "fields": fields.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>(),
    });
    let answer = answer_async("encryption_peer_registry.py", &[url], request).await;
    match &answer["error"] {
        Value::String(error) => Err(error.clone()),
        _ => Ok(answer["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|v| v.as_str().expect("a string").to_owned())
            .collect()),
    }
}

fn params(kek: &str, algorithm: &str, expiry_days: Option<u32>) -> Value {
    let mut params = json!({
        "encrypt.kek.name": kek,
        "encrypt.kms.type": "local-kms",
        "encrypt.kms.key.id": format!("{kek}-key"),
        "encrypt.dek.algorithm": algorithm,
    });
    if let Some(days) = expiry_days {
        params["encrypt.dek.expiry.days"] = json!(days.to_string());
    }
    params
}

fn policy(params: &Value) -> EncryptPolicy {
    EncryptPolicy::from_params(|name| params.get(name).and_then(Value::as_str)).expect("policy")
}

/// A clock `offset_days` ahead of the system's.
struct Ahead(i64);

impl Clock for Ahead {
    fn now_millis(&self) -> i64 {
        streamhouse_schema::rules::encryption::SystemClock.now_millis() + self.0 * 86_400_000
    }
}

fn new_store(url: &str, secret: &str, clock_days_ahead: i64) -> DekStore {
    DekStore::builder(SchemaRegistryClient::new(url))
        .config(BTreeMap::from([("secret".to_owned(), secret.to_owned())]))
        .clock(Arc::new(Ahead(clock_days_ahead)))
        .build()
}

/// Our side of a field: the DEK for `version` (read) or the write version, then the
/// ciphertext as Confluent writes it.
async fn rust_encrypt(
    store: &DekStore,
    policy: &EncryptPolicy,
    subject: &str,
    text: &str,
) -> String {
    let dek = store
        .get(
            policy,
            subject,
            KeyUse::Write,
            DekStore::write_version(policy),
        )
        .await
        .expect("write DEK");
    let version = policy.rotates().then_some(dek.version());
    field::to_base64(&field::seal(dek.cipher(), version, text.as_bytes()).unwrap())
}

async fn rust_decrypt_bytes(
    store: &DekStore,
    policy: &EncryptPolicy,
    subject: &str,
    sealed: &[u8],
) -> Result<Vec<u8>, EncryptionError> {
    let (version, ciphertext) = if policy.rotates() {
        field::split_version(sealed)?
    } else {
        (1, sealed)
    };
    let dek = store.get(policy, subject, KeyUse::Read, version).await?;
    field::open(dek.cipher(), ciphertext)
}

async fn rust_decrypt(
    store: &DekStore,
    policy: &EncryptPolicy,
    subject: &str,
    text: &str,
) -> Result<String, EncryptionError> {
    let sealed = field::from_base64(text)?;
    field::to_string(rust_decrypt_bytes(store, policy, subject, &sealed).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_creates_keys_on_our_registry_and_rust_uses_them() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    let params = params("py-kek", "AES256_GCM", None);
    let subject = "py-orders-value";
    let written = python_transform(
        &r.url,
        SECRET,
        subject,
        "WRITE",
        &params,
        &[
            ("STRING", "4111-1111".into()),
            ("BYTES", b64(b"\x00\x01card")),
        ],
    )
    .await
    .expect("python write");

    // Python created a non-shared local-kms KEK and version 1 of the subject's DEK here.
    let client = SchemaRegistryClient::new(&r.url);
    let kek = client.get_kek("py-kek", false).await.unwrap();
    assert_eq!(
        (kek.kms_type.as_str(), kek.kms_key_id.as_str(), kek.shared),
        ("local-kms", "py-kek-key", false)
    );
    let dek = client
        .get_dek(
            "py-kek",
            subject,
            DekAlgorithm::Aes256Gcm,
            Version::Latest,
            false,
        )
        .await
        .unwrap();
    assert_eq!(dek.version, 1);

    let store = new_store(&r.url, SECRET, 0);
    let policy = policy(&params);
    assert_eq!(
        rust_decrypt(&store, &policy, subject, &written[0])
            .await
            .unwrap(),
        "4111-1111"
    );
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(&written[1])
        .unwrap();
    assert_eq!(
        sealed.len(),
        12 + 6 + 16,
        "bytes fields are raw Tink AES-GCM ciphertext"
    );
    assert_eq!(
        rust_decrypt_bytes(&store, &policy, subject, &sealed)
            .await
            .unwrap(),
        b"\x00\x01card"
    );

    // A changed ciphertext is refused, never returned as plaintext.
    let mut tampered = sealed.clone();
    tampered[15] ^= 1;
    assert!(matches!(
        rust_decrypt_bytes(&store, &policy, subject, &tampered).await,
        Err(EncryptionError::Decryption)
    ));
    assert!(matches!(
        rust_decrypt(&store, &policy, subject, "not base64!").await,
        Err(EncryptionError::InvalidBase64)
    ));

    // Our writer reuses Python's DEK (no version 2), and Python reads what we wrote.
    let ours = rust_encrypt(&store, &policy, subject, "5500-0000").await;
    let latest = client
        .get_dek(
            "py-kek",
            subject,
            DekAlgorithm::Aes256Gcm,
            Version::Latest,
            false,
        )
        .await
        .unwrap();
    assert_eq!(latest.version, 1);
    let read = python_transform(
        &r.url,
        SECRET,
        subject,
        "READ",
        &params,
        &[("STRING", ours)],
    )
    .await
    .expect("python read");
    assert_eq!(read, ["5500-0000"]);

    // A wrong local-kms secret cannot unwrap the DEK.
    let wrong = new_store(&r.url, "another-secret", 0);
    let error = rust_decrypt(&wrong, &policy, subject, &written[0])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, EncryptionError::KeyUnwrap { kek, source: KmsError::Authentication } if kek == "py-kek"),
        "{error:?}"
    );
    r.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_creates_keys_and_python_uses_them_deterministically() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    let params = params("rs-kek", "AES256_SIV", None);
    let subject = "rs-orders-value";
    let store = new_store(&r.url, SECRET, 0);
    let policy = policy(&params);
    let ours = rust_encrypt(&store, &policy, subject, "alice@example.com").await;

    // Cached: another send asks the registry nothing.
    let requests = r.server.requests();
    let before = requests.total();
    let again = rust_encrypt(&store, &policy, subject, "alice@example.com").await;
    assert_eq!(requests.total(), before, "a cached DEK costs no request");
    assert_eq!(again, ours, "AES-SIV is deterministic");

    let client = SchemaRegistryClient::new(&r.url);
    let kek = client.get_kek("rs-kek", false).await.unwrap();
    assert_eq!((kek.kms_type.as_str(), kek.shared), ("local-kms", false));
    let dek = client
        .get_dek(
            "rs-kek",
            subject,
            DekAlgorithm::Aes256Siv,
            Version::Number(1),
            false,
        )
        .await
        .unwrap();
    assert!(dek.encrypted_key_material.is_some() && dek.key_material.is_none());

    let read = python_transform(
        &r.url,
        SECRET,
        subject,
        "READ",
        &params,
        &[("STRING", ours.clone())],
    )
    .await
    .expect("python read");
    assert_eq!(read, ["alice@example.com"]);
    // Python encrypting the same plaintext with our DEK writes the same bytes.
    let theirs = python_transform(
        &r.url,
        SECRET,
        subject,
        "WRITE",
        &params,
        &[("STRING", "alice@example.com".into())],
    )
    .await
    .expect("python write");
    assert_eq!(theirs, std::slice::from_ref(&ours));

    // Python with a wrong secret cannot unwrap our DEK either.
    let error = python_transform(
        &r.url,
        "wrong",
        subject,
        "READ",
        &params,
        &[("STRING", ours)],
    )
    .await
    .unwrap_err();
    assert!(
        error.contains("failed to decrypt with all KEKs for rs-kek"),
        "{error}"
    );
    r.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_deks_carry_their_version_both_ways() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    let params = params("rot-kek", "AES256_GCM", Some(1));
    let subject = "rot-value";
    let policy = policy(&params);
    let written = python_transform(
        &r.url,
        SECRET,
        subject,
        "WRITE",
        &params,
        &[("STRING", "v1 text".into())],
    )
    .await
    .expect("python write");
    let sealed = field::from_base64(&written[0]).unwrap();
    assert_eq!(sealed[..5], [0, 0, 0, 0, 1], "magic byte and version 1");
    let store = new_store(&r.url, SECRET, 0);
    assert_eq!(
        rust_decrypt(&store, &policy, subject, &written[0])
            .await
            .unwrap(),
        "v1 text"
    );

    // Two days on, our writer finds version 1 expired and creates version 2.
    let later = store_at(&r.url, 2);
    let ours = rust_encrypt(&later, &policy, subject, "v2 text").await;
    assert_eq!(field::from_base64(&ours).unwrap()[..5], [0, 0, 0, 0, 2]);
    let read = python_transform(
        &r.url,
        SECRET,
        subject,
        "READ",
        &params,
        &[("STRING", ours)],
    )
    .await
    .expect("python read");
    assert_eq!(read, ["v2 text"]);
    // Python's writer now uses version 2 (fresh), which our reader fetches by version.
    let theirs = python_transform(
        &r.url,
        SECRET,
        subject,
        "WRITE",
        &params,
        &[("STRING", "again".into())],
    )
    .await
    .expect("python write");
    assert_eq!(
        field::from_base64(&theirs[0]).unwrap()[..5],
        [0, 0, 0, 0, 2]
    );
    assert_eq!(
        rust_decrypt(&store, &policy, subject, &theirs[0])
            .await
            .unwrap(),
        "again"
    );
    // Too short for a version prefix.
    assert!(matches!(
        rust_decrypt(&store, &policy, subject, &b64(&[0, 0, 0])).await,
        Err(EncryptionError::MissingVersion)
    ));
    r.finish().await;
}

fn store_at(url: &str, days_ahead: i64) -> DekStore {
    new_store(url, SECRET, days_ahead)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_keys_and_bad_rules_are_typed_errors() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    let store = new_store(&r.url, SECRET, 0);
    let params = params("absent-kek", "AES256_GCM", None);
    let policy = policy(&params);
    // Readers never create: no KEK.
    let error = store
        .get(&policy, "s-value", KeyUse::Read, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, EncryptionError::MissingKek { kek } if kek == "absent-kek"),
        "{error:?}"
    );
    // A KEK but no DEK for this subject.
    rust_encrypt(&store, &policy, "other-value", "x").await;
    let error = store
        .get(&policy, "s-value", KeyUse::Read, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, EncryptionError::MissingDek { kek, subject, version: 1 } if kek == "absent-kek" && subject == "s-value"),
        "{error:?}"
    );
    // A writer without a KMS type cannot create the KEK.
    let bare = EncryptPolicy {
        kek_name: "new-kek".into(),
        kms_type: None,
        kms_key_id: Some("k".into()),
        algorithm: DekAlgorithm::Aes256Gcm,
        expiry_days: 0,
    };
    let error = store
        .get(&bare, "s-value", KeyUse::Write, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            EncryptionError::MissingKmsParam {
                param: "encrypt.kms.type",
                ..
            }
        ),
        "{error:?}"
    );
    // A rule naming another KMS type than the registry's KEK.
    let other_type = EncryptPolicy {
        kms_type: Some("aws-kms".into()),
        ..policy.clone()
    };
    let error = store
        .get(&other_type, "other-value", KeyUse::Write, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            EncryptionError::KekMismatch {
                what: "kms type",
                ..
            }
        ),
        "{error:?}"
    );
    // A KEK of a KMS type no driver serves.
    SchemaRegistryClient::new(&r.url)
        .register_kek(&streamhouse_schema::registry::Kek::new(
            "vault-kek",
            "hcvault",
            "path",
        ))
        .await
        .unwrap();
    let vault = EncryptPolicy {
        kek_name: "vault-kek".into(),
        kms_type: None,
        kms_key_id: None,
        ..policy.clone()
    };
    let error = store
        .get(&vault, "v-value", KeyUse::Write, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, EncryptionError::UnknownKmsType { kms_type } if kms_type == "hcvault"),
        "{error:?}"
    );
    // No secret anywhere (the test process has no LOCAL_SECRET).
    assert!(std::env::var_os("LOCAL_SECRET").is_none());
    let no_secret = DekStore::new(SchemaRegistryClient::new(&r.url));
    let error = no_secret
        .get(&policy, "fresh-value", KeyUse::Write, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, EncryptionError::KmsConfig { .. }),
        "{error:?}"
    );
    r.finish().await;
}
