//! The HTTP registry backend: the Confluent REST API over reqwest, with failover across
//! base URLs and retries with backoff.

mod auth;
mod bodies;
mod oauth;
mod request;
mod retry;
mod urls;

use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use reqwest::Method;

pub(crate) use auth::Auth;
pub(crate) use oauth::OAuthTokens;
pub use oauth::{OAuthClientCredentials, DEFAULT_EXPIRY_BUFFER as DEFAULT_OAUTH_EXPIRY_BUFFER};
pub(crate) use retry::RetryPolicy;
pub(crate) use urls::{BaseUrl, UrlList};

use self::bodies::{ConfigResponse, ConfigUpdate, ConfigUpdateFull, ModeBody, RegisterResponse};
use self::request::Call;
use super::backend::{BackendResult, RegistryBackend};
use super::keys::{CreateDekBody, CreateKekBody};
use super::Mode;
use super::{
    CompatibilityCheck, Dek, DekAlgorithm, Kek, Operation, RegisteredSchema, Schema, ServerConfig,
    Version,
};
use crate::compat::CompatibilityLevel;

/// Media type of registry requests and the preferred response type.
pub(crate) const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";
/// What responses may be, most preferred first (as Confluent's clients send it).
pub(crate) const ACCEPT_VALUE: &str =
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";

/// A registry reached over HTTP.
#[derive(Debug)]
pub(crate) struct HttpBackend {
    client: reqwest::Client,
    urls: UrlList,
    auth: Option<Auth>,
    /// Sent with bearer credentials: Confluent Cloud's `target-sr-cluster` and
    /// `Confluent-Identity-Pool-Id`, when configured.
    bearer_headers: reqwest::header::HeaderMap,
    timeout: Duration,
    retry: RetryPolicy,
    /// Index of the URL that answered last: requests start there, so a dead first URL
    /// costs one failed connection, not one per request.
    preferred: AtomicUsize,
}

impl HttpBackend {
    /// A backend trying `urls` in order.
    pub(crate) fn new(
        client: reqwest::Client,
        urls: UrlList,
        auth: Option<Auth>,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            client,
            urls,
            auth,
            bearer_headers: reqwest::header::HeaderMap::new(),
            timeout,
            retry,
            preferred: AtomicUsize::new(0),
        }
    }

    /// Sends these headers along with bearer credentials.
    pub(crate) fn with_bearer_headers(mut self, headers: reqwest::header::HeaderMap) -> Self {
        self.bearer_headers = headers;
        self
    }
}

fn normalize_query(normalize: bool) -> &'static [(&'static str, &'static str)] {
    if normalize {
        &[("normalize", "true")]
    } else {
        &[]
    }
}

fn permanent_query(permanent: bool) -> &'static [(&'static str, &'static str)] {
    if permanent {
        &[("permanent", "true")]
    } else {
        &[]
    }
}

impl RegistryBackend for HttpBackend {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, i32> {
        Box::pin(async move {
            let call = Call::new(Operation::Register, Method::POST)
                .path(&["subjects", subject, "versions"])
                .query(normalize_query(normalize))
                .json(schema)?;
            let response: RegisterResponse = self.execute(call).await?;
            Ok(response.id)
        })
    }

    /// An answer of the id alone means the registry stored the schema as sent, adding no
    /// metadata or rules (a registry that merges a data contract answers with the schema, as
    /// ours and Confluent's data-contract registries do): then what was sent is what is
    /// stored, when it carried no contract of its own. Otherwise `None`.
    fn register_stored<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, (i32, Option<Schema>)> {
        Box::pin(async move {
            let call = Call::new(Operation::Register, Method::POST)
                .path(&["subjects", subject, "versions"])
                .query(normalize_query(normalize))
                .json(schema)?;
            let response: RegisterResponse = self.execute(call).await?;
            let plain = schema.metadata.is_none() && schema.rule_set.is_none();
            let stored = (response.is_id_only() && plain).then(|| schema.clone());
            Ok((response.id, stored))
        })
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        normalize: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        Box::pin(async move {
            let call = Call::new(Operation::Lookup, Method::POST)
                .path(&["subjects", subject])
                .query(normalize_query(normalize))
                .json(schema)?;
            self.execute(call).await
        })
    }

