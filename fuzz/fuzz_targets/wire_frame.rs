//! Fuzz target `wire_frame`: see `streamhouse_fuzz::targets::wire`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::wire::frame(data));
