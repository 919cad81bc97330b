//! The bodies of the fuzz targets, as plain functions.
//!
//! Each `fuzz/fuzz_targets/<name>.rs` binary calls one of these, and the integration test
//! `tests/fuzz_replay.rs` (which includes this module with `#[path]`) runs every file of
//! `fuzz/corpus/<name>/` and `fuzz/artifacts/<name>/` through the same function, so plain
//! `cargo test` replays the corpora and the fixed crash inputs without nightly.
//!
//! A body returns normally on every input: errors from the code under test are expected
//! (that is what bad input should give), and a broken property is a panic naming it.

pub mod avro_splice;
pub mod cel_rules;
pub mod codecs;
pub mod compat;
pub mod proto_descriptor;
pub mod proto_rules;
pub mod resolve;
pub mod rules;
pub mod schema_parsers;
pub mod split;
pub mod types;
pub mod wire;

/// One fuzz target: its directory name under `fuzz/corpus/` and its body.
pub struct Target {
    /// The cargo-fuzz target name (also the corpus and artifacts directory name).
    pub name: &'static str,
    /// What the fuzzer runs on each input.
    pub body: fn(&[u8]),
}

/// Every target, in the order the README lists them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "wire_frame",
        body: wire::frame,
    },
    Target {
        name: "decode_avro",
        body: codecs::avro,
    },
    Target {
        name: "decode_json",
        body: codecs::json,
    },
    Target {
        name: "decode_proto",
        body: codecs::proto,
    },
    Target {
        name: "resolve_avro",
        body: resolve::decode,
    },
    Target {
        name: "schema_parse",
        body: schema_parsers::parse,
    },
    Target {
        name: "compat_check",
        body: compat::check,
    },
    Target {
        name: "rule_inputs",
        body: rules::inputs,
    },
    Target {
        name: "cel_rules",
        body: cel_rules::run,
    },
    Target {
        name: "proto_descriptor",
        body: proto_descriptor::run,
    },
    Target {
        name: "proto_rules",
        body: proto_rules::run,
    },
    Target {
        name: "avro_splice",
        body: avro_splice::run,
    },
];
