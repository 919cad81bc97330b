//! Field-level encryption: Confluent's `ENCRYPT` rules (feature `encryption`).
//!
//! A field selected by the rule (by its tags, e.g. `PII`) is encrypted on write and
//! decrypted on read with a data encryption key (DEK) that the DEK registry keeps wrapped
//! by a key encryption key (KEK) held in a KMS. Everything on the wire is as Confluent's
//! clients write it (reference: the Python client's `rules/encryption/encrypt_executor.py`
//! and tink), so each side decrypts the other's records:
//!
//! - DEKs are Tink keys ([`DekAlgorithm`]: `AES128_GCM`, `AES256_GCM`, deterministic
//!   `AES256_SIV`) stored as their serialized Tink protobuf, wrapped by the KEK's KMS key;
//! - ciphertext is Tink's RAW layout, prefixed with the DEK version when DEKs rotate
//!   (`encrypt.dek.expiry.days`); string fields carry its base64, bytes fields the bytes;
//! - [`KmsDriver`]s turn a KEK into the AEAD that wraps DEKs; `local-kms` (a secret shared
//!   by the clients, [`LocalKmsDriver`]) is built in, cloud KMSs plug in the same way;
//! - a [`DekStore`] gets or creates KEKs and DEKs in the registry and caches them, so a
//!   send with a cached DEK makes no network call.
//!
//! ```
//! use streamhouse_schema::registry::{DekAlgorithm, SchemaRegistryClient};
//! use streamhouse_schema::rules::encryption::{field, DekStore, EncryptPolicy, KeyUse};
//! use std::collections::BTreeMap;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = SchemaRegistryClient::try_new("mock://encryption-docs")?;
//! let store = DekStore::builder(client)
//!     .config(BTreeMap::from([("secret".to_owned(), "my-local-secret".to_owned())]))
//!     .build();
//! let params = BTreeMap::from([
//!     ("encrypt.kek.name", "orders-kek"),
//!     ("encrypt.kms.type", "local-kms"),
//!     ("encrypt.kms.key.id", "mykey"),
//!     ("encrypt.dek.algorithm", "AES256_SIV"),
//! ]);
//! let policy = EncryptPolicy::from_params(|name| params.get(name).copied())?;
//! let dek = store.get(&policy, "orders-value", KeyUse::Write, 1).await?;
//! let sealed = field::to_base64(&field::seal(dek.cipher(), None, b"4111-1111")?);
//! let dek = store.get(&policy, "orders-value", KeyUse::Read, 1).await?;
//! let opened = field::open(dek.cipher(), &field::from_base64(&sealed)?)?;
//! assert_eq!(opened, b"4111-1111");
//! assert_eq!(dek.cipher().algorithm(), DekAlgorithm::Aes256Siv);
//! # Ok(()) }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```
//!
//! [`DekAlgorithm`]: crate::registry::DekAlgorithm

mod cipher;
mod dek_cache;
mod dek_store;
mod error;
mod executor;
pub mod field;
mod kek_aead;
mod kms;
mod local_kms;
mod params;
mod tink_keys;

pub use cipher::DataCipher;
pub use dek_cache::ResolvedDek;
pub use dek_store::{Clock, DekStore, DekStoreBuilder, KeyUse, SystemClock};
pub use error::{EncryptionError, KmsError, SharedEncryptionError};
pub use executor::{EncryptExecutor, ENCRYPT_RULE_TYPE};
pub use kms::{KmsAead, KmsDriver, KmsDrivers};
pub use local_kms::{
    LocalKmsAead, LocalKmsDriver, LOCAL_KMS_TYPE, LOCAL_SECRET_ENV, LOCAL_SECRET_KEY,
};
pub use params::{
    EncryptPolicy, ENCRYPT_ALTERNATE_KMS_KEY_IDS, ENCRYPT_DEK_ALGORITHM, ENCRYPT_DEK_EXPIRY_DAYS,
    ENCRYPT_KEK_NAME, ENCRYPT_KMS_KEY_ID, ENCRYPT_KMS_TYPE,
};
