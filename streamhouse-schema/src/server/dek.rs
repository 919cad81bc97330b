//! The DEK registry's JSON and rules, after Confluent's `dek-registry` module
//! (`io/confluent/dekregistry/web/rest/resources/DekRegistryResource.java`,
//! `storage/AbstractDekRegistry.java`, client entities `Kek`, `Dek`, `CreateKekRequest`,
//! `CreateDekRequest`, `UpdateKekRequest`).
//!
//! This registry holds no KMS credentials, so it never generates or unwraps key material:
//! a DEK is created with the `encryptedKeyMaterial` its client wrapped with the KEK's KMS
//! key (what Confluent's clients do for non-shared KEKs). A DEK without it is refused with
//! 42271, as Confluent refuses it for non-shared KEKs.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::store::keys::{DekRecord, KekRecord};

/// `Rule.NAME_MAX_LENGTH` is also the KEK name limit (`DekRegistryResource.checkName`).
const NAME_MAX_LENGTH: usize = 256;

/// A KEK as Confluent writes it (`Kek`, `@JsonInclude(NON_NULL)`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KekBody<'a> {
    name: &'a str,
    kms_type: &'a str,
    kms_key_id: &'a str,
    kms_props: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<&'a str>,
    shared: bool,
    ts: i64,
    deleted: bool,
}

impl<'a> From<&'a KekRecord> for KekBody<'a> {
    fn from(kek: &'a KekRecord) -> Self {
        KekBody {
            name: &kek.name,
            kms_type: &kek.kms_type,
            kms_key_id: &kek.kms_key_id,
            kms_props: &kek.kms_props,
            doc: kek.doc.as_deref(),
            shared: kek.shared,
            ts: kek.ts,
            deleted: kek.deleted,
        }
    }
}

/// A DEK as Confluent writes it (`Dek`; `keyMaterial` never, see the module docs).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DekBody<'a> {
    kek_name: &'a str,
    subject: &'a str,
    version: i64,
    algorithm: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    encrypted_key_material: Option<&'a str>,
    ts: i64,
    deleted: bool,
}

impl<'a> From<&'a DekRecord> for DekBody<'a> {
    fn from(dek: &'a DekRecord) -> Self {
        DekBody {
            kek_name: &dek.kek_name,
            subject: &dek.subject,
            version: dek.version,
            algorithm: &dek.algorithm,
            encrypted_key_material: dek.encrypted_key_material.as_deref(),
            ts: dek.ts,
            deleted: dek.deleted,
        }
    }
}

/// `POST /dek-registry/v1/keks`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateKek {
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) kms_type: Option<String>,
    #[serde(default)]
    pub(crate) kms_key_id: Option<String>,
    #[serde(default)]
    pub(crate) kms_props: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub(crate) doc: Option<String>,
    #[serde(default)]
    pub(crate) shared: bool,
    #[serde(default)]
    pub(crate) deleted: bool,
}

/// `PUT /dek-registry/v1/keks/{name}`: absent fields keep their value; `kmsProps` and `doc`
/// sent as `null` clear it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateKek {
    #[serde(default, deserialize_with = "present")]
    pub(crate) kms_props: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) doc: Option<Option<String>>,
    #[serde(default)]
    pub(crate) shared: Option<bool>,
}

/// `POST /dek-registry/v1/keks/{name}/deks[/{subject}]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDek {
    #[serde(default)]
    pub(crate) subject: Option<String>,
    #[serde(default)]
    pub(crate) version: Option<i64>,
    #[serde(default)]
    pub(crate) algorithm: Option<String>,
    #[serde(default)]
    pub(crate) encrypted_key_material: Option<String>,
    #[serde(default)]
    pub(crate) deleted: bool,
}

/// A field that is present (`Some`), possibly as `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Milliseconds since the epoch, the `ts` of a write.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `checkName`: a letter or `_`, then letters, digits, `_` or `-`, at most 256 characters
/// (42271 otherwise).
pub(crate) fn check_name(name: &str) -> Result<(), ApiError> {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(first) => {
            (first.is_alphabetic() || first == '_')
                && name.chars().count() <= NAME_MAX_LENGTH
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid_key("name"))
    }
}

