//! Compile-fail tests of `#[derive(StreamSchema)]`: one rule per case under `tests/ui/<rule>/`,
//! each with the exact message users see in its `.stderr`. Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p streamhouse-schema-ui` after a deliberate message change, then read them.
//! `private/` holds no derive: it checks that the helpers generated code calls are reachable
//! only through `streamhouse_schema::__private`, not through the public modules.

#[test]
fn derive_rejects_invalid_types_and_attributes_with_one_clear_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("unsupported-type/*.rs");
    t.compile_fail("attribute/*.rs");
    t.compile_fail("default/*.rs");
    t.compile_fail("names/*.rs");
    t.compile_fail("skip/*.rs");
    t.compile_fail("conflict/*.rs");
    t.compile_fail("enum/*.rs");
    t.compile_fail("container/*.rs");
    t.compile_fail("protobuf/*.rs");
    t.compile_fail("borrowed/*.rs");
    t.compile_fail("drift/*.rs");
    t.compile_fail("contract/*.rs");
    t.compile_fail("reference/*.rs");
    t.compile_fail("private/*.rs");
    t.pass("pass/*.rs");
    t.pass("drift/pass/*.rs");
}
