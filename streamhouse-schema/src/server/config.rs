//! How a registry server is configured: where it listens, which database it uses, auth,
//! TLS and limits.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::credentials::{BasicAuth, BearerToken};
use super::tls::TlsConfig;

/// The default request-body limit (Confluent's clients send schemas as JSON strings; 16 MiB
/// leaves room for very large schemas while bounding memory per request).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Default time a client has to send a request's headers (and to finish a TLS handshake);
/// also how long an idle keep-alive connection stays open. 30 s, as Jetty's idle timeout
/// in Confluent's registry and hyper's own default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time a client has to send a whole request body once its headers arrived.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default cap on open client connections: well below the usual 1024 file descriptors per
/// process, leaving room for database connections and logs.
pub const DEFAULT_MAX_CLIENT_CONNECTIONS: usize = 512;

/// Configuration of one registry server.
///
/// ```
/// use streamhouse_schema::server::RegistryConfig;
///
/// // An in-memory SQLite registry on an ephemeral loopback port, e.g. for tests.
/// let config = RegistryConfig::in_memory()
///     .with_basic_auth("user", "secret")
///     .with_readonly_bearer_token("reader-token".parse()?);
/// assert_eq!(config.database_url, "sqlite::memory:");
/// assert_eq!(config.listen.port(), 0);
/// assert!(config.auth_enabled());
/// # Ok::<(), streamhouse_schema::server::InvalidBearerToken>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryConfig {
    /// The address to listen on; port 0 picks a free port (see `RunningServer::addr`).
    pub listen: SocketAddr,
    /// `sqlite://FILE` (created when missing), `sqlite::memory:`, or `postgres://...`.
    pub database_url: String,
    /// HTTP basic-auth credentials with full access. When any credential is configured
    /// (this, [`readonly_basic_auth`](Self::readonly_basic_auth) or a bearer token), every
    /// request except `/health` and the `/ui` files must carry one of them (401 / 40101 otherwise).
    pub basic_auth: Option<BasicAuth>,
    /// Basic-auth credentials that may only read: GET, lookups (`POST /subjects/{s}`) and
    /// compatibility checks; other writes get 403 / 40301.
    pub readonly_basic_auth: Option<BasicAuth>,
    /// Static tokens accepted as `Authorization: Bearer <token>`, with full access.
    pub bearer_tokens: Vec<BearerToken>,
    /// Static bearer tokens that may only read (as `readonly_basic_auth`).
    pub readonly_bearer_tokens: Vec<BearerToken>,
    /// Serve HTTPS (and optionally require client certificates) instead of plain HTTP.
    pub tls: Option<TlsConfig>,
    /// Time a client has to send the request headers (and finish the TLS handshake);
    /// also the idle keep-alive limit. Slower connections are closed.
    pub header_read_timeout: Duration,
    /// Time a client has to send the whole body once the headers arrived; slower requests
    /// get 408 and the connection is closed.
    pub body_read_timeout: Duration,
    /// Most client connections served at once; further ones wait in the listen backlog
    /// until one closes, so stalled clients cannot exhaust file descriptors.
    pub max_client_connections: usize,
    /// Request bodies above this many bytes are refused with HTTP 413 / error code 42209.
    pub max_body_bytes: usize,
    /// The most database connections to open. On SQLite this bounds the read-only
    /// connections; writes always go through one more, dedicated connection, which queues
    /// writers instead of failing them with `SQLITE_BUSY` (`sqlite::memory:` uses a single
    /// connection for both).
    pub max_connections: u32,
    /// The bytes of schemas the by-id cache may hold (least recently used evicted first;
    /// default [`DEFAULT_SCHEMA_CACHE_BYTES`](super::DEFAULT_SCHEMA_CACHE_BYTES)).
    pub schema_cache_bytes: usize,
    /// The bytes of answers to re-registrations (a schema POSTed again to a subject it is
    /// live under, as every producer does at start-up) kept in memory, so that they are
    /// answered without parsing the schema or reading more than the registry's generation;
    /// 0 answers every registration through the store (default
    /// [`DEFAULT_REGISTRATION_CACHE_BYTES`](super::DEFAULT_REGISTRATION_CACHE_BYTES)).
    pub registration_cache_bytes: usize,
    /// On SQLite, commit the registrations waiting for the one writer connection together,
    /// in one transaction (each in a savepoint of its own, so that a failing one fails
    /// alone) and one sync to disk, answering each after the commit (default true). Off, each
    /// registration commits on its own. PostgreSQL ignores it (its connections write in
    /// parallel).
    pub group_commit: bool,
    /// Serve the schema browser at `/ui/` (default true). Its static files hold no data and
    /// are served without credentials; every call the page makes goes through the API and
    /// its authentication like any other client's.
    pub ui: bool,
}

