//! Confluent's own Python client as a peer: `tests/python/registry_peer.py` drives our server
//! with `SchemaRegistryClient` and round-trips Avro, JSON and Protobuf records through
//! Confluent's serializers, on SQLite and PostgreSQL. Needs `scripts/setup-python.sh`.
#![cfg(feature = "server")]

mod server_common;

use std::path::PathBuf;
use std::process::Command;

use server_common::{Backend, TestRegistry};

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The venv's python (or STREAMHOUSE_PYTHON), checked to have confluent_kafka and grpc_tools.
fn python() -> PathBuf {
    let python = std::env::var_os("STREAMHOUSE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    let probe = Command::new(&python)
        .args(["-c", "import confluent_kafka.schema_registry, grpc_tools"])
        .output();
    match probe {
        Ok(output) if output.status.success() => python,
        Ok(output) => panic!(
            "{} lacks confluent-kafka or grpcio-tools ({}). Run scripts/setup-python.sh first.",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Err(error) => panic!(
            "cannot run {} ({error}). Run scripts/setup-python.sh first (or set STREAMHOUSE_PYTHON).",
            python.display()
        ),
    }
}

async fn confluent_python_client_interoperates(backend: Backend) {
    let python = python();
    let r = TestRegistry::start(backend).await;
    let script = workspace_root().join("tests/python/registry_peer.py");
    let url = r.url.clone();
    let output =
        tokio::task::spawn_blocking(move || Command::new(python).arg(script).arg(url).output())
            .await
            .expect("join")
            .expect("run the python peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python peer failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(stdout.contains("checks passed"), "stdout:\n{stdout}");
    // The peer really talked to this server: registrations, reads by id and deletes.
    let requests = r.server.requests();
    assert!(
        requests.count("POST", "/subjects/{subject}/versions") >= 6,
        "{:?}",
        requests.snapshot()
    );
    assert!(
        requests.count("GET", "/schemas/ids/{id}") >= 3,
        "{:?}",
        requests.snapshot()
    );
    assert!(
        requests.count("DELETE", "/subjects/{subject}") >= 2,
        "{:?}",
        requests.snapshot()
    );
    r.finish().await;
}

on_both_backends!(confluent_python_client_interoperates);
