//! The DEK registry's values, with the JSON of Confluent's `dek-registry-client` entities
//! (`Kek`, `Dek`, `DekFormat`): key encryption keys naming a KMS key, and data encryption
//! keys stored wrapped by them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A key encryption key: a key held in a KMS, by reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kek {
    /// Its name (a letter or `_`, then letters, digits, `_`, `-`).
    pub name: String,
    /// The KMS (`aws-kms`, `azure-kms`, `gcp-kms`, `hcvault`, `local-kms`, ...).
    pub kms_type: String,
    /// The key's id in the KMS.
    pub kms_key_id: String,
    /// KMS properties.
    #[serde(default)]
    pub kms_props: BTreeMap<String, String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Whether the registry may use the KMS key itself (to generate DEKs).
    #[serde(default)]
    pub shared: bool,
    /// When it was last written (milliseconds since the epoch); set by the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// Whether it is soft-deleted.
    #[serde(default)]
    pub deleted: bool,
}

impl Kek {
    /// A KEK named `name` for key `kms_key_id` of the KMS `kms_type`, not shared.
    pub fn new(
        name: impl Into<String>,
        kms_type: impl Into<String>,
        kms_key_id: impl Into<String>,
    ) -> Self {
        Kek {
            name: name.into(),
            kms_type: kms_type.into(),
            kms_key_id: kms_key_id.into(),
            ..Kek::default()
        }
    }
}

/// The algorithm a DEK is for (`DekFormat`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DekAlgorithm {
    /// AES-128 GCM.
    #[serde(rename = "AES128_GCM")]
    Aes128Gcm,
    /// AES-256 GCM (the default).
    #[default]
    #[serde(rename = "AES256_GCM")]
    Aes256Gcm,
    /// AES-256 SIV (deterministic).
    #[serde(rename = "AES256_SIV")]
    Aes256Siv,
}

impl DekAlgorithm {
    /// The name in the REST API.
    pub fn as_str(self) -> &'static str {
        match self {
            DekAlgorithm::Aes128Gcm => "AES128_GCM",
            DekAlgorithm::Aes256Gcm => "AES256_GCM",
            DekAlgorithm::Aes256Siv => "AES256_SIV",
        }
    }
}

/// A data encryption key for one subject, stored encrypted by its KEK.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dek {
    /// The KEK that wraps it.
    pub kek_name: String,
    /// The subject it encrypts fields of.
    pub subject: String,
    /// Its version under the subject, from 1.
    pub version: i32,
    /// The algorithm.
    #[serde(default)]
    pub algorithm: DekAlgorithm,
    /// The key, encrypted by the KEK's KMS key (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_key_material: Option<String>,
    /// The key in the clear (base64), only from registries that unwrap shared KEKs' DEKs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material: Option<String>,
    /// When it was last written (milliseconds since the epoch); set by the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// Whether it is soft-deleted.
    #[serde(default)]
    pub deleted: bool,
}

impl Dek {
    /// Version 1 of `subject`'s DEK under `kek_name`, AES-256 GCM, with this wrapped key.
    pub fn new(
        kek_name: impl Into<String>,
        subject: impl Into<String>,
        encrypted_key_material: impl Into<String>,
    ) -> Self {
        Dek {
            kek_name: kek_name.into(),
            subject: subject.into(),
            version: 1,
            encrypted_key_material: Some(encrypted_key_material.into()),
            ..Dek::default()
        }
    }
}

/// The body of `POST /dek-registry/v1/keks/{name}/deks/{subject}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDekBody<'a> {
    pub(crate) subject: &'a str,
    pub(crate) version: i32,
    pub(crate) algorithm: DekAlgorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) encrypted_key_material: Option<&'a str>,
}

/// The body of `POST /dek-registry/v1/keks`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateKekBody<'a> {
    pub(crate) name: &'a str,
    pub(crate) kms_type: &'a str,
    pub(crate) kms_key_id: &'a str,
    pub(crate) kms_props: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) doc: Option<&'a str>,
    pub(crate) shared: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_confluent_json() {
        let dek: Dek = serde_json::from_str(
            r#"{"kekName":"k","subject":"s","version":2,"algorithm":"AES256_SIV",
                "encryptedKeyMaterial":"AA==","ts":7,"deleted":false}"#,
        )
        .unwrap();
        assert_eq!(
            dek,
            Dek {
                version: 2,
                algorithm: DekAlgorithm::Aes256Siv,
                ts: Some(7),
                ..Dek::new("k", "s", "AA==")
            }
        );
        let body = CreateKekBody {
            name: "k",
            kms_type: "aws-kms",
            kms_key_id: "arn",
            kms_props: &BTreeMap::new(),
            doc: None,
            shared: false,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"k","kmsType":"aws-kms","kmsKeyId":"arn","kmsProps":{},"shared":false}"#
        );
    }
}
