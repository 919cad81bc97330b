//! Confluent's own Python client as a peer: `tests/python/registry_peer.py` drives our server
//! with `SchemaRegistryClient` and round-trips Avro, JSON and Protobuf records through
//! Confluent's serializers, on SQLite and PostgreSQL; `tests/python/registry_peer_references.py`
//! does the same for schema references (a Protobuf import, an Avro named type);
//! `tests/python/registry_peer_descriptors.py` registers Protobuf schemas with map fields as
//! serialized descriptors, as Confluent's `ProtobufSerializer` does, and checks lookups, ids,
//! the stored text and `?format=serialized` against what was sent.
//! Needs `scripts/setup-python.sh`.
#![cfg(feature = "server")]

mod python_peer;
mod server_common;

use python_peer::{python, workspace_root};
use std::process::Command;

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

/// A Protobuf file with map fields, registered by Confluent's `ProtobufSerializer` as a
/// base64 `FileDescriptorProto`: one schema, one id, whichever form it is sent or asked in.
async fn confluent_python_descriptor_schemas(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    run_peer(&r, "registry_peer_descriptors.py").await;
    // Three subjects (the serializer's, a copy registered as text, the nested message's
    // topic), one schema: the descriptor and the text are the same schema.
    assert_eq!(
        r.get("/subjects").await.ok(),
        &serde_json::json!([
            "peer-maps-copy-value",
            "peer-maps-item-value",
            "peer-maps-value"
        ])
    );
    for subject in [
        "peer-maps-copy-value",
        "peer-maps-item-value",
        "peer-maps-value",
    ] {
        let version = r.get(&format!("/subjects/{subject}/versions/latest")).await;
        assert_eq!(version.ok()["id"], serde_json::json!(1), "{subject}");
        assert_eq!(version.ok()["version"], serde_json::json!(1), "{subject}");
    }
    let stored = r.get("/schemas/ids/1").await;
    let text = stored.ok()["schema"].as_str().expect("schema text");
    assert!(
        text.contains("  map<string, int64> counts = 2;\n"),
        "{text}"
    );
    assert!(
        text.contains("  map<string, .streamhouse.peer.maps.Inventory.Bin> bins = 5;\n"),
        "{text}"
    );
    let requests = r.server.requests();
    assert!(
        requests.count("GET", "/schemas/ids/{id}") >= 2,
        "{:?}",
        requests.snapshot()
    );
    r.finish().await;
}

on_both_backends!(
    confluent_python_client_interoperates,
    confluent_python_client_follows_references,
    confluent_python_descriptor_schemas
);
