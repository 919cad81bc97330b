//! Credentials sent with every request.

use std::fmt;

/// How requests authenticate to the registry.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Auth {
    /// HTTP basic auth (Confluent Cloud API key and secret, or user and password).
    Basic {
        /// The user name or API key.
        username: String,
        /// The password or API secret.
        password: Option<String>,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(String),
}

impl Auth {
    /// Adds the credentials to a request.
    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::Basic { username, password } => request.basic_auth(username, password.as_ref()),
            Auth::Bearer(token) => request.bearer_auth(token),
        }
    }
}

impl fmt::Debug for Auth {
    /// Never prints secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
