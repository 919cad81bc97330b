//! Confluent's configuration keys (`schema.registry.url`, `basic.auth.user.info`,
//! `bearer.auth.*`, `schema.registry.ssl.*`, ...) from a map, a Java `.properties` file or the
//! environment, as Confluent's Java, Python and Go clients read them.
//!
//! [`Properties`] holds the keys; [`SchemaRegistryClientBuilder::from_properties`] takes the
//! registry client's, and `ProducerBuilder::from_properties` the producer's too. A key no one
//! knows, or a value that does not parse, is a [`ClientError::InvalidProperty`] naming it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::{OAuthClientCredentials, SchemaRegistryClientBuilder};
use crate::error::ClientError;

/// Configuration keys and their values (sorted by key; a later value of a key wins).
///
/// ```
/// use streamhouse_schema::registry::{Properties, SchemaRegistryClientBuilder};
///
/// let props = Properties::parse("
///     schema.registry.url=https://registry.example:8081
///     basic.auth.credentials.source=USER_INFO
///     basic.auth.user.info=ops:secret
/// ")?;
/// let client = SchemaRegistryClientBuilder::from_properties(&props)?.build()?;
/// # drop(client);
/// # Ok::<(), streamhouse_schema::ClientError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    entries: BTreeMap<String, String>,
}

impl Properties {
    /// The given `key = value` pairs.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Properties {
            entries: pairs
                .into_iter()
                .map(|(k, v)| (k.into().trim().to_string(), v.into().trim().to_string()))
                .collect(),
        }
    }

    /// The keys of a Java `.properties` text (`key=value`, `key: value`, `#` and `!`
    /// comments, `\` line continuations and escapes).
    pub fn parse(text: &str) -> Result<Self, ClientError> {
        let map = java_properties::read(text.as_bytes()).map_err(|error| {
            ClientError::InvalidProperty {
                key: String::new(),
                reason: format!(
                    "not a valid .properties text (line {}): {error}",
                    error.line_number().unwrap_or(0)
                ),
            }
        })?;
        Ok(Self::from_pairs(map))
    }

    /// The keys of a Java `.properties` file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ClientError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| {
            ClientError::ConfigError(format!("cannot read {}: {error}", path.display()))
        })?;
        Self::parse(&text)
    }

    /// The keys of the environment variables named `{prefix}KEY_WITH_UNDERSCORES`:
    /// `STREAMHOUSE_SCHEMA_REGISTRY_URL` is `schema.registry.url` for prefix `STREAMHOUSE_`
    /// (lower case, `_` for `.`, as Confluent's Docker images map theirs).
    pub fn from_env(prefix: &str) -> Self {
        Self::from_env_vars(std::env::vars(), prefix)
    }

    /// [`from_env`](Self::from_env) over the given variables.
    pub fn from_env_vars<I>(vars: I, prefix: &str) -> Self
    where
        I: IntoIterator<Item = (String, String)>,
    {
        Self::from_pairs(vars.into_iter().filter_map(|(name, value)| {
            let key = name.strip_prefix(prefix)?;
            (!key.is_empty()).then(|| (key.to_ascii_lowercase().replace('_', "."), value))
        }))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Every key and value, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Adds (or replaces) one key.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.entries.insert(key.into(), value.into());
    }
}

/// Whether `key` is one of the registry client's keys.
pub(crate) fn is_registry_key(key: &str) -> bool {
    REGISTRY_KEYS.contains(&key)
}

/// The registry client's keys (Java's `schema.registry.` prefixed forms and Python's bare
/// ones alike).
const REGISTRY_KEYS: &[&str] = &[
    "schema.registry.url",
    "url",
    "basic.auth.credentials.source",
    "basic.auth.user.info",
    "schema.registry.basic.auth.user.info",
    "bearer.auth.credentials.source",
    "bearer.auth.token",
    "bearer.auth.logical.cluster",
    "bearer.auth.identity.pool.id",
    "bearer.auth.client.id",
    "bearer.auth.client.secret",
    "bearer.auth.scope",
    "bearer.auth.issuer.endpoint.url",
    "schema.registry.ssl.ca.location",
    "ssl.ca.location",
    "schema.registry.ssl.certificate.location",
    "ssl.certificate.location",
    "schema.registry.ssl.key.location",
    "ssl.key.location",
    "schema.registry.ssl.truststore.location",
    "schema.registry.ssl.truststore.type",
    "max.retries",
    "retries.wait.ms",
    "retries.max.wait.ms",
    "request.timeout.ms",
    "cache.capacity",
    "cache.latest.ttl.sec",
    "latest.cache.ttl.sec",
    "normalize.schemas",
];

