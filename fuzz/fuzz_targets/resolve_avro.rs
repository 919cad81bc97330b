//! Fuzz target `resolve_avro`: see `streamhouse_fuzz::targets::resolve`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::resolve::decode(data));
