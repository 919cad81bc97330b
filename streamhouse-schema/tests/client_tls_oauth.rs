//! The client against our own registry over TLS (certificates generated here with rcgen): a
//! custom CA, mutual TLS with a client certificate, and OAuth bearer tokens from a
//! client-credentials token endpoint served in the test.
#![cfg(feature = "server")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use serde_json::json;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::registry::{OAuthClientCredentials, RegistryError, SchemaRegistryClient};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer, TlsConfig};

/// A certificate authority for the test.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key"))
            .expect("CA certificate");
        Ca { issuer }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate and its key, as PEM.
    fn issue(&self, names: &[&str], usage: ExtendedKeyUsagePurpose) -> (String, String) {
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let mut params = CertificateParams::new(names).expect("params");
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf");
        (cert.pem(), key.serialize_pem())
    }
}

/// PEM files for a TLS registry: server CA, server certificate, and the client CA.
struct Pki {
    dir: tempfile::TempDir,
    server_ca: Ca,
    client_ca: Ca,
}

impl Pki {
    fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().expect("temp dir"),
            server_ca: Ca::new("server CA"),
            client_ca: Ca::new("client CA"),
        };
        let (cert, key) = pki.server_ca.issue(
            &["localhost", "127.0.0.1"],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        pki.write("server.pem", &cert);
        pki.write("server.key", &key);
        pki.write("client-ca.pem", &pki.client_ca.pem());
        pki
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write PEM");
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn tls(&self, mutual: bool) -> TlsConfig {
        let tls = TlsConfig::new(self.path("server.pem"), self.path("server.key"));
        if mutual {
            tls.with_client_ca(self.path("client-ca.pem"))
        } else {
            tls
        }
    }

    /// A client certificate chain and key in one PEM text, issued by `ca`.
    fn client_identity(ca: &Ca) -> String {
        let (cert, key) = ca.issue(&["registry-client"], ExtendedKeyUsagePurpose::ClientAuth);
        format!("{cert}{key}")
    }
}

fn registry_error(error: &ClientError) -> &RegistryError {
    match error {
        ClientError::SchemaRegistryError(inner) => inner,
        other => panic!("not a registry error: {other}"),
    }
}

