//! The typed errors of field-level encryption.

use crate::error::ClientError;

/// Why a KMS driver could not wrap or unwrap a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KmsError {
    /// The wrapped key does not authenticate under the KMS key: another key (a wrong
    /// secret for `local-kms`), or bytes that were changed.
    #[error("the wrapped key does not authenticate under this KMS key")]
    Authentication,
    /// The KMS could not be reached or refused the request.
    #[error("KMS unavailable: {0}")]
    Unavailable(String),
    /// Any other failure, as the KMS reported it.
    #[error("{0}")]
    Other(String),
}

/// An error of field-level encryption: a rule that cannot run, a key that cannot be found
/// or unwrapped, or a ciphertext that does not decrypt. No variant carries plaintext.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptionError {
    /// A rule parameter (`encrypt.kek.name`, `encrypt.dek.algorithm`,
    /// `encrypt.dek.expiry.days`) is missing or does not parse.
    #[error("rule parameter {param}: {reason}")]
    InvalidParam {
        /// The parameter's name.
        param: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The KEK is not in the registry and the rule reads (only writers create KEKs).
    #[error("no KEK {kek:?} found in the DEK registry during consume")]
    MissingKek {
        /// The KEK's name.
        kek: String,
    },
    /// The KEK must be created but the rule does not name its KMS type or key id.
    #[error("no {param} found for KEK {kek:?} during produce")]
    MissingKmsParam {
        /// The KEK's name.
        kek: String,
        /// `encrypt.kms.type` or `encrypt.kms.key.id`.
        param: &'static str,
    },
    /// The registry's KEK names another KMS type or key id than the rule.
    #[error(
        "found KEK {kek:?} with {what} {registered:?}, which differs from the rule's {rule:?}"
    )]
    KekMismatch {
        /// The KEK's name.
        kek: String,
        /// `kms type` or `kms key id`.
        what: &'static str,
        /// What the registry holds.
        registered: String,
        /// What the rule says.
        rule: String,
    },
    /// The DEK is not in the registry and the rule reads, or it could not be created.
    #[error("no DEK found for KEK {kek:?}, subject {subject:?}, version {version}")]
    MissingDek {
        /// The KEK's name.
        kek: String,
        /// The subject.
        subject: String,
        /// The version asked for (`-1`: the latest).
        version: i32,
    },
    /// No KMS driver is registered for the KEK's KMS type.
    #[error("no KMS driver for kms type {kms_type:?}")]
    UnknownKmsType {
        /// The KEK's `kmsType`.
        kms_type: String,
    },
    /// A KMS driver could not be configured (for `local-kms`: no `secret` in the rule
    /// config or the KEK's KMS properties and no `LOCAL_SECRET` in the environment).
    #[error("KMS driver {kms_type:?}: {reason}")]
    KmsConfig {
        /// The KMS type.
        kms_type: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// The DEK's wrapped key could not be unwrapped with any of the KEK's KMS keys: a wrong
    /// KMS secret or key, or changed key bytes.
    #[error("could not unwrap the DEK with KEK {kek:?}: {source}")]
    KeyUnwrap {
        /// The KEK's name.
        kek: String,
        /// The last KMS key's failure.
        source: KmsError,
    },
    /// A new DEK could not be wrapped with any of the KEK's KMS keys.
    #[error("could not wrap a new DEK with KEK {kek:?}: {source}")]
    KeyWrap {
        /// The KEK's name.
        kek: String,
        /// The last KMS key's failure.
        source: KmsError,
    },
    /// The DEK's key material is not a Tink key of its algorithm.
    #[error("invalid DEK key material: {0}")]
    InvalidKeyMaterial(String),
    /// A ciphertext failed authentication: it was changed, truncated, or encrypted under
    /// another DEK.
    #[error("ciphertext does not decrypt: tampered, truncated or under another key")]
    Decryption,
    /// A plaintext could not be encrypted (longer than the cipher allows).
    #[error("plaintext could not be encrypted")]
    Encryption,
    /// A string field's ciphertext is not base64.
    #[error("encrypted string field is not base64")]
    InvalidBase64,
    /// The DEK rotates (`encrypt.dek.expiry.days`) but the ciphertext is shorter than its
    /// 5-byte version prefix, or the prefix's version does not fit an `i32`.
    #[error("no DEK version found in the ciphertext")]
    MissingVersion,
    /// A decrypted string field is not UTF-8.
    #[error("decrypted string field is not UTF-8")]
    InvalidUtf8,
    /// The rule selected a field whose type cannot be encrypted (only strings and bytes).
    #[error("type {field_type} not supported for encryption")]
    UnsupportedFieldType {
        /// The field's type.
        field_type: String,
    },
    /// The subject is qualified with a registry context (`:.ctx:subject`), which the DEK
    /// registry client does not address yet.
    #[error("subject {subject:?} names a registry context; contexts are not supported for KEKs")]
    UnsupportedContext {
        /// The subject.
        subject: String,
    },
    /// A reader met a DEK version it has not cached, on a runtime where a synchronous
    /// field transform cannot wait for the registry (a current-thread tokio runtime, or
    /// none); the next message's preparation fetches it.
    #[error("DEK version {version} is not loaded yet (fetched for the next message)")]
    DekNotLoaded {
        /// The version the ciphertext names.
        version: i32,
    },
    /// A DEK registry call failed (other than a 404 the lifecycle handles).
    #[error("could not {action} in the DEK registry: {source}")]
    Registry {
        /// What was being done (`get KEK "k"`, `register DEK ...`).
        action: String,
        /// The client's error.
        source: Box<ClientError>,
    },
}

/// An [`EncryptionError`] shared by the rule engine's errors (which are `Clone` and
/// `PartialEq`): equal when they are the same error or display the same.
#[derive(Debug, Clone)]
pub struct SharedEncryptionError(pub std::sync::Arc<EncryptionError>);

impl SharedEncryptionError {
    /// The error.
    pub fn error(&self) -> &EncryptionError {
        &self.0
    }
}

impl From<EncryptionError> for SharedEncryptionError {
    fn from(error: EncryptionError) -> Self {
        SharedEncryptionError(std::sync::Arc::new(error))
    }
}

impl std::ops::Deref for SharedEncryptionError {
    type Target = EncryptionError;

    fn deref(&self) -> &EncryptionError {
        &self.0
    }
}

impl PartialEq for SharedEncryptionError {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl std::fmt::Display for SharedEncryptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SharedEncryptionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}
