//! Credentials sent with every request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::oauth::OAuthTokens;
use crate::registry::{Operation, RegistryError};

/// How requests authenticate to the registry.
#[derive(Clone)]
pub(crate) enum Auth {
    /// HTTP basic auth (Confluent Cloud API key and secret, or user and password).
    Basic {
        /// The user name or API key.
        username: String,
        /// The password or API secret.
        password: Option<String>,
    },
    /// `Authorization: Bearer <token>` with a fixed token.
    Bearer(String),
    /// `Authorization: Bearer <token>` with tokens from an OAuth issuer.
    OAuthBearer(Arc<OAuthTokens>),
}

impl Auth {
    /// Adds the credentials to a request, fetching an OAuth token first when needed.
    pub(crate) async fn apply(
        &self,
        request: reqwest::RequestBuilder,
        client: &reqwest::Client,
        timeout: Duration,
        operation: Operation,
    ) -> Result<reqwest::RequestBuilder, RegistryError> {
        Ok(match self {
            Auth::Basic { username, password } => request.basic_auth(username, password.as_ref()),
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::OAuthBearer(tokens) => {
                request.bearer_auth(tokens.token(client, timeout, operation).await?)
            }
        })
    }

    /// Whether this sends `Authorization: Bearer` (fixed or OAuth).
    pub(crate) fn is_bearer(&self) -> bool {
        matches!(self, Auth::Bearer(_) | Auth::OAuthBearer(_))
    }

    /// Called when the registry answered 401: a cached OAuth token is dropped, so the next
    /// request fetches a new one (the issuer may have revoked it early).
    pub(crate) async fn rejected(&self) {
        if let Auth::OAuthBearer(tokens) = self {
            tokens.invalidate().await;
        }
    }
}

impl PartialEq for Auth {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Auth::Basic { username, password },
                Auth::Basic {
                    username: other_username,
                    password: other_password,
                },
            ) => username == other_username && password == other_password,
            (Auth::Bearer(token), Auth::Bearer(other)) => token == other,
            (Auth::OAuthBearer(tokens), Auth::OAuthBearer(other)) => Arc::ptr_eq(tokens, other),
            _ => false,
        }
    }
}

impl Eq for Auth {}

impl fmt::Debug for Auth {
    /// Never prints secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::OAuthBearer(tokens) => write!(f, "OAuth({tokens:?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::OAuthClientCredentials;

    #[test]
    fn debug_redacts_secrets() {
        let basic = Auth::Basic {
            username: "key".into(),
            password: Some("hunter2".into()),
        };
        assert_eq!(format!("{basic:?}"), "Basic(key, <redacted>)");
        assert_eq!(
            format!("{:?}", Auth::Bearer("tok".into())),
            "Bearer(<redacted>)"
        );
        let oauth = OAuthTokens::new(OAuthClientCredentials::new(
            "https://idp/token",
            "id",
            "hunter2",
        ))
        .unwrap();
        let shown = format!("{:?}", Auth::OAuthBearer(Arc::new(oauth)));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.starts_with("OAuth(OAuthTokens"), "{shown}");
    }
}
