//! Guards the pinned schema the way a user's crate should: each case under
//! `tests/compile-fail/` is a breaking edit of `Order` (or a type nested in it), pinned to the
//! same committed `schemas/orders-value.avsc`, and must fail to compile with the message in
//! its `.stderr`. If a case starts compiling, the pin stopped protecting the topic.
//!
//! Regenerate the `.stderr` files after a deliberate message change with
//! `TRYBUILD=overwrite cargo test -p pinned-orders`, then read them.

#[test]
fn breaking_changes_to_the_pinned_order_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile-fail/*.rs");
}
