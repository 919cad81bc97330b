//! Request bodies must arrive in full within `body_read_timeout`: a client that declares a
//! large body and then stalls (or trickles it) would otherwise hold its connection and a
//! handler forever. The body is read here, before any handler runs, so every route gets the
//! same answers: 408 when time runs out, 413 / 42209 when it is (or is declared) larger than
//! `max_body_bytes`; both close the connection, whose unread rest cannot be skipped.

use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

use super::error::ApiError;
use super::state::AppState;

/// The limits one request body must respect.
#[derive(Debug, Clone, Copy)]
struct BodyLimits {
    timeout: Duration,
    max_bytes: usize,
}

/// Adds the body deadline (and the early 413 for a declared length over the limit).
pub(crate) fn layer(app: Router<AppState>, state: &AppState) -> Router<AppState> {
    let limits = BodyLimits {
        timeout: state.config().body_read_timeout,
        max_bytes: state.max_body_bytes(),
    };
    app.layer(middleware::from_fn_with_state(limits, read_body_within))
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// An error answer after which the connection is closed.
fn closing(error: ApiError) -> Response {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn read_body_within(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let limit = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX);
    if declared_length(&parts.headers).is_some_and(|length| length > limit) {
        return closing(ApiError::too_large(limits.max_bytes));
    }
    let read = Limited::new(body, limits.max_bytes).collect();
    match tokio::time::timeout(limits.timeout, read).await {
        Ok(Ok(collected)) => {
            let body = Body::from(collected.to_bytes());
            next.run(Request::from_parts(parts, body)).await
        }
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            closing(ApiError::too_large(limits.max_bytes))
        }
        Ok(Err(error)) => closing(ApiError::bad_request(format_args!(
            "cannot read the request body: {error}"
        ))),
        Err(_elapsed) => {
            tracing::debug!(path = parts.uri.path(), timeout = ?limits.timeout, "request body not received in time");
            closing(ApiError::request_timeout(format!(
                "Request body not received within {:?}",
                limits.timeout
            )))
        }
    }
}
