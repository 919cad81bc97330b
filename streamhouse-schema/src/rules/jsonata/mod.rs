//! JSONata expressions for Confluent's `JSONATA` migration rules, evaluated with the
//! `jsonata-rs` crate (0.3) plus `$sift`, which it lacks.
//!
//! The crate is a patched fork of jsonata-rs 0.3.4, the package `streamhouse-jsonata` in
//! `third_party/jsonata-rs` (`PATCHES.md` there): as published it lost memory at every
//! evaluation (values owning heap
//! memory in a bump arena that runs no destructors), about 1 400 bytes per record for
//! Confluent's documented UPGRADE rule. Its arena type is `jsonata_rs::Arena`.
//!
//! Confluent's clients run a migration rule's expression on the message as JSON
//! (`confluent_kafka/schema_registry/rules/jsonata/jsonata_executor.py`,
//! `JsonataExecutor.transform`: `jsonata.Jsonata(expr).evaluate(message)`), with the
//! expression compiled once and cached by its text. Here [`JsonataExpr::compile`] checks an
//! expression once (length, nesting, syntax) and the [`JsonataCache`] keeps it by
//! (schema id, rule name).
//!
//! # Supported functions
//!
//! Everything `jsonata-rs` 0.3 evaluates: paths, predicates, object constructors, the
//! transform operator (`~> |$|{...}, [...]|`), lambdas, `:=` bindings, and the functions
//! `$abs $append $assert $base64decode $base64encode $boolean $ceil $contains $count
//! $distinct $each $error $exists $filter $floor $fromMillis $join $keys $length $lookup
//! $lowercase $map $match $max $merge $millis $min $not $now $number $pad $power $random
//! $reduce $replace $reverse $round $single $sort $split $sqrt $string $substring
//! $substringAfter $substringBefore $sum $toMillis $trim $uppercase $uuid $zip`; and
//! `$sift`, added here with jsonata-js semantics. Functions outside this list (e.g.
//! `$spread`, `$type`, `$formatNumber`) fail with [`JsonataError::Evaluation`] (`T1006`).
//!
//! Numbers are doubles, as in every JSONata: a `long` beyond ±2^53 loses precision.
//!
//! # Why the text is kept rather than a syntax tree
//!
//! `jsonata-rs` 0.3 keeps a parsed expression only inside a `JsonAta<'arena>` that borrows
//! the arena its values are allocated in and is not `Send` (its frames are `Rc`). So a
//! compiled expression here is the checked text; each thread keeps its own parse of the expressions it evaluates, with their arenas
//! (see `kept`), and evaluates with a depth and time limit. An expression with a `:=`
//! binding is parsed for each evaluation instead, into a per-thread arena that is reset and
//! reused.
//!
//! # Limits
//!
//! Nothing an expression or a message holds can abort the process: expressions longer than
//! [`MAX_EXPRESSION_LEN`] or nesting deeper than [`MAX_EXPRESSION_NESTING`] are refused
//! before the (recursive) parser sees them, messages and results deeper than
//! [`MAX_VALUE_DEPTH`] are refused, evaluation stops at [`MAX_EVALUATION_DEPTH`] nested
//! calls and after [`EVALUATION_TIME_LIMIT_MS`], and a panic inside the crate is caught
//! and returned as [`JsonataError::Panicked`].
//!
//! ```
//! use streamhouse_schema::rules::jsonata::JsonataExpr;
//!
//! // Confluent's documented UPGRADE rule: field `size` renamed to `height`.
//! let upgrade = JsonataExpr::compile(
//!     "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])",
//! )?;
//! let v2 = upgrade.evaluate(&serde_json::json!({"name": "kite", "size": 3}))?;
//! assert_eq!(v2, serde_json::json!({"name": "kite", "height": 3}));
//! # Ok::<(), streamhouse_schema::rules::jsonata::JsonataError>(())
//! ```

mod cache;
mod convert;
mod error;
mod executor;
mod kept;
mod nesting;
pub mod plan;
pub mod reader;
mod sift;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use jsonata_rs::Arena;
use jsonata_rs::JsonAta;

pub use cache::JsonataCache;
pub use error::JsonataError;
pub use executor::JsonataExecutor;
pub use plan::{migrations, Migration};
pub use reader::{MigratingReader, ReaderVersion};

