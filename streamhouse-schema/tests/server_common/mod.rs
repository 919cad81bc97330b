//! Shared helpers for the registry server tests: start a registry on SQLite or on an
//! isolated PostgreSQL schema, and talk to it over real HTTP on 127.0.0.1.
#![allow(dead_code)] // each test crate uses a different subset

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};

/// The PostgreSQL the tests use unless STREAMHOUSE_TEST_POSTGRES_URL says otherwise.
pub const DEFAULT_POSTGRES_URL: &str =
    "postgres://streamhouse:streamhouse@127.0.0.1:5432/streamhouse";

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one async scenario `fn(Backend)` as two tests, one per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::server_common::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::server_common::Backend::Postgres).await
                }
            }
        )+
    };
}

/// A database for one test: a SQLite file in a temp dir, or a fresh PostgreSQL schema.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    PgSchema { admin_url: String, schema: String },
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn postgres_base_url() -> String {
    std::env::var("STREAMHOUSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name("streamhouse_registry_test"));
                std::fs::create_dir_all(&dir).expect("create temp dir");
                let url = format!("sqlite://{}", dir.join("registry.db").display());
                TestDb {
                    url,
                    backend,
                    cleanup: Some(Cleanup::Dir(dir)),
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_base_url();
                let schema = unique_name("shtest");
                let mut admin = connect_admin(&admin_url).await;
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test schema");
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
                TestDb {
                    url,
                    backend,
                    cleanup: Some(Cleanup::PgSchema { admin_url, schema }),
                }
            }
        }
    }

    /// Removes the database; call at the end of a test (a failed test leaves it behind).
    pub async fn remove(mut self) {
        match self.cleanup.take() {
            Some(Cleanup::Dir(dir)) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Some(Cleanup::PgSchema { admin_url, schema }) => {
                let mut admin = connect_admin(&admin_url).await;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut admin)
                    .await
                    .expect("drop test schema");
            }
            None => {}
        }
    }
}

async fn connect_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    match sqlx::PgConnection::connect(url).await {
        Ok(connection) => connection,
        Err(error) => panic!(
            "PostgreSQL is not reachable at {url} ({error}). Run `sudo scripts/setup-postgres.sh` \
             (or set STREAMHOUSE_TEST_POSTGRES_URL) before running the registry tests."
        ),
    }
}

/// A running registry plus an HTTP client for it.
pub struct TestRegistry {
    pub server: RunningServer,
    pub db: TestDb,
    pub client: reqwest::Client,
    pub url: String,
}

/// An HTTP answer: status, content type and body parsed as JSON (Null when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// Asserts a Confluent error answer with this status and error code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, error_code: u64) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.body["error_code"],
            json!(error_code),
            "body: {}",
            self.text
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "error without message: {}",
            self.text
        );
    }

    /// Asserts 200 and returns the body.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.text);
        &self.body
    }
}

impl TestRegistry {
    pub async fn start(backend: Backend) -> TestRegistry {
        let db = TestDb::new(backend).await;
        Self::start_with(db, |config| config).await
    }

    pub async fn start_with(
        db: TestDb,
        configure: impl FnOnce(RegistryConfig) -> RegistryConfig,
    ) -> TestRegistry {
        let config = configure(RegistryConfig::new(
            "127.0.0.1:0".parse().expect("address"),
            db.url.clone(),
        ));
        let server = spawn(config).await.expect("start registry");
        let url = server.url();
        TestRegistry {
            server,
            db,
            client: reqwest::Client::new(),
            url,
        }
    }

    /// Stops the server and removes its database.
    pub async fn finish(self) {
        self.server.shutdown().await.expect("clean shutdown");
        self.db.remove().await;
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = self.client.request(method, format!("{}{}", self.url, path));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("HTTP request");
        answer(response).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Registers `schema` (Avro unless `schema_type`) under `subject`, asserting success; the id.
    pub async fn register(&self, subject: &str, schema: &str, schema_type: Option<&str>) -> i64 {
        let mut body = json!({ "schema": schema });
        if let Some(t) = schema_type {
            body["schemaType"] = json!(t);
        }
        let answer = self
            .post(&format!("/subjects/{subject}/versions"), &body)
            .await;
        answer.ok()["id"].as_i64().expect("numeric id")
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.expect("response body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        body,
        text,
    }
}

/// An Avro record schema `Order` with the given extra fields (JSON fragments).
pub fn order_schema(extra_fields: &[&str]) -> String {
    let mut fields = vec![r#"{"name":"id","type":"string"}"#.to_string()];
    fields.extend(extra_fields.iter().map(|f| f.to_string()));
    format!(
        r#"{{"type":"record","name":"Order","namespace":"shop","fields":[{}]}}"#,
        fields.join(",")
    )
}
