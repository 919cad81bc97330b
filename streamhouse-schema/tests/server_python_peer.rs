//! Confluent's own Python client as a peer: `tests/python/registry_peer.py` drives our server
//! with `SchemaRegistryClient` and round-trips Avro, JSON and Protobuf records through
//! Confluent's serializers, on SQLite and PostgreSQL; `tests/python/registry_peer_references.py`
//! does the same for schema references (a Protobuf import, an Avro named type).
//! Needs `scripts/setup-python.sh`.
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
        output.status.success(),
        "python peer failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(stdout.contains("checks passed"), "stdout:\n{stdout}");
}

async fn confluent_python_client_interoperates(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    run_peer(&r, "registry_peer.py").await;
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

/// Protobuf imports and Avro named types through `references`, as Confluent's Python
/// serializers register and read them.
async fn confluent_python_client_follows_references(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    run_peer(&r, "registry_peer_references.py").await;
    let requests = r.server.requests();
    // The import was registered, then read back serialized by subject and version.
    assert!(
        requests.count("POST", "/subjects/{subject}/versions") >= 5,
        "{:?}",
        requests.snapshot()
    );
    assert!(
        requests.count("GET", "/subjects/{subject}/versions/{version}") >= 1,
        "{:?}",
        requests.snapshot()
    );
    r.finish().await;
}

on_both_backends!(
    confluent_python_client_interoperates,
    confluent_python_client_follows_references
);
