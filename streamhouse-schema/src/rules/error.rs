//! What a rule reports when it fails, and the error the producer and consumer return.

use crate::schema::contract::{Rule, RuleMode};

/// Why a rule did not pass, as an executor or the field walk reports it.
///
/// The engine wraps it into a [`RuleFailure`] naming the rule, its type and mode.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    /// A CONDITION rule evaluated to false (Confluent's `RuleConditionError`). The text is
    /// the rule's `doc`, else `Rule expr failed: {expr}`, else `Rule failed: {name}`
    /// (`RuleConditionError.error_message`).
    #[error("{message}")]
    Condition {
        /// `RuleConditionError.error_message` of the rule.
        message: String,
        /// The full name of the field the condition failed on (CEL_FIELD), if any.
        field: Option<String>,
    },
    /// The rule could not be evaluated: an expression that does not compile, a runtime
    /// error, a result of the wrong type, a transform that does not fit the field's type.
    #[error("{message}")]
    Execution {
        /// What went wrong.
        message: String,
        /// The full name of the field, for field rules.
        field: Option<String>,
    },
    /// No executor is registered for the rule's type (`Could not find rule executor of
    /// type ...`), or the executor cannot run on this schema format.
    #[error("{0}")]
    Unsupported(String),
}

impl RuleError {
    /// The condition failure of `rule` (`RuleConditionError.error_message`).
    pub fn condition(rule: &Rule) -> Self {
        let message = if let Some(doc) = rule.doc.as_deref().filter(|d| !d.is_empty()) {
            doc.to_string()
        } else if let Some(expr) = rule.expr.as_deref().filter(|e| !e.is_empty()) {
            format!("Rule expr failed: {expr}")
        } else {
            format!("Rule failed: {}", rule.name)
        };
        RuleError::Condition {
            message,
            field: None,
        }
    }

    /// An evaluation error with this text.
    pub fn execution(message: impl Into<String>) -> Self {
        RuleError::Execution {
            message: message.into(),
            field: None,
        }
    }

    /// The same error, located at field `full_name` (kept if already located deeper).
    pub fn at_field(self, full_name: &str) -> Self {
        match self {
            RuleError::Condition {
                message,
                field: None,
            } => RuleError::Condition {
                message,
                field: Some(full_name.to_string()),
            },
            RuleError::Execution {
                message,
                field: None,
            } => RuleError::Execution {
                message,
                field: Some(full_name.to_string()),
            },
            other => other,
        }
    }

    /// The field the error is located at, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            RuleError::Condition { field, .. } | RuleError::Execution { field, .. } => {
                field.as_deref()
            }
            RuleError::Unsupported(_) => None,
        }
    }
}

/// A rule whose failure action stopped the record (`ERROR`, or `DLQ` after the record went
/// to the dead-letter topic): nothing is sent (producer) or returned (consumer).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "rule {rule_name:?} (type {rule_type}, {mode:?}) failed{}: {reason}",
    field.as_deref().map(|f| format!(" on field {f}")).unwrap_or_default()
)]
pub struct RuleFailure {
    /// The rule's name.
    pub rule_name: String,
    /// The rule's type (`CEL`, `CEL_FIELD`, `ENCRYPT`, ...).
    pub rule_type: String,
    /// The mode it ran in (WRITE on the producer, READ on the consumer, UPGRADE/DOWNGRADE
    /// for migrations).
    pub mode: RuleMode,
    /// The full name of the field, for field rules that failed on one.
    pub field: Option<String>,
    /// The subject whose schema holds the rule.
    pub subject: String,
    /// The action that ran (`ERROR`, `DLQ`).
    pub action: String,
    /// Why the rule failed.
    pub reason: RuleError,
}
