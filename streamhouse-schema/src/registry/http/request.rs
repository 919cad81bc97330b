//! Sending one registry call: try each base URL in order (starting from the last one that
//! answered), fail over on connection errors, timeouts and 5xx, and retry the whole round
//! with backoff while the failure is retriable.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::bodies::ErrorBody;
use super::{BaseUrl, HttpBackend, ACCEPT_VALUE, MEDIA_TYPE};
use crate::registry::{Operation, RegistryError};

/// Longest raw (non-JSON) error body kept in an error message, in characters.
const MAX_RAW_MESSAGE_CHARS: usize = 500;

/// One REST call, independent of which base URL serves it.
#[derive(Debug)]
pub(super) struct Call {
    operation: Operation,
    method: Method,
    path: Vec<String>,
    query: Vec<(String, String)>,
    body: Option<Bytes>,
}

impl Call {
    pub(super) fn new(operation: Operation, method: Method) -> Self {
        Self {
            operation,
            method,
            path: Vec::new(),
            query: Vec::new(),
            body: None,
        }
    }

    /// Path segments after the base URL; each is percent-encoded on its own.
    pub(super) fn path(mut self, segments: &[&str]) -> Self {
        self.path = segments.iter().map(|segment| segment.to_string()).collect();
        self
    }

    /// Query parameters, in order (a name may repeat).
    pub(super) fn query(mut self, query: &[(&str, &str)]) -> Self {
        self.query = query
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        self
    }

    /// Serializes the body once; every attempt resends the same bytes.
    pub(super) fn json(mut self, body: &impl Serialize) -> Result<Self, RegistryError> {
        let bytes = serde_json::to_vec(body).map_err(|source| RegistryError::RequestBody {
            operation: self.operation,
            source: Arc::new(source),
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }
}

/// Whether the next base URL might do better than this one.
fn fails_over(error: &RegistryError) -> bool {
    error.is_retriable() || error.http_status().is_some_and(|status| status >= 500)
}

/// The error for a non-2xx answer from `url`.
fn status_error(operation: Operation, url: &str, status: StatusCode, body: &[u8]) -> RegistryError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let error_code = parsed.as_ref().and_then(|body| body.error_code);
    let message = parsed
        .and_then(|body| body.message)
        .filter(|message| !message.is_empty())
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if text.is_empty() {
                status
                    .canonical_reason()
                    .unwrap_or("no message")
                    .to_string()
            } else {
                text.chars().take(MAX_RAW_MESSAGE_CHARS).collect()
            }
        });
    RegistryError::Status {
        operation,
        url: Some(url.to_string()),
        status: status.as_u16(),
        error_code,
        message,
    }
}

