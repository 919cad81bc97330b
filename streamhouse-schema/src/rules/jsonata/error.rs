//! What can go wrong compiling or running a JSONata expression.

use thiserror::Error;

/// A JSONata expression that cannot be compiled or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum JsonataError {
    /// The expression does not parse (the evaluator's code and message, e.g. `S0202`).
    #[error("JSONata expression does not parse: {0}")]
    Parse(String),
    /// The expression is longer than [`MAX_EXPRESSION_LEN`](super::MAX_EXPRESSION_LEN) bytes.
    #[error("JSONata expression is {len} bytes long, more than the limit of {limit}")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The expression nests deeper than the parser may recurse safely (brackets, unary
    /// minus, conditions and bindings, see [`MAX_EXPRESSION_NESTING`](super::MAX_EXPRESSION_NESTING)).
    #[error("JSONata expression nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The message given to the expression nests deeper than
    /// [`MAX_VALUE_DEPTH`](super::MAX_VALUE_DEPTH).
    #[error("the message nests deeper than {limit} levels for JSONata")]
    InputTooDeep {
        /// The limit.
        limit: usize,
    },
    /// The expression threw (a JSONata runtime or type error, `$error()`, or the evaluation
    /// ran past its depth or time limit: `U1001`).
    #[error("JSONata expression failed: {0}")]
    Evaluation(String),
    /// The expression evaluated to nothing (JSONata's `undefined`), so there is no message.
    #[error("JSONata expression produced no value")]
    Undefined,
    /// The result is not JSON: a function, a regex, a non-finite number, or nested deeper
    /// than [`MAX_VALUE_DEPTH`](super::MAX_VALUE_DEPTH).
    #[error("JSONata result is not a JSON value: {0}")]
    NotJson(String),
    /// The evaluator panicked; the panic was caught and the message is kept.
    #[error("JSONata evaluator panicked: {0}")]
    Panicked(String),
}