fn invalid(key: &str, reason: impl Into<String>) -> ClientError {
    ClientError::InvalidProperty {
        key: key.to_string(),
        reason: reason.into(),
    }
}

/// `value` of `key` as a boolean (`true`/`false`, any case).
pub(crate) fn boolean(key: &str, value: &str) -> Result<bool, ClientError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(key, format!("{value:?} is not true or false"))),
    }
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ClientError> {
    value
        .parse()
        .map_err(|_| invalid(key, format!("{value:?} is not a non-negative whole number")))
}

fn read_file(key: &str, path: &str) -> Result<Vec<u8>, ClientError> {
    std::fs::read(path).map_err(|error| invalid(key, format!("cannot read {path}: {error}")))
}

impl SchemaRegistryClientBuilder {
    /// A builder from Confluent's client keys. Every key must be the registry client's:
    /// use `ProducerBuilder::from_properties` for a producer's whole configuration.
    pub fn from_properties(props: &Properties) -> Result<Self, ClientError> {
        if let Some((key, _)) = props.iter().find(|(key, _)| !is_registry_key(key)) {
            return Err(invalid(
                key,
                "unknown schema registry client key (keys are Confluent's: schema.registry.url, basic.auth.user.info, bearer.auth.*, schema.registry.ssl.*, ...)",
            ));
        }
        Self::from_registry_keys(props)
    }

