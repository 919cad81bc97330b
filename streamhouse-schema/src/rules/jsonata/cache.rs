//! Compiled expressions by (schema id, rule), as Confluent's `_JsonataCache` keeps them by
//! expression text (`rules/jsonata/jsonata_executor.py`).

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use super::{JsonataError, JsonataExpr};

/// Compiled JSONata expressions, each compiled once per (schema id, rule name, text);
/// failures are cached too, so a broken rule is not re-parsed for every message.
#[derive(Debug, Default)]
pub struct JsonataCache {
    compiled: RwLock<HashMap<i32, HashMap<String, Entry>>>,
}

#[derive(Debug, Clone)]
struct Entry {
    text: String,
    compiled: Result<JsonataExpr, JsonataError>,
}

impl JsonataCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The expression of rule `rule` of schema `schema_id`, compiled on first use. A rule
    /// whose text changed under the same key (a schema id is immutable in a registry, but a
    /// cache may outlive a test registry) is compiled again.
    pub fn get(&self, schema_id: i32, rule: &str, expr: &str) -> Result<JsonataExpr, JsonataError> {
        if let Some(entry) = self
            .compiled
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&schema_id)
            .and_then(|rules| rules.get(rule))
        {
            if entry.text == expr {
                return entry.compiled.clone();
            }
        }
        let compiled = JsonataExpr::compile(expr);
        self.compiled
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(schema_id)
            .or_default()
            .insert(
                rule.to_string(),
                Entry {
                    text: expr.to_string(),
                    compiled: compiled.clone(),
                },
            );
        compiled
    }

    /// How many (schema id, rule) pairs are cached.
    pub fn len(&self) -> usize {
        self.compiled
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(HashMap::len)
            .sum()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
