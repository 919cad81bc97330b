//! Fuzz target `proto_rules`: see `streamhouse_fuzz::targets::proto_rules`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::proto_rules::run(data));
