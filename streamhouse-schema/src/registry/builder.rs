//! [`SchemaRegistryClientBuilder`]: URLs, timeouts, auth, TLS, retries, caches.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use super::backend::RegistryBackend;
use super::client::ClientOptions;
use super::http::{
    Auth, BaseUrl, HttpBackend, OAuthClientCredentials, OAuthTokens, RetryPolicy, UrlList,
};
use super::{MemoryRegistry, SchemaRegistryClient};
use crate::error::ClientError;

/// Default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default size of each cache, as in Confluent's clients.
pub const DEFAULT_CACHE_CAPACITY: usize = 1000;
/// URL scheme of the in-memory registry.
pub const MOCK_SCHEME: &str = "mock://";

/// Builds a [`SchemaRegistryClient`].
///
/// Auth and TLS as Confluent's clients configure them (`basic.auth.user.info`,
/// `bearer.auth.token`, `bearer.auth.issuer.endpoint.url` + client id/secret/scope,
/// `schema.registry.ssl.truststore`/`keystore`): [`basic_auth`](Self::basic_auth),
/// [`bearer_token`](Self::bearer_token), [`oauth_client_credentials`](Self::oauth_client_credentials),
/// [`add_root_certificate_pem`](Self::add_root_certificate_pem),
/// [`client_certificate_pem`](Self::client_certificate_pem).
///
/// ```
/// use std::time::Duration;
/// use streamhouse_schema::registry::SchemaRegistryClient;
///
/// let client = SchemaRegistryClient::builder()
///     .url("http://registry-a:8081")
///     .url("http://registry-b:8081/schemas") // failover, with a path prefix
///     .basic_auth("api-key", "api-secret")
///     .timeout(Duration::from_secs(5))
///     .max_retries(5)
///     .retry_backoff(Duration::from_millis(200), Duration::from_secs(10))
///     .cache_capacity(10_000)
///     .build()?;
/// # Ok::<(), streamhouse_schema::error::ClientError>(())
/// ```
#[derive(Default)]
pub struct SchemaRegistryClientBuilder {
    urls: Vec<String>,
    backend: Option<Arc<dyn RegistryBackend>>,
    auth: Option<Auth>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    root_certificates: Vec<Vec<u8>>,
    client_identity: Option<Vec<u8>>,
    oauth: Option<OAuthClientCredentials>,
    logical_cluster: Option<String>,
    identity_pool_id: Option<String>,
    http_client: Option<reqwest::Client>,
    cache_capacity: Option<usize>,
    normalize: bool,
    latest_ttl: Option<Duration>,
}

impl fmt::Debug for SchemaRegistryClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaRegistryClientBuilder")
            .field("urls", &self.urls)
            .field("backend", &self.backend)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("root_certificates", &self.root_certificates.len())
            .field("client_certificate", &self.client_identity.is_some())
            .field("oauth", &self.oauth)
            .field("logical_cluster", &self.logical_cluster)
            .field("identity_pool_id", &self.identity_pool_id)
            .field("custom_http_client", &self.http_client.is_some())
            .field("cache_capacity", &self.cache_capacity)
            .field("normalize", &self.normalize)
            .field("latest_ttl", &self.latest_ttl)
            .finish()
    }
}