impl RegistryConfig {
    /// A configuration with the given address and database and default limits.
    pub fn new(listen: SocketAddr, database_url: impl Into<String>) -> Self {
        RegistryConfig {
            listen,
            database_url: database_url.into(),
            basic_auth: None,
            readonly_basic_auth: None,
            bearer_tokens: Vec::new(),
            readonly_bearer_tokens: Vec::new(),
            tls: None,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_client_connections: DEFAULT_MAX_CLIENT_CONNECTIONS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_connections: 16,
            schema_cache_bytes: super::DEFAULT_SCHEMA_CACHE_BYTES,
            registration_cache_bytes: super::DEFAULT_REGISTRATION_CACHE_BYTES,
            group_commit: true,
            ui: true,
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

    /// Also accepts these basic-auth credentials, for reads only.
    pub fn with_readonly_basic_auth(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.readonly_basic_auth = Some(BasicAuth {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// Also accepts this static bearer token, with full access.
    pub fn with_bearer_token(mut self, token: BearerToken) -> Self {
        self.bearer_tokens.push(token);
        self
    }

    /// Also accepts this static bearer token, for reads only.
    pub fn with_readonly_bearer_token(mut self, token: BearerToken) -> Self {
        self.readonly_bearer_tokens.push(token);
        self
    }

    /// Serves HTTPS with this certificate and key (and client CA for mutual TLS).
    pub fn with_tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sets the time allowed for request headers (and the TLS handshake).
    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets the time allowed for a request body.
    pub fn with_body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// Sets the most client connections served at once (at least 1).
    pub fn with_max_client_connections(mut self, max: usize) -> Self {
        self.max_client_connections = max;
        self
    }

    /// Whether requests must authenticate (any credential is configured).
    pub fn auth_enabled(&self) -> bool {
        self.basic_auth.is_some()
            || self.readonly_basic_auth.is_some()
            || !self.bearer_tokens.is_empty()
            || !self.readonly_bearer_tokens.is_empty()
    }

    /// Sets the request-body limit in bytes.
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// Serves the schema browser at `/ui/` (`true`, the default) or not (`/ui` is then 404).
    pub fn with_ui(mut self, ui: bool) -> Self {
        self.ui = ui;
        self
    }

    /// Sets how many bytes of schemas the by-id cache may hold.
    pub fn with_schema_cache_bytes(mut self, schema_cache_bytes: usize) -> Self {
        self.schema_cache_bytes = schema_cache_bytes;
        self
    }

    /// Sets how many bytes of re-registration answers may be kept (0: none).
    pub fn with_registration_cache_bytes(mut self, registration_cache_bytes: usize) -> Self {
        self.registration_cache_bytes = registration_cache_bytes;
        self
    }

    /// Commits concurrent SQLite registrations together (`true`, the default) or each on
    /// its own.
    pub fn with_group_commit(mut self, group_commit: bool) -> Self {
        self.group_commit = group_commit;
        self
    }
}

// Hand-written so that the database password never reaches a log line (credentials redact
// themselves).
impl fmt::Debug for RegistryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryConfig")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("basic_auth", &self.basic_auth)
            .field("readonly_basic_auth", &self.readonly_basic_auth)
            .field("bearer_tokens", &self.bearer_tokens)
            .field("readonly_bearer_tokens", &self.readonly_bearer_tokens)
            .field("tls", &self.tls)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_client_connections", &self.max_client_connections)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_connections", &self.max_connections)
            .field("schema_cache_bytes", &self.schema_cache_bytes)
            .field("registration_cache_bytes", &self.registration_cache_bytes)
            .field("group_commit", &self.group_commit)
            .field("ui", &self.ui)
            .finish()
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
    fn debug_output_hides_secrets() {
        let config = RegistryConfig::new(
            "127.0.0.1:8081".parse().unwrap(),
            "postgres://streamhouse:topsecret@127.0.0.1/db",
        )
        .with_basic_auth("u", "hunter2")
        .with_readonly_basic_auth("reader", "readerpass")
        .with_bearer_token("tok-rw-secret".parse().unwrap())
        .with_readonly_bearer_token("tok-ro-secret".parse().unwrap());
        let shown = format!("{config:?}");
        for secret in [
            "topsecret",
            "hunter2",
            "readerpass",
            "tok-rw-secret",
            "tok-ro-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains(r#"user: "reader""#), "{shown}");
        assert!(
            shown.contains("bearer_tokens: [BearerToken(<redacted>)]"),
            "{shown}"
        );
        assert!(shown.contains("streamhouse:***@127.0.0.1/db"), "{shown}");
    }

    #[test]
    fn redact_leaves_urls_without_passwords_alone() {
        assert_eq!(redact_url("sqlite://registry.db"), "sqlite://registry.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
