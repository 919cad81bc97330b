//! How a registry server is configured: where it listens, which database it uses, auth and limits.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;

/// The default request-body limit (Confluent's clients send schemas as JSON strings; 16 MiB
/// leaves room for very large schemas while bounding memory per request).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Configuration of one registry server.
///
/// ```
/// use streamhouse_schema::server::RegistryConfig;
///
/// // An in-memory SQLite registry on an ephemeral loopback port, e.g. for tests.
/// let config = RegistryConfig::in_memory().with_basic_auth("user", "secret");
/// assert_eq!(config.database_url, "sqlite::memory:");
/// assert_eq!(config.listen.port(), 0);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryConfig {
    /// The address to listen on; port 0 picks a free port (see `RunningServer::addr`).
    pub listen: SocketAddr,
    /// `sqlite://FILE` (created when missing), `sqlite::memory:`, or `postgres://...`.
    pub database_url: String,
    /// When set, every request except `/health` must carry these HTTP basic-auth credentials.
    pub basic_auth: Option<BasicAuth>,
    /// Request bodies above this many bytes are refused with HTTP 413 / error code 42209.
    pub max_body_bytes: usize,
    /// The most database connections to open (SQLite always uses one, which serializes
    /// writers instead of failing them with `SQLITE_BUSY`).
    pub max_connections: u32,
    /// The bytes of schemas the by-id cache may hold (least recently used evicted first;
    /// default [`DEFAULT_SCHEMA_CACHE_BYTES`](super::DEFAULT_SCHEMA_CACHE_BYTES)).
    pub schema_cache_bytes: usize,
}

impl RegistryConfig {
    /// A configuration with the given address and database and default limits.
    pub fn new(listen: SocketAddr, database_url: impl Into<String>) -> Self {
        RegistryConfig {
            listen,
            database_url: database_url.into(),
            basic_auth: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_connections: 16,
            schema_cache_bytes: super::DEFAULT_SCHEMA_CACHE_BYTES,
        }
    }

    /// An in-memory SQLite registry on `127.0.0.1:0` (an ephemeral port).
    pub fn in_memory() -> Self {
        Self::new(
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            "sqlite::memory:",
        )
    }

    /// Requires HTTP basic auth with these credentials.
    pub fn with_basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some(BasicAuth {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// Sets the request-body limit in bytes.
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// Sets how many bytes of schemas the by-id cache may hold.
    pub fn with_schema_cache_bytes(mut self, schema_cache_bytes: usize) -> Self {
        self.schema_cache_bytes = schema_cache_bytes;
        self
    }
}

// Hand-written so that the password never reaches a log line.
impl fmt::Debug for RegistryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryConfig")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("basic_auth", &self.basic_auth)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_connections", &self.max_connections)
            .field("schema_cache_bytes", &self.schema_cache_bytes)
            .finish()
    }
}

/// HTTP basic-auth credentials, parsed from `user:password`.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A `user:password` string without a colon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("basic auth must be USER:PASSWORD (with a non-empty user)")]
pub struct InvalidBasicAuth;

impl FromStr for BasicAuth {
    type Err = InvalidBasicAuth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((user, password)) if !user.is_empty() => Ok(BasicAuth {
                user: user.to_string(),
                password: password.to_string(),
            }),
            _ => Err(InvalidBasicAuth),
        }
    }
}

/// The database URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    // scheme://user:password@host/... → scheme://user:***@host/...
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_parses_user_and_password() {
        let auth: BasicAuth = "alice:s3:cret".parse().unwrap();
        assert_eq!(auth.user, "alice");
        assert_eq!(auth.password, "s3:cret");
        assert_eq!("nocolon".parse::<BasicAuth>(), Err(InvalidBasicAuth));
        assert_eq!(":pw".parse::<BasicAuth>(), Err(InvalidBasicAuth));
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config = RegistryConfig::new(
            "127.0.0.1:8081".parse().unwrap(),
            "postgres://streamhouse:topsecret@127.0.0.1/db",
        )
        .with_basic_auth("u", "hunter2");
        let shown = format!("{config:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("streamhouse:***@127.0.0.1/db"), "{shown}");
    }

    #[test]
    fn redact_leaves_urls_without_passwords_alone() {
        assert_eq!(redact_url("sqlite://registry.db"), "sqlite://registry.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
