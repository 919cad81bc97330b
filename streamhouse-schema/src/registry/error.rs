//! What went wrong talking to a schema registry: the HTTP status and Confluent error code
//! when the registry answered, or the transport failure when it did not.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The registry operation that failed; it leads every error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `POST /subjects/{s}/versions`.
    Register,
    /// `POST /subjects/{s}`.
    Lookup,
    /// `GET /schemas/ids/{id}`.
    GetSchemaById,
    /// `POST /compatibility/subjects/{s}/versions/{v}`.
    TestCompatibility,
    /// `GET /subjects/{s}/versions/{v}`.
    GetVersion,
    /// `GET /subjects`.
    ListSubjects,
    /// `GET /subjects/{s}/versions`.
    ListVersions,
    /// `GET /config[/{s}]`.
    GetCompatibility,
    /// `PUT /config[/{s}]`.
    SetCompatibility,
    /// `DELETE /subjects/{s}`.
    DeleteSubject,
    /// `DELETE /subjects/{s}/versions/{v}`.
    DeleteVersion,
    /// `GET /subjects/{s}/metadata?key=&value=`.
    GetLatestWithMetadata,
    /// `GET /config[/{s}]` (the whole config).
    GetConfig,
    /// `PUT /config[/{s}]` (the whole config).
    SetConfig,
    /// `POST /dek-registry/v1/keks`.
    RegisterKek,
    /// `GET /dek-registry/v1/keks/{name}`.
    GetKek,
    /// `POST /dek-registry/v1/keks/{name}/deks/{subject}`.
    RegisterDek,
    /// `GET /dek-registry/v1/keks/{name}/deks/{subject}/versions/{v}`.
    GetDek,
    /// `GET /mode[/{s}]`.
    GetMode,
    /// `PUT /mode[/{s}]`.
    SetMode,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Register => "Schema registration",
            Operation::Lookup => "Schema lookup",
            Operation::GetSchemaById => "Schema fetch by id",
            Operation::TestCompatibility => "Compatibility test",
            Operation::GetVersion => "Schema version fetch",
            Operation::ListSubjects => "Subject listing",
            Operation::ListVersions => "Version listing",
            Operation::GetCompatibility => "Compatibility level fetch",
            Operation::SetCompatibility => "Compatibility level update",
            Operation::DeleteSubject => "Subject deletion",
            Operation::DeleteVersion => "Version deletion",
            Operation::GetLatestWithMetadata => "Latest version with metadata fetch",
            Operation::GetConfig => "Config fetch",
            Operation::SetConfig => "Config update",
            Operation::RegisterKek => "KEK registration",
            Operation::GetKek => "KEK fetch",
            Operation::RegisterDek => "DEK registration",
            Operation::GetDek => "DEK fetch",
            Operation::GetMode => "Mode fetch",
            Operation::SetMode => "Mode update",
        })
    }
}

/// Confluent error codes the client gives meaning to.
pub mod codes {
    /// Subject not found.
    pub const SUBJECT_NOT_FOUND: i32 = 40401;
    /// Version not found.
    pub const VERSION_NOT_FOUND: i32 = 40402;
    /// Schema not found (unknown id, or schema not under the subject on lookup).
    pub const SCHEMA_NOT_FOUND: i32 = 40403;
    /// Subject was soft-deleted.
    pub const SUBJECT_SOFT_DELETED: i32 = 40404;
    /// Permanent delete of a subject that was not soft-deleted first.
    pub const SUBJECT_NOT_SOFT_DELETED: i32 = 40405;
    /// Version was soft-deleted.
    pub const VERSION_SOFT_DELETED: i32 = 40406;
    /// Permanent delete of a version that was not soft-deleted first.
    pub const VERSION_NOT_SOFT_DELETED: i32 = 40407;
    /// Incompatible schema, as Confluent sent it before 8.x and as Karapace, this
    /// project's server and its in-memory registry send it.
    pub const INCOMPATIBLE_LEGACY: i32 = 409;
    /// Incompatible schema, as Confluent 8.x sends it.
    pub const INCOMPATIBLE: i32 = 40901;
    /// Invalid schema (or an unresolvable reference).
    pub const INVALID_SCHEMA: i32 = 42201;
    /// Invalid version (`0`, `abc`...).
    pub const INVALID_VERSION: i32 = 42202;
    /// Invalid compatibility level.
    pub const INVALID_COMPATIBILITY_LEVEL: i32 = 42203;
    /// Invalid subject name (e.g. empty).
    pub const INVALID_SUBJECT: i32 = 42208;
    /// A write refused because the registry or subject is in READONLY mode.
    pub const OPERATION_NOT_PERMITTED: i32 = 42205;
    /// A schema still referenced by another cannot be deleted.
    pub const REFERENCE_EXISTS: i32 = 42206;
    /// No such KEK or DEK (DEK registry).
    pub const KEY_NOT_FOUND: i32 = 40470;
    /// The KEK or DEK already exists (DEK registry).
    pub const KEY_EXISTS: i32 = 40971;
    /// A key field is missing or invalid (DEK registry).
    pub const INVALID_KEY: i32 = 42271;
    /// The rule set is invalid (duplicate or malformed rule names, missing type, a rule
    /// in the wrong phase).
    pub const INVALID_RULESET: i32 = 42210;
    /// The registry's backing store failed.
    pub const STORE_ERROR: i32 = 50001;
}

