//! Fuzz target `compat_check`: see `streamhouse_fuzz::targets::compat`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| streamhouse_fuzz::targets::compat::check(data));
