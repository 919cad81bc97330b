//! Confluent's own Python client as a peer for data contracts:
//! `tests/python/registry_peer_contracts.py` registers schemas with metadata and rule sets
//! on our server and reads them back equal, finds them with `get_latest_with_metadata`,
//! and sets compatibility groups and default/override configs, on SQLite and PostgreSQL.
//! Needs `scripts/setup-python.sh`.
#![cfg(feature = "server")]

mod python_peer;
mod server_common;

use std::process::Command;

use python_peer::{python, workspace_root};
use server_common::{Backend, TestRegistry};

async fn confluent_python_client_speaks_data_contracts(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let python = python();
    let script = workspace_root().join("tests/python/registry_peer_contracts.py");
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

on_both_backends!(confluent_python_client_speaks_data_contracts);
