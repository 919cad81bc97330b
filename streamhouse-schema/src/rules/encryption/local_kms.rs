//! The `local-kms` driver: a KEK derived from a shared secret, for development and tests.
//!
//! Reference: `localkms/local_driver.py` (the secret is the config's `secret`, else the
//! `LOCAL_SECRET` environment variable) and `localkms/local_client.py` (`_get_key`:
//! HKDF-SHA256 with no salt and empty info, 16 bytes; `_get_primitive`: a Tink AES128-GCM
//! RAW AEAD of that key). The same secret gives the same KEK on both sides, so each client
//! unwraps the DEKs the other wrapped. The KMS key id plays no part, as in Confluent's.

use std::collections::BTreeMap;
use std::sync::Arc;

use aes_gcm::{Aes128Gcm, KeyInit};
use hkdf::Hkdf;
use sha2::Sha256;

use super::cipher::{gcm_decrypt, gcm_encrypt};
use super::error::{EncryptionError, KmsError};
use super::kms::{KmsAead, KmsDriver};
use crate::registry::BoxFuture;

/// The KMS type it serves.
pub const LOCAL_KMS_TYPE: &str = "local-kms";
/// The config key holding the secret.
pub const LOCAL_SECRET_KEY: &str = "secret";
/// The environment variable read when the config has no secret.
pub const LOCAL_SECRET_ENV: &str = "LOCAL_SECRET";

/// The `local-kms` [`KmsDriver`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalKmsDriver;

impl KmsDriver for LocalKmsDriver {
    fn kms_type(&self) -> &str {
        LOCAL_KMS_TYPE
    }

    fn new_aead(
        &self,
        config: &BTreeMap<String, String>,
        _kms_key_id: &str,
    ) -> Result<Arc<dyn KmsAead>, EncryptionError> {
        let secret = match config.get(LOCAL_SECRET_KEY) {
            Some(secret) => secret.clone(),
            None => std::env::var(LOCAL_SECRET_ENV).map_err(|_| EncryptionError::KmsConfig {
                kms_type: LOCAL_KMS_TYPE.into(),
                reason: format!("cannot load secret: no {LOCAL_SECRET_KEY:?} in the rule config or KEK properties and no {LOCAL_SECRET_ENV}"),
            })?,
        };
        Ok(Arc::new(LocalKmsAead::new(&secret)))
    }
}

/// The AES128-GCM AEAD of a local-kms secret.
pub struct LocalKmsAead {
    cipher: Aes128Gcm,
}

impl std::fmt::Debug for LocalKmsAead {
    /// Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalKmsAead")
    }
}

impl LocalKmsAead {
    /// The AEAD whose key is HKDF-SHA256(salt: none, ikm: `secret` as UTF-8, info: empty),
    /// 16 bytes.
    pub fn new(secret: &str) -> Self {
        let mut key = [0u8; 16];
        // 16 bytes is far below HKDF-SHA256's 255 * 32 limit: `expand` cannot fail.
        let _ = Hkdf::<Sha256>::new(None, secret.as_bytes()).expand(&[], &mut key);
        LocalKmsAead {
            cipher: Aes128Gcm::new(&key.into()),
        }
    }
}

impl KmsAead for LocalKmsAead {
    fn encrypt<'a>(
        &'a self,
        plaintext: &'a [u8],
        associated_data: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, KmsError>> {
        let sealed = gcm_encrypt(&self.cipher, plaintext, associated_data)
            .map_err(|e| KmsError::Other(e.to_string()));
        Box::pin(std::future::ready(sealed))
    }

    fn decrypt<'a>(
        &'a self,
        ciphertext: &'a [u8],
        associated_data: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, KmsError>> {
        let opened = gcm_decrypt(&self.cipher, ciphertext, associated_data)
            .map_err(|_| KmsError::Authentication);
        Box::pin(std::future::ready(opened))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn same_secret_unwraps_other_secret_does_not() {
        let config = BTreeMap::from([(LOCAL_SECRET_KEY.to_owned(), "mysecret".to_owned())]);
        let a = LocalKmsDriver.new_aead(&config, "key-1").unwrap();
        let b = LocalKmsDriver.new_aead(&config, "other-id").unwrap();
        let wrapped = a.encrypt(b"dek", b"").await.unwrap();
        assert_eq!(wrapped.len(), 12 + 3 + 16);
        assert_eq!(b.decrypt(&wrapped, b"").await.unwrap(), b"dek");
        let wrong = LocalKmsAead::new("othersecret");
        assert_eq!(
            wrong.decrypt(&wrapped, b"").await,
            Err(KmsError::Authentication)
        );
    }

    #[test]
    fn derives_the_key_as_confluents_hkdf() {
        // HKDF-SHA256(salt none, ikm "mysecret", info "", L=16), computed with the `hkdf`
        // package that `local_client.py` uses:
        // hkdf_expand(hkdf_extract(None, b"mysecret", hashlib.sha256), length=16,
        //             hash=hashlib.sha256).hex()
        let mut key = [0u8; 16];
        Hkdf::<Sha256>::new(None, b"mysecret")
            .expand(&[], &mut key)
            .unwrap();
        assert_eq!(hex::encode(key), EXPECTED_MYSECRET_KEY);
    }

    const EXPECTED_MYSECRET_KEY: &str = "1ae4d97ac1e81594bfd1993c1a75ee36";
}
