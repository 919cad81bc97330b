//! Errors: [`ServerError`] for starting the server, [`ApiError`] for one failed request
//! (rendered as Confluent's `{"error_code": N, "message": "..."}`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::response::json_response;

/// Why the registry server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error(
        "unsupported database URL {0:?}: expected sqlite://FILE, sqlite::memory: or postgres://..."
    )]
    UnsupportedDatabase(String),
    /// Connecting to the database failed.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// Creating or upgrading the registry's tables failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate, key or client CA could not be loaded.
    #[error("TLS setup failed for {}: {message}", path.display())]
    Tls {
        /// The PEM file at fault.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The HTTP server stopped with an I/O error.
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The server task panicked or was cancelled.
    #[error("the server task ended abnormally: {0}")]
    Task(String),
}

/// A request that failed, with Confluent's HTTP status and `error_code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {error_code}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Confluent's error code (e.g. 40401).
    pub error_code: u32,
    /// A human-readable message.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, error_code: u32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error_code,
            message: message.into(),
        }
    }

    /// 40401: no such subject (or only soft-deleted versions when those are hidden).
    pub fn subject_not_found(subject: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40401,
            format!("Subject '{subject}' not found."),
        )
    }

    /// 40402: no such version under the subject.
    pub fn version_not_found(version: i64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40402,
            format!("Version {version} not found."),
        )
    }

    /// 40403: no schema with this id, or the schema is not registered under the subject.
    pub fn schema_not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, 40403, detail)
    }

    /// 40404: the subject is already soft-deleted.
    pub fn subject_soft_deleted(subject: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40404,
            format!(
                "Subject '{subject}' was soft deleted. Set permanent=true to delete permanently"
            ),
        )
    }

    /// 40405: permanent delete of a subject that was not soft-deleted first.
    pub fn subject_not_soft_deleted(subject: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40405,
            format!("Subject '{subject}' was not deleted first before being permanently deleted"),
        )
    }

    /// 40406: the version is already soft-deleted.
    pub fn version_soft_deleted(subject: &str, version: i64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40406,
            format!(
                "Version {version} of subject '{subject}' was soft deleted. Set permanent=true to delete permanently"
            ),
        )
    }

    /// 40407: permanent delete of a version that was not soft-deleted first.
    pub fn version_not_soft_deleted(subject: &str, version: i64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40407,
            format!(
                "Version {version} of subject '{subject}' was not deleted first before being permanently deleted"
            ),
        )
    }

    /// 40408: the subject has no subject-level compatibility level.
    pub fn subject_config_not_found(subject: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40408,
            format!("Subject '{subject}' does not have subject-level compatibility configured"),
        )
    }

    /// 40409: the subject has no subject-level mode.
    pub fn subject_mode_not_found(subject: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40409,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        )
    }

    /// 409: the schema breaks the subject's compatibility level (with the reasons).
    pub fn incompatible(subject: &str, messages: &[String]) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            409,
            format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                messages.join(", ")
            ),
        )
    }

    /// 42201: the schema (or one of its references) is invalid.
    pub fn invalid_schema(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42201,
            format!("Invalid schema: {detail}"),
        )
    }

    /// 42210: the rule set is invalid (`RuleSet.validate`; Confluent's
    /// `Errors.INVALID_RULESET_ERROR_CODE`).
    pub fn invalid_rule_set(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42210,
            format!("Invalid rule set: {detail}"),
        )
    }

    /// 40470: no such KEK or DEK (DEK registry, `DekRegistryErrors.keyNotFoundException`).
    pub fn key_not_found(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40470,
            format!("Key '{name}' not found"),
        )
    }

    /// 40471: a permanent delete of a key that was not soft-deleted first.
    pub fn key_not_soft_deleted(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40471,
            format!("Key '{name}' was not deleted first before being permanently deleted"),
        )
    }

    /// 40472: the KEK is soft-deleted, so its DEKs cannot be undeleted.
    pub fn key_soft_deleted(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            40472,
            format!("Key '{name}' must be undeleted first"),
        )
    }

    /// 40971: the key already exists.
    pub fn key_exists(name: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            40971,
            format!("Key '{name}' already exists; use a different value"),
        )
    }

    /// 42271: a key field is missing or invalid.
    pub fn invalid_key(field: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42271,
            format!("Invalid or missing value for field '{field}' of key"),
        )
    }

    /// 42272: DEKs still reference the KEK being deleted.
    pub fn key_referenced(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42272,
            format!("One or more references exist to the key '{name}'"),
        )
    }

    /// 42202: the version is not `latest`, `-1` or 1..=2^31-1.
    pub fn invalid_version(raw: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42202,
            format!(
                "The specified version '{raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            ),
        )
    }

    /// 42203: not a compatibility level.
    pub fn invalid_compatibility_level(raw: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42203,
            format!(
                "Invalid compatibility level '{raw}'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
            ),
        )
    }

    /// 42204: not a supported mode.
    pub fn invalid_mode(raw: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42204,
            format!(
                "Invalid mode '{raw}'. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT"
            ),
        )
    }

    /// 42205: a write while the registry (or subject) is READONLY.
    pub fn read_only(subject: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42205,
            format!("Subject {subject} is in read-only mode"),
        )
    }

    /// 42205: an operation the mode does not allow (Confluent's "operation not permitted"):
    /// an `id` outside IMPORT mode, IMPORT set on a registry that has subjects, an id taken
    /// by another schema...
    pub fn operation_not_permitted(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, 42205, detail)
    }

    /// 42206: the version is referenced by another schema, so it cannot be deleted.
    pub fn reference_exists(subject: &str, version: i64) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42206,
            format!(
                "One or more references exist to the schema \
                 {{magic=1,keytype=SCHEMA,subject={subject},version={version}}}."
            ),
        )
    }

    /// 42207: an IMPORT id the 4-byte wire header cannot carry (ids are 1..=2^31-1).
    pub fn invalid_id(id: i64) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42207,
            format!(
                "The specified id {id} is not a valid schema id. Allowed values are between [1, 2^31-1]"
            ),
        )
    }

    /// 42207: the next schema id the database would hand out is beyond 2^31-1 (after an
    /// IMPORT of an id near the top), so a new schema cannot get one.
    pub fn ids_exhausted(next: i64) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42207,
            format!(
                "No schema id is left: the next one would be {next}, beyond 2^31-1, which the wire header cannot carry"
            ),
        )
    }

    /// 42208: the subject is empty, too long, or has control characters (Confluent's
    /// `QualifiedSubject.isValidSubject` refuses ISO control characters too).
    pub fn invalid_subject(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            42208,
            format!("Invalid subject: {detail}"),
        )
    }

    /// 42209 (HTTP 413): the request body is larger than the configured limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            42209,
            format!("Request body is larger than the limit of {limit} bytes: schema too large"),
        )
    }

    /// 400: the request body is not the JSON the endpoint expects.
    pub fn bad_request(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            400,
            format!("Bad request: {detail}"),
        )
    }

    /// 40101 (HTTP 401): missing or wrong credentials.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 40101, "Unauthorized")
    }

    /// 40301 (HTTP 403): the credentials are valid but may not do this (a read-only
    /// principal attempting a write).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, 40301, detail)
    }

    /// 408: the request body did not arrive within the configured time.
    pub fn request_timeout(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::REQUEST_TIMEOUT, 408, detail)
    }

    /// 404 for a path the registry does not serve.
    pub fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, 404, "HTTP 404 Not Found")
    }

    /// 405 for a method the path does not serve.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            405,
            "HTTP 405 Method Not Allowed",
        )
    }

    /// 50001 without logging: a signal between the parts of one request that never reaches
    /// the client as such (e.g. "reload and try again").
    pub(crate) fn retry_signal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 50001, detail)
    }

    /// 50001: the store holds something the server cannot use.
    pub fn internal(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        tracing::error!(%detail, "registry internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 50001, detail)
    }

    /// 50001: the database failed.
    pub fn store(error: &sqlx::Error) -> Self {
        tracing::error!(%error, "registry store error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            50001,
            "Error in the backend data store",
        )
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::store(&error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error_code": self.error_code,
            "message": self.message,
        });
        json_response(self.status, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_confluent_codes_and_statuses() {
        let cases = [
            (ApiError::subject_not_found("s"), 404, 40401),
            (ApiError::version_not_found(3), 404, 40402),
            (ApiError::schema_not_found("x"), 404, 40403),
            (ApiError::subject_soft_deleted("s"), 404, 40404),
            (ApiError::subject_not_soft_deleted("s"), 404, 40405),
            (ApiError::version_soft_deleted("s", 1), 404, 40406),
            (ApiError::version_not_soft_deleted("s", 1), 404, 40407),
            (ApiError::subject_config_not_found("s"), 404, 40408),
            (ApiError::incompatible("s", &[]), 409, 409),
            (ApiError::invalid_schema("x"), 422, 42201),
            (ApiError::invalid_version("0"), 422, 42202),
            (ApiError::invalid_compatibility_level("x"), 422, 42203),
            (ApiError::invalid_mode("x"), 422, 42204),
            (ApiError::read_only("s"), 422, 42205),
            (ApiError::operation_not_permitted("x"), 422, 42205),
            (ApiError::reference_exists("s", 1), 422, 42206),
            (ApiError::invalid_id(0), 422, 42207),
            (ApiError::ids_exhausted(1 << 31), 422, 42207),
            (ApiError::invalid_subject("x"), 422, 42208),
            (ApiError::too_large(1), 413, 42209),
            (ApiError::unauthorized(), 401, 40101),
            (ApiError::forbidden("x"), 403, 40301),
            (ApiError::request_timeout("x"), 408, 408),
            (ApiError::store(&sqlx::Error::PoolClosed), 500, 50001),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status.as_u16(), status, "{error}");
            assert_eq!(error.error_code, code, "{error}");
        }
    }

    #[test]
    fn incompatible_message_lists_the_reasons() {
        let error = ApiError::incompatible("orders-value", &["a".into(), "b".into()]);
        assert!(
            error.message.contains("\"orders-value\""),
            "{}",
            error.message
        );
        assert!(
            error.message.ends_with("details: [a, b]"),
            "{}",
            error.message
        );
    }
}
