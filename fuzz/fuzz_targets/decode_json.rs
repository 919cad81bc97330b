//! Fuzz target `decode_json`: see `streamhouse_fuzz::targets::codecs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::codecs::json(data));