/// An error from a schema registry call.
///
/// Cloneable so that every caller waiting on one shared in-flight request receives it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The registry answered with an error status.
    #[error(
        "{operation} failed with status {status}{}: {message}{}",
        at_url(url.as_deref()),
        code_suffix(*.error_code)
    )]
    Status {
        /// What was attempted.
        operation: Operation,
        /// The URL that answered (`None` for the in-memory registry).
        url: Option<String>,
        /// The HTTP status (the in-memory registry uses the same statuses).
        status: u16,
        /// Confluent's `error_code` from the body, when the body had one.
        error_code: Option<i32>,
        /// The registry's message (or the raw body when it was not Confluent JSON).
        message: String,
    },
    /// No connection could be made (refused, unreachable, DNS, TLS handshake).
    #[error("{operation} failed: connection refused or unreachable at {url}: {source}")]
    Connection {
        /// What was attempted.
        operation: Operation,
        /// The URL that could not be reached.
        url: String,
        /// The underlying transport error.
        source: Arc<reqwest::Error>,
    },
    /// The registry did not answer within the request timeout.
    #[error("{operation} failed: no response from {url} within {timeout:?}")]
    Timeout {
        /// What was attempted.
        operation: Operation,
        /// The URL that stalled.
        url: String,
        /// The configured request timeout.
        timeout: Duration,
    },
    /// The registry answered 2xx with a body that is not the JSON expected.
    #[error(
        "{operation} failed: invalid JSON in the response from {url} (status {status}): {source}"
    )]
    InvalidJson {
        /// What was attempted.
        operation: Operation,
        /// The URL that answered.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The parse error.
        source: Arc<serde_json::Error>,
    },
    /// The request body could not be encoded as JSON.
    #[error("{operation} failed: could not encode the request body: {source}")]
    RequestBody {
        /// What was attempted.
        operation: Operation,
        /// The encoding error.
        source: Arc<serde_json::Error>,
    },
    /// No OAuth bearer token could be obtained from the issuer endpoint.
    #[error("{operation} failed: no OAuth token from {url}: {message}")]
    Token {
        /// What was attempted.
        operation: Operation,
        /// The issuer (token) endpoint.
        url: String,
        /// Why: the endpoint's status and message, or the transport failure.
        message: String,
        /// Whether asking again may succeed (transport failure, 429 or 5xx).
        retriable: bool,
    },
    /// The client was made with [`SchemaRegistryClient::new`](super::SchemaRegistryClient::new)
    /// from settings that are not valid (a URL without a scheme, say): every call reports
    /// why. Converts into [`ClientError::ConfigError`](crate::error::ClientError::ConfigError).
    #[error("{operation} failed: the schema registry client is misconfigured: {message}")]
    InvalidConfig {
        /// What was attempted.
        operation: Operation,
        /// What is wrong with the settings (as `try_new` reports it).
        message: String,
    },
    /// The request failed in transit after connecting (reset, body read error...).
    #[error("{operation} failed: request to {url} failed: {source}")]
    Transport {
        /// What was attempted.
        operation: Operation,
        /// The URL.
        url: String,
        /// The underlying transport error.
        source: Arc<reqwest::Error>,
    },
}

fn at_url(url: Option<&str>) -> String {
    url.map(|url| format!(" from {url}")).unwrap_or_default()
}

