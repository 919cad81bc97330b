//! An in-memory schema registry for tests and embedded use: the `mock://` URL scheme.
//!
//! Like Confluent's `MockSchemaRegistry`, every client built with `mock://name` in one
//! process shares the registry called `name`. Unlike Confluent's Python mock, it keeps a
//! real registry's id semantics (same schema, same id across subjects) and applies the
//! same compatibility checks as the server ([`crate::compat`]), except for schemas with
//! references, which `compat` cannot resolve: those are compared by exact text and not
//! compatibility-checked.

mod keys;
mod state;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use self::state::State;
use super::backend::{BackendResult, RegistryBackend};
use super::Mode;
use super::{CompatibilityCheck, RegisteredSchema, RegistryError, Schema, Version};
use crate::compat::CompatibilityLevel;

/// A schema registry held in memory.
///
/// ```
/// # tokio_test_block_on(async {
/// use streamhouse_schema::registry::{Schema, SchemaRegistryClient};
///
/// let client = SchemaRegistryClient::try_new("mock://doc-example")?;
/// let id = client.register("orders-value", &Schema::avro(r#""string""#)).await?;
/// let other = client.register("audit-value", &Schema::avro(r#""string""#)).await?;
/// assert_eq!(id, other); // same schema, same id, whatever the subject
/// # Ok::<(), streamhouse_schema::error::ClientError>(())
/// # }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    state: Mutex<State>,
}

/// The named registries of this process.
fn scopes() -> &'static Mutex<HashMap<String, Arc<MemoryRegistry>>> {
    static SCOPES: OnceLock<Mutex<HashMap<String, Arc<MemoryRegistry>>>> = OnceLock::new();
    SCOPES.get_or_init(Default::default)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the maps consistent, so a panic elsewhere while
    // holding the lock does not invalidate the data.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl MemoryRegistry {
    /// A new, empty registry of its own (not shared by name).
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide registry called `name`, created empty on first use. This is what
    /// `mock://name` URLs resolve to.
    pub fn scope(name: &str) -> Arc<MemoryRegistry> {
        lock(scopes()).entry(name.to_string()).or_default().clone()
    }

    /// Forgets the registry called `name`: the next [`scope`](Self::scope) call (or
    /// `mock://name` client) starts empty. Clients already holding it keep their copy.
    pub fn drop_scope(name: &str) {
        lock(scopes()).remove(name);
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut lock(&self.state))
    }
}

fn ready<'a, T: Send + 'a>(value: Result<T, RegistryError>) -> BackendResult<'a, T> {
    Box::pin(std::future::ready(value))
}

impl RegistryBackend for MemoryRegistry {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        _normalize: bool,
    ) -> BackendResult<'a, i32> {
        // Identity is always by normalized form, so `normalize` changes nothing here.
        ready(self.with(|state| state.register(subject, schema)))
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        _normalize: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        ready(self.with(|state| state.lookup(subject, schema)))
    }

    /// The in-memory registry knows what it stored: the schema with any merged contract.
    fn register_stored<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        _normalize: bool,
    ) -> BackendResult<'a, (i32, Option<Schema>)> {
        ready(self.with(|state| {
            let id = state.register(subject, schema)?;
            Ok((id, state.schema_by_id(id).ok()))
        }))
    }

    fn schema_by_id(&self, id: i32) -> BackendResult<'_, Schema> {
        ready(self.with(|state| state.schema_by_id(id)))
    }

    fn schema_by_id_serialized(&self, id: i32) -> BackendResult<'_, Schema> {
        ready(self.with(|state| state.schema_by_id_serialized(id)))
    }

    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        version: Version,
    ) -> BackendResult<'a, CompatibilityCheck> {
        ready(self.with(|state| state.test_compatibility(subject, schema, version)))
    }

    fn get_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
    ) -> BackendResult<'a, RegisteredSchema> {
        ready(self.with(|state| state.get_version(subject, version)))
    }

    fn register_kek<'a>(
        &'a self,
        kek: &'a crate::registry::Kek,
    ) -> BackendResult<'a, crate::registry::Kek> {
        ready(self.with(|state| state.keys.register_kek(kek)))
    }

    fn get_kek<'a>(
        &'a self,
        name: &'a str,
        deleted: bool,
    ) -> BackendResult<'a, crate::registry::Kek> {
        ready(self.with(|state| state.keys.get_kek(name, deleted)))
    }

    fn register_dek<'a>(
        &'a self,
        dek: &'a crate::registry::Dek,
    ) -> BackendResult<'a, crate::registry::Dek> {
        ready(self.with(|state| state.keys.register_dek(dek)))
    }

    fn get_dek<'a>(
        &'a self,
        kek_name: &'a str,
        subject: &'a str,
        algorithm: crate::registry::DekAlgorithm,
        version: Version,
        deleted: bool,
    ) -> BackendResult<'a, crate::registry::Dek> {
        ready(self.with(|state| {
            state
                .keys
                .get_dek(kek_name, subject, algorithm, version, deleted)
        }))
    }

    fn get_config<'a>(
        &'a self,
        subject: Option<&'a str>,
    ) -> BackendResult<'a, crate::registry::ServerConfig> {
        ready(Ok(self.with(|state| state.get_config(subject))))
    }

    fn set_config<'a>(
        &'a self,
        subject: Option<&'a str>,
        config: &'a crate::registry::ServerConfig,
    ) -> BackendResult<'a, crate::registry::ServerConfig> {
        ready(self.with(|state| state.set_config(subject, config)))
    }

    fn get_latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a std::collections::BTreeMap<String, String>,
        deleted: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        ready(self.with(|state| state.latest_with_metadata(subject, metadata, deleted)))
    }

    fn list_subjects(&self) -> BackendResult<'_, Vec<String>> {
        ready(Ok(self.with(|state| state.list_subjects())))
    }

    fn list_versions<'a>(&'a self, subject: &'a str) -> BackendResult<'a, Vec<i32>> {
        ready(self.with(|state| state.list_versions(subject)))
    }

    fn get_mode<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, Mode> {
        ready(Ok(self.with(|state| state.get_mode(subject))))
    }

    fn set_mode<'a>(&'a self, subject: Option<&'a str>, mode: Mode) -> BackendResult<'a, Mode> {
        ready(Ok(self.with(|state| state.set_mode(subject, mode))))
    }

    fn get_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
    ) -> BackendResult<'a, CompatibilityLevel> {
        ready(Ok(self.with(|state| state.get_compatibility(subject))))
    }

    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: CompatibilityLevel,
    ) -> BackendResult<'a, CompatibilityLevel> {
        ready(Ok(
            self.with(|state| state.set_compatibility(subject, level))
        ))
    }

    fn delete_subject<'a>(
        &'a self,
        subject: &'a str,
        permanent: bool,
    ) -> BackendResult<'a, Vec<i32>> {
        ready(self.with(|state| state.delete_subject(subject, permanent)))
    }

    fn delete_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
        permanent: bool,
    ) -> BackendResult<'a, i32> {
        ready(self.with(|state| state.delete_version(subject, version, permanent)))
    }
}
