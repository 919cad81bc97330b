//! DEK lifecycle: get or create the KEK and the subject's DEK in the DEK registry, unwrap
//! the DEK with the KEK's KMS key, and cache the result so that a send with a cached DEK
//! makes no network call.
//!
//! Reference: `encrypt_executor.py`, `EncryptionExecutorTransform`: `_get_or_create_kek`
//! (readers never create KEKs; writers create a non-shared KEK from `encrypt.kms.type` and
//! `encrypt.kms.key.id`, refetching after a 409; the rule's KMS type and key id must match
//! the registry's), `_get_or_create_dek` (version 1, or the latest when DEKs rotate;
//! readers include soft-deleted DEKs and never create; writers create version 1, or
//! latest + 1 once the latest is older than `encrypt.dek.expiry.days`; a non-shared KEK's
//! DEK is generated and wrapped here; a failed rotation keeps the existing DEK), `_is_expired`
//! and the `DekRegistryClient` caches (KEKs and DEKs kept for the client's life).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
// FxHash: KEKs and their AEADs are looked up for every message an ENCRYPT rule runs on.
use rustc_hash::FxHashMap as HashMap;

use super::cipher::DataCipher;
use super::dek_cache::{DekCache, DekSlot, ResolvedDek};
use super::error::EncryptionError;
use super::kek_aead::KekAead;
use super::kms::KmsDrivers;
use super::params::{EncryptPolicy, ENCRYPT_KMS_KEY_ID, ENCRYPT_KMS_TYPE};
use super::tink_keys;
use crate::error::ClientError;
use crate::registry::{Dek, Kek, SchemaRegistryClient, Version};

const MILLIS_IN_DAY: i64 = 24 * 60 * 60 * 1000;

/// The time DEK expiry is measured against.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// What a DEK is wanted for: writers create missing keys, readers do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Encrypting (a producer): may create the KEK and the DEK.
    Write,
    /// Decrypting (a consumer): soft-deleted DEKs included, nothing created.
    Read,
}

/// The KEKs and DEKs of one executor, fetched from (or created in) the DEK registry
/// through a [`SchemaRegistryClient`] and cached for its life. Cheap to clone.
#[derive(Clone)]
pub struct DekStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: SchemaRegistryClient,
    drivers: KmsDrivers,
    config: BTreeMap<String, String>,
    clock: Arc<dyn Clock>,
    keks: Mutex<HashMap<String, Kek>>,
    aeads: Mutex<HashMap<String, Arc<KekAead>>>,
    deks: DekCache,
}

impl fmt::Debug for DekStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DekStore")
            .field("drivers", &self.inner.drivers)
            .finish_non_exhaustive()
    }
}

/// Builds a [`DekStore`].
pub struct DekStoreBuilder {
    client: SchemaRegistryClient,
    drivers: KmsDrivers,
    config: BTreeMap<String, String>,
    clock: Arc<dyn Clock>,
}

impl DekStoreBuilder {
    /// The KMS drivers (default: the built-in `local-kms`).
    pub fn drivers(mut self, drivers: KmsDrivers) -> Self {
        self.drivers = drivers;
        self
    }

    /// The rule config handed to KMS drivers, under each KEK's `kmsProps` (Confluent's
    /// `rule.conf`; e.g. `secret` for `local-kms`).
    pub fn config(mut self, config: BTreeMap<String, String>) -> Self {
        self.config = config;
        self
    }

    /// The clock DEK expiry is measured with (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The store.
    pub fn build(self) -> DekStore {
        DekStore {
            inner: Arc::new(Inner {
                client: self.client,
                drivers: self.drivers,
                config: self.config,
                clock: self.clock,
                keks: Mutex::default(),
                aeads: Mutex::default(),
                deks: DekCache::default(),
            }),
        }
    }
}

fn status(error: &ClientError) -> Option<u16> {
    error.registry_error().and_then(|e| e.http_status())
}

