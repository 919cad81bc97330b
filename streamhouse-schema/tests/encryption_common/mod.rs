//! What the field-encryption tests set up alike: an `ENCRYPT` rule on the `PII` tag with
//! the built-in `local-kms`, and a rule registry whose `ENCRYPT` executor keeps its keys in
//! a registry and derives the KMS key from a local secret.
#![allow(dead_code)] // each test crate uses a different subset

use std::collections::{BTreeMap, BTreeSet};

use streamhouse_schema::registry::{Rule, RuleKind, RuleMode, SchemaRegistryClient};
use streamhouse_schema::rules::encryption::{DekStore, EncryptExecutor};
use streamhouse_schema::rules::RuleRegistry;

/// `encrypt_pii`: a WRITEREAD `ENCRYPT` rule on the fields tagged `PII`, under the KEK
/// `kek` (local KMS key `key_id`) with DEKs of `algorithm` (`AES256_SIV`, `AES256_GCM`...).
pub fn encrypt_pii_rule(kek: &str, key_id: &str, algorithm: &str) -> Rule {
    let mut rule = Rule::new(
        "encrypt_pii",
        RuleKind::Transform,
        RuleMode::Writeread,
        "ENCRYPT",
    );
    rule.tags = BTreeSet::from(["PII".to_owned()]);
    rule.params = BTreeMap::from([
        ("encrypt.kek.name".to_owned(), kek.to_owned()),
        ("encrypt.kms.type".to_owned(), "local-kms".to_owned()),
        ("encrypt.kms.key.id".to_owned(), key_id.to_owned()),
        ("encrypt.dek.algorithm".to_owned(), algorithm.to_owned()),
    ]);
    rule
}

/// The default executors and `ENCRYPT`, its DEKs in the registry at `url`, the local KMS
/// key derived from `secret`.
pub fn rules_with_encryption(url: &str, secret: &str) -> RuleRegistry {
    let store = DekStore::builder(SchemaRegistryClient::new(url))
        .config(BTreeMap::from([("secret".to_owned(), secret.to_owned())]))
        .build();
    let mut rules = RuleRegistry::with_defaults();
    rules.register_field_executor(EncryptExecutor::new(store));
    rules
}
