//! A JSONata evaluation gives back all the memory it takes: a consumer migrating every
//! record through a rule must not grow. jsonata-rs allocates its values in a bump arena,
//! which runs no destructors, so anything in a value that owns memory of the global
//! allocator was lost at each evaluation (found by the `rule_inputs` fuzz target's leak
//! check). Live bytes are counted with a global allocator while this thread evaluates.
#![cfg(feature = "rules")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

use serde_json::json;
use streamhouse_schema::rules::jsonata::JsonataExpr;

struct LiveBytes;

static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn add(bytes: isize) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        LIVE.fetch_add(bytes, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counts.
unsafe impl GlobalAlloc for LiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: LiveBytes = LiveBytes;

/// Bytes still live after `f`, of those this thread allocated and freed while it ran.
fn kept_by(f: impl FnOnce()) -> isize {
    let before = LIVE.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    LIVE.load(Ordering::Relaxed) - before
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
