//! The executors and actions rules are run with, by rule type (`rule_registry.py`).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

// FxHash: the engine looks up executors, actions and overrides for every rule it runs.
use rustc_hash::FxHashMap as HashMap;

use super::action::RuleAction;
use super::executor::{FieldRuleExecutor, MigrationExecutor, RuleExecutor};

/// An executor, by the kind of rule it runs.
#[derive(Clone)]
pub enum Executor {
    /// Runs on the whole message (`CEL`).
    Message(Arc<dyn RuleExecutor>),
    /// Runs on fields (`CEL_FIELD`, `ENCRYPT`).
    Field(Arc<dyn FieldRuleExecutor>),
    /// Migrates between major versions (`JSONATA`).
    Migration(Arc<dyn MigrationExecutor>),
}

/// A client-side override of every rule of one type (`RuleOverride`): `None` keeps the
/// rule's own setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleOverride {
    /// Switches the rules off (`true`) or on (`false`).
    pub disabled: Option<bool>,
    /// Replaces the rules' `onSuccess`.
    pub on_success: Option<String>,
    /// Replaces the rules' `onFailure`.
    pub on_failure: Option<String>,
}

/// Executors by rule type, actions by name, client overrides (Confluent's
/// `RuleRegistry`). [`RuleRegistry::with_defaults`] has the `CEL` and `CEL_FIELD`
/// executors; ERROR and NONE actions are built in, DLQ is registered with its transport
/// ([`DlqAction`](super::action::DlqAction)).
#[derive(Clone, Default)]
pub struct RuleRegistry {
    executors: HashMap<String, Executor>,
    actions: HashMap<String, Arc<dyn RuleAction>>,
    overrides: HashMap<String, RuleOverride>,
    disabled_names: BTreeSet<String>,
    /// `CEL` runs on the built-in executor (set by [`with_defaults`](Self::with_defaults),
    /// cleared when another executor is registered for `CEL`): only then may a typed send
    /// evaluate compiled conditions on the value instead.
    builtin_cel: bool,
    /// The same for `CEL_FIELD`: only then may a WRITE run of constant field transforms
    /// splice their results into the frame (`avro_splice`).
    builtin_cel_field: bool,
}

impl fmt::Debug for RuleRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut executors: Vec<&String> = self.executors.keys().collect();
        executors.sort();
        let mut actions: Vec<&String> = self.actions.keys().collect();
        actions.sort();
        f.debug_struct("RuleRegistry")
            .field("executors", &executors)
            .field("actions", &actions)
            .field("overrides", &self.overrides)
            .field("disabled_names", &self.disabled_names)
            .finish()
    }
}

impl RuleRegistry {
    /// An empty registry (no executors: every rule fails with "no executor").
    pub fn new() -> Self {
        RuleRegistry::default()
    }

    /// A registry with the `CEL` and `CEL_FIELD` executors and the `JSONATA` migration
    /// executor. (`ENCRYPT` needs a key store on a registry client: register an
    /// `EncryptExecutor` with the `encryption` feature.)
    pub fn with_defaults() -> Self {
        let mut registry = RuleRegistry::new();
        registry.register_executor(super::cel::CelExecutor::new());
        registry.register_field_executor(super::cel::CelFieldExecutor::new());
        registry.register_migration_executor(super::jsonata::JsonataExecutor::new());
        registry.builtin_cel = true;
        registry.builtin_cel_field = true;
        registry
    }

    /// Whether `CEL` rules run on the built-in executor.
    pub(crate) fn builtin_cel(&self) -> bool {
        self.builtin_cel
    }

    /// Whether `CEL_FIELD` rules run on the built-in executor.
    pub(crate) fn builtin_cel_field(&self) -> bool {
        self.builtin_cel_field
    }

    /// Registers a message executor under its [`rule_type`](RuleExecutor::rule_type)
    /// (upper-cased, as Confluent looks types up).
    pub fn register_executor(&mut self, executor: impl RuleExecutor) -> &mut Self {
        let key = executor.rule_type().to_uppercase();
        self.builtin_cel &= key != "CEL";
        self.builtin_cel_field &= key != "CEL_FIELD";
        self.executors
            .insert(key, Executor::Message(Arc::new(executor)));
        self
    }

    /// Registers a field executor.
    pub fn register_field_executor(&mut self, executor: impl FieldRuleExecutor) -> &mut Self {
        let key = executor.rule_type().to_uppercase();
        self.builtin_cel &= key != "CEL";
        self.builtin_cel_field &= key != "CEL_FIELD";
        self.executors
            .insert(key, Executor::Field(Arc::new(executor)));
        self
    }

    /// Registers a migration executor.
    pub fn register_migration_executor(&mut self, executor: impl MigrationExecutor) -> &mut Self {
        let key = executor.rule_type().to_uppercase();
        self.builtin_cel &= key != "CEL";
        self.builtin_cel_field &= key != "CEL_FIELD";
        self.executors
            .insert(key, Executor::Migration(Arc::new(executor)));
        self
    }

    /// Registers an action under its [`action_type`](RuleAction::action_type).
    pub fn register_action(&mut self, action: impl RuleAction) -> &mut Self {
        self.actions
            .insert(action.action_type().to_string(), Arc::new(action));
        self
    }

    /// Overrides every rule of `rule_type` (`RuleOverride`).
    pub fn set_override(&mut self, rule_type: impl Into<String>, value: RuleOverride) -> &mut Self {
        self.overrides.insert(rule_type.into(), value);
        self
    }

    /// Switches off the rule named `name` in every schema.
    pub fn disable_rule(&mut self, name: impl Into<String>) -> &mut Self {
        self.disabled_names.insert(name.into());
        self
    }

    /// The executor of `rule_type` (looked up upper-cased).
    pub fn executor(&self, rule_type: &str) -> Option<&Executor> {
        self.executors.get(rule_type).or_else(|| {
            let upper = rule_type.to_uppercase();
            self.executors.get(&upper)
        })
    }

    /// The action named `name`, if registered.
    pub fn action(&self, name: &str) -> Option<&Arc<dyn RuleAction>> {
        self.actions.get(name)
    }

    /// The override of `rule_type`.
    pub fn override_of(&self, rule_type: &str) -> Option<&RuleOverride> {
        // Asked several times per rule run; most clients set none (nothing to hash then).
        if self.overrides.is_empty() {
            return None;
        }
        self.overrides.get(rule_type)
    }

    /// Whether the rule named `name` is switched off on this client.
    pub fn is_disabled_name(&self, name: &str) -> bool {
        self.disabled_names.contains(name)
    }
}
