//! Fuzz target `decode_avro`: see `streamhouse_fuzz::targets::codecs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::codecs::avro(data));
