//! The last line of defence for "every error is Confluent JSON": an error answer that is not
//! JSON yet (a rejection from axum or tower-http, a caught panic...) is rewritten into
//! `{"error_code": <status>, "message": <its text>}` with the registry's content type.

use axum::body::to_bytes;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// How much of a non-JSON error body is kept as the message.
const MAX_MESSAGE_BYTES: usize = 4096;

/// Rewrites non-JSON error answers (status 4xx/5xx) into Confluent's error JSON; other
/// answers pass unchanged. Headers other than the body's type and length are kept (e.g.
/// `WWW-Authenticate`).
pub(crate) async fn confluent_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json"));
    if is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = to_bytes(body, MAX_MESSAGE_BYTES)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        text
    };
    let mut rewritten = ApiError {
        status,
        error_code: u32::from(status.as_u16()),
        message,
    }
    .into_response();
    for (name, value) in &parts.headers {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            rewritten.headers_mut().append(name, value.clone());
        }
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = to_bytes(response.into_body(), 1 << 16).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn plain_text_errors_become_confluent_json() {
        let plain = (StatusCode::BAD_REQUEST, "Invalid URL: bad").into_response();
        let rewritten = confluent_errors(plain).await;
        assert_eq!(rewritten.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            rewritten.headers()[CONTENT_TYPE],
            super::super::response::CONTENT_TYPE
        );
        assert_eq!(
            body_of(rewritten).await,
            serde_json::json!({"error_code": 400, "message": "Invalid URL: bad"})
        );
        let empty = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        assert_eq!(
            body_of(confluent_errors(empty).await).await,
            serde_json::json!({"error_code": 500, "message": "Internal Server Error"})
        );
    }

    #[tokio::test]
    async fn json_errors_and_successes_pass_unchanged() {
        let json = ApiError::subject_not_found("s").into_response();
        assert_eq!(
            body_of(confluent_errors(json).await).await["error_code"],
            40401
        );
        let fine = (StatusCode::OK, "plain").into_response();
        let passed = confluent_errors(fine).await;
        assert_eq!(passed.status(), StatusCode::OK);
        let bytes = to_bytes(passed.into_body(), 100).await.unwrap();
        assert_eq!(&bytes[..], b"plain");
    }
}
