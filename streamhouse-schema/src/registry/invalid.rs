//! The backend of a client made by `SchemaRegistryClient::new` from settings that are not
//! valid: every call fails with the reason, so that `new` can return the client itself as the
//! original design declares it, and the first call reports what `try_new` would have.

use super::backend::{BackendResult, RegistryBackend};
use super::Mode;
use super::{CompatibilityCheck, Operation, RegisteredSchema, RegistryError, Schema, Version};
use crate::compat::CompatibilityLevel;

/// A backend that answers every call with [`RegistryError::InvalidConfig`].
#[derive(Debug)]
pub(crate) struct InvalidBackend {
    message: String,
}

impl InvalidBackend {
    pub(crate) fn new(message: String) -> Self {
        InvalidBackend { message }
    }

    fn fail<'a, T: Send + 'a>(&self, operation: Operation) -> BackendResult<'a, T> {
        let error = RegistryError::InvalidConfig {
            operation,
            message: self.message.clone(),
        };
        Box::pin(async move { Err(error) })
    }
}

impl RegistryBackend for InvalidBackend {
    fn register<'a>(&'a self, _: &'a str, _: &'a Schema, _: bool) -> BackendResult<'a, i32> {
        self.fail(Operation::Register)
    }

    fn lookup<'a>(
        &'a self,
        _: &'a str,
        _: &'a Schema,
        _: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        self.fail(Operation::Lookup)
    }

    fn schema_by_id(&self, _: i32) -> BackendResult<'_, Schema> {
        self.fail(Operation::GetSchemaById)
    }

    fn schema_by_id_serialized(&self, _: i32) -> BackendResult<'_, Schema> {
        self.fail(Operation::GetSchemaById)
    }

    fn test_compatibility<'a>(
        &'a self,
        _: &'a str,
        _: &'a Schema,
        _: Version,
    ) -> BackendResult<'a, CompatibilityCheck> {
        self.fail(Operation::TestCompatibility)
    }

    fn get_version<'a>(&'a self, _: &'a str, _: Version) -> BackendResult<'a, RegisteredSchema> {
        self.fail(Operation::GetVersion)
    }

    fn register_kek<'a>(
        &'a self,
        _: &'a crate::registry::Kek,
    ) -> BackendResult<'a, crate::registry::Kek> {
        self.fail(Operation::RegisterKek)
    }

    fn get_kek<'a>(&'a self, _: &'a str, _: bool) -> BackendResult<'a, crate::registry::Kek> {
        self.fail(Operation::GetKek)
    }

    fn register_dek<'a>(
        &'a self,
        _: &'a crate::registry::Dek,
    ) -> BackendResult<'a, crate::registry::Dek> {
        self.fail(Operation::RegisterDek)
    }

    fn get_dek<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: crate::registry::DekAlgorithm,
        _: Version,
        _: bool,
    ) -> BackendResult<'a, crate::registry::Dek> {
        self.fail(Operation::GetDek)
    }

    fn get_config<'a>(
        &'a self,
        _: Option<&'a str>,
    ) -> BackendResult<'a, crate::registry::ServerConfig> {
        self.fail(Operation::GetConfig)
    }

    fn set_config<'a>(
        &'a self,
        _: Option<&'a str>,
        _: &'a crate::registry::ServerConfig,
    ) -> BackendResult<'a, crate::registry::ServerConfig> {
        self.fail(Operation::SetConfig)
    }

    fn get_latest_with_metadata<'a>(
        &'a self,
        _: &'a str,
        _: &'a std::collections::BTreeMap<String, String>,
        _: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        self.fail(Operation::GetLatestWithMetadata)
    }

    fn list_subjects(&self) -> BackendResult<'_, Vec<String>> {
        self.fail(Operation::ListSubjects)
    }

    fn list_versions<'a>(&'a self, _: &'a str) -> BackendResult<'a, Vec<i32>> {
        self.fail(Operation::ListVersions)
    }

    fn get_mode<'a>(&'a self, _: Option<&'a str>) -> BackendResult<'a, Mode> {
        self.fail(Operation::GetMode)
    }

    fn set_mode<'a>(&'a self, _: Option<&'a str>, _: Mode) -> BackendResult<'a, Mode> {
        self.fail(Operation::SetMode)
    }

    fn get_compatibility<'a>(
        &'a self,
        _: Option<&'a str>,
    ) -> BackendResult<'a, CompatibilityLevel> {
        self.fail(Operation::GetCompatibility)
    }

    fn set_compatibility<'a>(
        &'a self,
        _: Option<&'a str>,
        _: CompatibilityLevel,
    ) -> BackendResult<'a, CompatibilityLevel> {
        self.fail(Operation::SetCompatibility)
    }

    fn delete_subject<'a>(&'a self, _: &'a str, _: bool) -> BackendResult<'a, Vec<i32>> {
        self.fail(Operation::DeleteSubject)
    }

    fn delete_version<'a>(&'a self, _: &'a str, _: Version, _: bool) -> BackendResult<'a, i32> {
        self.fail(Operation::DeleteVersion)
    }
}
