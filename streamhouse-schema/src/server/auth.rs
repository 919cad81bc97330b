//! Authentication and the read-only role. When credentials are configured, every route
//! except `/health` (and the schema browser's static files, routed outside this layer)
//! needs `Authorization: Basic ...` or `Bearer ...` (schemes in any case,
//! RFC 9110 §11.1) matching one of them; otherwise 401 / 40101 with `WWW-Authenticate`.
//! Read-only credentials may GET, look schemas up (`POST /subjects/{s}`) and check
//! compatibility; any other request gets 403 / 40301.
//!
//! Credentials are kept only as SHA-256 digests and compared in constant time against every
//! configured entry, so response timing reveals neither a prefix match nor which entry
//! matched; a digest also hides the secret's length.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::config::RegistryConfig;
use super::credentials::{BasicAuth, BearerToken};
use super::error::ApiError;
use super::state::AppState;

/// The realm named in `WWW-Authenticate` challenges.
const REALM: &str = "streamhouse-registry";

/// What authenticated credentials may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Everything.
    ReadWrite,
    /// Reads, lookups and compatibility checks only.
    ReadOnly,
}

type Secret = [u8; 32];

/// The accepted credentials, as digests.
#[derive(Clone)]
pub(crate) struct Authenticator {
    basic: Vec<(Secret, Role)>,
    bearer: Vec<(Secret, Role)>,
}

// No secrets in Debug, not even digests.
impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("basic", &self.basic.len())
            .field("bearer", &self.bearer.len())
            .finish()
    }
}

fn digest(bytes: &[u8]) -> Secret {
    Sha256::digest(bytes).into()
}

fn basic_secret(auth: &BasicAuth) -> Secret {
    digest(format!("{}:{}", auth.user, auth.password).as_bytes())
}

fn bearer_secret(token: &BearerToken) -> Secret {
    digest(token.secret().as_bytes())
}

impl Authenticator {
    /// The credentials `config` accepts, or `None` when it accepts everyone.
    pub(crate) fn from_config(config: &RegistryConfig) -> Option<Self> {
        if !config.auth_enabled() {
            return None;
        }
        let basic = [
            (config.basic_auth.as_ref(), Role::ReadWrite),
            (config.readonly_basic_auth.as_ref(), Role::ReadOnly),
        ]
        .into_iter()
        .filter_map(|(auth, role)| auth.map(|auth| (basic_secret(auth), role)))
        .collect();
        let bearer = config
            .bearer_tokens
            .iter()
            .map(|token| (bearer_secret(token), Role::ReadWrite))
            .chain(
                config
                    .readonly_bearer_tokens
                    .iter()
                    .map(|token| (bearer_secret(token), Role::ReadOnly)),
            )
            .collect();
        Some(Authenticator { basic, bearer })
    }

    /// The role of the credentials in an `Authorization` header value, if they are valid.
    pub(crate) fn identify(&self, authorization: &[u8]) -> Option<Role> {
        let text = std::str::from_utf8(authorization).ok()?.trim();
        let (scheme, credentials) = text.split_once([' ', '\t'])?;
        let credentials = credentials.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(credentials)
                .ok()?;
            find(&self.basic, &digest(&decoded))
        } else if scheme.eq_ignore_ascii_case("bearer") {
            find(&self.bearer, &digest(credentials.as_bytes()))
        } else {
            None
        }
    }

    /// The `WWW-Authenticate` challenges for the schemes that are configured.
    fn challenges(&self) -> impl Iterator<Item = HeaderValue> {
        let basic = (!self.basic.is_empty()).then(|| format!("Basic realm=\"{REALM}\""));
        let bearer = (!self.bearer.is_empty()).then(|| format!("Bearer realm=\"{REALM}\""));
        [basic, bearer]
            .into_iter()
            .flatten()
            .filter_map(|value| HeaderValue::from_str(&value).ok())
    }
}

/// Compares against every entry (no early exit) and returns the first match's role.
fn find(entries: &[(Secret, Role)], given: &Secret) -> Option<Role> {
    let mut found = None;
    for (secret, role) in entries {
        let matches: bool = secret.ct_eq(given).into();
        if matches && found.is_none() {
            found = Some(*role);
        }
    }
    found
}

