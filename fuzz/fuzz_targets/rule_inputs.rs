//! Fuzz target `rule_inputs`: see `streamhouse_fuzz::targets::rules`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::rules::inputs(data));
