//! Authentication over real HTTP: basic auth (any scheme case), static bearer tokens, the
//! read-only role (403 / 40301 on writes), 401 / 40101 with `WWW-Authenticate`, READONLY
//! mode still enforced for full-access credentials, and the client's bearer token.
#![cfg(feature = "server")]

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use streamhouse_schema::registry::{RegistryError, SchemaRegistryClient};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};

const SCHEMA: &str = r#"{"schema":"\"string\""}"#;

async fn start() -> RunningServer {
    spawn(
        RegistryConfig::in_memory()
            .with_basic_auth("ops", "0ps-pass")
            .with_readonly_basic_auth("reader", "r3ad")
            .with_bearer_token("writer-token".parse().expect("token"))
            .with_readonly_bearer_token("reader-token".parse().expect("token")),
    )
    .await
    .expect("start")
}

/// One request with a raw `Authorization` header (or none); the status and JSON body.
async fn call(
    server: &RunningServer,
    method: Method,
    path: &str,
    authorization: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value, Vec<String>) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.url()));
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let challenges = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|value| value.to_str().unwrap_or_default().to_string())
        .collect();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, challenges)
}

fn basic(user: &str, password: &str, scheme: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("{scheme} {encoded}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_wrong_credentials_get_401_40101_with_challenges() {
    let server = start().await;
    let wrong = basic("ops", "nope", "Basic");
    for authorization in [
        None,
        Some(wrong.as_str()),
        Some("Bearer not-a-token"),
        Some("Digest ops"),
        Some("Basic"),
    ] {
        let (status, body, challenges) =
            call(&server, Method::GET, "/subjects", authorization, None).await;
        assert_eq!(status, 401, "{authorization:?}");
        assert_eq!(
            body,
            json!({ "error_code": 40101, "message": "Unauthorized" }),
            "{authorization:?}"
        );
        assert_eq!(
            challenges,
            [
                "Basic realm=\"streamhouse-registry\"",
                "Bearer realm=\"streamhouse-registry\""
            ]
        );
    }
    // Probes stay open.
    let (status, _, _) = call(&server, Method::GET, "/health", None, None).await;
    assert_eq!(status, 200);
    // Unauthenticated requests never reach a route.
    assert_eq!(server.requests().count("GET", "/subjects"), 0);
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_scheme_in_any_case_and_bearer_tokens_authenticate() {
    let server = start().await;
    for scheme in ["Basic", "basic", "BASIC"] {
        let (status, body, _) = call(
            &server,
            Method::GET,
            "/subjects",
            Some(&basic("ops", "0ps-pass", scheme)),
            None,
        )
        .await;
        assert_eq!((status, body), (StatusCode::OK, json!([])), "{scheme}");
    }
    let (status, body, _) = call(
        &server,
        Method::POST,
        "/subjects/orders-value/versions",
        Some("bearer writer-token"),
        Some(SCHEMA),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": 1 })));
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_credentials_may_read_look_up_and_check_but_not_write() {
    let server = start().await;
    let writer = basic("ops", "0ps-pass", "Basic");
    let (status, _, _) = call(
        &server,
        Method::POST,
        "/subjects/orders-value/versions",
        Some(&writer),
        Some(SCHEMA),
    )
    .await;
    assert_eq!(status, 200);

    let reader_basic = basic("reader", "r3ad", "Basic");
    for reader in [reader_basic.as_str(), "Bearer reader-token"] {
        let allowed = [
            (Method::GET, "/subjects", None, json!(["orders-value"])),
            (
                Method::GET,
                "/schemas/ids/1",
                None,
                json!({ "schema": "\"string\"" }),
            ),
            (
                Method::POST,
                "/subjects/orders-value",
                Some(SCHEMA),
                json!({ "subject": "orders-value", "version": 1, "id": 1, "schema": "\"string\"" }),
            ),
            (
                Method::POST,
                "/compatibility/subjects/orders-value/versions/latest",
                Some(SCHEMA),
                json!({ "is_compatible": true }),
            ),
            (
                Method::POST,
                "/schemas/compatibility/subjects/orders-value/versions",
                Some(SCHEMA),
                json!({ "is_compatible": true }),
            ),
        ];
        for (method, path, body, expected) in allowed {
            let (status, answer, _) = call(&server, method.clone(), path, Some(reader), body).await;
            assert_eq!(status, 200, "{reader} {method} {path}: {answer}");
            assert_eq!(answer, expected, "{reader} {method} {path}");
        }
        let refused = [
            (
                Method::POST,
                "/subjects/orders-value/versions",
                Some(SCHEMA),
            ),
            (
                Method::POST,
                "/schemas/subjects/orders-value/versions",
                Some(SCHEMA),
            ),
            (Method::PUT, "/config", Some(r#"{"compatibility":"NONE"}"#)),
            (
                Method::PUT,
                "/mode/orders-value",
                Some(r#"{"mode":"READONLY"}"#),
            ),
            (Method::DELETE, "/subjects/orders-value", None),
            (Method::DELETE, "/config", None),
        ];
        for (method, path, body) in refused {
            let (status, answer, _) = call(&server, method.clone(), path, Some(reader), body).await;
            assert_eq!(status, 403, "{reader} {method} {path}: {answer}");
            assert_eq!(answer["error_code"], json!(40301), "{method} {path}");
            assert_eq!(
                answer["message"],
                json!(format!(
                    "Forbidden: read-only credentials cannot {method} {path}"
                ))
            );
        }
    }
    // Nothing changed.
    let (_, versions, _) = call(
        &server,
        Method::GET,
        "/subjects/orders-value/versions",
        Some(&writer),
        None,
    )
    .await;
    assert_eq!(versions, json!([1]));
    assert_eq!(server.requests().count("DELETE", "/subjects/{subject}"), 0);
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_mode_still_refuses_full_access_writes() {
    let server = start().await;
    let (status, _, _) = call(
        &server,
        Method::PUT,
        "/mode",
        Some("Bearer writer-token"),
        Some(r#"{"mode":"READONLY"}"#),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body, _) = call(
        &server,
        Method::POST,
        "/subjects/orders-value/versions",
        Some("Bearer writer-token"),
        Some(SCHEMA),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error_code"], json!(42205));
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_bearer_token_is_sent_and_a_wrong_one_is_a_401() {
    let server = start().await;
    let client = SchemaRegistryClient::builder()
        .url(server.url())
        .bearer_token("reader-token")
        .build()
        .expect("client");
    assert_eq!(
        client.list_subjects().await.expect("list"),
        Vec::<String>::new()
    );
    let wrong = SchemaRegistryClient::builder()
        .url(server.url())
        .bearer_token("guess")
        .max_retries(0)
        .build()
        .expect("client");
    let error = wrong.list_subjects().await.expect_err("401");
    let registry_error = match &error {
        streamhouse_schema::error::ClientError::SchemaRegistryError(inner) => inner,
        other => panic!("unexpected error {other}"),
    };
    assert!(
        matches!(
            registry_error,
            RegistryError::Status {
                status: 401,
                error_code: Some(40101),
                ..
            }
        ),
        "{registry_error}"
    );
    server.shutdown().await.expect("shutdown");
}
