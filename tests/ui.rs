//! Compile-fail tests of `#[derive(StreamSchema)]`: one rule per case under `tests/ui/<rule>/`,
//! each with the exact message users see in its `.stderr`. Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui` after a deliberate message change, then read them.

#[test]
fn derive_rejects_invalid_types_and_attributes_with_one_clear_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/unsupported-type/*.rs");
    t.compile_fail("tests/ui/attribute/*.rs");
    t.compile_fail("tests/ui/default/*.rs");
    t.compile_fail("tests/ui/names/*.rs");
    t.compile_fail("tests/ui/skip/*.rs");
    t.compile_fail("tests/ui/conflict/*.rs");
    t.compile_fail("tests/ui/enum/*.rs");
    t.compile_fail("tests/ui/container/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
