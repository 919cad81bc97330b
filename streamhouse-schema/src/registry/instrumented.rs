//! A backend wrapper that counts and times every registry request (the `metrics` facade) and
//! runs it in a `registry_request` tracing span; [`SchemaRegistryClient`] puts it around
//! whatever backend it holds, so cache hits never reach it.
//!
//! [`SchemaRegistryClient`]: super::SchemaRegistryClient

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use tracing::Instrument;

use super::backend::{BackendResult, RegistryBackend};
use super::Mode;
use super::{
    CompatibilityCheck, Dek, DekAlgorithm, Kek, Operation, RegisteredSchema, RegistryError, Schema,
    ServerConfig, Version,
};
use crate::compat::CompatibilityLevel;
use crate::telemetry::{REGISTRY_REQUESTS, REGISTRY_REQUEST_DURATION};

/// `inner`, measured.
#[derive(Debug)]
pub(crate) struct Instrumented {
    inner: Arc<dyn RegistryBackend>,
}

impl Instrumented {
    pub(crate) fn new(inner: Arc<dyn RegistryBackend>) -> Self {
        Instrumented { inner }
    }
}

/// `request`, counted by outcome, timed, and in a span.
fn observe<'a, T: Send + 'a>(
    operation: Operation,
    request: impl Future<Output = Result<T, RegistryError>> + Send + 'a,
) -> BackendResult<'a, T> {
    let name = operation_name(operation);
    let span = tracing::debug_span!("registry_request", operation = name);
    Box::pin(
        async move {
            let started = Instant::now();
            let result = request.await;
            metrics::histogram!(REGISTRY_REQUEST_DURATION, "operation" => name)
                .record(started.elapsed().as_secs_f64());
            let outcome = if result.is_ok() { "ok" } else { "error" };
            metrics::counter!(REGISTRY_REQUESTS, "operation" => name, "outcome" => outcome)
                .increment(1);
            if let Err(error) = &result {
                tracing::debug!(%error, "registry request failed");
            }
            result
        }
        .instrument(span),
    )
}

/// A short, stable label for `operation`.
fn operation_name(operation: Operation) -> &'static str {
    match operation {
        Operation::Register => "register",
        Operation::Lookup => "lookup",
        Operation::GetSchemaById => "get_schema_by_id",
        Operation::TestCompatibility => "test_compatibility",
        Operation::GetVersion => "get_version",
        Operation::ListSubjects => "list_subjects",
        Operation::ListVersions => "list_versions",
        Operation::GetCompatibility => "get_compatibility",
        Operation::SetCompatibility => "set_compatibility",
        Operation::DeleteSubject => "delete_subject",
        Operation::DeleteVersion => "delete_version",
        Operation::GetLatestWithMetadata => "get_latest_with_metadata",
        Operation::GetConfig => "get_config",
        Operation::SetConfig => "set_config",
        Operation::RegisterKek => "register_kek",
        Operation::GetKek => "get_kek",
        Operation::RegisterDek => "register_dek",
        Operation::GetDek => "get_dek",
        Operation::GetMode => "get_mode",
        Operation::SetMode => "set_mode",
    }
}

impl RegistryBackend for Instrumented {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, i32> {
        observe(
            Operation::Register,
            self.inner.register(subject, schema, normalize),
        )
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        observe(
            Operation::Lookup,
            self.inner.lookup(subject, schema, normalize),
        )
    }

    fn schema_by_id(&self, id: i32) -> BackendResult<'_, Schema> {
        observe(Operation::GetSchemaById, self.inner.schema_by_id(id))
    }

    fn schema_by_id_serialized(&self, id: i32) -> BackendResult<'_, Schema> {
        observe(
            Operation::GetSchemaById,
            self.inner.schema_by_id_serialized(id),
        )
    }

    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        version: Version,
    ) -> BackendResult<'a, CompatibilityCheck> {
        observe(
            Operation::TestCompatibility,
            self.inner.test_compatibility(subject, schema, version),
        )
    }

    fn get_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
    ) -> BackendResult<'a, RegisteredSchema> {
        observe(
            Operation::GetVersion,
            self.inner.get_version(subject, version),
        )
    }

    fn list_subjects(&self) -> BackendResult<'_, Vec<String>> {
        observe(Operation::ListSubjects, self.inner.list_subjects())
    }

    fn list_versions<'a>(&'a self, subject: &'a str) -> BackendResult<'a, Vec<i32>> {
        observe(Operation::ListVersions, self.inner.list_versions(subject))
    }

    fn get_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
    ) -> BackendResult<'a, CompatibilityLevel> {
        observe(
            Operation::GetCompatibility,
            self.inner.get_compatibility(subject),
        )
    }

    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: CompatibilityLevel,
    ) -> BackendResult<'a, CompatibilityLevel> {
        observe(
            Operation::SetCompatibility,
            self.inner.set_compatibility(subject, level),
        )
    }

    fn register_stored<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, (i32, Option<Schema>)> {
        observe(
            Operation::Register,
            self.inner.register_stored(subject, schema, normalize),
        )
    }

    fn get_mode<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, Mode> {
        observe(Operation::GetMode, self.inner.get_mode(subject))
    }

    fn set_mode<'a>(&'a self, subject: Option<&'a str>, mode: Mode) -> BackendResult<'a, Mode> {
        observe(Operation::SetMode, self.inner.set_mode(subject, mode))
    }

    fn get_config<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, ServerConfig> {
        observe(Operation::GetConfig, self.inner.get_config(subject))
    }

    fn set_config<'a>(
        &'a self,
        subject: Option<&'a str>,
        config: &'a ServerConfig,
    ) -> BackendResult<'a, ServerConfig> {
        observe(Operation::SetConfig, self.inner.set_config(subject, config))
    }

    fn register_kek<'a>(&'a self, kek: &'a Kek) -> BackendResult<'a, Kek> {
        observe(Operation::RegisterKek, self.inner.register_kek(kek))
    }

    fn get_kek<'a>(&'a self, name: &'a str, deleted: bool) -> BackendResult<'a, Kek> {
        observe(Operation::GetKek, self.inner.get_kek(name, deleted))
    }

    fn register_dek<'a>(&'a self, dek: &'a Dek) -> BackendResult<'a, Dek> {
        observe(Operation::RegisterDek, self.inner.register_dek(dek))
    }

    fn get_dek<'a>(
        &'a self,
        kek_name: &'a str,
        subject: &'a str,
        algorithm: DekAlgorithm,
        version: Version,
        deleted: bool,
    ) -> BackendResult<'a, Dek> {
        observe(
            Operation::GetDek,
            self.inner
                .get_dek(kek_name, subject, algorithm, version, deleted),
        )
    }

    fn get_latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a BTreeMap<String, String>,
        deleted: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        observe(
            Operation::GetLatestWithMetadata,
            self.inner
                .get_latest_with_metadata(subject, metadata, deleted),
        )
    }

    fn delete_subject<'a>(
        &'a self,
        subject: &'a str,
        permanent: bool,
    ) -> BackendResult<'a, Vec<i32>> {
        observe(
            Operation::DeleteSubject,
            self.inner.delete_subject(subject, permanent),
        )
    }

    fn delete_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
        permanent: bool,
    ) -> BackendResult<'a, i32> {
        observe(
            Operation::DeleteVersion,
            self.inner.delete_version(subject, version, permanent),
        )
    }
}
