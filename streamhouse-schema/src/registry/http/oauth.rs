//! OAuth 2.0 bearer tokens from the client-credentials grant (RFC 6749 §4.4), as Confluent's
//! clients get them with `bearer.auth.credentials.source=OAUTHBEARER`: `POST` to
//! `bearer.auth.issuer.endpoint.url` with `grant_type=client_credentials` (and `scope`),
//! the client id and secret as HTTP basic auth (RFC 6749 §2.3.1). The token is cached and
//! fetched again shortly before it expires (`bearer.auth.cache.expiry.buffer.seconds`,
//! default 300 s), or at once after the registry answers 401.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::header::ACCEPT;
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::registry::{Operation, RegistryError};

/// Default time before expiry at which a token is replaced (Confluent's default).
pub const DEFAULT_EXPIRY_BUFFER: Duration = Duration::from_secs(300);

/// How long a token without `expires_in` (and not a JWT with `exp`) is used.
const UNKNOWN_LIFETIME: Duration = Duration::from_secs(60);

/// Longest error body from the token endpoint kept in an error message, in characters.
const MAX_ERROR_CHARS: usize = 300;

/// The OAuth client-credentials settings, named after Confluent's `bearer.auth.*` options.
///
/// ```
/// use std::time::Duration;
/// use streamhouse_schema::registry::OAuthClientCredentials;
///
/// let oauth = OAuthClientCredentials::new(
///     "https://idp.example/oauth2/token", // bearer.auth.issuer.endpoint.url
///     "registry-client",                  // bearer.auth.client.id
///     "s3cret",                           // bearer.auth.client.secret
/// )
/// .scope("schema_registry")               // bearer.auth.scope
/// .expiry_buffer(Duration::from_secs(60)); // bearer.auth.cache.expiry.buffer.seconds
/// assert!(!format!("{oauth:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct OAuthClientCredentials {
    issuer_endpoint_url: String,
    client_id: String,
    client_secret: String,
    scope: Option<String>,
    expiry_buffer: Duration,
}

impl OAuthClientCredentials {
    /// Tokens from `issuer_endpoint_url` for this client id and secret.
    pub fn new(
        issuer_endpoint_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        OAuthClientCredentials {
            issuer_endpoint_url: issuer_endpoint_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scope: None,
            expiry_buffer: DEFAULT_EXPIRY_BUFFER,
        }
    }

    /// The `scope` to ask for (space-separated scopes; none by default).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Replace a token this long before it expires (default 300 s; at most half of the
    /// token's lifetime is used, so short-lived tokens are still reused).
    pub fn expiry_buffer(mut self, buffer: Duration) -> Self {
        self.expiry_buffer = buffer;
        self
    }
}

impl fmt::Debug for OAuthClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClientCredentials")
            .field("issuer_endpoint_url", &self.issuer_endpoint_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scope", &self.scope)
            .field("expiry_buffer", &self.expiry_buffer)
            .finish()
    }
}

/// A token and when to stop using it.
struct CachedToken {
    access_token: String,
    refresh_at: Instant,
}

/// Fetches and caches tokens for one client. One fetch at a time: concurrent requests wait
/// for the token being fetched instead of each asking the issuer.
pub(crate) struct OAuthTokens {
    credentials: OAuthClientCredentials,
    endpoint: Url,
    cached: Mutex<Option<CachedToken>>,
}

impl fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer (RFC 6749 §5.1); other fields are ignored.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
}

impl OAuthTokens {
    /// Validates the issuer URL.
    pub(crate) fn new(credentials: OAuthClientCredentials) -> Result<Self, String> {
        let endpoint = Url::parse(credentials.issuer_endpoint_url.trim()).map_err(|error| {
            format!(
                "invalid OAuth issuer endpoint URL {:?}: {error}",
                credentials.issuer_endpoint_url
            )
        })?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(format!(
                "invalid OAuth issuer endpoint URL {:?}: scheme must be http or https",
                credentials.issuer_endpoint_url
            ));
        }
        if credentials.client_id.is_empty() {
            return Err("OAuth client id must not be empty".into());
        }
        Ok(OAuthTokens {
            credentials,
            endpoint,
            cached: Mutex::new(None),
        })
    }

    /// A valid token: the cached one, or a new one when it is missing or about to expire.
    pub(crate) async fn token(
        &self,
        client: &reqwest::Client,
        timeout: Duration,
        operation: Operation,
    ) -> Result<String, RegistryError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref() {
            if Instant::now() < token.refresh_at {
                return Ok(token.access_token.clone());
            }
        }
        let fresh = self.fetch(client, timeout, operation).await?;
        let access_token = fresh.access_token.clone();
        *cached = Some(fresh);
        Ok(access_token)
    }

    /// Forgets the cached token (the registry refused it), so the next call fetches one.
    pub(crate) async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }

    async fn fetch(
        &self,
        client: &reqwest::Client,
        timeout: Duration,
        operation: Operation,
    ) -> Result<CachedToken, RegistryError> {
        let error = |message: String, retriable: bool| RegistryError::Token {
            operation,
            url: self.endpoint.to_string(),
            message,
            retriable,
        };
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = &self.credentials.scope {
            form.push(("scope", scope));
        }
        let requested_at = Instant::now();
        let response = client
            .post(self.endpoint.clone())
            .timeout(timeout)
            .basic_auth(
                &self.credentials.client_id,
                Some(&self.credentials.client_secret),
            )
            .header(ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|failure| error(failure.to_string(), true))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|failure| error(failure.to_string(), true))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            let text: String = text.trim().chars().take(MAX_ERROR_CHARS).collect();
            let retriable = status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS;
            return Err(error(format!("status {status}: {text}"), retriable));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|failure| error(format!("invalid token response: {failure}"), false))?;
        if parsed.access_token.is_empty() {
            return Err(error("empty access_token".into(), false));
        }
        let lifetime = parsed
            .expires_in
            .map(Duration::from_secs)
            .or_else(|| jwt_lifetime(&parsed.access_token))
            .unwrap_or(UNKNOWN_LIFETIME);
        let early = self.credentials.expiry_buffer.min(lifetime / 2);
        Ok(CachedToken {
            access_token: parsed.access_token,
            refresh_at: requested_at + (lifetime - early),
        })
    }
}

/// The time left until a JWT's `exp` claim, when the token is a JWT that has one.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(exp.saturating_sub(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_exp_gives_the_lifetime() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!(r#"{{"sub":"x","exp":{}}}"#, now + 600));
        let lifetime = jwt_lifetime(&format!("eyJhbGciOiJub25lIn0.{claims}.sig")).unwrap();
        assert!(lifetime <= Duration::from_secs(600), "{lifetime:?}");
        assert!(lifetime >= Duration::from_secs(590), "{lifetime:?}");
        assert_eq!(jwt_lifetime("opaque-token"), None);
        assert_eq!(jwt_lifetime("a.!!!.c"), None);
    }

    #[test]
    fn rejects_unusable_issuer_urls() {
        for url in ["not a url", "ftp://idp/token"] {
            assert!(OAuthTokens::new(OAuthClientCredentials::new(url, "id", "s")).is_err());
        }
        assert!(OAuthTokens::new(OAuthClientCredentials::new("https://idp/t", "", "s")).is_err());
        assert!(OAuthTokens::new(OAuthClientCredentials::new("https://idp/t", "id", "s")).is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let shown = format!(
            "{:?}",
            OAuthClientCredentials::new("https://idp/t", "id", "hunter2")
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains(r#"client_secret: "<redacted>""#), "{shown}");
    }
}