/// `checkSubject`: not empty, no control characters (42271 otherwise).
pub(crate) fn check_subject(subject: &str) -> Result<(), ApiError> {
    if subject.is_empty() || subject.chars().any(char::is_control) {
        return Err(ApiError::invalid_key("subject"));
    }
    Ok(())
}

/// `DekFormat`: the algorithm, `AES256_GCM` when absent; 42271 for another name.
pub(crate) fn algorithm(raw: Option<&str>) -> Result<&'static str, ApiError> {
    match raw {
        None | Some("AES256_GCM") => Ok("AES256_GCM"),
        Some("AES128_GCM") => Ok("AES128_GCM"),
        Some("AES256_SIV") => Ok("AES256_SIV"),
        Some(_) => Err(ApiError::invalid_key("algorithm")),
    }
}

/// `normalizeKmsType`: `aws*`, `azure*`, `gcp*` (any case) become `aws-kms`, `azure-kms`,
/// `gcp-kms`; other types are kept as sent.
pub(crate) fn normalize_kms_type(kms_type: &str) -> String {
    let lower = kms_type.to_lowercase();
    if lower.starts_with("aws") {
        "aws-kms".to_string()
    } else if lower.starts_with("azure") {
        "azure-kms".to_string()
    } else if lower.starts_with("gcp") {
        "gcp-kms".to_string()
    } else {
        kms_type.to_string()
    }
}

/// `KeyEncryptionKey.isEquivalent`: everything but `ts` and `deleted`.
pub(crate) fn keks_equivalent(a: &KekRecord, b: &KekRecord) -> bool {
    a.name == b.name
        && a.kms_type == b.kms_type
        && a.kms_key_id == b.kms_key_id
        && a.kms_props == b.kms_props
        && a.doc == b.doc
        && a.shared == b.shared
}

/// `DataEncryptionKey.isEquivalent`: everything but `ts` and `deleted`.
pub(crate) fn deks_equivalent(a: &DekRecord, b: &DekRecord) -> bool {
    a.kek_name == b.kek_name
        && a.subject == b.subject
        && a.algorithm == b.algorithm
        && a.version == b.version
        && a.encrypted_key_material == b.encrypted_key_material
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_subjects_and_algorithms_follow_confluent() {
        for good in ["k", "_k", "kek-1_a", "ключ"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "1k", "-k", "k.1", "k k", &"k".repeat(257)] {
            assert_eq!(
                check_name(bad).map_err(|e| e.error_code),
                Err(42271),
                "{bad}"
            );
        }
        assert_eq!(check_subject("orders-value"), Ok(()));
        assert_eq!(
            check_subject("a\u{7}").map_err(|e| e.error_code),
            Err(42271)
        );
        assert_eq!(algorithm(None), Ok("AES256_GCM"));
        assert_eq!(algorithm(Some("AES256_SIV")), Ok("AES256_SIV"));
        assert_eq!(
            algorithm(Some("aes256_gcm")).map_err(|e| e.error_code),
            Err(42271)
        );
        assert_eq!(normalize_kms_type("AWS"), "aws-kms");
        assert_eq!(normalize_kms_type("gcp-kms"), "gcp-kms");
        assert_eq!(normalize_kms_type("local-kms"), "local-kms");
    }

    #[test]
    fn bodies_use_confluent_names() {
        let kek = KekRecord {
            name: "k".into(),
            kms_type: "aws-kms".into(),
            kms_key_id: "arn".into(),
            kms_props: BTreeMap::new(),
            doc: None,
            shared: false,
            ts: 5,
            deleted: false,
        };
        assert_eq!(
            serde_json::to_string(&KekBody::from(&kek)).unwrap(),
            r#"{"name":"k","kmsType":"aws-kms","kmsKeyId":"arn","kmsProps":{},"shared":false,"ts":5,"deleted":false}"#
        );
        let dek = DekRecord {
            kek_name: "k".into(),
            subject: "s".into(),
            algorithm: "AES256_GCM".into(),
            version: 1,
            encrypted_key_material: Some("AAA=".into()),
            ts: 6,
            deleted: true,
        };
        assert_eq!(
            serde_json::to_string(&DekBody::from(&dek)).unwrap(),
            r#"{"kekName":"k","subject":"s","version":1,"algorithm":"AES256_GCM","encryptedKeyMaterial":"AAA=","ts":6,"deleted":true}"#
        );
    }
}
