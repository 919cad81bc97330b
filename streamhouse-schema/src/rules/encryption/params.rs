//! The parameters of an `ENCRYPT` rule, read as Confluent's executor reads them.
//!
//! Reference: `encrypt_executor.py`: the `ENCRYPT_*` constants, `_get_kek_name`,
//! `_get_cryptor` (`encrypt.dek.algorithm`, default `AES256_GCM`) and
//! `_get_dek_expiry_days` (default 0: no rotation). `RuleContext.get_parameter` looks in the
//! rule's `params`, then in the target schema's metadata properties.

use super::error::EncryptionError;
use crate::registry::DekAlgorithm;

/// The KEK's name (required).
pub const ENCRYPT_KEK_NAME: &str = "encrypt.kek.name";
/// The KMS type, needed to create the KEK.
pub const ENCRYPT_KMS_TYPE: &str = "encrypt.kms.type";
/// The KMS key id, needed to create the KEK.
pub const ENCRYPT_KMS_KEY_ID: &str = "encrypt.kms.key.id";
/// `AES128_GCM`, `AES256_GCM` (the default) or `AES256_SIV`.
pub const ENCRYPT_DEK_ALGORITHM: &str = "encrypt.dek.algorithm";
/// Days after which writers create a new DEK version (0: never).
pub const ENCRYPT_DEK_EXPIRY_DAYS: &str = "encrypt.dek.expiry.days";
/// Comma-separated KMS key ids tried after the KEK's own, in the KEK's `kmsProps` or the
/// rule config.
pub const ENCRYPT_ALTERNATE_KMS_KEY_IDS: &str = "encrypt.alternate.kms.key.ids";

/// What an `ENCRYPT` rule's parameters say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptPolicy {
    /// `encrypt.kek.name`.
    pub kek_name: String,
    /// `encrypt.kms.type`, when given (non-empty).
    pub kms_type: Option<String>,
    /// `encrypt.kms.key.id`, when given (non-empty).
    pub kms_key_id: Option<String>,
    /// `encrypt.dek.algorithm`.
    pub algorithm: DekAlgorithm,
    /// `encrypt.dek.expiry.days` (0: no rotation).
    pub expiry_days: u32,
}

impl EncryptPolicy {
    /// Reads the parameters through `param` (the rule's params, then the schema's metadata
    /// properties).
    pub fn from_params<'a>(
        param: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, EncryptionError> {
        let invalid =
            |param: &'static str, reason: String| EncryptionError::InvalidParam { param, reason };
        let kek_name = match param(ENCRYPT_KEK_NAME) {
            None => return Err(invalid(ENCRYPT_KEK_NAME, "no kek name found".into())),
            Some("") => return Err(invalid(ENCRYPT_KEK_NAME, "empty kek name".into())),
            Some(name) => name.to_owned(),
        };
        let algorithm = match param(ENCRYPT_DEK_ALGORITHM) {
            None => DekAlgorithm::Aes256Gcm,
            Some("AES128_GCM") => DekAlgorithm::Aes128Gcm,
            Some("AES256_GCM") => DekAlgorithm::Aes256Gcm,
            Some("AES256_SIV") => DekAlgorithm::Aes256Siv,
            Some(other) => {
                return Err(invalid(
                    ENCRYPT_DEK_ALGORITHM,
                    format!("unknown algorithm {other:?} (AES128_GCM, AES256_GCM or AES256_SIV)"),
                ))
            }
        };
        let expiry_days = match param(ENCRYPT_DEK_EXPIRY_DAYS) {
            None => 0,
            Some(days) => match days.trim().parse::<i64>() {
                Err(_) => {
                    return Err(invalid(
                        ENCRYPT_DEK_EXPIRY_DAYS,
                        "invalid expiry days".into(),
                    ))
                }
                Ok(days) if days < 0 => {
                    return Err(invalid(
                        ENCRYPT_DEK_EXPIRY_DAYS,
                        "negative expiry days".into(),
                    ))
                }
                Ok(days) => u32::try_from(days).map_err(|_| {
                    invalid(ENCRYPT_DEK_EXPIRY_DAYS, "expiry days too large".into())
                })?,
            },
        };
        let non_empty = |name| param(name).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(EncryptPolicy {
            kek_name,
            kms_type: non_empty(ENCRYPT_KMS_TYPE),
            kms_key_id: non_empty(ENCRYPT_KMS_KEY_ID),
            algorithm,
            expiry_days,
        })
    }

    /// Whether DEKs rotate: writers use the latest version and prefix each ciphertext
    /// with it (`_is_dek_rotated`).
    pub fn rotates(&self) -> bool {
        self.expiry_days > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn policy(pairs: &[(&str, &str)]) -> Result<EncryptPolicy, EncryptionError> {
        let map: BTreeMap<&str, &str> = pairs.iter().copied().collect();
        EncryptPolicy::from_params(|name| map.get(name).copied())
    }

    #[test]
    fn reads_confluents_params() {
        let p = policy(&[
            (ENCRYPT_KEK_NAME, "k"),
            (ENCRYPT_KMS_TYPE, "local-kms"),
            (ENCRYPT_KMS_KEY_ID, ""),
            (ENCRYPT_DEK_ALGORITHM, "AES256_SIV"),
            (ENCRYPT_DEK_EXPIRY_DAYS, "7"),
        ])
        .unwrap();
        assert_eq!(
            p,
            EncryptPolicy {
                kek_name: "k".into(),
                kms_type: Some("local-kms".into()),
                kms_key_id: None,
                algorithm: DekAlgorithm::Aes256Siv,
                expiry_days: 7,
            }
        );
        assert!(p.rotates());
        let default = policy(&[(ENCRYPT_KEK_NAME, "k")]).unwrap();
        assert_eq!(
            (default.algorithm, default.expiry_days),
            (DekAlgorithm::Aes256Gcm, 0)
        );
    }

    #[test]
    fn refuses_bad_params() {
        let reason = |pairs: &[(&str, &str)]| match policy(pairs) {
            Err(EncryptionError::InvalidParam { param, reason }) => format!("{param}: {reason}"),
            other => format!("{other:?}"),
        };
        assert_eq!(reason(&[]), "encrypt.kek.name: no kek name found");
        assert_eq!(
            reason(&[(ENCRYPT_KEK_NAME, "")]),
            "encrypt.kek.name: empty kek name"
        );
        assert_eq!(
            reason(&[(ENCRYPT_KEK_NAME, "k"), (ENCRYPT_DEK_EXPIRY_DAYS, "-1")]),
            "encrypt.dek.expiry.days: negative expiry days"
        );
        assert_eq!(
            reason(&[(ENCRYPT_KEK_NAME, "k"), (ENCRYPT_DEK_EXPIRY_DAYS, "x")]),
            "encrypt.dek.expiry.days: invalid expiry days"
        );
        assert!(
            reason(&[(ENCRYPT_KEK_NAME, "k"), (ENCRYPT_DEK_ALGORITHM, "AES")])
                .starts_with("encrypt.dek.algorithm: unknown algorithm \"AES\"")
        );
    }
}
