//! The `ENCRYPT` field-rule executor: WRITE encrypts, READ decrypts the fields the rule's
//! tags select.
//!
//! Reference: `encrypt_executor.py`, `FieldEncryptionExecutor` and
//! `EncryptionExecutorTransform.transform`: null stays null; STRING fields become the
//! base64 of the ciphertext and BYTES fields the ciphertext; other types cannot be
//! encrypted. The DEK is resolved when the engine prepares the rule for a message (async,
//! cached by the [`DekStore`]), so the per-field transform makes no network call; a reader
//! of rotated DEKs gets the version from each ciphertext (see [`DekStore::
//! prefetch_read_versions`]). Errors found while preparing surface on the first field that
//! needs the key, as Confluent's executor only fetches keys for fields it transforms.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

// FxHash: the rule's policy is looked up for every message.
use rustc_hash::FxHashMap as HashMap;

use super::dek_cache::ResolvedDek;
use super::dek_store::{DekStore, KeyUse};
use super::error::{EncryptionError, SharedEncryptionError};
use super::field;
use super::params::EncryptPolicy;
use crate::rules::error::RuleError;
use crate::rules::executor::{FieldRuleExecutor, FieldTransform, RuleContext, RuleFuture};
use crate::rules::field::{FieldContext, FieldType, FieldValue};
use crate::schema::contract::RuleMode;

/// The rule type it runs.
pub const ENCRYPT_RULE_TYPE: &str = "ENCRYPT";

/// The parsed policies of one schema's `ENCRYPT` rules, by rule name.
type NamedPolicies = Vec<(String, Arc<EncryptPolicy>)>;

/// The `ENCRYPT` executor, over one [`DekStore`] (its registry, KMS drivers and rule
/// config). Register it with
/// [`RuleRegistry::register_field_executor`](crate::rules::RuleRegistry::register_field_executor).
pub struct EncryptExecutor {
    store: DekStore,
    /// Parsed policies by schema id and rule name (the parameters come from the rule and
    /// the schema's metadata, both fixed for a schema id).
    policies: Mutex<HashMap<i32, NamedPolicies>>,
    /// Set when a reader met a DEK version it could not fetch in place.
    refresh: AtomicBool,
}

impl std::fmt::Debug for EncryptExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptExecutor")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

fn rule_error(error: EncryptionError) -> RuleError {
    RuleError::Encryption {
        error: error.into(),
        field: None,
    }
}

impl EncryptExecutor {
    /// An executor using `store` for its keys.
    pub fn new(store: DekStore) -> Self {
        EncryptExecutor {
            store,
            policies: Mutex::default(),
            refresh: AtomicBool::new(false),
        }
    }

    /// Its key store.
    pub fn store(&self) -> &DekStore {
        &self.store
    }

    fn policy(&self, ctx: &RuleContext<'_>) -> Result<Arc<EncryptPolicy>, EncryptionError> {
        let name = ctx.rule.name.as_str();
        let mut policies = self.policies.lock().unwrap_or_else(|e| e.into_inner());
        let of_schema = policies.entry(ctx.schema_id).or_default();
        if let Some((_, policy)) = of_schema.iter().find(|(n, _)| n == name) {
            return Ok(policy.clone());
        }
        let policy = Arc::new(EncryptPolicy::from_params(|param| ctx.parameter(param))?);
        of_schema.push((name.to_owned(), policy.clone()));
        Ok(policy)
    }

    async fn prepared<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> Result<Prepared<'a>, EncryptionError> {
        let policy = self.policy(ctx)?;
        let subject = ctx.subject;
        match ctx.mode {
            RuleMode::Write => {
                let version = DekStore::write_version(&policy);
                let dek = self
                    .store
                    .get(&policy, subject, KeyUse::Write, version)
                    .await?;
                let prefix = policy.rotates().then_some(dek.version());
                Ok(Prepared::Seal { dek, prefix })
            }
            RuleMode::Read if !policy.rotates() => {
                let dek = self.store.get(&policy, subject, KeyUse::Read, 1).await?;
                Ok(Prepared::Open(dek))
            }
            RuleMode::Read => {
                let refresh = self.refresh.swap(false, Ordering::Relaxed);
                self.store
                    .prefetch_read_versions(&policy, subject, refresh)
                    .await?;
                Ok(Prepared::OpenVersioned {
                    executor: self,
                    policy,
                    subject,
                })
            }
            other => Err(EncryptionError::InvalidParam {
                param: "mode",
                reason: format!("unsupported rule mode {other:?}"),
            }),
        }
    }

    /// The DEK of `version` for a reader: cached, else fetched in place when the runtime
    /// allows a blocking wait (a multi-threaded tokio runtime), else
    /// [`EncryptionError::DekNotLoaded`] and a refresh on the next preparation.
    fn read_dek(
        &self,
        policy: &EncryptPolicy,
        subject: &str,
        version: i32,
    ) -> Result<Arc<ResolvedDek>, EncryptionError> {
        if let Some(dek) = self.store.cached(policy, subject, KeyUse::Read, version) {
            return Ok(dek);
        }
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| {
                    handle.block_on(self.store.get(policy, subject, KeyUse::Read, version))
                })
            }
            _ => {
                self.refresh.store(true, Ordering::Relaxed);
                Err(EncryptionError::DekNotLoaded { version })
            }
        }
    }
}

