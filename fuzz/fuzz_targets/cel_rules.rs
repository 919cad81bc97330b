//! Fuzz target `cel_rules`: see `streamhouse_fuzz::targets::cel_rules`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::cel_rules::run(data));
