//! Confluent's own Python client as a peer for data contracts:
//! `tests/python/registry_peer_contracts.py` registers schemas with metadata and rule sets
//! on our server and reads them back equal, finds them with `get_latest_with_metadata`,
//! and sets compatibility groups and default/override configs; `registry_peer_dek.py`
//! creates and reads KEKs and DEKs with its `DekRegistryClient`. On SQLite and PostgreSQL.
//! Needs `scripts/setup-python.sh`.
#![cfg(feature = "server")]

mod python_peer;
mod server_common;

use std::process::Command;

use python_peer::{python, workspace_root};
use server_common::{Backend, TestRegistry};

/// Runs `tests/python/{script}` against `r`, asserting it passed all its checks.
async fn run_peer(r: &TestRegistry, script: &str) {
    let python = python();
    let script = workspace_root().join("tests/python").join(script);
    let url = r.url.clone();
    let output =
        tokio::task::spawn_blocking(move || Command::new(python).arg(script).arg(url).output())
            .await
            .expect("join")
            .expect("run the python peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("checks passed"),
        "python peer failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
}

async fn confluent_python_client_speaks_data_contracts(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    run_peer(&r, "registry_peer_contracts.py").await;
    // The peer really used the contract routes of this server.
    let requests = r.server.requests();
    assert!(
        requests.count("GET", "/subjects/{subject}/metadata") >= 3,
        "{:?}",
        requests.snapshot()
    );
    assert!(
        requests.count("PUT", "/config/{subject}") >= 2,
        "{:?}",
        requests.snapshot()
    );
    r.finish().await;
}

/// Confluent's `DekRegistryClient` creates and reads KEKs and DEKs on our server.
async fn confluent_python_dek_client_creates_and_reads_keys(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    run_peer(&r, "registry_peer_dek.py").await;
    let requests = r.server.requests();
    assert!(
        requests.count("POST", "/dek-registry/v1/keks/{name}/deks/{dek_subject}") >= 3,
        "{:?}",
        requests.snapshot()
    );
    assert!(
        requests.count(
            "GET",
            "/dek-registry/v1/keks/{name}/deks/{dek_subject}/versions/{version}"
        ) >= 4,
        "{:?}",
        requests.snapshot()
    );
    r.finish().await;
}

on_both_backends!(
    confluent_python_client_speaks_data_contracts,
    confluent_python_dek_client_creates_and_reads_keys
);
