//! The registry trait: the raw, uncached operations a registry offers. The HTTP client
//! and the in-memory registry implement it; [`SchemaRegistryClient`] puts caches and
//! single-flight in front of whichever one it holds.
//!
//! [`SchemaRegistryClient`]: super::SchemaRegistryClient

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::Mode;
use super::{
    CompatibilityCheck, Dek, DekAlgorithm, Kek, RegisteredSchema, RegistryError, Schema,
    ServerConfig, Version,
};
use crate::compat::CompatibilityLevel;

/// A boxed, `Send` future: what the object-safe [`RegistryBackend`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The result type of every backend call.
pub type BackendResult<'a, T> = BoxFuture<'a, Result<T, RegistryError>>;

/// A schema registry: the Confluent REST operations, uncached.
///
/// Errors use the registry's own HTTP statuses and Confluent error codes (404/40401 for
/// an unknown subject, 409/40901 for an incompatible schema...), whether they come over
/// HTTP or from the in-memory registry, so callers handle both the same way.
pub trait RegistryBackend: Send + Sync + fmt::Debug {
    /// Registers `schema` under `subject` (idempotent) and returns its id.
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, i32>;

    /// Registers `schema` as [`register`](Self::register) does, also returning the schema as
    /// the registry stored it when its answer tells (`None`: not known, read it by id).
    /// Backends that know only the id keep this default.
    fn register_stored<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, (i32, Option<Schema>)> {
        Box::pin(async move { Ok((self.register(subject, schema, normalize).await?, None)) })
    }

    /// Finds `schema` among the versions of `subject`.
    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, RegisteredSchema>;

    /// The schema with registry-wide id `id`.
    fn schema_by_id(&self, id: i32) -> BackendResult<'_, Schema>;

    /// The schema with id `id` as `GET /schemas/ids/{id}?format=serialized` answers: a
    /// Protobuf schema as the base64 `FileDescriptorProto` the registry compiled with its
    /// references (the form Confluent's Protobuf deserializers ask for); other formats as
    /// stored.
    fn schema_by_id_serialized(&self, id: i32) -> BackendResult<'_, Schema>;

    /// Tests `schema` against `version` of `subject` under the subject's compatibility level.
    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        version: Version,
    ) -> BackendResult<'a, CompatibilityCheck>;

    /// One version of a subject.
    fn get_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
    ) -> BackendResult<'a, RegisteredSchema>;

    /// Subjects with at least one live version, sorted.
    fn list_subjects(&self) -> BackendResult<'_, Vec<String>>;

    /// Live version numbers of `subject`, ascending.
    fn list_versions<'a>(&'a self, subject: &'a str) -> BackendResult<'a, Vec<i32>>;

    /// The effective compatibility level of `subject` (falling back to the global level),
    /// or the global level for `None`.
    fn get_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
    ) -> BackendResult<'a, CompatibilityLevel>;

    /// Sets the level of `subject`, or the global level for `None`; returns the new level.
    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: CompatibilityLevel,
    ) -> BackendResult<'a, CompatibilityLevel>;

    /// The mode of `subject` (its own, else the global one), or the global mode for `None`.
    fn get_mode<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, Mode>;

    /// Sets the mode of `subject`, or the global mode for `None`; returns the new mode.
    fn set_mode<'a>(&'a self, subject: Option<&'a str>, mode: Mode) -> BackendResult<'a, Mode>;

    /// The config of `subject` (its own, or the global one when it has none), or the global
    /// config for `None`.
    fn get_config<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, ServerConfig>;

    /// Updates the config of `subject`, or the global one for `None`: the fields that are
    /// `Some` are set, the others kept. Returns what was set.
    fn set_config<'a>(
        &'a self,
        subject: Option<&'a str>,
        config: &'a ServerConfig,
    ) -> BackendResult<'a, ServerConfig>;

    /// Creates `kek` (409/40971 when a KEK of that name exists); the registry's copy.
    fn register_kek<'a>(&'a self, kek: &'a Kek) -> BackendResult<'a, Kek>;

    /// The KEK called `name` (soft-deleted ones too with `deleted`); 404/40470 otherwise.
    fn get_kek<'a>(&'a self, name: &'a str, deleted: bool) -> BackendResult<'a, Kek>;

    /// Creates `dek` under its KEK (40470 without the KEK, 40971 when that version exists).
    fn register_dek<'a>(&'a self, dek: &'a Dek) -> BackendResult<'a, Dek>;

    /// One DEK version (`Version::Latest`: the newest) of `subject` under `kek_name`.
    fn get_dek<'a>(
        &'a self,
        kek_name: &'a str,
        subject: &'a str,
        algorithm: DekAlgorithm,
        version: Version,
        deleted: bool,
    ) -> BackendResult<'a, Dek>;

    /// Deletes a subject (soft, or permanent after a soft delete); returns the versions
    /// deleted.
    fn delete_subject<'a>(
        &'a self,
        subject: &'a str,
        permanent: bool,
    ) -> BackendResult<'a, Vec<i32>>;

    /// The newest version of `subject` whose metadata properties hold every entry of
    /// `metadata` (`GET /subjects/{s}/metadata`); soft-deleted versions too with `deleted`.
    /// 40401 without such a subject, 40403 when no version matches.
    fn get_latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a BTreeMap<String, String>,
        deleted: bool,
    ) -> BackendResult<'a, RegisteredSchema>;

    /// Deletes one version (soft, or permanent after a soft delete); returns its number.
    fn delete_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
        permanent: bool,
    ) -> BackendResult<'a, i32>;
}