/// The longest expression accepted, in bytes.
pub const MAX_EXPRESSION_LEN: usize = 64 * 1024;
/// How deep an expression may nest (see the module's limits). Parsing and evaluating an
/// expression 48 deep fits a 2 MiB stack (tokio's worker default) even in a debug build
/// (the small-stack tests); 32 keeps a margin. Confluent's documented rules nest about 6.
pub const MAX_EXPRESSION_NESTING: usize = 32;
/// How deep a message given to an expression, and its result, may nest (objects and
/// arrays).
pub const MAX_VALUE_DEPTH: usize = 64;
/// The evaluator's own nesting limit (`evaluate_timeboxed`'s `max_depth`: nested
/// evaluations, so recursive lambdas stop with `U1001`).
pub const MAX_EVALUATION_DEPTH: usize = 200;
/// How long one evaluation may run, in milliseconds, before it stops with `U1001`.
pub const EVALUATION_TIME_LIMIT_MS: usize = 1_000;

/// An arena kept this large or smaller between evaluations; a bigger one is dropped.
const KEPT_ARENA_BYTES: usize = 1 << 20;

thread_local! {
    /// The arena evaluations on this thread allocate in, reset before each.
    static ARENA: RefCell<Arena> = RefCell::new(Arena::new());
}

/// A checked JSONata expression, cheap to clone and shared between threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonataExpr {
    text: Arc<str>,
}

impl JsonataExpr {
    /// Checks `expr`: its length and nesting (see the module's limits) and its syntax.
    pub fn compile(expr: &str) -> Result<Self, JsonataError> {
        if expr.len() > MAX_EXPRESSION_LEN {
            return Err(JsonataError::TooLong {
                len: expr.len(),
                limit: MAX_EXPRESSION_LEN,
            });
        }
        if nesting::expression_nesting(expr, MAX_EXPRESSION_NESTING).is_none() {
            return Err(JsonataError::TooDeep {
                limit: MAX_EXPRESSION_NESTING,
            });
        }
        guarded(|| {
            let arena = Arena::new();
            JsonAta::new(expr, &arena)
                .map(|_| ())
                .map_err(|e| JsonataError::Parse(e.to_string()))
        })?;
        Ok(JsonataExpr { text: expr.into() })
    }

    /// The expression's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluates the expression with `input` as its context (`$`).
    pub fn evaluate(&self, input: &serde_json::Value) -> Result<serde_json::Value, JsonataError> {
        if !nesting::json_depth_within(input, MAX_VALUE_DEPTH) {
            return Err(JsonataError::InputTooDeep {
                limit: MAX_VALUE_DEPTH,
            });
        }
        // The input goes to the crate as a value (the patched copy's
        // `evaluate_json_timeboxed`), as jsonata-js takes it, not printed and parsed again.
        if kept::keepable(&self.text) {
            let kept = guarded(|| kept::evaluate(&self.text, input).transpose())?;
            if let Some(result) = kept {
                return Ok(result);
            }
        }
        ARENA.with(|cell| match cell.try_borrow_mut() {
            Ok(mut arena) => {
                if arena.allocated_bytes() > KEPT_ARENA_BYTES {
                    *arena = Arena::new();
                } else {
                    arena.reset();
                }
                guarded(|| self.run(input, &arena))
            }
            // Only when an evaluation re-enters this one on the same thread.
            Err(_) => guarded(|| self.run(input, &Arena::new())),
        })
    }

    fn run(
        &self,
        input: &serde_json::Value,
        arena: &Arena,
    ) -> Result<serde_json::Value, JsonataError> {
        let expr =
            JsonAta::new(&self.text, arena).map_err(|e| JsonataError::Parse(e.to_string()))?;
        expr.register_function("sift", 2, sift::fn_sift);
        let result = expr
            .evaluate_json_timeboxed(
                input,
                Some(MAX_EVALUATION_DEPTH),
                Some(EVALUATION_TIME_LIMIT_MS),
            )
            .map_err(|e| JsonataError::Evaluation(e.to_string()))?;
        convert::to_json(result, MAX_VALUE_DEPTH)
    }
}

/// Runs `f`, turning a panic inside the crate into [`JsonataError::Panicked`].
fn guarded<T>(f: impl FnOnce() -> Result<T, JsonataError>) -> Result<T, JsonataError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(JsonataError::Panicked(message))
    })
}
