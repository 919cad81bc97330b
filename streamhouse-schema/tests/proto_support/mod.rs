//! Shared helpers of the Protobuf tests: run `protoc` on generated `.proto` text, and decode
//! bytes with `prost-reflect` using the generated descriptor.
//!
//! A missing `protoc` fails the test with a message (the CI script installs Debian's
//! `protobuf-compiler`); it is never skipped.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage};
use prost_types::FileDescriptorProto;

/// The `protoc` binary: `$PROTOC`, else `protoc` on the `PATH`.
pub fn protoc() -> PathBuf {
    let bin = std::env::var_os("PROTOC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("protoc"));
    match Command::new(&bin).arg("--version").output() {
        Ok(out) if out.status.success() => bin,
        other => panic!(
            "protoc is required by the Protobuf tests and was not found ({bin:?}: {other:?}): install it with `apt-get install protobuf-compiler` or set PROTOC"
        ),
    }
}

/// Writes `text` as `name` in a fresh temporary directory and returns the directory.
fn write_proto(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("proto dir");
    }
    std::fs::write(&path, text).expect("write .proto");
    dir
}

/// Compiles `.proto` text with protoc and returns the file descriptors it produced
/// (imports included), failing the test with protoc's message when it does not compile.
pub fn protoc_compile(name: &str, text: &str) -> prost_types::FileDescriptorSet {
    let dir = write_proto(name, text);
    let out = dir.path().join("out.desc");
    let result = Command::new(protoc())
        .arg("-I")
        .arg(dir.path())
        .arg("--include_imports")
        .arg(format!("--descriptor_set_out={}", out.display()))
        .arg(name)
        .current_dir(dir.path())
        .output()
        .expect("run protoc");
    assert!(
        result.status.success(),
        "protoc rejected the generated .proto:\n{}\n--- text ---\n{text}",
        String::from_utf8_lossy(&result.stderr)
    );
    let bytes = std::fs::read(out).expect("descriptor set");
    prost_types::FileDescriptorSet::decode(bytes.as_slice()).expect("descriptor set decodes")
}

/// [`protoc_compile`] with the files `text` imports, as (import name, text) pairs; protoc's
/// own include directory serves `google/protobuf/*.proto`.
pub fn protoc_compile_with(
    name: &str,
    text: &str,
    imports: &[(&str, &str)],
) -> prost_types::FileDescriptorSet {
    let dir = write_proto(name, text);
    for (import, import_text) in imports {
        let path = dir.path().join(import);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("import dir");
        }
        std::fs::write(&path, import_text).expect("write import");
    }
    let out = dir.path().join("out.desc");
    let result = Command::new(protoc())
        .arg("-I")
        .arg(dir.path())
        .arg("--include_imports")
        .arg(format!("--descriptor_set_out={}", out.display()))
        .arg(name)
        .current_dir(dir.path())
        .output()
        .expect("run protoc");
    assert!(
        result.status.success(),
        "protoc rejected the generated .proto:\n{}\n--- text ---\n{text}",
        String::from_utf8_lossy(&result.stderr)
    );
    let bytes = std::fs::read(out).expect("descriptor set");
    prost_types::FileDescriptorSet::decode(bytes.as_slice()).expect("descriptor set decodes")
}

/// `protoc --decode=<message>`: the text form protoc reads `payload` as.
pub fn protoc_decode(name: &str, text: &str, message: &str, payload: &[u8]) -> String {
    let dir = write_proto(name, text);
    let mut child = Command::new(protoc())
        .arg("-I")
        .arg(dir.path())
        .arg(format!("--decode={message}"))
        .arg(name)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run protoc");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(payload)
        .expect("write payload");
    let out = child.wait_with_output().expect("protoc output");
    assert!(
        out.status.success(),
        "protoc --decode failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// A descriptor pool holding `file` and the well-known types it imports.
pub fn pool(file: &FileDescriptorProto) -> DescriptorPool {
    let mut pool = DescriptorPool::global();
    pool.add_file_descriptor_proto(file.clone())
        .unwrap_or_else(|e| panic!("prost-reflect rejects the descriptor: {e}"));
    pool
}

/// Decodes `payload` as `message` with prost-reflect and our descriptor.
pub fn reflect_decode(file: &FileDescriptorProto, message: &str, payload: &[u8]) -> DynamicMessage {
    let pool = pool(file);
    let desc = pool
        .get_message_by_name(message)
        .unwrap_or_else(|| panic!("no message {message} in the descriptor"));
    DynamicMessage::decode(desc, payload).unwrap_or_else(|e| panic!("prost-reflect: {e}"))
}