    /// A builder from the registry client's keys of `props` (others are ignored).
    pub(crate) fn from_registry_keys(props: &Properties) -> Result<Self, ClientError> {
        let get = |key: &str| props.get(key).filter(|value| !value.is_empty());
        let either = |a: &'static str, b: &'static str| {
            get(a).map(|v| (a, v)).or_else(|| get(b).map(|v| (b, v)))
        };
        let mut builder = SchemaRegistryClientBuilder::default();
        match either("schema.registry.url", "url") {
            Some((_, url)) => builder = builder.url(url),
            None => {
                return Err(invalid(
                    "schema.registry.url",
                    "missing: set it to http(s)://host:port (or mock://name)",
                ))
            }
        }
        let user_info = either(
            "basic.auth.user.info",
            "schema.registry.basic.auth.user.info",
        );
        match get("basic.auth.credentials.source") {
            None | Some("URL") if user_info.is_none() => {}
            None | Some("USER_INFO") => {
                if let Some((key, info)) = user_info {
                    let Some((user, password)) = info.split_once(':') else {
                        return Err(invalid(key, "expected USER:PASSWORD"));
                    };
                    builder = builder.basic_auth(user, password);
                }
            }
            Some("URL") => return Err(invalid(
                "basic.auth.credentials.source",
                "URL takes the credentials from the URL's user info; remove basic.auth.user.info",
            )),
            Some(other) => {
                return Err(invalid(
                    "basic.auth.credentials.source",
                    format!("{other:?} is not supported: use USER_INFO or URL"),
                ))
            }
        }
        match get("bearer.auth.credentials.source") {
            None => {
                for key in ["bearer.auth.token", "bearer.auth.client.id"] {
                    if get(key).is_some() {
                        return Err(invalid(
                            key,
                            "needs bearer.auth.credentials.source (STATIC_TOKEN or OAUTHBEARER)",
                        ));
                    }
                }
            }
            Some("STATIC_TOKEN") => {
                let token = get("bearer.auth.token").ok_or_else(|| {
                    invalid("bearer.auth.token", "missing, needed by STATIC_TOKEN")
                })?;
                builder = builder.bearer_token(token);
            }
            Some("OAUTHBEARER") => {
                let need = |key: &'static str| {
                    get(key).ok_or_else(|| invalid(key, "missing, needed by OAUTHBEARER"))
                };
                let mut credentials = OAuthClientCredentials::new(
                    need("bearer.auth.issuer.endpoint.url")?,
                    need("bearer.auth.client.id")?,
                    need("bearer.auth.client.secret")?,
                );
                if let Some(scope) = get("bearer.auth.scope") {
                    credentials = credentials.scope(scope);
                }
                builder = builder.oauth_client_credentials(credentials);
            }
            Some(other) => {
                return Err(invalid(
                    "bearer.auth.credentials.source",
                    format!("{other:?} is not supported: use STATIC_TOKEN or OAUTHBEARER"),
                ))
            }
        }
        if let Some(cluster) = get("bearer.auth.logical.cluster") {
            builder = builder.bearer_auth_logical_cluster(cluster);
        }
        if let Some(pool) = get("bearer.auth.identity.pool.id") {
            builder = builder.bearer_auth_identity_pool_id(pool);
        }
        if let Some((key, path)) = either("schema.registry.ssl.ca.location", "ssl.ca.location") {
            builder = builder.add_root_certificate_pem(read_file(key, path)?);
        }
        if let Some(path) = get("schema.registry.ssl.truststore.location") {
            let kind = get("schema.registry.ssl.truststore.type").unwrap_or("JKS");
            if !kind.eq_ignore_ascii_case("PEM") {
                return Err(invalid(
                    "schema.registry.ssl.truststore.type",
                    format!("{kind} trust stores are Java's; use PEM (or schema.registry.ssl.ca.location)"),
                ));
            }
            let key = "schema.registry.ssl.truststore.location";
            builder = builder.add_root_certificate_pem(read_file(key, path)?);
        }
        let certificate = either(
            "schema.registry.ssl.certificate.location",
            "ssl.certificate.location",
        );
        let private_key = either("schema.registry.ssl.key.location", "ssl.key.location");
        match (certificate, private_key) {
            (Some((cert_key, cert)), Some((key_key, key))) => {
                let mut pem = read_file(cert_key, cert)?;
                pem.push(b'\n');
                pem.extend(read_file(key_key, key)?);
                builder = builder.client_certificate_pem(pem);
            }
            (Some((key, _)), None) => {
                return Err(invalid(key, "needs schema.registry.ssl.key.location too"))
            }
            (None, Some((key, _))) => {
                return Err(invalid(
                    key,
                    "needs schema.registry.ssl.certificate.location too",
                ))
            }
            (None, None) => {}
        }
        if let Some(value) = get("max.retries") {
            builder = builder.max_retries(number("max.retries", value)?);
        }
        let wait = get("retries.wait.ms")
            .map(|v| number::<u64>("retries.wait.ms", v))
            .transpose()?;
        let max_wait = get("retries.max.wait.ms")
            .map(|v| number::<u64>("retries.max.wait.ms", v))
            .transpose()?;
        if wait.is_some() || max_wait.is_some() {
            // Confluent's defaults: 1 s and 20 s.
            builder = builder.retry_backoff(
                Duration::from_millis(wait.unwrap_or(1_000)),
                Duration::from_millis(max_wait.unwrap_or(20_000)),
            );
        }
        if let Some(value) = get("request.timeout.ms") {
            let millis: u64 = number("request.timeout.ms", value)?;
            builder = builder.timeout(Duration::from_millis(millis));
        }
        if let Some(value) = get("cache.capacity") {
            builder = builder.cache_capacity(number("cache.capacity", value)?);
        }
        if let Some((key, value)) = either("cache.latest.ttl.sec", "latest.cache.ttl.sec") {
            let seconds: u64 = number(key, value)?;
            builder = builder.latest_cache_ttl(Duration::from_secs(seconds));
        }
        if let Some(value) = get("normalize.schemas") {
            builder = builder.normalize_schemas(boolean("normalize.schemas", value)?);
        }
        Ok(builder)
    }
}