fn client(
    server: &RunningServer,
    ca: Option<&Ca>,
    identity: Option<String>,
) -> SchemaRegistryClient {
    let mut builder = SchemaRegistryClient::builder()
        .url(server.url())
        .max_retries(0);
    if let Some(ca) = ca {
        builder = builder.add_root_certificate_pem(ca.pem());
    }
    if let Some(identity) = identity {
        builder = builder.client_certificate_pem(identity);
    }
    builder.build().expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_custom_ca() {
    let pki = Pki::new();
    let server = spawn(RegistryConfig::in_memory().with_tls(pki.tls(false)))
        .await
        .expect("start");
    assert!(
        server.url().starts_with("https://127.0.0.1:"),
        "{}",
        server.url()
    );

    let trusted = client(&server, Some(&pki.server_ca), None);
    let schema = streamhouse_schema::registry::Schema::avro("\"string\"");
    assert_eq!(
        trusted
            .register("s-value", &schema)
            .await
            .expect("register"),
        1
    );
    assert_eq!(
        trusted.list_subjects().await.expect("list"),
        ["s-value".to_string()]
    );

    // Without the CA the certificate is unknown: a connection error, never a plain answer.
    let untrusted = client(&server, None, None);
    let error = untrusted.list_subjects().await.expect_err("unknown CA");
    assert!(
        matches!(registry_error(&error), RegistryError::Connection { .. }),
        "{error}"
    );
    // Plain HTTP to the TLS port gets no registry answer.
    let plain = reqwest::get(server.url().replace("https://", "http://")).await;
    assert!(
        plain.as_ref().map_or(true, |answer| answer.status() != 200),
        "{plain:?}"
    );
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_requires_a_certificate_from_the_client_ca() {
    let pki = Pki::new();
    let server = spawn(RegistryConfig::in_memory().with_tls(pki.tls(true)))
        .await
        .expect("start");

    let with_identity = client(
        &server,
        Some(&pki.server_ca),
        Some(Pki::client_identity(&pki.client_ca)),
    );
    assert_eq!(
        with_identity.list_subjects().await.expect("list"),
        Vec::<String>::new()
    );

    let without_identity = client(&server, Some(&pki.server_ca), None);
    let error = without_identity
        .list_subjects()
        .await
        .expect_err("no client certificate");
    assert!(registry_error(&error).is_unavailable(), "{error}");

    let stranger = Ca::new("another CA");
    let foreign_identity = client(
        &server,
        Some(&pki.server_ca),
        Some(Pki::client_identity(&stranger)),
    );
    let error = foreign_identity
        .list_subjects()
        .await
        .expect_err("certificate from another CA");
    assert!(registry_error(&error).is_unavailable(), "{error}");
    // Only the authenticated client reached a route.
    assert_eq!(server.requests().count("GET", "/subjects"), 1);
    server.shutdown().await.expect("shutdown");
}

#[test]
fn bad_tls_material_fails_at_build_or_start() {
    let error = SchemaRegistryClient::builder()
        .url("https://registry.example")
        .client_certificate_pem("not a PEM")
        .build()
        .expect_err("invalid identity");
    assert!(
        error.to_string().contains("invalid client certificate PEM"),
        "{error}"
    );
    let error = SchemaRegistryClient::builder()
        .url("https://registry.example")
        .client_certificate_pem(Pki::client_identity(&Ca::new("ca")))
        .http_client(reqwest::Client::new())
        .build()
        .expect_err("custom client");
    assert!(error.to_string().contains("custom"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_start_fails_on_missing_tls_files() {
    let missing = Path::new("/nonexistent/streamhouse/cert.pem");
    let error = spawn(RegistryConfig::in_memory().with_tls(TlsConfig::new(missing, missing)))
        .await
        .expect_err("missing certificate");
    assert!(
        error
            .to_string()
            .starts_with(&format!("TLS setup failed for {}", missing.display())),
        "{error}"
    );
}

/// The token endpoint's state: how many tokens it issued and their lifetime.
#[derive(Clone, Default)]
struct Issuer {
    issued: Arc<AtomicU64>,
    expires_in: Arc<AtomicU64>,
}

/// `POST /token`: client-credentials grant for `registry-app` / `app-secret`, scope
/// `schema_registry`; issues `token-1`, `token-2`...
async fn token_endpoint(
    State(issuer): State<Issuer>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("registry-app:app-secret")
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || form.get("scope").map(String::as_str) != Some("schema_registry")
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_request" })),
        )
            .into_response();
    }
    let number = issuer.issued.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({
        "access_token": format!("token-{number}"),
        "token_type": "Bearer",
        "expires_in": issuer.expires_in.load(Ordering::SeqCst),
    }))
    .into_response()
}

async fn start_issuer(issuer: Issuer) -> String {
    let app = Router::new()
        .route("/token", post(token_endpoint))
        .with_state(issuer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/token")
}

fn oauth_client(
    server: &RunningServer,
    pki: &Pki,
    token_url: &str,
    secret: &str,
) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .url(server.url())
        .add_root_certificate_pem(pki.server_ca.pem())
        .max_retries(0)
        .oauth_client_credentials(
            OAuthClientCredentials::new(token_url, "registry-app", secret).scope("schema_registry"),
        )
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_tokens_are_fetched_cached_and_refreshed() {
    let pki = Pki::new();
    let mut config = RegistryConfig::in_memory().with_tls(pki.tls(false));
    for number in 1..=5 {
        config = config.with_bearer_token(format!("token-{number}").parse().expect("token"));
    }
    let server = spawn(config).await.expect("start");
    let issuer = Issuer::default();
    let token_url = start_issuer(issuer.clone()).await;

    // Long-lived tokens: one fetch serves every request.
    issuer.expires_in.store(3600, Ordering::SeqCst);
    let cached = oauth_client(&server, &pki, &token_url, "app-secret");
    let schema = streamhouse_schema::registry::Schema::avro("\"string\"");
    assert_eq!(
        cached.register("s-value", &schema).await.expect("register"),
        1
    );
    assert_eq!(
        cached.list_subjects().await.expect("list"),
        ["s-value".to_string()]
    );
    assert_eq!(
        cached.list_versions("s-value").await.expect("versions"),
        [1]
    );
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 1);

    // Tokens that expire at once: each request fetches a new one (token-2, then token-3).
    issuer.expires_in.store(0, Ordering::SeqCst);
    let refreshing = oauth_client(&server, &pki, &token_url, "app-secret");
    refreshing.list_subjects().await.expect("list");
    refreshing.list_versions("s-value").await.expect("versions");
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 3);
    // The first client still uses its cached token.
    cached.list_subjects().await.expect("list");
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 3);

    // A refused client secret is a typed, non-retriable token error.
    let refused = oauth_client(&server, &pki, &token_url, "wrong-secret");
    let error = refused.list_subjects().await.expect_err("bad secret");
    match registry_error(&error) {
        RegistryError::Token {
            url,
            message,
            retriable,
            ..
        } => {
            assert_eq!(url, &token_url);
            assert_eq!(
                message,
                r#"status 401 Unauthorized: {"error":"invalid_client"}"#
            );
            assert!(!retriable);
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(!error.to_string().contains("wrong-secret"), "{error}");
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 3);
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_oauth_token_is_replaced_on_the_next_request() {
    let pki = Pki::new();
    // The registry knows only the second token the issuer hands out (the first was,
    // say, revoked).
    let server = spawn(
        RegistryConfig::in_memory()
            .with_tls(pki.tls(false))
            .with_bearer_token("token-2".parse().expect("token")),
    )
    .await
    .expect("start");
    let issuer = Issuer::default();
    issuer.expires_in.store(3600, Ordering::SeqCst);
    let token_url = start_issuer(issuer.clone()).await;
    let client = oauth_client(&server, &pki, &token_url, "app-secret");

    let error = client.list_subjects().await.expect_err("token-1 refused");
    assert!(
        matches!(
            registry_error(&error),
            RegistryError::Status {
                status: 401,
                error_code: Some(40101),
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(
        client.list_subjects().await.expect("token-2 accepted"),
        Vec::<String>::new()
    );
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 2);
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluent_cloud_headers_go_with_bearer_credentials() {
    type Seen = Arc<std::sync::Mutex<Vec<HeaderMap>>>;
    async fn subjects(State(seen): State<Seen>, headers: HeaderMap) -> Json<serde_json::Value> {
        seen.lock().expect("lock").push(headers);
        Json(json!([]))
    }
    let seen = Seen::default();
    let app = Router::new()
        .route("/subjects", axum::routing::get(subjects))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let cloud = SchemaRegistryClient::builder()
        .url(&url)
        .bearer_token("tok")
        .bearer_auth_logical_cluster("lsrc-123")
        .bearer_auth_identity_pool_id("pool-abc")
        .build()
        .expect("client");
    cloud.list_subjects().await.expect("list");
    // With basic auth the bearer headers are not sent.
    let basic = SchemaRegistryClient::builder()
        .url(&url)
        .basic_auth("key", "secret")
        .bearer_auth_logical_cluster("lsrc-123")
        .build()
        .expect("client");
    basic.list_subjects().await.expect("list");

    let seen = seen.lock().expect("lock");
    let header = |index: usize, name: &str| {
        seen[index]
            .get(name)
            .map(|value| value.to_str().expect("ascii").to_string())
    };
    assert_eq!(header(0, "authorization").as_deref(), Some("Bearer tok"));
    assert_eq!(header(0, "target-sr-cluster").as_deref(), Some("lsrc-123"));
    assert_eq!(
        header(0, "confluent-identity-pool-id").as_deref(),
        Some("pool-abc")
    );
    assert_eq!(header(1, "target-sr-cluster"), None);
    assert_eq!(
        header(1, "authorization").as_deref(),
        Some("Basic a2V5OnNlY3JldA==")
    );

    let error = SchemaRegistryClient::builder()
        .url(&url)
        .bearer_auth_identity_pool_id("bad\nvalue")
        .build()
        .expect_err("invalid header value");
    assert!(
        error.to_string().contains("confluent-identity-pool-id"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_tls_handshake_is_closed_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let pki = Pki::new();
    let server = spawn(
        RegistryConfig::in_memory()
            .with_tls(pki.tls(false))
            .with_header_read_timeout(std::time::Duration::from_millis(300)),
    )
    .await
    .expect("start");
    let mut silent = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    // Half a TLS record header, then nothing.
    let mut partial = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    partial.write_all(&[0x16, 0x03]).await.expect("write");

    let trusted = client(&server, Some(&pki.server_ca), None);
    assert_eq!(
        trusted.list_subjects().await.expect("served meanwhile"),
        Vec::<String>::new()
    );
    for stream in [&mut silent, &mut partial] {
        let mut received = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            stream.read_to_end(&mut received),
        )
        .await
        .expect("closed, not left hanging");
        // A clean close (or a reset), with nothing sent.
        assert!(read.map_or(true, |_| received.is_empty()), "{received:?}");
    }
    server.shutdown().await.expect("shutdown");
}
