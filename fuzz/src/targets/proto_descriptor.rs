//! Target `proto_descriptor`: a serialized `FileDescriptorProto` turned into our model, on
//! both paths one takes.
//!
//! The input is the descriptor's bytes (base64-encoded here, as the registry exchanges
//! them, so that the fuzzer mutates the binary descriptor itself):
//!
//! - as a consumer reads a writer schema's `?format=serialized` form, not compiled again
//!   (`descriptor_from_base64`): printed as `.proto` text, each message looked up by name
//!   and by index path, and judged as a reader message by `can_read_message` — no panic;
//! - as the registry serves it (`serialized_proto_with_imports`: compiled, then the
//!   `json_name`s equal to protoc's default dropped on the wire bytes): what is served
//!   decodes, serving it again gives the same text, and its printed form parses and prints
//!   again to the same text.

use std::sync::OnceLock;

use streamhouse_schema::compat::protobuf::can_read_message;
use streamhouse_schema::schema::proto_file::{
    descriptor_from_base64, message_at_index_path, message_index_path, parse_proto, print_proto,
    serialized_proto_with_imports,
};

use super::schema_parsers::base64;

/// At most this many messages of a file are looked up (each lookup walks the file).
const MAX_MESSAGES: usize = 16;

/// The reader message the writer's messages are judged against, with nested types, a map,
/// a oneof and a recursive field, so that every kind of field comparison is reached.
const READER: &str = r#"syntax = "proto3";
package fuzz;
message Reader {
  string id = 1;
  int64 count = 2;
  Reader next = 3;
  map<string, Inner> by_key = 4;
  oneof choice { string text = 5; Inner inner = 6; }
  repeated double values = 7;
  message Inner { bytes data = 1; Kind kind = 2; }
}
enum Kind { A = 0; B = 1; }
"#;

/// [`READER`], compiled once.
fn reader() -> &'static prost_types::FileDescriptorProto {
    static READER_FILE: OnceLock<prost_types::FileDescriptorProto> = OnceLock::new();
    READER_FILE.get_or_init(|| parse_proto(READER).expect("the reader schema compiles"))
}

/// One input: see the module's documentation.
pub fn run(data: &[u8]) {
    let text = base64(data);
    if let Ok(file) = descriptor_from_base64(&text) {
        read_as_consumer(&file);
    }
    serve_as_registry(&text);
}

/// The full names of the messages of `file` (nested ones too), at most [`MAX_MESSAGES`].
fn message_names(file: &prost_types::FileDescriptorProto) -> Vec<String> {
    let mut names = Vec::new();
    let mut pending: Vec<(String, &prost_types::DescriptorProto)> = file
        .message_type
        .iter()
        .map(|message| (file.package().to_string(), message))
        .collect();
    while let Some((scope, message)) = pending.pop() {
        if names.len() == MAX_MESSAGES {
            break;
        }
        let name = match scope.as_str() {
            "" => message.name().to_string(),
            scope => format!("{scope}.{}", message.name()),
        };
        pending.extend(
            message
                .nested_type
                .iter()
                .map(|nested| (name.clone(), nested)),
        );
        names.push(name);
    }
    names
}

/// The consumer's walk over a served descriptor it does not compile: printing, index
/// lookups both ways, and the reader check. Anything may be wrong in the file; nothing
/// may panic.
fn read_as_consumer(file: &prost_types::FileDescriptorProto) {
    let _ = print_proto(file);
    let reader = reader();
    for name in message_names(file) {
        if let Some(path) = message_index_path(file, &name) {
            assert!(
                message_at_index_path(file, &path).is_some(),
                "the path {path:?} of {name} names no message"
            );
        }
        let _ = can_read_message(reader, "fuzz.Reader", file, &name);
        let _ = can_read_message(file, &name, file, &name);
    }
    let _ = message_at_index_path(file, &[]);
}

/// The registry's path: compile, serve, and read what was served.
fn serve_as_registry(text: &str) {
    let Ok(served) = serialized_proto_with_imports(text, &[]) else {
        return;
    };
    let file = descriptor_from_base64(&served)
        .unwrap_or_else(|e| panic!("what the registry serves does not decode: {e}"));
    assert_eq!(
        serialized_proto_with_imports(&served, &[]).as_deref(),
        Ok(served.as_str()),
        "serving a served descriptor changes it"
    );
    let printed = print_proto(&file);
    let again = parse_proto(&printed)
        .unwrap_or_else(|e| panic!("the printed form does not parse: {e}\n{printed}"));
    assert_eq!(print_proto(&again), printed, "printing is not stable");
}
