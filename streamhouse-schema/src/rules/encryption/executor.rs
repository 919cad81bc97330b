//! The `ENCRYPT` field-rule executor: WRITE encrypts, READ decrypts the fields the rule's
//! tags select.
//!
//! Reference: `encrypt_executor.py`, `FieldEncryptionExecutor` and
//! `EncryptionExecutorTransform.transform`: null stays null; STRING fields become the
//! base64 of the ciphertext and BYTES fields the ciphertext; other types cannot be
//! encrypted. The DEK is resolved when the engine prepares the rule for a message (async,
//! cached by the [`DekStore`]; a rule without DEK rotation then keeps it, so later
//! messages are prepared without awaiting), so the per-field transform makes no network
//! call; a reader
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

/// One `ENCRYPT` rule of a schema, prepared once: its parsed policy and, when DEKs do not
/// rotate, the DEKs resolved for it by subject and use. A DEK version's key is fixed once
/// the registry holds it (and a KEK, once cached, is not replaced), so for such rules the
/// store's answer can be kept here and a message with a cached key takes one lock and no
/// string hashing. Rotating rules ask the store every time: a writer's DEK expires, a
/// reader's versions come from the ciphertexts.
struct RulePlan {
    name: String,
    policy: Arc<EncryptPolicy>,
    /// By subject and use: the transform made once with the DEK.
    keys: Vec<(String, KeyUse, Arc<Prepared<'static>>)>,
}

/// The `ENCRYPT` executor, over one [`DekStore`] (its registry, KMS drivers and rule
/// config). Register it with
/// [`RuleRegistry::register_field_executor`](crate::rules::RuleRegistry::register_field_executor).
pub struct EncryptExecutor {
    store: DekStore,
    /// Prepared rules by schema id and rule name (the parameters come from the rule and
    /// the schema's metadata, both fixed for a schema id).
    plans: Mutex<HashMap<i32, Vec<RulePlan>>>,
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
            plans: Mutex::default(),
            refresh: AtomicBool::new(false),
        }
    }

    /// Its key store.
    pub fn store(&self) -> &DekStore {
        &self.store
    }

    fn policy(&self, ctx: &RuleContext<'_>) -> Result<Arc<EncryptPolicy>, EncryptionError> {
        let name = ctx.rule.name.as_str();
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let of_schema = plans.entry(ctx.schema_id).or_default();
        if let Some(plan) = of_schema.iter().find(|plan| plan.name == name) {
            return Ok(plan.policy.clone());
        }
        let policy = Arc::new(EncryptPolicy::from_params(|param| ctx.parameter(param))?);
        of_schema.push(RulePlan {
            name: name.to_owned(),
            policy: policy.clone(),
            keys: Vec::new(),
        });
        Ok(policy)
    }

    /// The transform a non-rotating rule keeps for `ctx`'s subject and `key_use`, if it
    /// has one.
    fn kept(&self, ctx: &RuleContext<'_>, key_use: KeyUse) -> Option<Arc<Prepared<'static>>> {
        let plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let plan = plans
            .get(&ctx.schema_id)?
            .iter()
            .find(|plan| plan.name == ctx.rule.name)?;
        plan.keys
            .iter()
            .find(|(subject, usage, _)| *usage == key_use && subject == ctx.subject)
            .map(|(_, _, prepared)| prepared.clone())
    }

    /// Keeps the transform of `dek`, just resolved by the store, for a non-rotating rule.
    fn keep(&self, ctx: &RuleContext<'_>, key_use: KeyUse, dek: &Arc<ResolvedDek>) {
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let Some(plan) = plans
            .get_mut(&ctx.schema_id)
            .and_then(|plans| plans.iter_mut().find(|plan| plan.name == ctx.rule.name))
        else {
            return;
        };
        if plan.policy.rotates()
            || plan
                .keys
                .iter()
                .any(|(subject, usage, _)| *usage == key_use && subject == ctx.subject)
        {
            return;
        }
        let prepared = match key_use {
            KeyUse::Write => Prepared::Seal {
                dek: dek.clone(),
                prefix: None,
            },
            KeyUse::Read => Prepared::Open(dek.clone()),
        };
        plan.keys
            .push((ctx.subject.to_owned(), key_use, Arc::new(prepared)));
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
                self.keep(ctx, KeyUse::Write, &dek);
                let prefix = policy.rotates().then_some(dek.version());
                Ok(Prepared::Seal { dek, prefix })
            }
            RuleMode::Read if !policy.rotates() => {
                let dek = self.store.get(&policy, subject, KeyUse::Read, 1).await?;
                self.keep(ctx, KeyUse::Read, &dek);
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

    fn prepare_now<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> Option<Result<Arc<dyn FieldTransform + 'a>, RuleError>> {
        let key_use = match ctx.mode {
            RuleMode::Write => KeyUse::Write,
            RuleMode::Read => KeyUse::Read,
            _ => return None,
        };
        let prepared = self.kept(ctx, key_use)?;
        Some(Ok(prepared as Arc<dyn FieldTransform + 'a>))
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
    fn sealing(&self) -> Result<(&ResolvedDek, Option<i32>), EncryptionError> {
        match self {
            Prepared::Seal { dek, prefix } => Ok((dek, *prefix)),
            _ => Err(EncryptionError::InvalidParam {
                param: "mode",
                reason: "not prepared for WRITE".into(),
            }),
        }
    }

    /// The plaintext of `sealed` (a field's ciphertext, with its version prefix when DEKs
    /// rotate), decrypted in place.
    fn open(&self, sealed: Vec<u8>) -> Result<Vec<u8>, EncryptionError> {
        match self {
            Prepared::Open(dek) => field::open_owned(dek.cipher(), sealed, 0),
            Prepared::OpenVersioned {
                executor,
                policy,
                subject,
            } => {
                let (version, _) = field::split_version(&sealed)?;
                let dek = executor.read_dek(policy, subject, version)?;
                field::open_owned(dek.cipher(), sealed, field::VERSION_PREFIX_LEN)
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
            (FieldType::String, FieldValue::String(text)) if write => {
                self.sealing().and_then(|(dek, prefix)| {
                    field::seal_to_base64(dek.cipher(), prefix, text.as_bytes())
                        .map(FieldValue::String)
                })
            }
            (FieldType::String, FieldValue::String(text)) => field::from_base64(&text)
                .and_then(|sealed| self.open(sealed))
                .and_then(field::to_string)
                .map(FieldValue::String),
            (FieldType::Bytes, FieldValue::Bytes(bytes)) if write => self
                .sealing()
                .and_then(|(dek, prefix)| field::seal(dek.cipher(), prefix, &bytes))
                .map(FieldValue::Bytes),
            (FieldType::Bytes, FieldValue::Bytes(bytes)) => self.open(bytes).map(FieldValue::Bytes),
            (field_type, _) => Err(EncryptionError::UnsupportedFieldType {
                field_type: field_type.name().to_owned(),
            }),
        };
        result.map_err(rule_error)
    }
}