    fn schema_by_id(&self, id: i32) -> BackendResult<'_, Schema> {
        Box::pin(async move {
            let id = id.to_string();
            let call =
                Call::new(Operation::GetSchemaById, Method::GET).path(&["schemas", "ids", &id]);
            self.execute(call).await
        })
    }

    fn schema_by_id_serialized(&self, id: i32) -> BackendResult<'_, Schema> {
        Box::pin(async move {
            let id = id.to_string();
            let call = Call::new(Operation::GetSchemaById, Method::GET)
                .path(&["schemas", "ids", &id])
                .query(&[("format", "serialized")]);
            self.execute(call).await
        })
    }

    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        version: Version,
    ) -> BackendResult<'a, CompatibilityCheck> {
        Box::pin(async move {
            let version = version.to_string();
            let call = Call::new(Operation::TestCompatibility, Method::POST)
                .path(&["compatibility", "subjects", subject, "versions", &version])
                .query(&[("verbose", "true")])
                .json(schema)?;
            self.execute(call).await
        })
    }

    fn get_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
    ) -> BackendResult<'a, RegisteredSchema> {
        Box::pin(async move {
            let version = version.to_string();
            let call = Call::new(Operation::GetVersion, Method::GET)
                .path(&["subjects", subject, "versions", &version]);
            self.execute(call).await
        })
    }

    fn register_kek<'a>(&'a self, kek: &'a Kek) -> BackendResult<'a, Kek> {
        Box::pin(async move {
            let body = CreateKekBody {
                name: &kek.name,
                kms_type: &kek.kms_type,
                kms_key_id: &kek.kms_key_id,
                kms_props: &kek.kms_props,
                doc: kek.doc.as_deref(),
                shared: kek.shared,
            };
            let call = Call::new(Operation::RegisterKek, Method::POST)
                .path(&["dek-registry", "v1", "keks"])
                .json(&body)?;
            self.execute(call).await
        })
    }

    fn get_kek<'a>(&'a self, name: &'a str, deleted: bool) -> BackendResult<'a, Kek> {
        Box::pin(async move {
            let call = Call::new(Operation::GetKek, Method::GET)
                .path(&["dek-registry", "v1", "keks", name])
                .query(&[("deleted", if deleted { "true" } else { "false" })]);
            self.execute(call).await
        })
    }

    fn register_dek<'a>(&'a self, dek: &'a Dek) -> BackendResult<'a, Dek> {
        Box::pin(async move {
            let body = CreateDekBody {
                subject: &dek.subject,
                version: dek.version,
                algorithm: dek.algorithm,
                encrypted_key_material: dek.encrypted_key_material.as_deref(),
            };
            let call = Call::new(Operation::RegisterDek, Method::POST)
                .path(&[
                    "dek-registry",
                    "v1",
                    "keks",
                    &dek.kek_name,
                    "deks",
                    &dek.subject,
                ])
                .json(&body)?;
            self.execute(call).await
        })
    }

    fn get_dek<'a>(
        &'a self,
        kek_name: &'a str,
        subject: &'a str,
        algorithm: DekAlgorithm,
        version: Version,
        deleted: bool,
    ) -> BackendResult<'a, Dek> {
        Box::pin(async move {
            let version = version.to_string();
            let call = Call::new(Operation::GetDek, Method::GET)
                .path(&[
                    "dek-registry",
                    "v1",
                    "keks",
                    kek_name,
                    "deks",
                    subject,
                    "versions",
                    &version,
                ])
                .query(&[
                    ("algorithm", algorithm.as_str()),
                    ("deleted", if deleted { "true" } else { "false" }),
                ]);
            self.execute(call).await
        })
    }

    fn get_config<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, ServerConfig> {
        Box::pin(async move {
            let call = match subject {
                Some(subject) => Call::new(Operation::GetConfig, Method::GET)
                    .path(&["config", subject])
                    .query(&[("defaultToGlobal", "true")]),
                None => Call::new(Operation::GetConfig, Method::GET).path(&["config"]),
            };
            self.execute(call).await
        })
    }

    fn set_config<'a>(
        &'a self,
        subject: Option<&'a str>,
        config: &'a ServerConfig,
    ) -> BackendResult<'a, ServerConfig> {
        Box::pin(async move {
            let path: &[&str] = match subject {
                Some(subject) => &["config", subject],
                None => &["config"],
            };
            // The level travels as `compatibility`; the rest under their own names.
            let rest = ServerConfig {
                compatibility_level: None,
                ..config.clone()
            };
            let body = ConfigUpdateFull {
                compatibility: config.compatibility_level,
                rest: &rest,
            };
            let call = Call::new(Operation::SetConfig, Method::PUT)
                .path(path)
                .json(&body)?;
            self.execute(call).await
        })
    }

    fn get_latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a std::collections::BTreeMap<String, String>,
        deleted: bool,
    ) -> BackendResult<'a, RegisteredSchema> {
        Box::pin(async move {
            // Confluent pairs the n-th `key` with the n-th `value`.
            let mut query: Vec<(&str, &str)> = metadata
                .iter()
                .flat_map(|(key, value)| [("key", key.as_str()), ("value", value.as_str())])
                .collect();
            if deleted {
                query.push(("deleted", "true"));
            }
            let call = Call::new(Operation::GetLatestWithMetadata, Method::GET)
                .path(&["subjects", subject, "metadata"])
                .query(&query);
            self.execute(call).await
        })
    }

    fn list_subjects(&self) -> BackendResult<'_, Vec<String>> {
        Box::pin(async move {
            let call = Call::new(Operation::ListSubjects, Method::GET).path(&["subjects"]);
            self.execute(call).await
        })
    }

    fn list_versions<'a>(&'a self, subject: &'a str) -> BackendResult<'a, Vec<i32>> {
        Box::pin(async move {
            let call = Call::new(Operation::ListVersions, Method::GET)
                .path(&["subjects", subject, "versions"]);
            self.execute(call).await
        })
    }

    fn get_mode<'a>(&'a self, subject: Option<&'a str>) -> BackendResult<'a, Mode> {
        Box::pin(async move {
            let call = match subject {
                // Without defaultToGlobal a subject with no own mode answers 40409.
                Some(subject) => Call::new(Operation::GetMode, Method::GET)
                    .path(&["mode", subject])
                    .query(&[("defaultToGlobal", "true")]),
                None => Call::new(Operation::GetMode, Method::GET).path(&["mode"]),
            };
            let body: ModeBody = self.execute(call).await?;
            Ok(body.mode)
        })
    }

    fn set_mode<'a>(&'a self, subject: Option<&'a str>, mode: Mode) -> BackendResult<'a, Mode> {
        Box::pin(async move {
            let path: &[&str] = match subject {
                Some(subject) => &["mode", subject],
                None => &["mode"],
            };
            let call = Call::new(Operation::SetMode, Method::PUT)
                .path(path)
                .json(&ModeBody { mode })?;
            let body: ModeBody = self.execute(call).await?;
            Ok(body.mode)
        })
    }

    fn get_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
    ) -> BackendResult<'a, CompatibilityLevel> {
        Box::pin(async move {
            let call = match subject {
                // Without defaultToGlobal a subject with no own level answers 40408.
                Some(subject) => Call::new(Operation::GetCompatibility, Method::GET)
                    .path(&["config", subject])
                    .query(&[("defaultToGlobal", "true")]),
                None => Call::new(Operation::GetCompatibility, Method::GET).path(&["config"]),
            };
            let response: ConfigResponse = self.execute(call).await?;
            Ok(response.level)
        })
    }

    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: CompatibilityLevel,
    ) -> BackendResult<'a, CompatibilityLevel> {
        Box::pin(async move {
            let path: &[&str] = match subject {
                Some(subject) => &["config", subject],
                None => &["config"],
            };
            let call = Call::new(Operation::SetCompatibility, Method::PUT)
                .path(path)
                .json(&ConfigUpdate {
                    compatibility: level,
                })?;
            let response: ConfigResponse = self.execute(call).await?;
            Ok(response.level)
        })
    }

    fn delete_subject<'a>(
        &'a self,
        subject: &'a str,
        permanent: bool,
    ) -> BackendResult<'a, Vec<i32>> {
        Box::pin(async move {
            let call = Call::new(Operation::DeleteSubject, Method::DELETE)
                .path(&["subjects", subject])
                .query(permanent_query(permanent));
            self.execute(call).await
        })
    }

    fn delete_version<'a>(
        &'a self,
        subject: &'a str,
        version: Version,
        permanent: bool,
    ) -> BackendResult<'a, i32> {
        Box::pin(async move {
            let version = version.to_string();
            let call = Call::new(Operation::DeleteVersion, Method::DELETE)
                .path(&["subjects", subject, "versions", &version])
                .query(permanent_query(permanent));
            self.execute(call).await
        })
    }
}
