//! Optional HTTP basic auth: every route except `/health` needs the configured credentials.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use super::config::BasicAuth;
use super::error::ApiError;

/// The `Authorization` header value that `auth` expects.
pub(crate) fn expected_header(auth: &BasicAuth) -> String {
    let token = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", auth.user, auth.password));
    format!("Basic {token}")
}

/// Middleware rejecting requests without the expected credentials with 401.
pub(crate) async fn require_basic_auth(
    State(expected): State<std::sync::Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/health" {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if constant_time_eq(given, expected.as_bytes()) {
        return next.run(request).await;
    }
    let mut response = ApiError::unauthorized().into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"streamhouse-registry\""),
    );
    response
}

/// Compares without an early exit, so timing does not reveal how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_base64_of_user_colon_password() {
        let auth = BasicAuth {
            user: "Aladdin".into(),
            password: "open sesame".into(),
        };
        // The example from RFC 7617.
        assert_eq!(expected_header(&auth), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
