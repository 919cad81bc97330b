//! Slow and stalled clients over raw TCP: half-sent headers and idle connections are closed
//! after the header read timeout, a stalled body gets 408, a body declared over the limit
//! gets 413 at once, and stalled connections (below or above the connection cap) never stop
//! a normal client from being served.
//!
//! The `within` guards only turn a hang into a failure; they assert no speed.
#![cfg(feature = "server")]

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Fails the test instead of hanging when `future` never completes.
async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after 30 s"))
}

/// A connection that has sent `bytes` and then nothing more.
async fn stalled(addr: SocketAddr, bytes: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes.as_bytes()).await.expect("write");
    stream
}

/// Everything the server sends until it closes the connection.
async fn read_until_closed(mut stream: TcpStream) -> String {
    let mut received = Vec::new();
    // A reset instead of a clean close also counts as closed.
    let _ = stream.read_to_end(&mut received).await;
    String::from_utf8_lossy(&received).into_owned()
}

/// The status line and JSON body of a raw HTTP/1.1 answer.
fn parse_answer(raw: &str) -> (String, Value) {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete answer");
    let status = head.lines().next().unwrap_or_default().to_string();
    (status, serde_json::from_str(body).expect("a JSON body"))
}

async fn subjects_are_served(server: &RunningServer) {
    let subjects: Value = reqwest::get(format!("{}/subjects", server.url()))
        .await
        .expect("a normal client is served")
        .json()
        .await
        .expect("JSON");
    assert_eq!(subjects, json!([]));
}

const HALF_HEADER: &str = "GET /subjects HTTP/1.1\r\nHost: registry\r\nAccept: app";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_and_idle_connections_are_closed() {
    let server =
        spawn(RegistryConfig::in_memory().with_header_read_timeout(Duration::from_millis(300)))
            .await
            .expect("start");
    let half = stalled(server.addr(), HALF_HEADER).await;
    let idle = stalled(server.addr(), "").await;
    // Served while the others stall.
    subjects_are_served(&server).await;
    for (name, stream) in [("half header", half), ("idle", idle)] {
        let received = within(name, read_until_closed(stream)).await;
        // hyper closes without an answer, or answers 408 first.
        assert!(
            received.is_empty() || received.starts_with("HTTP/1.1 408"),
            "{name}: {received:?}"
        );
    }
    subjects_are_served(&server).await;
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_body_gets_408_and_is_closed() {
    let server = spawn(
        RegistryConfig::in_memory()
            .with_body_read_timeout(Duration::from_millis(300))
            // Above the declared length, so only the deadline can end the wait.
            .with_max_body_bytes(200_000_000),
    )
    .await
    .expect("start");
    let stream = stalled(
        server.addr(),
        "POST /subjects/orders-value/versions HTTP/1.1\r\nHost: registry\r\n\
         Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"schema\":",
    )
    .await;
    subjects_are_served(&server).await;
    let received = within("stalled body", read_until_closed(stream)).await;
    let (status, body) = parse_answer(&received);
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert_eq!(body["error_code"], json!(408));
    assert_eq!(
        body["message"],
        json!("Request body not received within 300ms")
    );
    assert!(
        received.to_ascii_lowercase().contains("connection: close"),
        "{received}"
    );
    // Nothing was registered.
    assert_eq!(
        server
            .requests()
            .count("POST", "/subjects/{subject}/versions"),
        0
    );
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_declared_over_the_limit_is_refused_before_reading() {
    // A long body deadline: the answer must not wait for it.
    let server = spawn(
        RegistryConfig::in_memory()
            .with_body_read_timeout(Duration::from_secs(3600))
            .with_max_body_bytes(1024),
    )
    .await
    .expect("start");
    let stream = stalled(
        server.addr(),
        "POST /subjects/orders-value/versions HTTP/1.1\r\nHost: registry\r\n\
         Content-Length: 100000000\r\n\r\n",
    )
    .await;
    let received = within("declared oversized body", read_until_closed(stream)).await;
    let (status, body) = parse_answer(&received);
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    assert_eq!(body["error_code"], json!(42209));
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_stalled_connections_below_the_cap_do_not_block_others() {
    // A header timeout far beyond the test: the stalled connections stay open throughout.
    let server =
        spawn(RegistryConfig::in_memory().with_header_read_timeout(Duration::from_secs(3600)))
            .await
            .expect("start");
    let mut stalled_connections = Vec::new();
    for _ in 0..100 {
        stalled_connections.push(stalled(server.addr(), HALF_HEADER).await);
    }
    within("normal request", subjects_are_served(&server)).await;
    drop(stalled_connections);
    within("shutdown", server.shutdown())
        .await
        .expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_beyond_the_cap_are_shed_and_others_served() {
    let server = spawn(
        RegistryConfig::in_memory()
            .with_max_client_connections(4)
            .with_header_read_timeout(Duration::from_millis(300)),
    )
    .await
    .expect("start");
    // Three times the cap: the rest wait in the listen backlog until the first are closed.
    let mut stalled_connections = Vec::new();
    for _ in 0..12 {
        stalled_connections.push(stalled(server.addr(), HALF_HEADER).await);
    }
    within("normal request", subjects_are_served(&server)).await;
    for (index, stream) in stalled_connections.into_iter().enumerate() {
        let received = within("stalled connection", read_until_closed(stream)).await;
        assert!(
            received.is_empty() || received.starts_with("HTTP/1.1 408"),
            "connection {index}: {received:?}"
        );
    }
    assert_eq!(server.requests().count("GET", "/subjects"), 1);
    // Never more than the cap at once, and the stalled clients did fill it.
    assert_eq!(server.peak_connections(), 4);
    server.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_with_an_idle_keep_alive_connection_open() {
    let server = spawn(RegistryConfig::in_memory()).await.expect("start");
    let client = reqwest::Client::new();
    let answer = client
        .get(format!("{}/subjects", server.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), 200);
    // `client` keeps its connection alive; shutdown must still end.
    within("shutdown", server.shutdown())
        .await
        .expect("shutdown");
    drop(client);
}