impl FieldRuleExecutor for EncryptExecutor {
    fn rule_type(&self) -> &str {
        ENCRYPT_RULE_TYPE
    }

    fn prepare<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> RuleFuture<'a, Result<Box<dyn FieldTransform + 'a>, RuleError>> {
        Box::pin(async move {
            let prepared = self
                .prepared(ctx)
                .await
                .unwrap_or_else(|e| Prepared::Failed(e.into()));
            Ok(Box::new(prepared) as Box<dyn FieldTransform + 'a>)
        })
    }
}

/// A rule prepared for one message.
enum Prepared<'a> {
    /// WRITE: the DEK, and its version when ciphertexts carry it.
    Seal {
        dek: Arc<ResolvedDek>,
        prefix: Option<i32>,
    },
    /// READ without rotation: version 1.
    Open(Arc<ResolvedDek>),
    /// READ with rotation: the version is in each ciphertext.
    OpenVersioned {
        executor: &'a EncryptExecutor,
        policy: Arc<EncryptPolicy>,
        subject: &'a str,
    },
    /// The key could not be resolved: every field that needs it fails with this.
    Failed(SharedEncryptionError),
}

impl Prepared<'_> {
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, EncryptionError> {
        match self {
            Prepared::Seal { dek, prefix } => field::seal(dek.cipher(), *prefix, plaintext),
            _ => Err(EncryptionError::InvalidParam {
                param: "mode",
                reason: "not prepared for WRITE".into(),
            }),
        }
    }

    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, EncryptionError> {
        match self {
            Prepared::Open(dek) => field::open(dek.cipher(), sealed),
            Prepared::OpenVersioned {
                executor,
                policy,
                subject,
            } => {
                let (version, ciphertext) = field::split_version(sealed)?;
                let dek = executor.read_dek(policy, subject, version)?;
                field::open(dek.cipher(), ciphertext)
            }
            _ => Err(EncryptionError::InvalidParam {
                param: "mode",
                reason: "not prepared for READ".into(),
            }),
        }
    }
}

impl FieldTransform for Prepared<'_> {
    fn transform(
        &self,
        ctx: &RuleContext<'_>,
        field: &FieldContext<'_>,
        value: FieldValue,
    ) -> Result<FieldValue, RuleError> {
        if value == FieldValue::Null {
            return Ok(FieldValue::Null);
        }
        if let Prepared::Failed(error) = self {
            return Err(RuleError::Encryption {
                error: error.clone(),
                field: None,
            });
        }
        let write = ctx.mode == RuleMode::Write;
        let result = match (field.field_type, value) {
            (FieldType::String, FieldValue::String(text)) if write => self
                .seal(text.as_bytes())
                .map(|sealed| FieldValue::String(field::to_base64(&sealed))),
            (FieldType::String, FieldValue::String(text)) => field::from_base64(&text)
                .and_then(|sealed| self.open(&sealed))
                .and_then(field::to_string)
                .map(FieldValue::String),
            (FieldType::Bytes, FieldValue::Bytes(bytes)) if write => {
                self.seal(&bytes).map(FieldValue::Bytes)
            }
            (FieldType::Bytes, FieldValue::Bytes(bytes)) => {
                self.open(&bytes).map(FieldValue::Bytes)
            }
            (field_type, _) => Err(EncryptionError::UnsupportedFieldType {
                field_type: field_type.name().to_owned(),
            }),
        };
        result.map_err(rule_error)
    }
}
