//! The AEAD of a KEK: its KMS key, then its alternate KMS keys, tried in order.
//!
//! Reference: `encrypt_executor.py`, `AeadWrapper`: the key ids are the KEK's
//! `kmsKeyId` and the comma-separated `encrypt.alternate.kms.key.ids` of the KEK's
//! `kmsProps` (else of the rule config); each AEAD is made by the KEK's KMS type's driver
//! from the rule config overlaid with the KEK's `kmsProps`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::error::{EncryptionError, KmsError};
use super::kms::{KmsAead, KmsDrivers};
use super::params::ENCRYPT_ALTERNATE_KMS_KEY_IDS;
use crate::registry::Kek;

/// Wraps and unwraps DEKs with a KEK's KMS keys.
pub(crate) struct KekAead {
    kek_name: String,
    aeads: Vec<Arc<dyn KmsAead>>,
}

impl KekAead {
    /// The AEADs of `kek`'s key ids, from its KMS type's driver.
    pub(crate) fn new(
        kek: &Kek,
        drivers: &KmsDrivers,
        rule_config: &BTreeMap<String, String>,
    ) -> Result<Self, EncryptionError> {
        let driver = drivers.get(&kek.kms_type)?;
        let mut config = rule_config.clone();
        config.extend(kek.kms_props.iter().map(|(k, v)| (k.clone(), v.clone())));
        let alternates = kek
            .kms_props
            .get(ENCRYPT_ALTERNATE_KMS_KEY_IDS)
            .or_else(|| rule_config.get(ENCRYPT_ALTERNATE_KMS_KEY_IDS));
        let key_ids = std::iter::once(kek.kms_key_id.as_str()).chain(
            alternates
                .into_iter()
                .flat_map(|ids| ids.split(','))
                .map(str::trim)
                .filter(|id| !id.is_empty()),
        );
        let aeads = key_ids
            .map(|id| driver.new_aead(&config, id))
            .collect::<Result<_, _>>()?;
        Ok(KekAead {
            kek_name: kek.name.clone(),
            aeads,
        })
    }

    /// `dek` wrapped by the first KMS key that succeeds.
    pub(crate) async fn wrap(&self, dek: &[u8]) -> Result<Vec<u8>, EncryptionError> {
        let mut last = KmsError::Other("no KMS key".into());
        for aead in &self.aeads {
            match aead.encrypt(dek, b"").await {
                Ok(wrapped) => return Ok(wrapped),
                Err(e) => {
                    tracing::warn!(kek = %self.kek_name, error = %e, "failed to wrap a DEK with a KMS key");
                    last = e;
                }
            }
        }
        Err(EncryptionError::KeyWrap {
            kek: self.kek_name.clone(),
            source: last,
        })
    }

    /// `wrapped` unwrapped by the first KMS key that authenticates it.
    pub(crate) async fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, EncryptionError> {
        let mut last = KmsError::Other("no KMS key".into());
        for aead in &self.aeads {
            match aead.decrypt(wrapped, b"").await {
                Ok(dek) => return Ok(dek),
                Err(e) => {
                    tracing::warn!(kek = %self.kek_name, error = %e, "failed to unwrap a DEK with a KMS key");
                    last = e;
                }
            }
        }
        Err(EncryptionError::KeyUnwrap {
            kek: self.kek_name.clone(),
            source: last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::encryption::local_kms::LocalKmsAead;

    #[tokio::test]
    async fn tries_alternate_keys_in_order() {
        // local-kms ignores key ids, so two secrets stand in for two KMS keys here: the
        // KEK's config secret is wrong, the test drives the alternates through the list.
        let wrapped = LocalKmsAead::new("right")
            .encrypt(b"dek", b"")
            .await
            .unwrap();
        let aead = KekAead {
            kek_name: "k".into(),
            aeads: vec![
                Arc::new(LocalKmsAead::new("wrong")),
                Arc::new(LocalKmsAead::new("right")),
            ],
        };
        assert_eq!(aead.unwrap(&wrapped).await.unwrap(), b"dek");
        let only_wrong = KekAead {
            kek_name: "k".into(),
            aeads: vec![Arc::new(LocalKmsAead::new("wrong"))],
        };
        assert!(matches!(
            only_wrong.unwrap(&wrapped).await,
            Err(EncryptionError::KeyUnwrap { kek, source: KmsError::Authentication }) if kek == "k"
        ));
    }

    #[test]
    fn one_aead_per_key_id() {
        let mut kek = Kek::new("k", "local-kms", "id-1");
        kek.kms_props
            .insert(ENCRYPT_ALTERNATE_KMS_KEY_IDS.into(), "id-2, ,id-3".into());
        let config = BTreeMap::from([("secret".to_owned(), "s".to_owned())]);
        let aead = KekAead::new(&kek, &KmsDrivers::default(), &config).unwrap();
        assert_eq!(aead.aeads.len(), 3);
        kek.kms_type = "gcp-kms".into();
        assert!(matches!(
            KekAead::new(&kek, &KmsDrivers::default(), &config),
            Err(EncryptionError::UnknownKmsType { .. })
        ));
    }
}
