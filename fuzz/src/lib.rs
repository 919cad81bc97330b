//! The fuzz target bodies (see `targets`), shared with the root package's
//! `tests/fuzz_replay.rs`, which replays the corpora through them under plain `cargo test`.

pub mod targets;
