//! The `JSONATA` migration executor (`rules/jsonata/jsonata_executor.py`, `JsonataExecutor`).

use serde_json::Value as JsonValue;

use super::{JsonataCache, JsonataError};
use crate::rules::{MigrationExecutor, RuleContext, RuleError};

/// Runs `JSONATA` migration rules: the rule's `expr` evaluated on the message as JSON, its
/// result the migrated message. Expressions are compiled once per (schema id, rule name) and
/// cached for the executor's life.
///
/// ```
/// use streamhouse_schema::rules::jsonata::JsonataExecutor;
/// use streamhouse_schema::rules::RuleRegistry;
///
/// let mut registry = RuleRegistry::with_defaults();
/// registry.register_migration_executor(JsonataExecutor::new());
/// assert!(registry.executor("JSONATA").is_some());
/// ```
#[derive(Debug, Default)]
pub struct JsonataExecutor {
    cache: JsonataCache,
}

impl JsonataExecutor {
    /// An executor with an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The compiled expressions.
    pub fn cache(&self) -> &JsonataCache {
        &self.cache
    }
}

impl MigrationExecutor for JsonataExecutor {
    fn rule_type(&self) -> &str {
        "JSONATA"
    }

    fn migrate(&self, ctx: &RuleContext<'_>, message: JsonValue) -> Result<JsonValue, RuleError> {
        let Some(expr) = ctx.rule.expr.as_deref() else {
            return Err(RuleError::execution(format!(
                "JSONATA rule '{}' has no expr",
                ctx.rule.name
            )));
        };
        self.cache
            .get(ctx.schema_id, &ctx.rule.name, expr)
            .and_then(|compiled| compiled.evaluate(&message))
            .map_err(|e: JsonataError| RuleError::execution(e.to_string()))
    }
}