/// Whether a read-only principal may send this request: GET and HEAD, lookups
/// (`POST /subjects/{s}`) and compatibility checks (`POST /compatibility/...`), also under
/// the `/schemas` prefix. Subjects are percent-encoded in the path, so `/` splits segments.
pub(crate) fn is_read(method: &Method, path: &str) -> bool {
    if method == Method::GET || method == Method::HEAD {
        return true;
    }
    if method != Method::POST {
        return false;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let segments = match segments.as_slice() {
        ["schemas", rest @ ..] if matches!(rest.first(), Some(&"subjects" | &"compatibility")) => {
            rest
        }
        all => all,
    };
    matches!(segments, ["compatibility", ..] | ["subjects", _])
}

/// Adds authentication to `app` when `config` has credentials.
pub(crate) fn layer(app: Router<AppState>, config: &RegistryConfig) -> Router<AppState> {
    match Authenticator::from_config(config) {
        Some(authenticator) => app.layer(middleware::from_fn_with_state(
            Arc::new(authenticator),
            authenticate,
        )),
        None => app,
    }
}

/// Middleware: 401 without valid credentials, 403 for a write with read-only ones.
async fn authenticate(
    State(authenticator): State<Arc<Authenticator>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/health" {
        return next.run(request).await;
    }
    let role = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| authenticator.identify(value.as_bytes()));
    match role {
        Some(Role::ReadWrite) => next.run(request).await,
        Some(Role::ReadOnly) if is_read(request.method(), request.uri().path()) => {
            next.run(request).await
        }
        Some(Role::ReadOnly) => {
            tracing::debug!(method = %request.method(), path = request.uri().path(), "write refused to read-only credentials");
            ApiError::forbidden(format!(
                "Forbidden: read-only credentials cannot {} {}",
                request.method(),
                request.uri().path()
            ))
            .into_response()
        }
        None => {
            tracing::debug!(method = %request.method(), path = request.uri().path(), "missing or invalid credentials");
            let mut response = ApiError::unauthorized().into_response();
            for challenge in authenticator.challenges() {
                response
                    .headers_mut()
                    .append(header::WWW_AUTHENTICATE, challenge);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authenticator() -> Authenticator {
        let config = RegistryConfig::in_memory()
            .with_basic_auth("Aladdin", "open sesame")
            .with_readonly_basic_auth("reader", "r")
            .with_bearer_token("rw-token".parse().unwrap())
            .with_readonly_bearer_token("ro-token".parse().unwrap());
        Authenticator::from_config(&config).unwrap()
    }

    #[test]
    fn basic_scheme_is_case_insensitive() {
        let auth = authenticator();
        // The example from RFC 7617.
        for header in [
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "BASIC   QWxhZGRpbjpvcGVuIHNlc2FtZQ== ",
        ] {
            assert_eq!(
                auth.identify(header.as_bytes()),
                Some(Role::ReadWrite),
                "{header}"
            );
        }
        let reader = base64::engine::general_purpose::STANDARD.encode("reader:r");
        assert_eq!(
            auth.identify(format!("Basic {reader}").as_bytes()),
            Some(Role::ReadOnly)
        );
    }

    #[test]
    fn bearer_tokens_map_to_their_roles() {
        let auth = authenticator();
        assert_eq!(auth.identify(b"Bearer rw-token"), Some(Role::ReadWrite));
        assert_eq!(auth.identify(b"bearer ro-token"), Some(Role::ReadOnly));
        assert_eq!(auth.identify(b"Bearer rw-toke"), None);
        assert_eq!(auth.identify(b"Bearer "), None);
        // A token is not a basic credential and vice versa.
        assert_eq!(auth.identify(b"Basic rw-token"), None);
        assert_eq!(auth.identify(b"Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), None);
        assert_eq!(auth.identify(b"Digest rw-token"), None);
        assert_eq!(auth.identify(b"rw-token"), None);
        assert_eq!(auth.identify(b"Basic !!!notbase64"), None);
        assert_eq!(auth.identify(&[0xff, 0x20, 0x41]), None);
    }

    #[test]
    fn no_credentials_means_no_authenticator() {
        assert!(Authenticator::from_config(&RegistryConfig::in_memory()).is_none());
    }

    #[test]
    fn debug_shows_counts_only() {
        assert_eq!(
            format!("{:?}", authenticator()),
            "Authenticator { basic: 2, bearer: 2 }"
        );
    }

    #[test]
    fn read_only_may_read_look_up_and_check() {
        let read = [
            (Method::GET, "/subjects"),
            (Method::HEAD, "/subjects"),
            (Method::GET, "/schemas/ids/1"),
            (Method::POST, "/subjects/orders-value"),
            (Method::POST, "/subjects/a%2Fb"),
            (Method::POST, "/schemas/subjects/orders-value"),
            (
                Method::POST,
                "/compatibility/subjects/orders-value/versions/latest",
            ),
            (
                Method::POST,
                "/schemas/compatibility/subjects/orders-value/versions",
            ),
        ];
        for (method, path) in read {
            assert!(is_read(&method, path), "{method} {path}");
        }
        let write = [
            (Method::POST, "/subjects/orders-value/versions"),
            (Method::POST, "/schemas/subjects/orders-value/versions"),
            (Method::PUT, "/config"),
            (Method::PUT, "/mode/orders-value"),
            (Method::DELETE, "/subjects/orders-value"),
            (Method::DELETE, "/config"),
            (Method::POST, "/schemas/ids/1"),
            (Method::PATCH, "/subjects"),
        ];
        for (method, path) in write {
            assert!(!is_read(&method, path), "{method} {path}");
        }
    }
}
