//! Response and request-body helpers: Confluent's content type on every JSON answer, and a
//! JSON body extractor whose failures are Confluent-style errors (413 → 42209, bad JSON → 400).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::ApiError;
use super::state::AppState;

/// The content type the registry answers with.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// A JSON response with the registry's content type.
pub(crate) fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => bytes_response(status, Bytes::from(bytes)),
        // Serializing our own response types cannot fail; answer 500 rather than panic.
        Err(error) => {
            tracing::error!(%error, "cannot serialize a response");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "response serialization failed",
            )
                .into_response()
        }
    }
}

/// Already-serialized JSON with the registry's content type.
pub(crate) fn bytes_response(status: StatusCode, bytes: Bytes) -> Response {
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

/// A 200 JSON response.
pub(crate) fn ok<T: Serialize + ?Sized>(body: &T) -> Response {
    json_response(StatusCode::OK, body)
}

/// A JSON request body. Any content type is accepted (Confluent's clients send
/// `application/vnd.schemaregistry.v1+json`, others `application/json`), unknown fields are
/// ignored by the target types, and failures become Confluent-style errors.
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let BodyBytes(bytes) = BodyBytes::from_request(req, state).await?;
        from_json(&bytes).map(JsonBody)
    }
}

/// A request body as sent, not parsed yet (see [`from_json`]); failures to read it are the
/// same Confluent-style errors as [`JsonBody`]'s.
pub(crate) struct BodyBytes(pub Bytes);

impl FromRequest<AppState> for BodyBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(BodyBytes)
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::too_large(state.max_body_bytes())
                } else {
                    ApiError::bad_request(rejection.body_text())
                }
            })
    }
}

/// A body read by [`BodyBytes`] parsed as [`JsonBody`] parses it.
pub(crate) fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(ApiError::bad_request)
}
