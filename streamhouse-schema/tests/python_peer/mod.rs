//! Running the Python peers of `tests/python/` (Confluent's own client) from Rust tests:
//! the venv `scripts/setup-python.sh` makes, or `$STREAMHOUSE_PYTHON`.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (the parent of this crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The venv's python (or STREAMHOUSE_PYTHON), checked to have confluent_kafka and
/// grpc_tools: a missing venv fails the test with what to run, never skips it.
pub fn python() -> PathBuf {
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
