//! The in-memory DEK registry: KEKs and DEKs with the create and lookup rules of
//! Confluent's `AbstractDekRegistry` (a duplicate is 40971, a missing key 40470; DEKs need
//! their `encryptedKeyMaterial`, as this registry holds no KMS).

use std::collections::BTreeMap;

use crate::registry::error::codes;
use crate::registry::{Dek, DekAlgorithm, Kek, Operation, RegistryError, Version};

/// Every KEK and DEK.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    keks: BTreeMap<String, Kek>,
    /// By (KEK, subject, algorithm, version).
    deks: BTreeMap<(String, String, &'static str, i32), Dek>,
}

fn not_found(operation: Operation, name: &str) -> RegistryError {
    RegistryError::status(
        operation,
        404,
        codes::KEY_NOT_FOUND,
        format!("Key '{name}' not found"),
    )
}

fn exists(operation: Operation, name: &str) -> RegistryError {
    RegistryError::status(
        operation,
        409,
        codes::KEY_EXISTS,
        format!("Key '{name}' already exists; use a different value"),
    )
}

fn invalid(operation: Operation, field: &str) -> RegistryError {
    RegistryError::status(
        operation,
        422,
        codes::INVALID_KEY,
        format!("Invalid or missing value for field '{field}' of key"),
    )
}

/// Milliseconds since the epoch.
fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Keys {
    pub(crate) fn register_kek(&mut self, kek: &Kek) -> Result<Kek, RegistryError> {
        let operation = Operation::RegisterKek;
        if kek.name.is_empty() {
            return Err(invalid(operation, "name"));
        }
        if kek.kms_key_id.is_empty() {
            return Err(invalid(operation, "kmsKeyId"));
        }
        if self.keks.contains_key(&kek.name) {
            return Err(exists(operation, &kek.name));
        }
        let stored = Kek {
            ts: Some(now_millis()),
            deleted: false,
            ..kek.clone()
        };
        self.keks.insert(kek.name.clone(), stored.clone());
        Ok(stored)
    }

    pub(crate) fn get_kek(&self, name: &str, deleted: bool) -> Result<Kek, RegistryError> {
        self.keks
            .get(name)
            .filter(|kek| deleted || !kek.deleted)
            .cloned()
            .ok_or_else(|| not_found(Operation::GetKek, name))
    }

    pub(crate) fn register_dek(&mut self, dek: &Dek) -> Result<Dek, RegistryError> {
        let operation = Operation::RegisterDek;
        if self.keks.get(&dek.kek_name).is_none_or(|kek| kek.deleted) {
            return Err(not_found(operation, &dek.kek_name));
        }
        if dek.encrypted_key_material.is_none() {
            return Err(invalid(operation, "encryptedKeyMaterial"));
        }
        if dek.version < 1 {
            return Err(invalid(operation, "version"));
        }
        let key = (
            dek.kek_name.clone(),
            dek.subject.clone(),
            dek.algorithm.as_str(),
            dek.version,
        );
        if self.deks.contains_key(&key) {
            return Err(exists(operation, &dek.subject));
        }
        let stored = Dek {
            key_material: None,
            ts: Some(now_millis()),
            deleted: false,
            ..dek.clone()
        };
        self.deks.insert(key, stored.clone());
        Ok(stored)
    }

    pub(crate) fn get_dek(
        &self,
        kek_name: &str,
        subject: &str,
        algorithm: DekAlgorithm,
        version: Version,
        deleted: bool,
    ) -> Result<Dek, RegistryError> {
        let operation = Operation::GetDek;
        self.get_kek(kek_name, deleted)
            .map_err(|_| not_found(operation, kek_name))?;
        let mut versions = self.deks.values().filter(|dek| {
            dek.kek_name == kek_name
                && dek.subject == subject
                && dek.algorithm == algorithm
                && (deleted || !dek.deleted)
        });
        match version {
            Version::Latest => versions.max_by_key(|dek| dek.version),
            Version::Number(number) => versions.find(|dek| dek.version == number),
        }
        .cloned()
        .ok_or_else(|| not_found(operation, subject))
    }
}
