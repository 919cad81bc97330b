//! The extension points: executors of message rules, field rules and migration rules.
//!
//! Mirrors Confluent's `RuleExecutor` / `FieldRuleExecutor` (`serde.py`). A field-rule
//! executor is prepared once per message and rule, which may be asynchronous (ENCRYPT
//! fetches or creates its DEK in the registry), then transforms each field synchronously.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value as JsonValue;

use super::error::RuleError;
use super::field::{FieldContext, FieldValue};
use super::message::{Message, RuleSchema};
use super::tags;
use crate::schema::contract::{Rule, RuleMode};
use crate::transport::Header;

/// A boxed future of a rule executor or action.
pub type RuleFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a rule runs with (`serde.py` `RuleContext`).
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    /// The subject the schema is registered under.
    pub subject: &'a str,
    /// The topic the record is sent to or read from.
    pub topic: &'a str,
    /// Whether the record's key (rather than its value) is being processed.
    pub is_key: bool,
    /// The schema id.
    pub schema_id: i32,
    /// The schema holding the rule (Confluent's `target`): its metadata gives tags and
    /// parameters.
    pub target: &'a RuleSchema,
    /// The schema migrated from (UPGRADE/DOWNGRADE), else `None`.
    pub source: Option<&'a RuleSchema>,
    /// The mode the rules run in: WRITE (producer), READ (consumer), UPGRADE or DOWNGRADE.
    pub mode: RuleMode,
    /// The rule.
    pub rule: &'a Rule,
    /// Its position in `rules` (the order rules run in: READ rules reversed).
    pub index: usize,
    /// The rules of this run, in the order they run.
    pub rules: &'a [Rule],
    /// The record's headers (read) or the headers being sent (write).
    pub headers: &'a [Header],
}

impl<'a> RuleContext<'a> {
    /// The rule's parameter `name`, else the target schema's metadata property of that name
    /// (`RuleContext.get_parameter`).
    pub fn parameter(&self, name: &str) -> Option<&'a str> {
        if let Some(value) = self.rule.params.get(name) {
            return Some(value.as_str());
        }
        self.target
            .schema
            .metadata
            .as_ref()
            .and_then(|m| m.properties.get(name))
            .map(String::as_str)
    }

    /// The tags of the field `full_name`: `inline` (from the schema) ∪ the metadata tags
    /// whose path matches (`RuleContext.enter_field`).
    pub fn field_tags(
        &self,
        full_name: &str,
        inline: Option<BTreeSet<String>>,
    ) -> BTreeSet<String> {
        let mut all = inline.unwrap_or_else(|| {
            self.target
                .inline_tags
                .get(full_name)
                .cloned()
                .unwrap_or_default()
        });
        tags::metadata_tags(self.target.schema.metadata.as_ref(), full_name, &mut all);
        all
    }
}

/// Whether a rule's result replaces the message.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleOutput {
    /// A CONDITION's verdict.
    Condition(bool),
    /// A TRANSFORM's result: the new message (in the same schema).
    Message(Message),
    /// A TRANSFORM that left the message as it was (a guard that did not hold).
    Unchanged,
}

/// An executor of rules over the whole message (`RuleExecutor`; `CEL`).
pub trait RuleExecutor: Send + Sync + 'static {
    /// The rule type it runs (`CEL`).
    fn rule_type(&self) -> &str;

    /// Runs `ctx.rule` on `message`: a verdict for a CONDITION, the new message for a
    /// TRANSFORM.
    fn transform(&self, ctx: &RuleContext<'_>, message: &Message) -> Result<RuleOutput, RuleError>;
}

/// The per-field transform of a field rule, prepared for one message
/// (`FieldTransform`).
pub trait FieldTransform: Send + Sync {
    /// Transforms one primitive field whose tags match the rule's (every primitive field
    /// when the rule has no tags). For a CONDITION rule, return `FieldValue::Bool(false)`
    /// to fail the rule; any other value passes. For a TRANSFORM, the returned value
    /// replaces the field's, after being checked against the field's type.
    fn transform(
        &self,
        ctx: &RuleContext<'_>,
        field: &FieldContext<'_>,
        value: FieldValue,
    ) -> Result<FieldValue, RuleError>;
}

/// An executor of field rules (`FieldRuleExecutor`; `CEL_FIELD`, `ENCRYPT`).
pub trait FieldRuleExecutor: Send + Sync + 'static {
    /// The rule type it runs (`CEL_FIELD`, `ENCRYPT`).
    fn rule_type(&self) -> &str;

    /// Prepares the transform of `ctx.rule` for one message (`new_transform`). May await:
    /// ENCRYPT fetches or creates its data key here. The engine calls it once per message
    /// and rule, then walks the fields synchronously.
    fn prepare<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> RuleFuture<'a, Result<Box<dyn FieldTransform + 'a>, RuleError>>;

    /// Prepares the transform without awaiting, when everything it needs is at hand (a
    /// compiled expression, a data key kept from an earlier message): the engine tries
    /// this first and calls [`prepare`](Self::prepare) only on `None`, so the common case
    /// makes no future. The transform is shared so that an executor may keep one per rule
    /// and hand out clones. The default always answers `None`.
    fn prepare_now<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> Option<Result<Arc<dyn FieldTransform + 'a>, RuleError>> {
        let _ = ctx;
        None
    }
}

/// An executor of migration rules (UPGRADE / DOWNGRADE / UPDOWN; `JSONATA`): the message
/// as JSON in, the migrated message as JSON out.
pub trait MigrationExecutor: Send + Sync + 'static {
    /// The rule type it runs (`JSONATA`).
    fn rule_type(&self) -> &str;

    /// Migrates `message` from `ctx.source` to `ctx.target`.
    fn migrate(&self, ctx: &RuleContext<'_>, message: JsonValue) -> Result<JsonValue, RuleError>;
}
