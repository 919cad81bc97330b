//! A scriptable HTTP stub of a schema registry on 127.0.0.1 for the client tests: it
//! records every request and answers with whatever the test's responder says, including
//! error statuses, invalid JSON and stalls.

#![allow(dead_code)] // each test file uses a different part

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;

/// One request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path as sent (still percent-encoded), without the query.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

/// What the stub answers.
pub enum Reply {
    /// A status and a body (sent as JSON content).
    Json(u16, String),
    /// A status and a body after a pause.
    Delayed(Duration, u16, String),
    /// Never answers.
    Stall,
}

impl Reply {
    pub fn ok(body: serde_json::Value) -> Self {
        Reply::Json(200, body.to_string())
    }

    /// A Confluent error body.
    pub fn error(status: u16, code: i32, message: &str) -> Self {
        Reply::Json(
            status,
            serde_json::json!({"error_code": code, "message": message}).to_string(),
        )
    }
}

type Responder = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

struct Shared {
    requests: Mutex<Vec<Recorded>>,
    down: AtomicBool,
    responder: Box<Responder>,
}

/// A running stub server.
pub struct Stub {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Stub {
    /// Starts a stub on an ephemeral port; `responder` gets each request and its 0-based
    /// arrival number.
    pub async fn start(
        responder: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Stub {
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            down: AtomicBool::new(false),
            responder: Box::new(responder),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Stub { url, shared, task }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    /// Takes the registry down: new connections are refused, and requests on
    /// connections still open get 503.
    pub fn shutdown(&self) {
        self.shared.down.store(true, Ordering::SeqCst);
        self.task.abort();
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let arrival = {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(recorded.clone());
        requests.len() - 1
    };
    let reply = if shared.down.load(Ordering::SeqCst) {
        Reply::error(503, 50003, "registry down")
    } else {
        (shared.responder)(&recorded, arrival)
    };
    let (status, body) = match reply {
        Reply::Json(status, body) => (status, body),
        Reply::Delayed(pause, status, body) => {
            tokio::time::sleep(pause).await;
            (status, body)
        }
        Reply::Stall => std::future::pending().await,
    };
    let status = StatusCode::from_u16(status).unwrap();
    (
        status,
        [("content-type", "application/vnd.schemaregistry.v1+json")],
        body,
    )
        .into_response()
}

/// A URL on which nothing listens (connection refused).
pub async fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

/// An Avro record schema with one long field, named so tests can tell schemas apart.
pub fn avro_record(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[{{"name":"id","type":"long"}}]}}"#)
}
