//! Fuzz target `proto_descriptor`: see `streamhouse_fuzz::targets::proto_descriptor`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::proto_descriptor::run(data));