fn registry_error(action: String, source: ClientError) -> EncryptionError {
    EncryptionError::Registry {
        action,
        source: Box::new(source),
    }
}

/// A DEK found or created, before it is unwrapped.
enum Candidate {
    Cached(Arc<ResolvedDek>),
    /// From the registry, with the raw key when this store just generated it.
    Fetched(Dek, Option<Vec<u8>>),
}

impl Candidate {
    fn version(&self) -> i32 {
        match self {
            Candidate::Cached(dek) => dek.version,
            Candidate::Fetched(dek, _) => dek.version,
        }
    }

    fn ts(&self) -> Option<i64> {
        match self {
            Candidate::Cached(dek) => dek.ts,
            Candidate::Fetched(dek, _) => dek.ts,
        }
    }
}

impl DekStore {
    /// A store over `client`, with the built-in KMS drivers, no rule config and the system
    /// clock; see [`DekStore::builder`] for the others.
    pub fn new(client: SchemaRegistryClient) -> Self {
        DekStore::builder(client).build()
    }

    /// A builder over `client`.
    pub fn builder(client: SchemaRegistryClient) -> DekStoreBuilder {
        DekStoreBuilder {
            client,
            drivers: KmsDrivers::default(),
            config: BTreeMap::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The registry client.
    pub fn client(&self) -> &SchemaRegistryClient {
        &self.inner.client
    }

    /// The version a writer asks for: the latest when DEKs rotate, else 1.
    pub fn write_version(policy: &EncryptPolicy) -> i32 {
        if policy.rotates() {
            -1
        } else {
            1
        }
    }

    /// The cached DEK for `version` (`-1`: the latest) of `subject` under the policy's KEK,
    /// without any network call; `None` when not cached or, for a writer, expired.
    pub fn cached(
        &self,
        policy: &EncryptPolicy,
        subject: &str,
        key_use: KeyUse,
        version: i32,
    ) -> Option<Arc<ResolvedDek>> {
        let slot = slot(policy, key_use, version);
        let dek = self.inner.deks.get(&policy.kek_name, subject, slot)?;
        // A rule naming another KMS type or key id than the KEK fails on every message,
        // as in Confluent's executor: leave it to `get`'s check.
        let kek_matches = self
            .inner
            .keks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&policy.kek_name)
            .is_some_and(|kek| kek_matches(kek, policy));
        (kek_matches && !self.is_expired(policy, key_use, dek.ts)).then_some(dek)
    }

    /// The DEK for `version` (`-1`: the latest; 0 means 1) of `subject` under the policy's
    /// KEK: from the cache, else from the registry, else (writers) created, then unwrapped
    /// with the KEK's KMS key.
    pub async fn get(
        &self,
        policy: &EncryptPolicy,
        subject: &str,
        key_use: KeyUse,
        version: i32,
    ) -> Result<Arc<ResolvedDek>, EncryptionError> {
        let version = if version == 0 { 1 } else { version };
        if let Some(dek) = self.cached(policy, subject, key_use, version) {
            return Ok(dek);
        }
        let slot = slot(policy, key_use, version);
        let kek = self.kek(policy, subject, key_use).await?;
        let mut current = match self.inner.deks.get(&kek.name, subject, slot) {
            Some(dek) => Some(Candidate::Cached(dek)),
            None => self
                .fetch_dek(&kek, subject, slot)
                .await?
                .map(|d| Candidate::Fetched(d, None)),
        };
        let expired = current
            .as_ref()
            .is_some_and(|c| self.is_expired(policy, key_use, c.ts()));
        if current.is_none() || expired {
            if key_use == KeyUse::Read {
                return Err(EncryptionError::MissingDek {
                    kek: kek.name.clone(),
                    subject: subject.to_owned(),
                    version,
                });
            }
            let new_version = match &current {
                Some(c) if expired => c.version() + 1,
                _ => 1,
            };
            match self.create_dek(&kek, subject, slot, new_version).await {
                Ok(created) => current = Some(created),
                Err(error) if current.is_some() => {
                    tracing::warn!(
                        kek = %kek.name, subject, new_version, %error,
                        "failed to create a DEK; using the existing one"
                    );
                }
                Err(error) => return Err(error),
            }
        }
        let Some(candidate) = current else {
            return Err(EncryptionError::MissingDek {
                kek: kek.name.clone(),
                subject: subject.to_owned(),
                version,
            });
        };
        let resolved = match candidate {
            Candidate::Cached(dek) => dek,
            Candidate::Fetched(dek, raw) => Arc::new(self.resolve(&kek, dek, raw).await?),
        };
        self.inner
            .deks
            .insert(&kek.name, subject, slot, resolved.clone());
        let exact = DekSlot {
            version: resolved.version,
            ..slot
        };
        self.inner
            .deks
            .insert(&kek.name, subject, exact, resolved.clone());
        Ok(resolved)
    }

    /// Caches every DEK version of `subject` under the policy's KEK, soft-deleted ones
    /// included, up to the registry's latest: a reader of rotated DEKs meets the versions
    /// in ciphertexts, inside a synchronous field transform. Once per (KEK, subject,
    /// algorithm) unless `refresh`.
    pub async fn prefetch_read_versions(
        &self,
        policy: &EncryptPolicy,
        subject: &str,
        refresh: bool,
    ) -> Result<(), EncryptionError> {
        // The (latest, deleted) slot is never asked for otherwise: it marks the prefetch.
        let marker = slot(policy, KeyUse::Read, -1);
        if !refresh
            && self
                .inner
                .deks
                .get(&policy.kek_name, subject, marker)
                .is_some()
        {
            return Ok(());
        }
        let kek = self.kek(policy, subject, KeyUse::Read).await?;
        let Some(latest) = self.fetch_dek(&kek, subject, marker).await? else {
            return Err(EncryptionError::MissingDek {
                kek: kek.name.clone(),
                subject: subject.to_owned(),
                version: -1,
            });
        };
        let latest_version = latest.version;
        let resolved = Arc::new(self.resolve(&kek, latest, None).await?);
        self.inner
            .deks
            .insert(&kek.name, subject, marker, resolved.clone());
        self.inner.deks.insert(
            &kek.name,
            subject,
            DekSlot {
                version: latest_version,
                ..marker
            },
            resolved,
        );
        for version in 1..latest_version {
            if self
                .cached(policy, subject, KeyUse::Read, version)
                .is_some()
            {
                continue;
            }
            // Hard-deleted versions are skipped; a ciphertext naming one fails on its own.
            match self.get(policy, subject, KeyUse::Read, version).await {
                Ok(_) | Err(EncryptionError::MissingDek { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    fn is_expired(&self, policy: &EncryptPolicy, key_use: KeyUse, ts: Option<i64>) -> bool {
        // Python: (now - ts) / MILLIS_IN_DAY > expiry_days, in real division.
        key_use == KeyUse::Write
            && policy.rotates()
            && self
                .inner
                .clock
                .now_millis()
                .saturating_sub(ts.unwrap_or(0))
                > i64::from(policy.expiry_days) * MILLIS_IN_DAY
    }

    /// The KEK named by the policy, fetched or (writers) created, checked against the
    /// rule's KMS type and key id.
    async fn kek(
        &self,
        policy: &EncryptPolicy,
        subject: &str,
        key_use: KeyUse,
    ) -> Result<Kek, EncryptionError> {
        // Confluent passes a subject's registry context (`:.ctx:subject`) with its KEK
        // calls (`_context_for`); our client addresses the default context only.
        if context_of(subject).is_some() {
            return Err(EncryptionError::UnsupportedContext {
                subject: subject.to_owned(),
            });
        }
        let name = &policy.kek_name;
        let cached = self
            .inner
            .keks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned();
        let kek = match cached {
            Some(kek) => kek,
            None => {
                let kek = match self.fetch_kek(name).await? {
                    Some(kek) => kek,
                    None => self.create_kek(policy, key_use).await?,
                };
                self.inner
                    .keks
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(name.clone(), kek.clone());
                kek
            }
        };
        let mismatch = |what, registered: &str, rule: &Option<String>| match rule {
            Some(rule) if rule != registered => Err(EncryptionError::KekMismatch {
                kek: name.clone(),
                what,
                registered: registered.to_owned(),
                rule: rule.clone(),
            }),
            _ => Ok(()),
        };
        mismatch("kms type", &kek.kms_type, &policy.kms_type)?;
        mismatch("kms key id", &kek.kms_key_id, &policy.kms_key_id)?;
        Ok(kek)
    }

    async fn fetch_kek(&self, name: &str) -> Result<Option<Kek>, EncryptionError> {
        match self.inner.client.get_kek(name, false).await {
            Ok(kek) => Ok(Some(kek)),
            Err(e) if status(&e) == Some(404) => Ok(None),
            Err(e) => Err(registry_error(format!("get KEK {name:?}"), e)),
        }
    }

    async fn create_kek(
        &self,
        policy: &EncryptPolicy,
        key_use: KeyUse,
    ) -> Result<Kek, EncryptionError> {
        let name = &policy.kek_name;
        if key_use == KeyUse::Read {
            return Err(EncryptionError::MissingKek { kek: name.clone() });
        }
        let missing = |param| EncryptionError::MissingKmsParam {
            kek: name.clone(),
            param,
        };
        let kms_type = policy
            .kms_type
            .as_deref()
            .ok_or_else(|| missing(ENCRYPT_KMS_TYPE))?;
        let kms_key_id = policy
            .kms_key_id
            .as_deref()
            .ok_or_else(|| missing(ENCRYPT_KMS_KEY_ID))?;
        match self
            .inner
            .client
            .register_kek(&Kek::new(name, kms_type, kms_key_id))
            .await
        {
            Ok(kek) => Ok(kek),
            // Another writer created it first.
            Err(e) if status(&e) == Some(409) => self
                .fetch_kek(name)
                .await?
                .ok_or_else(|| EncryptionError::MissingKek { kek: name.clone() }),
            Err(e) => Err(registry_error(format!("register KEK {name:?}"), e)),
        }
    }

    /// The registry's DEK for `slot`; `None` on 404 or when it has no wrapped key
    /// (`_retrieve_dek_from_registry`).
    async fn fetch_dek(
        &self,
        kek: &Kek,
        subject: &str,
        slot: DekSlot,
    ) -> Result<Option<Dek>, EncryptionError> {
        let found = self
            .inner
            .client
            .get_dek(
                &kek.name,
                subject,
                slot.algorithm,
                Version::from(slot.version),
                slot.deleted,
            )
            .await;
        match found {
            Ok(dek) if dek.encrypted_key_material.is_some() => Ok(Some(dek)),
            Ok(_) => Ok(None),
            Err(e) if status(&e) == Some(404) => Ok(None),
            Err(e) => Err(registry_error(
                format!("get DEK of KEK {:?}, subject {subject:?}", kek.name),
                e,
            )),
        }
    }

    /// Registers version `new_version` of the subject's DEK: generated and wrapped here
    /// for a non-shared KEK, left to the registry for a shared one. After a 409 (another
    /// writer won) the DEK of `slot` is fetched instead.
    async fn create_dek(
        &self,
        kek: &Kek,
        subject: &str,
        slot: DekSlot,
        new_version: i32,
    ) -> Result<Candidate, EncryptionError> {
        let (raw, wrapped) = if kek.shared {
            (None, None)
        } else {
            let raw = tink_keys::generate(slot.algorithm);
            let wrapped = self.kek_aead(kek)?.wrap(&raw).await?;
            (
                Some(raw),
                Some(base64::engine::general_purpose::STANDARD.encode(wrapped)),
            )
        };
        let dek = Dek {
            kek_name: kek.name.clone(),
            subject: subject.to_owned(),
            version: new_version,
            algorithm: slot.algorithm,
            encrypted_key_material: wrapped.clone(),
            ..Dek::default()
        };
        match self.inner.client.register_dek(&dek).await {
            // The raw key is only known to match what the registry stores when the
            // registry echoes the wrapped key this store sent.
            Ok(stored) => {
                let raw = raw.filter(|_| stored.encrypted_key_material == wrapped);
                Ok(Candidate::Fetched(stored, raw))
            }
            Err(e) if status(&e) == Some(409) => self
                .fetch_dek(kek, subject, slot)
                .await?
                .map(|d| Candidate::Fetched(d, None))
                .ok_or_else(|| EncryptionError::MissingDek {
                    kek: kek.name.clone(),
                    subject: subject.to_owned(),
                    version: new_version,
                }),
            Err(e) => Err(registry_error(
                format!("register DEK of KEK {:?}, subject {subject:?}", kek.name),
                e,
            )),
        }
    }

    /// The cipher of a registry DEK: its `keyMaterial` when the registry sent it in the
    /// clear (shared KEKs), else its `encryptedKeyMaterial` unwrapped by the KEK.
    async fn resolve(
        &self,
        kek: &Kek,
        dek: Dek,
        raw: Option<Vec<u8>>,
    ) -> Result<ResolvedDek, EncryptionError> {
        let decode = |text: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| {
                    EncryptionError::InvalidKeyMaterial("DEK key material is not base64".into())
                })
        };
        let material = match (raw, &dek.key_material, &dek.encrypted_key_material) {
            (Some(raw), _, _) => raw,
            (None, Some(clear), _) => decode(clear)?,
            (None, None, Some(wrapped)) => self.kek_aead(kek)?.unwrap(&decode(wrapped)?).await?,
            (None, None, None) => {
                return Err(EncryptionError::MissingDek {
                    kek: kek.name.clone(),
                    subject: dek.subject.clone(),
                    version: dek.version,
                })
            }
        };
        Ok(ResolvedDek {
            version: dek.version,
            ts: dek.ts,
            cipher: DataCipher::from_tink_key(dek.algorithm, &material)?,
        })
    }

    fn kek_aead(&self, kek: &Kek) -> Result<Arc<KekAead>, EncryptionError> {
        let mut aeads = self.inner.aeads.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(aead) = aeads.get(&kek.name) {
            return Ok(aead.clone());
        }
        let aead = Arc::new(KekAead::new(kek, &self.inner.drivers, &self.inner.config)?);
        aeads.insert(kek.name.clone(), aead.clone());
        Ok(aead)
    }
}

/// The registry context of a qualified subject (`:.ctx:subject` → `.ctx`), `None` for the
/// default context (`_context_for`).
fn context_of(subject: &str) -> Option<&str> {
    let rest = subject.strip_prefix(":.")?;
    let context = match rest.find(':') {
        Some(ix) => &subject[1..ix + 2],
        None => &subject[1..],
    };
    (context != ".").then_some(context)
}

fn kek_matches(kek: &Kek, policy: &EncryptPolicy) -> bool {
    policy.kms_type.as_ref().is_none_or(|t| *t == kek.kms_type)
        && policy
            .kms_key_id
            .as_ref()
            .is_none_or(|id| *id == kek.kms_key_id)
}

fn slot(policy: &EncryptPolicy, key_use: KeyUse, version: i32) -> DekSlot {
    DekSlot {
        version: if version == 0 { 1 } else { version },
        algorithm: policy.algorithm,
        deleted: key_use == KeyUse::Read,
    }
}

#[cfg(test)]
mod tests {
    use super::context_of;

    #[test]
    fn reads_contexts_as_confluent() {
        assert_eq!(context_of(":.tenant:orders-value"), Some(".tenant"));
        assert_eq!(context_of(":.tenant"), Some(".tenant"));
        assert_eq!(context_of(":.:orders-value"), None);
        assert_eq!(context_of("orders-value"), None);
    }
}
