//! Path parameters whose failures are Confluent errors: a `{subject}` must be a valid
//! subject (42208), and a segment that is not UTF-8 after percent-decoding is refused with
//! the code of the parameter it stands for (42208 subject, 42202 version, 40403 id).

use axum::extract::path::ErrorKind;
use axum::extract::rejection::{PathRejection, RawPathParamsRejection};
use axum::extract::{FromRequestParts, Path, RawPathParams};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::subject::validate_subject;

/// Like axum's `Path<T>`, with Confluent errors and the subject checked.
pub(crate) struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(raw_rejection)?;
        for (key, value) in &raw {
            if key == "subject" {
                validate_subject(value)?;
            }
        }
        let Path(value) = Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(path_rejection)?;
        Ok(ApiPath(value))
    }
}

/// The error for a parameter that is not UTF-8.
fn not_utf8(key: &str) -> ApiError {
    match key {
        "subject" => ApiError::invalid_subject("the subject name is not UTF-8"),
        "version" => ApiError::invalid_version("(not UTF-8)"),
        "id" => ApiError::schema_not_found("Schema (not UTF-8) not found"),
        other => ApiError::bad_request(format!("path parameter `{other}` is not UTF-8")),
    }
}

fn raw_rejection(rejection: RawPathParamsRejection) -> ApiError {
    match rejection {
        RawPathParamsRejection::InvalidUtf8InPathParam(error) => {
            // The rejection only says which key in its text.
            let text = error.body_text();
            let key = ["subject", "version", "id"]
                .into_iter()
                .find(|key| text.contains(&format!("`{key}`")))
                .unwrap_or("");
            not_utf8(key)
        }
        other => ApiError::bad_request(other.body_text()),
    }
}

fn path_rejection(rejection: PathRejection) -> ApiError {
    match rejection {
        PathRejection::FailedToDeserializePathParams(error) => match error.kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => not_utf8(key),
            _ => ApiError::bad_request(error.body_text()),
        },
        other => ApiError::bad_request(other.body_text()),
    }
}