fn code_suffix(code: Option<i32>) -> String {
    code.map(|code| format!(" (error code {code})"))
        .unwrap_or_default()
}

impl RegistryError {
    /// An error-status answer (used by the HTTP client and the in-memory registry alike).
    pub fn status(
        operation: Operation,
        status: u16,
        error_code: i32,
        message: impl Into<String>,
    ) -> Self {
        RegistryError::Status {
            operation,
            url: None,
            status,
            error_code: Some(error_code),
            message: message.into(),
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> Operation {
        match self {
            RegistryError::Status { operation, .. }
            | RegistryError::Connection { operation, .. }
            | RegistryError::Timeout { operation, .. }
            | RegistryError::InvalidJson { operation, .. }
            | RegistryError::RequestBody { operation, .. }
            | RegistryError::Token { operation, .. }
            | RegistryError::InvalidConfig { operation, .. }
            | RegistryError::Transport { operation, .. } => *operation,
        }
    }

    /// The HTTP status, when the registry answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            RegistryError::Status { status, .. } | RegistryError::InvalidJson { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// Confluent's `error_code`, when the registry sent one.
    pub fn error_code(&self) -> Option<i32> {
        match self {
            RegistryError::Status { error_code, .. } => *error_code,
            _ => None,
        }
    }

    /// True when the schema was rejected as incompatible: error code 40901, or 409 as older
    /// registries and Karapace send it, or status 409 without a code. (Other 409xx codes
    /// are association conflicts, not incompatibility.)
    pub fn is_incompatible(&self) -> bool {
        match self {
            RegistryError::Status {
                status, error_code, ..
            } => match error_code {
                Some(codes::INCOMPATIBLE | codes::INCOMPATIBLE_LEGACY) => true,
                Some(_) => false,
                None => *status == 409,
            },
            _ => false,
        }
    }

    /// True for any 404 answer (subject, version or schema not found).
    pub fn is_not_found(&self) -> bool {
        self.http_status() == Some(404)
    }

    /// True when the registry was not reached or did not answer in time.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            RegistryError::Connection { .. }
                | RegistryError::Timeout { .. }
                | RegistryError::Transport { .. }
        )
    }

    /// True when repeating the request may succeed: statuses 408, 429, 500, 502, 503,
    /// 504 and transport failures. Other 4xx never are.
    pub fn is_retriable(&self) -> bool {
        match self {
            RegistryError::Status { status, .. } => {
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            RegistryError::InvalidJson { .. }
            | RegistryError::RequestBody { .. }
            | RegistryError::InvalidConfig { .. } => false,
            RegistryError::Token { retriable, .. } => *retriable,
            RegistryError::Connection { .. }
            | RegistryError::Timeout { .. }
            | RegistryError::Transport { .. } => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, code: Option<i32>) -> RegistryError {
        RegistryError::Status {
            operation: Operation::Register,
            url: None,
            status,
            error_code: code,
            message: "Schema being registered is incompatible".into(),
        }
    }

    #[test]
    fn display_leads_with_operation_and_status() {
        assert_eq!(
            status(409, Some(40901)).to_string(),
            "Schema registration failed with status 409: Schema being registered is \
             incompatible (error code 40901)"
        );
        assert_eq!(
            status(409, None).to_string(),
            "Schema registration failed with status 409: Schema being registered is incompatible"
        );
    }

    #[test]
    fn incompatible_is_409_or_40901_but_not_association_conflicts() {
        assert!(status(409, Some(40901)).is_incompatible());
        assert!(status(409, Some(409)).is_incompatible());
        assert!(status(409, None).is_incompatible());
        assert!(!status(409, Some(40902)).is_incompatible());
        assert!(!status(422, Some(42201)).is_incompatible());
    }

    #[test]
    fn retriable_statuses_are_exactly_confluents() {
        let retriable: Vec<u16> = (400..600)
            .filter(|&code| status(code, None).is_retriable())
            .collect();
        assert_eq!(retriable, [408, 429, 500, 502, 503, 504]);
    }

    #[test]
    fn accessors_report_status_and_code() {
        let error = RegistryError::status(Operation::Lookup, 404, codes::SCHEMA_NOT_FOUND, "nope");
        assert_eq!(error.http_status(), Some(404));
        assert_eq!(error.error_code(), Some(40403));
        assert_eq!(error.operation(), Operation::Lookup);
        assert!(error.is_not_found());
        assert!(!error.is_unavailable());
    }
}
