//! Running the Python peers of `tests/python/` (Confluent's own client) from Rust tests:
//! the venv `scripts/setup-python.sh` makes, or `$STREAMHOUSE_PYTHON`. Two ways of talking
//! to a peer: a JSON request on its standard input and a JSON answer on stdout
//! ([`answer`]), or its cases in a JSON file named on the command line after the registry
//! URL ([`run_with_input_file`]).
#![allow(dead_code)] // each test crate uses a different subset

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

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

/// Runs `tests/python/<script>` with `args`, `input` written to its standard input as JSON;
/// what it prints on stdout, parsed as JSON. A peer that exits with an error fails the test
/// with its stderr. Blocking: async tests use [`answer_async`].
pub fn answer(script: &str, args: &[&str], input: &Value) -> Value {
    let mut child = Command::new(python())
        .arg(workspace_root().join("tests/python").join(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the python peer");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write the request");
    let output = child.wait_with_output().expect("python peer output");
    assert!(
        output.status.success(),
        "python peer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON answer")
}

/// [`answer`] on the blocking pool, so that the registry the peer talks to keeps serving.
pub async fn answer_async(script: &str, args: &[&str], input: Value) -> Value {
    let script = script.to_owned();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        answer(&script, &args, &input)
    })
    .await
    .expect("join")
}

/// What a peer that exited successfully printed.
pub struct PeerOutput {
    pub stdout: String,
    pub stderr: String,
}

impl PeerOutput {
    /// Stdout as the one JSON line the peer answers with.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).expect("one JSON line")
    }
}

/// Runs `python tests/python/<script> <url> <file>`, the file holding `input` as JSON, on
/// the blocking pool (the registry at `url` keeps serving). A peer that exits with an error
/// fails the test with its status, stdout and stderr.
pub async fn run_with_input_file(
    python: PathBuf,
    script: &str,
    url: &str,
    input: &impl serde::Serialize,
) -> PeerOutput {
    let dir = tempfile::tempdir().expect("temp dir");
    let input_path = dir.path().join("input.json");
    std::fs::write(&input_path, serde_json::to_vec(input).expect("json")).expect("write");
    let script = workspace_root().join("tests/python").join(script);
    let url = url.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .arg(url)
            .arg(input_path)
            .output()
    })
    .await
    .expect("join")
    .expect("run the python peer");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "python peer failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    PeerOutput { stdout, stderr }
}

/// Runs `producer_peer.py` (Confluent's deserializers) on the frame `cases` against the
/// registry at `url`, and checks that it decoded every one to the value sent.
pub async fn producer_peer_decodes_all(url: &str, cases: &Value) -> PeerOutput {
    let count = cases.as_array().map_or(0, Vec::len);
    let output = run_with_input_file(python(), "producer_peer.py", url, cases).await;
    assert!(
        output
            .stdout
            .contains(&format!("all {count} frames decoded to the values sent")),
        "stdout:\n{}\nstderr:\n{}",
        output.stdout,
        output.stderr
    );
    output
}
