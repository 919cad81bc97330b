//! Fuzz target `schema_parse`: see `streamhouse_fuzz::targets::schema_parsers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::schema_parsers::parse(data));
