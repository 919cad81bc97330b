//! Fuzz target `avro_splice`: see `streamhouse_fuzz::targets::avro_splice`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::avro_splice::run(data));
