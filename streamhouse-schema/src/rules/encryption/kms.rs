//! KMS drivers: one per `kmsType`, each making the AEAD that wraps and unwraps DEKs with a
//! KMS key (a KEK's `kmsKeyId`).
//!
//! Reference: `kms_driver_registry.py` (`KmsDriver.new_kms_client(conf, key_url)`, drivers
//! found by the key URL's `<kms type>://` prefix) and tink's `KmsClient.get_aead`. The AEAD
//! is asynchronous so that cloud KMSs (AWS, Azure, GCP, Vault), which wrap over the
//! network, fit the same trait; the local KMS answers at once.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use super::error::{EncryptionError, KmsError};
use super::local_kms::LocalKmsDriver;
use crate::registry::BoxFuture;

/// The AEAD of one KMS key: wraps (encrypts) and unwraps (decrypts) serialized DEKs.
pub trait KmsAead: Send + Sync {
    /// `plaintext` encrypted under the KMS key, bound to `associated_data`.
    fn encrypt<'a>(
        &'a self,
        plaintext: &'a [u8],
        associated_data: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, KmsError>>;

    /// The plaintext of what [`KmsAead::encrypt`] returned; [`KmsError::Authentication`]
    /// when it was made with another key or changed.
    fn decrypt<'a>(
        &'a self,
        ciphertext: &'a [u8],
        associated_data: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, KmsError>>;
}

/// Makes the [`KmsAead`]s of one KMS type.
pub trait KmsDriver: Send + Sync {
    /// The `kmsType` it serves (`local-kms`, `aws-kms`, ...).
    fn kms_type(&self) -> &str;

    /// The AEAD of key `kms_key_id`, configured by `config`: the rule executor's config
    /// overlaid with the KEK's `kmsProps` (as Confluent's `AeadWrapper._get_aead`).
    fn new_aead(
        &self,
        config: &BTreeMap<String, String>,
        kms_key_id: &str,
    ) -> Result<Arc<dyn KmsAead>, EncryptionError>;
}

/// The KMS drivers an encryption executor can use, by `kmsType`.
#[derive(Clone)]
pub struct KmsDrivers {
    drivers: Arc<RwLock<Vec<Arc<dyn KmsDriver>>>>,
}

impl fmt::Debug for KmsDrivers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let types: Vec<String> = self
            .drivers
            .read()
            .map(|drivers| drivers.iter().map(|d| d.kms_type().to_owned()).collect())
            .unwrap_or_default();
        f.debug_struct("KmsDrivers")
            .field("kms_types", &types)
            .finish()
    }
}

impl Default for KmsDrivers {
    /// The built-in drivers: `local-kms`.
    fn default() -> Self {
        let drivers = KmsDrivers::empty();
        drivers.register(Arc::new(LocalKmsDriver));
        drivers
    }
}

impl KmsDrivers {
    /// No driver at all.
    pub fn empty() -> Self {
        KmsDrivers {
            drivers: Arc::new(RwLock::new(Vec::new())),
        }
    }

    /// Adds `driver`; it replaces a driver registered before for the same KMS type.
    pub fn register(&self, driver: Arc<dyn KmsDriver>) {
        let mut drivers = self.drivers.write().unwrap_or_else(|e| e.into_inner());
        drivers.retain(|d| d.kms_type() != driver.kms_type());
        drivers.push(driver);
    }

    /// The driver for `kms_type`, or [`EncryptionError::UnknownKmsType`].
    pub fn get(&self, kms_type: &str) -> Result<Arc<dyn KmsDriver>, EncryptionError> {
        self.drivers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|d| d.kms_type() == kms_type)
            .cloned()
            .ok_or_else(|| EncryptionError::UnknownKmsType {
                kms_type: kms_type.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_drivers_by_kms_type() {
        let drivers = KmsDrivers::default();
        assert_eq!(drivers.get("local-kms").unwrap().kms_type(), "local-kms");
        assert!(matches!(
            drivers.get("aws-kms"),
            Err(EncryptionError::UnknownKmsType { kms_type }) if kms_type == "aws-kms"
        ));
        assert!(KmsDrivers::empty().get("local-kms").is_err());
        assert_eq!(
            format!("{drivers:?}"),
            r#"KmsDrivers { kms_types: ["local-kms"] }"#
        );
    }
}
