//! Parsed expressions kept per thread, each with the arena its evaluations allocate in.
//!
//! `jsonata-rs` 0.3 keeps a parsed expression only in a `JsonAta<'arena>`, which is not
//! `Send` and borrows its arena, so it cannot be cached beside a [`JsonataExpr`]. Here each
//! thread keeps, for the few expressions it evaluated last, the arena and the `JsonAta`
//! parsed into it: an evaluation then skips parsing the expression. The arena cannot be
//! reset while the expression borrows it, so each evaluation's values stay in it until it
//! passes [`KEPT_BYTES`]; then the pair is dropped and parsed again.
//!
//! Only expressions without a `:=` binding are kept: the crate evaluates a top-level
//! binding into the expression's own frame, where it would outlive the evaluation and be
//! seen by the next message's.
//!
//! [`JsonataExpr`]: super::JsonataExpr

use std::cell::RefCell;
use std::sync::Arc;

use jsonata_rs::Arena;
use jsonata_rs::JsonAta;

use super::{convert, sift, JsonataError};
use super::{EVALUATION_TIME_LIMIT_MS, MAX_EVALUATION_DEPTH, MAX_VALUE_DEPTH};

/// An arena is kept until it holds this much; then its expression is parsed again into a
/// new one. Evaluations of a migration rule on a small record allocate a few KiB.
const KEPT_BYTES: usize = 256 * 1024;
/// How many expressions a thread keeps (the least recently used one goes first).
const KEPT_EXPRESSIONS: usize = 8;

/// An expression parsed into its own arena, with `$sift` registered.
#[ouroboros::self_referencing]
struct Parsed {
    arena: Arena,
    #[borrows(arena)]
    #[not_covariant]
    expr: JsonAta<'this>,
}

impl Parsed {
    fn parse(text: &str) -> Result<Self, JsonataError> {
        ParsedTryBuilder {
            arena: Arena::new(),
            expr_builder: |arena: &Arena| {
                let expr =
                    JsonAta::new(text, arena).map_err(|e| JsonataError::Parse(e.to_string()))?;
                expr.register_function("sift", 2, sift::fn_sift);
                Ok(expr)
            },
        }
        .try_build()
    }

    fn evaluate(&self, input: &serde_json::Value) -> Result<serde_json::Value, JsonataError> {
        self.with_expr(|expr| {
            let result = expr
                .evaluate_json_timeboxed(
                    input,
                    Some(MAX_EVALUATION_DEPTH),
                    Some(EVALUATION_TIME_LIMIT_MS),
                )
                .map_err(|e| JsonataError::Evaluation(e.to_string()))?;
            convert::to_json(result, MAX_VALUE_DEPTH)
        })
    }
}

thread_local! {
    /// This thread's kept expressions, most recently used last.
    static KEPT: RefCell<Vec<(Arc<str>, Parsed)>> = const { RefCell::new(Vec::new()) };
}

/// Whether `text` may be kept (see the module's documentation).
pub(super) fn keepable(text: &str) -> bool {
    !text.contains(":=")
}

/// Evaluates `text` (a checked, [`keepable`] expression) on `input` with this thread's kept parse of it, parsing it first if the
/// thread has none; `None` when the thread's storage is gone (the thread is exiting), for
/// the caller to evaluate without it.
///
/// Runs inside the caller's panic guard. The entry is taken out of the list while it
/// runs, so a panic drops it (a half-updated expression is never used again) and an
/// evaluation re-entering on this thread finds the list free.
pub(super) fn evaluate(
    text: &Arc<str>,
    input: &serde_json::Value,
) -> Option<Result<serde_json::Value, JsonataError>> {
    let taken = KEPT
        .try_with(|kept| {
            let mut kept = kept.try_borrow_mut().ok()?;
            let at = kept
                .iter()
                .position(|(kept_text, _)| Arc::ptr_eq(kept_text, text) || **kept_text == **text)?;
            Some(kept.remove(at))
        })
        .ok()?;
    let (text, parsed) = match taken {
        Some((text, parsed)) if parsed.borrow_arena().allocated_bytes() <= KEPT_BYTES => {
            (text, parsed)
        }
        _ => match Parsed::parse(text) {
            Ok(parsed) => (Arc::clone(text), parsed),
            Err(error) => return Some(Err(error)),
        },
    };
    let result = parsed.evaluate(input);
    // Put back (an evaluation that re-entered meanwhile may have filled the list).
    let _ = KEPT.try_with(|kept| {
        if let Ok(mut kept) = kept.try_borrow_mut() {
            if kept.len() >= KEPT_EXPRESSIONS {
                kept.remove(0);
            }
            kept.push((text, parsed));
        }
    });
    Some(result)
}