impl HttpBackend {
    /// Runs `call` with failover and retries, decoding a 2xx body as `T`.
    pub(super) async fn execute<T: DeserializeOwned>(
        &self,
        call: Call,
    ) -> Result<T, RegistryError> {
        let mut retry = 0;
        loop {
            let error = match self.each_url(&call).await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if !error.is_retriable() || retry >= self.retry.max_retries {
                return Err(error);
            }
            let wait = self.retry.backoff(retry);
            tracing::warn!(%error, retry = retry + 1, ?wait, "schema registry call failed; retrying");
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// One round over the base URLs, starting with the preferred one.
    async fn each_url<T: DeserializeOwned>(&self, call: &Call) -> Result<T, RegistryError> {
        let count = self.urls.len();
        let start = self.preferred.load(Ordering::Relaxed) % count;
        let mut index = start;
        let mut result = self.send(call, self.urls.get(index)).await;
        for offset in 1..count {
            match &result {
                Err(error) if fails_over(error) => {
                    index = (start + offset) % count;
                    tracing::warn!(%error, next = self.urls.get(index).as_str(), "schema registry failover");
                    result = self.send(call, self.urls.get(index)).await;
                }
                _ => break,
            }
        }
        if result.is_ok() && index != start {
            self.preferred.store(index, Ordering::Relaxed);
        }
        result
    }

    /// One HTTP exchange with one base URL.
    async fn send<T: DeserializeOwned>(
        &self,
        call: &Call,
        base: &BaseUrl,
    ) -> Result<T, RegistryError> {
        let segments: Vec<&str> = call.path.iter().map(String::as_str).collect();
        let query: Vec<(&str, &str)> = call
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let url = base.endpoint(&segments, &query);
        let mut request = self
            .client
            .request(call.method.clone(), url.clone())
            .timeout(self.timeout)
            .header(ACCEPT, ACCEPT_VALUE);
        if let Some(body) = &call.body {
            request = request.header(CONTENT_TYPE, MEDIA_TYPE).body(body.clone());
        }
        let auth = base.auth.as_ref().or(self.auth.as_ref());
        if let Some(auth) = auth {
            request = auth
                .apply(request, &self.client, self.timeout, call.operation)
                .await?;
            if auth.is_bearer() && !self.bearer_headers.is_empty() {
                request = request.headers(self.bearer_headers.clone());
            }
        }
        let response = request
            .send()
            .await
            .map_err(|error| self.transport_error(call.operation, &url, error))?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            if let Some(auth) = auth {
                auth.rejected().await;
            }
        }
        let body = response
            .bytes()
            .await
            .map_err(|error| self.transport_error(call.operation, &url, error))?;
        if !status.is_success() {
            return Err(status_error(call.operation, url.as_str(), status, &body));
        }
        serde_json::from_slice(&body).map_err(|source| RegistryError::InvalidJson {
            operation: call.operation,
            url: url.to_string(),
            status: status.as_u16(),
            source: Arc::new(source),
        })
    }

    fn transport_error(
        &self,
        operation: Operation,
        url: &Url,
        error: reqwest::Error,
    ) -> RegistryError {
        let url = url.to_string();
        if error.is_timeout() {
            RegistryError::Timeout {
                operation,
                url,
                timeout: self.timeout,
            }
        } else if error.is_connect() {
            RegistryError::Connection {
                operation,
                url,
                source: Arc::new(error),
            }
        } else {
            RegistryError::Transport {
                operation,
                url,
                source: Arc::new(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confluent_error_body_gives_code_and_message() {
        let error = status_error(
            Operation::Register,
            "http://registry:8081/subjects/o-value/versions",
            StatusCode::CONFLICT,
            br#"{"error_code":40901,"message":"Schema being registered is incompatible"}"#,
        );
        assert_eq!(error.error_code(), Some(40901));
        assert_eq!(
            error.to_string(),
            "Schema registration failed with status 409 from \
             http://registry:8081/subjects/o-value/versions: Schema being registered is \
             incompatible (error code 40901)"
        );
    }

    #[test]
    fn non_json_error_body_is_kept_as_message() {
        let error = status_error(
            Operation::ListSubjects,
            "http://r/subjects",
            StatusCode::BAD_GATEWAY,
            b"<html>bad gateway</html>",
        );
        assert_eq!(error.error_code(), None);
        assert_eq!(
            error.to_string(),
            "Subject listing failed with status 502 from http://r/subjects: <html>bad gateway</html>"
        );
    }

    #[test]
    fn empty_error_body_uses_the_reason_phrase() {
        let error = status_error(
            Operation::ListSubjects,
            "http://r/subjects",
            StatusCode::UNAUTHORIZED,
            b"",
        );
        assert_eq!(
            error.to_string(),
            "Subject listing failed with status 401 from http://r/subjects: Unauthorized"
        );
    }

    #[test]
    fn long_raw_bodies_are_cut() {
        let body = "x".repeat(2000);
        let error = status_error(
            Operation::ListSubjects,
            "http://r/subjects",
            StatusCode::INTERNAL_SERVER_ERROR,
            body.as_bytes(),
        );
        let RegistryError::Status { message, .. } = error else {
            panic!("not a status error");
        };
        assert_eq!(message.len(), MAX_RAW_MESSAGE_CHARS);
    }

    #[test]
    fn failover_on_5xx_and_transport_but_not_other_4xx() {
        let status = |code| RegistryError::status(Operation::Register, code, 0, "m");
        assert!(fails_over(&status(503)));
        assert!(fails_over(&status(501)));
        assert!(fails_over(&status(429)));
        assert!(!fails_over(&status(404)));
        assert!(!fails_over(&status(401)));
    }
}
