//! A JSONata evaluation gives back all the memory it takes: a consumer migrating every
//! record through a rule must not grow. jsonata-rs allocates its values in a bump arena,
//! which runs no destructors, so anything in a value that owns memory of the global
//! allocator was lost at each evaluation (found by the `rule_inputs` fuzz target's leak
//! check). Live bytes are counted with the tests' counting allocator (`alloc_common`).
#![cfg(feature = "rules")]

mod alloc_common;

use std::sync::atomic::Ordering;

use alloc_common::{COUNTING, LIVE_BYTES};
use serde_json::json;
use streamhouse_schema::rules::jsonata::JsonataExpr;

/// Bytes still live after `f`, of those allocated and freed while it ran (this crate's only
/// test: no other thread allocates meanwhile).
fn kept_by(f: impl FnOnce()) -> isize {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    f();
    COUNTING.store(false, Ordering::Relaxed);
    LIVE_BYTES.load(Ordering::Relaxed) - before
}

/// Evaluations per case: enough that the smallest loss seen before the fix (about 310
/// bytes an evaluation: the built-in functions' names) adds up to three times the limit.
const EVALUATIONS: usize = 10_000;
/// What a thread may keep between evaluations: its kept parse's arena (replaced when it
/// passes 256 KiB) and the shared arena of unkept expressions, each at most one chunk over.
const KEPT_LIMIT: isize = 1024 * 1024;

#[test]
fn evaluations_give_back_their_memory() {
    let cases = [
        // Confluent's documented UPGRADE (a lambda, `$sift`, `$merge`): lost ~1 400 bytes
        // an evaluation before the fix.
        "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])",
        // A transform (its ASTs), a regex literal, and a binding (not kept between
        // evaluations: parsed every time).
        "$ ~> |$|{'name': $uppercase(name)}|",
        "$contains(name, /w.*t/i) ? {'hit': true} : {'hit': false}",
        "($x := size; {'double': $x * 2})",
    ];
    let input = json!({ "name": "widget", "size": 3 });
    for text in cases {
        let expr = JsonataExpr::compile(text).unwrap();
        // Warm up: the thread's kept parse and arenas are made here.
        let first = expr.evaluate(&input).unwrap();
        for _ in 0..50 {
            assert_eq!(expr.evaluate(&input).unwrap(), first);
        }
        let kept = kept_by(|| {
            for _ in 0..EVALUATIONS {
                std::hint::black_box(expr.evaluate(&input).unwrap());
            }
        });
        assert!(
            kept.abs() < KEPT_LIMIT,
            "{text}: {EVALUATIONS} evaluations kept {kept} bytes"
        );
    }
}