impl SchemaRegistryClientBuilder {
    /// Adds a base URL (or several, comma-separated). URLs are tried in the order added;
    /// a URL may carry a path prefix (`http://host:8080/schemas`) and `user:password@`
    /// credentials. `mock://name` selects the in-memory registry instead.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.urls.extend(
            url.split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(String::from),
        );
        self
    }

    /// Adds several base URLs, in failover order.
    pub fn urls<I, S>(self, urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        urls.into_iter().fold(self, |builder, url| builder.url(url))
    }

    /// Uses `backend` (any [`RegistryBackend`], e.g. a [`MemoryRegistry`]) instead of URLs.
    pub fn backend(mut self, backend: Arc<dyn RegistryBackend>) -> Self {
        self.backend = Some(backend);
        self
    }

    /// HTTP basic auth on every request (replaces any other auth).
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Basic {
            username: username.into(),
            password: Some(password.into()),
        });
        self.oauth = None;
        self
    }

    /// `Authorization: Bearer <token>` with this fixed token on every request (Confluent's
    /// `bearer.auth.credentials.source=STATIC_TOKEN`; replaces any other auth).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self.oauth = None;
        self
    }

    /// `Authorization: Bearer <token>` with tokens from an OAuth 2.0 issuer by the
    /// client-credentials grant (Confluent's `bearer.auth.credentials.source=OAUTHBEARER`;
    /// replaces any other auth). The token is fetched on first use, cached until shortly
    /// before it expires, and fetched again after the registry answers 401. The token
    /// request uses this client's TLS settings.
    ///
    /// ```
    /// use streamhouse_schema::registry::{OAuthClientCredentials, SchemaRegistryClient};
    ///
    /// let client = SchemaRegistryClient::builder()
    ///     .url("https://registry.example")
    ///     .oauth_client_credentials(
    ///         OAuthClientCredentials::new("https://idp.example/token", "id", "secret")
    ///             .scope("registry"),
    ///     )
    ///     .build()?;
    /// # Ok::<(), streamhouse_schema::error::ClientError>(())
    /// ```
    pub fn oauth_client_credentials(mut self, credentials: OAuthClientCredentials) -> Self {
        self.oauth = Some(credentials);
        self.auth = None;
        self
    }

    /// Time allowed for each request attempt, connect to last body byte (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after a retriable failure (408, 429, 500, 502, 503, 504, connection errors,
    /// timeouts); default 3, 0 disables retrying. Other 4xx are never retried.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Backoff between retries: a random wait up to `initial * 2^n`, capped at `max`
    /// ("full jitter"). Defaults 1 s and 20 s.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max;
        self
    }

    /// Trusts an extra root CA (PEM) for `https://` registries, in addition to the
    /// built-in roots. Cannot be combined with [`http_client`](Self::http_client).
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Confluent Cloud's `bearer.auth.logical.cluster`: sent as `target-sr-cluster` with
    /// bearer credentials (static or OAuth).
    pub fn bearer_auth_logical_cluster(mut self, cluster: impl Into<String>) -> Self {
        self.logical_cluster = Some(cluster.into());
        self
    }

    /// Confluent Cloud's `bearer.auth.identity.pool.id`: sent as
    /// `Confluent-Identity-Pool-Id` with bearer credentials (static or OAuth).
    pub fn bearer_auth_identity_pool_id(mut self, pool: impl Into<String>) -> Self {
        self.identity_pool_id = Some(pool.into());
        self
    }

    /// Presents this client certificate (mutual TLS): `pem` holds the certificate chain,
    /// leaf first, and the private key (PKCS#8, PKCS#1 or SEC1), in one PEM text. Cannot be
    /// combined with [`http_client`](Self::http_client).
    pub fn client_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.client_identity = Some(pem.into());
        self
    }

    /// Sends requests with this `reqwest::Client` (custom TLS, proxies, mTLS...). The
    /// request timeout and auth of this builder still apply per request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Entries kept in each LRU cache (default 1000; at least 1).
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = Some(capacity);
        self
    }

    /// Sends `normalize=true` on register and lookup, so the registry compares schemas
    /// in normalized form (default false, as in Confluent's clients).
    pub fn normalize_schemas(mut self, normalize: bool) -> Self {
        self.normalize = normalize;
        self
    }

    /// Caches [`get_latest`](SchemaRegistryClient::get_latest) answers for `ttl` (default:
    /// not cached, every call asks the registry). Registrations and deletes made through
    /// this client drop the subject's entry at once; others' changes show after `ttl`. If
    /// the registry is unreachable when an entry expires, the expired answer is served
    /// (with a warning) rather than failing.
    pub fn latest_cache_ttl(mut self, ttl: Duration) -> Self {
        self.latest_ttl = Some(ttl);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<SchemaRegistryClient, ClientError> {
        let capacity = self.cache_capacity.unwrap_or(DEFAULT_CACHE_CAPACITY);
        let capacity = NonZeroUsize::new(capacity).ok_or_else(|| {
            ClientError::ConfigError("schema registry cache capacity must be at least 1".into())
        })?;
        let options = ClientOptions {
            cache_capacity: capacity,
            normalize: self.normalize,
            latest_ttl: self.latest_ttl,
        };
        let backend = self.build_backend()?;
        Ok(SchemaRegistryClient::from_parts(backend, options))
    }

    fn build_backend(self) -> Result<Arc<dyn RegistryBackend>, ClientError> {
        let config = |message: String| ClientError::ConfigError(message);
        if let Some(backend) = self.backend {
            if !self.urls.is_empty() {
                return Err(config(
                    "schema registry: set either URLs or a backend, not both".into(),
                ));
            }
            return Ok(backend);
        }
        let mock_urls: Vec<&String> = self
            .urls
            .iter()
            .filter(|url| url.starts_with(MOCK_SCHEME))
            .collect();
        if let Some(mock) = mock_urls.first() {
            if self.urls.len() > 1 {
                return Err(config(format!(
                    "schema registry: a mock:// URL cannot be combined with other URLs ({})",
                    self.urls.join(", ")
                )));
            }
            let scope = mock.trim_start_matches(MOCK_SCHEME).trim_end_matches('/');
            return Ok(MemoryRegistry::scope(scope));
        }
        let mut parsed = self
            .urls
            .iter()
            .map(|url| BaseUrl::parse(url).map_err(config));
        let first = parsed.next().ok_or_else(|| {
            config(
                "Schema registry not configured: no URL given (http://host:8081 or mock://name)"
                    .into(),
            )
        })??;
        let rest = parsed.collect::<Result<Vec<_>, _>>()?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(config(
                "schema registry timeout must be greater than zero".into(),
            ));
        }
        let auth = match self.oauth {
            Some(credentials) => Some(Auth::OAuthBearer(Arc::new(
                OAuthTokens::new(credentials)
                    .map_err(|message| config(format!("schema registry: {message}")))?,
            ))),
            None => self.auth,
        };
        let client = match self.http_client {
            Some(_) if !self.root_certificates.is_empty() || self.client_identity.is_some() => {
                return Err(config(
                    "schema registry: add root and client certificates to the custom \
                     reqwest::Client itself; the builder cannot change a client it did not build"
                        .into(),
                ))
            }
            Some(client) => client,
            None => build_http_client(timeout, &self.root_certificates, self.client_identity)?,
        };
        let mut bearer_headers = reqwest::header::HeaderMap::new();
        for (name, value) in [
            ("target-sr-cluster", self.logical_cluster),
            ("confluent-identity-pool-id", self.identity_pool_id),
        ] {
            if let Some(value) = value {
                let value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
                    config(format!(
                        "schema registry: {name} {value:?} is not a valid header value"
                    ))
                })?;
                bearer_headers.insert(name, value);
            }
        }
        Ok(Arc::new(
            HttpBackend::new(client, UrlList::new(first, rest), auth, timeout, self.retry)
                .with_bearer_headers(bearer_headers),
        ))
    }
}

/// A reqwest client trusting the extra roots and presenting the client certificate.
fn build_http_client(
    timeout: Duration,
    root_certificates: &[Vec<u8>],
    client_identity: Option<Vec<u8>>,
) -> Result<reqwest::Client, ClientError> {
    let config = |message: String| ClientError::ConfigError(message);
    let mut builder = reqwest::Client::builder().connect_timeout(timeout);
    for pem in root_certificates {
        // Parse now: reqwest would silently skip a PEM without certificates.
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|error| {
            config(format!(
                "schema registry: invalid root certificate PEM: {error}"
            ))
        })?;
        if certificates.is_empty() {
            return Err(config(
                "schema registry: invalid root certificate PEM: no certificate found".into(),
            ));
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if let Some(pem) = client_identity {
        let identity = reqwest::Identity::from_pem(&pem).map_err(|error| {
            config(format!(
                "schema registry: invalid client certificate PEM (certificate chain and \
                 private key expected): {error}"
            ))
        })?;
        builder = builder.identity(identity);
    }
    builder.build().map_err(|error| {
        config(format!(
            "schema registry: cannot build the HTTP client: {error}"
        ))
    })
}
