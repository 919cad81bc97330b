//! Running a schema's rules on a message: selection by mode, order, disabled rules,
//! actions (`_execute_rules_with_phase` of Confluent's `_sync/serde.py`).

use serde_json::Value as JsonValue;

use super::action::dlq_headers;
use super::action::{ActionContext, ActionResult, ErrorAction, NoneAction, RuleAction};
use super::avro_splice::SplicePlan;
use super::cel::FieldProgram;
use super::counters;
use super::error::{RuleError, RuleFailure};
use super::executor::{RuleContext, RuleOutput};
use super::message::{Message, RuleSchema};
use super::registry::{Executor, RuleRegistry};
use super::walk::transform_fields;
use crate::schema::contract::{Rule, RuleKind, RuleMode};
use crate::transport::Header;

/// Where a message's rules run: the record around it.
#[derive(Debug, Clone, Copy)]
pub struct RuleRun<'a> {
    /// The subject of the schema.
    pub subject: &'a str,
    /// The topic.
    pub topic: &'a str,
    /// Whether this is the record's key.
    pub is_key: bool,
    /// The schema id of `target`.
    pub schema_id: i32,
    /// The schema whose rules run (the writer schema on READ, the registered one on WRITE;
    /// the schema migrated to for migrations).
    pub target: &'a RuleSchema,
    /// The schema migrated from (migrations only).
    pub source: Option<&'a RuleSchema>,
    /// The record's headers.
    pub headers: &'a [Header],
    /// The record's key bytes.
    pub original_key: Option<&'a [u8]>,
    /// The record's value as read (READ), for the DLQ.
    pub original_wire: Option<&'a [u8]>,
}

/// The rules of `schema` that `mode` runs, in order: the domain rules for WRITE and READ
/// (READ in reverse, "for symmetry"), the migration rules for UPGRADE (of the target) and
/// DOWNGRADE (of the source, reversed). The caller skips rules whose mode does not match.
/// The reversed orders are kept by [`RuleSchema::parse`]: nothing is copied per run.
pub fn rules_for<'a>(
    target: &'a RuleSchema,
    source: Option<&'a RuleSchema>,
    mode: RuleMode,
) -> &'a [Rule] {
    let set = |schema: &'a RuleSchema| schema.schema.rule_set.as_ref();
    match mode {
        RuleMode::Upgrade => set(target).map_or(&[], |s| s.migration_rules.as_slice()),
        RuleMode::Downgrade => source.map_or(&[], |s| s.migration_reversed.as_slice()),
        RuleMode::Read => &target.domain_reversed,
        _ => set(target).map_or(&[], |s| s.domain_rules.as_slice()),
    }
}

/// Whether `schema` has rules `mode` would consider (`_has_rules`), before any client
/// override: the producer and consumer skip the whole rule path for a schema without.
pub fn has_rules(schema: &crate::registry::Schema, mode: RuleMode) -> bool {
    let Some(set) = &schema.rule_set else {
        return false;
    };
    let rules = match mode {
        RuleMode::Upgrade | RuleMode::Downgrade | RuleMode::Updown => &set.migration_rules,
        _ => &set.domain_rules,
    };
    rules.iter().any(|rule| mode_applies(rule.mode, mode))
}

/// Whether any rule of `target` would run in WRITE or READ `mode` on this client (its
/// overrides and disabled names considered): when none would, the message need not be
/// decoded at all.
pub fn runs_any(registry: &RuleRegistry, target: &RuleSchema, mode: RuleMode) -> bool {
    let enabled_env = target
        .schema
        .rule_set
        .as_ref()
        .and_then(|s| s.enable_at.as_deref());
    rules_for(target, None, mode)
        .iter()
        .any(|rule| mode_applies(rule.mode, mode) && !is_disabled(registry, rule, enabled_env))
}

/// Whether a rule of mode `rule_mode` runs in `mode`.
fn mode_applies(rule_mode: RuleMode, mode: RuleMode) -> bool {
    match rule_mode {
        RuleMode::Writeread => matches!(mode, RuleMode::Write | RuleMode::Read),
        RuleMode::Updown => matches!(mode, RuleMode::Upgrade | RuleMode::Downgrade),
        other => other == mode,
    }
}

/// Runs the WRITE or READ rules of `run.target` on `message`. Returns the message and
/// whether a transform changed it, or the failure of the first rule whose action stopped
/// the record.
pub async fn execute_rules(
    registry: &RuleRegistry,
    run: &RuleRun<'_>,
    mode: RuleMode,
    mut message: Message,
) -> Result<(Message, bool), RuleFailure> {
    let rules = rules_for(run.target, run.source, mode);
    if rules.is_empty() {
        return Ok((message, false));
    }
    let enabled_env = run
        .target
        .schema
        .rule_set
        .as_ref()
        .and_then(|s| s.enable_at.as_deref());
    // The DLQ writes the message as it came in; keep a copy only when some action might.
    let original = rules
        .iter()
        .any(|rule| uses_custom_action(registry, rule))
        .then(|| message.clone());
    let mut changed = false;
    for (index, rule) in rules.iter().enumerate() {
        let ctx = RuleContext {
            subject: run.subject,
            topic: run.topic,
            is_key: run.is_key,
            schema_id: run.schema_id,
            target: run.target,
            source: run.source,
            mode,
            rule,
            index,
            rules,
            headers: run.headers,
        };
        if is_disabled(registry, rule, enabled_env) || is_dlq_replay(run.headers, rule) {
            continue;
        }
        if !mode_applies(rule.mode, mode) {
            continue;
        }
        let outcome = run_rule(registry, &ctx, &mut message).await;
        count_outcome(rule, mode, outcome.is_ok());
        let original_ref = original.as_ref().unwrap_or(&message);
        let action_ctx = ActionContext {
            rule: ctx,
            original_key: run.original_key,
            original_message: original_ref,
            original_wire: run.original_wire,
        };
        match outcome {
            Ok(rule_changed) => {
                changed |= rule_changed;
                let action = on_success(registry, rule);
                // NONE (also the default) lets the record go on and does nothing else.
                if action_name(rule, mode, action).is_some_and(|name| name != "NONE") {
                    run_action(registry, &action_ctx, action, "NONE", None).await?;
                }
            }
            Err(error) => {
                // A rule without an executor ends the run when its action lets the record
                // go on (Python returns the message there).
                let stop_here = matches!(error, RuleError::Unsupported(_));
                let action = on_failure(registry, rule);
                run_action(registry, &action_ctx, action, "ERROR", Some(error)).await?;
                if stop_here {
                    return Ok((message, changed));
                }
            }
        }
    }
    Ok((message, changed))
}

/// Counts a rule's run in [`telemetry::RULES`](crate::telemetry::RULES).
fn count_outcome(rule: &Rule, mode: RuleMode, success: bool) {
    // The built-in rule types have their keys made at compile time: no labels to copy,
    // allocate or hash for each run.
    if let Some(key) = counters::rule_key(&rule.rule_type, mode, success) {
        static METADATA: metrics::Metadata<'static> =
            metrics::Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));
        metrics::with_recorder(|recorder| recorder.register_counter(key, &METADATA)).increment(1);
        return;
    }
    metrics::counter!(
        crate::telemetry::RULES,
        "type" => rule.rule_type.clone(),
        "mode" => mode.as_str(),
        "outcome" => if success { "success" } else { "failure" },
    )
    .increment(1);
}

/// Runs one rule; `Ok(changed)` when it passed.
async fn run_rule(
    registry: &RuleRegistry,
    ctx: &RuleContext<'_>,
    message: &mut Message,
) -> Result<bool, RuleError> {
    let rule = ctx.rule;
    if rule.rule_type.is_empty() {
        return Err(RuleError::Unsupported(format!(
            "Rule type is None for rule {}",
            rule.name
        )));
    }
    let Some(executor) = registry.executor(&rule.rule_type) else {
        return Err(RuleError::Unsupported(format!(
            "Could not find rule executor of type {}",
            rule.rule_type
        )));
    };
    match executor {
        Executor::Message(executor) => match executor.transform(ctx, message)? {
            RuleOutput::Condition(true) => Ok(false),
            RuleOutput::Condition(false) => Err(RuleError::condition(rule)),
            RuleOutput::Unchanged => Ok(false),
            RuleOutput::Message(new) => {
                if rule.kind == RuleKind::Condition {
                    // A CONDITION whose executor returned a message: truthy, as in Python.
                    return Ok(false);
                }
                let changed = new != *message;
                *message = new;
                Ok(changed)
            }
        },
        Executor::Field(executor) => {
            if shadowed_by_same_tag_transform(ctx) {
                return Ok(false);
            }
            match executor.prepare_now(ctx) {
                Some(prepared) => transform_fields(ctx, message, prepared?.as_ref()),
                None => transform_fields(ctx, message, executor.prepare(ctx).await?.as_ref()),
            }
        }
        Executor::Migration(_) => Err(RuleError::Unsupported(format!(
            "{} rules run only as migrations (UPGRADE, DOWNGRADE, UPDOWN)",
            rule.rule_type
        ))),
    }
}

/// `FieldRuleExecutor.transform`'s skip: a field TRANSFORM is ignored when an earlier
/// (WRITE, UPGRADE) or later (READ, DOWNGRADE) rule transforms the same tags with the same
/// type, kind and mode.
fn shadowed_by_same_tag_transform(ctx: &RuleContext<'_>) -> bool {
    shadowed(ctx.rules, ctx.index, ctx.mode)
}

/// Whether rule `index` of `rules` is shadowed in a run of `mode` (see
/// [`shadowed_by_same_tag_transform`]).
fn shadowed(rules: &[Rule], index: usize, mode: RuleMode) -> bool {
    let Some(rule) = rules.get(index) else {
        return false;
    };
    let same = |other: &Rule| {
        !rule.tags.is_empty()
            && rule.kind == RuleKind::Transform
            && rule.kind == other.kind
            && rule.mode == other.mode
            && rule.rule_type == other.rule_type
            && rule.tags == other.tags
    };
    match mode {
        RuleMode::Write | RuleMode::Upgrade => rules[..index].iter().any(same),
        RuleMode::Read | RuleMode::Downgrade => {
            rules.get(index + 1..).unwrap_or_default().iter().any(same)
        }
        _ => false,
    }
}

/// Runs the UPGRADE or DOWNGRADE migration rules between `run.source` and `run.target`
/// on a JSON message (`_execute_migrations` for one step): for each rule of a
/// [`MigrationExecutor`](super::executor::MigrationExecutor)'s type, in order, the message
/// goes through the executor.
pub async fn execute_migration_rules(
    registry: &RuleRegistry,
    run: &RuleRun<'_>,
    mode: RuleMode,
    mut message: JsonValue,
) -> Result<JsonValue, RuleFailure> {
    let rules = rules_for(run.target, run.source, mode);
    let enabled_env = match mode {
        RuleMode::Downgrade => run.source.and_then(|s| s.schema.rule_set.as_ref()),
        _ => run.target.schema.rule_set.as_ref(),
    }
    .and_then(|s| s.enable_at.as_deref());
    let placeholder = Message::Json(JsonValue::Null);
    for (index, rule) in rules.iter().enumerate() {
        let ctx = RuleContext {
            subject: run.subject,
            topic: run.topic,
            is_key: run.is_key,
            schema_id: run.schema_id,
            target: run.target,
            source: run.source,
            mode,
            rule,
            index,
            rules,
            headers: run.headers,
        };
        if is_disabled(registry, rule, enabled_env) || !mode_applies(rule.mode, mode) {
            continue;
        }
        let result = match registry.executor(&rule.rule_type) {
            Some(Executor::Migration(executor)) => executor.migrate(&ctx, message.clone()),
            Some(_) => Err(RuleError::Unsupported(format!(
                "{} is not a migration rule type",
                rule.rule_type
            ))),
            None => Err(RuleError::Unsupported(format!(
                "Could not find rule executor of type {}",
                rule.rule_type
            ))),
        };
        count_outcome(rule, mode, result.is_ok());
        let action_ctx = ActionContext {
            rule: ctx,
            original_key: run.original_key,
            original_message: &placeholder,
            original_wire: run.original_wire,
        };
        match result {
            Ok(migrated) => {
                message = migrated;
                let action = on_success(registry, rule);
                run_action(registry, &action_ctx, action, "NONE", None).await?;
            }
            Err(error) => {
                let action = on_failure(registry, rule);
                run_action(registry, &action_ctx, action, "ERROR", Some(error)).await?;
            }
        }
    }
    Ok(message)
}

/// Whether a rule's actions (its own or the client's override) name one other than the
/// built-in ERROR and NONE.
fn uses_custom_action(registry: &RuleRegistry, rule: &Rule) -> bool {
    let custom = |action: Option<&str>| {
        action.is_some_and(|a| {
            a.split(',')
                .any(|a| !matches!(a.trim(), "" | "ERROR" | "NONE"))
        })
    };
    custom(on_success(registry, rule)) || custom(on_failure(registry, rule))
}

/// `_is_disabled`: the client override, else not enabled for clients (`enableAt` other
/// than ALL or CLIENT), else the rule's own flag; plus rules switched off by name.
fn is_disabled(registry: &RuleRegistry, rule: &Rule, enabled_env: Option<&str>) -> bool {
    if registry.is_disabled_name(&rule.name) {
        return true;
    }
    if let Some(disabled) = registry
        .override_of(&rule.rule_type)
        .and_then(|o| o.disabled)
    {
        return disabled;
    }
    let env = enabled_env.unwrap_or("ALL");
    if env != "ALL" && env != "CLIENT" {
        return true;
    }
    rule.disabled
}

/// `_is_dlq_replay`: a record read back from a DLQ carries `__rule.name`; that rule is
/// skipped so it does not fail again (the last header of that name counts).
fn is_dlq_replay(headers: &[Header], rule: &Rule) -> bool {
    headers
        .iter()
        .rev()
        .find(|h| h.key == dlq_headers::NAME)
        .is_some_and(|h| std::str::from_utf8(&h.value).is_ok_and(|v| v == rule.name))
}

fn on_success<'a>(registry: &'a RuleRegistry, rule: &'a Rule) -> Option<&'a str> {
    registry
        .override_of(&rule.rule_type)
        .and_then(|o| o.on_success.as_deref())
        .or(rule.on_success.as_deref())
}

fn on_failure<'a>(registry: &'a RuleRegistry, rule: &'a Rule) -> Option<&'a str> {
    registry
        .override_of(&rule.rule_type)
        .and_then(|o| o.on_failure.as_deref())
        .or(rule.on_failure.as_deref())
}

/// `_get_rule_action_name`: `"w,r"` pairs split by direction for WRITEREAD and UPDOWN.
fn action_name<'a>(rule: &Rule, mode: RuleMode, action: Option<&'a str>) -> Option<&'a str> {
    let action = action.filter(|a| !a.is_empty())?;
    if matches!(rule.mode, RuleMode::Writeread | RuleMode::Updown) && action.contains(',') {
        let mut parts = action.split(',');
        let first = parts.next().unwrap_or_default();
        let second = parts.next().unwrap_or_default();
        return match mode {
            RuleMode::Write | RuleMode::Upgrade => Some(first),
            RuleMode::Read | RuleMode::Downgrade => Some(second),
            _ => Some(action),
        };
    }
    Some(action)
}

/// `_run_action`: runs the named action (or the default); a failure the action stops on
/// becomes the [`RuleFailure`] the caller returns.
async fn run_action(
    registry: &RuleRegistry,
    ctx: &ActionContext<'_>,
    action: Option<&str>,
    default: &str,
    error: Option<RuleError>,
) -> Result<(), RuleFailure> {
    let rule = ctx.rule.rule;
    let name = action_name(rule, ctx.rule.mode, action).unwrap_or(default);
    let failure = |name: &str, reason: RuleError| RuleFailure {
        rule_name: rule.name.clone(),
        rule_type: rule.rule_type.clone(),
        mode: ctx.rule.mode,
        field: reason.field().map(str::to_string),
        subject: ctx.rule.subject.to_string(),
        action: name.to_string(),
        reason,
    };
    let result = match name {
        "ERROR" => ErrorAction.run(ctx, error.as_ref()).await,
        "NONE" => NoneAction.run(ctx, error.as_ref()).await,
        other => match registry.action(other) {
            Some(action) => action.run(ctx, error.as_ref()).await,
            None => {
                return Err(failure(
                    other,
                    RuleError::Unsupported(format!("Could not find rule action of type {other}")),
                ))
            }
        },
    };
    match result {
        ActionResult::Continue => Ok(()),
        ActionResult::Stop => Err(failure(
            name,
            error.unwrap_or_else(|| RuleError::execution(format!("Rule failed: {}", rule.name))),
        )),
    }
}

/// Whether every WRITE rule of `target` this client runs is a `CEL` CONDITION that
/// `evaluate` (a derived type's compiled conditions, `StreamSchema::declared_condition`,
/// then registered conditions compiled against its field table) answers `true` for, with no action on success. The run would then change nothing and
/// do nothing but count its successes ([`count_compiled_pass`], once the record is handed
/// on): the message need not be decoded. `false` sends the record down the interpreter's
/// path, which also reports a failing condition exactly as it always does.
pub(crate) fn compiled_conditions_pass(
    registry: &RuleRegistry,
    target: &RuleSchema,
    evaluate: &dyn Fn(&str) -> Option<bool>,
) -> bool {
    registry.builtin_cel()
        && write_rules_run(registry, target).all(|rule| {
            rule.kind == RuleKind::Condition
                && rule.rule_type == "CEL"
                && matches!(
                    action_name(rule, RuleMode::Write, on_success(registry, rule)),
                    None | Some("NONE")
                )
                && rule.expr.as_deref().and_then(evaluate) == Some(true)
        })
}

/// The plan of a WRITE run on `target` whose rules are all `CEL_FIELD` TRANSFORMs on the
/// built-in executor, with no action on success, none of them reading `message` (see
/// [`SplicePlan`]): the run can then splice their results into each frame and count its
/// successes ([`count_compiled_pass`]) instead of decoding the message.
pub(crate) fn splice_plan(registry: &RuleRegistry, target: &RuleSchema) -> Option<SplicePlan> {
    if !registry.builtin_cel_field() {
        return None;
    }
    let all = rules_for(target, None, RuleMode::Write);
    let mut rules = Vec::new();
    for (index, rule) in all.iter().enumerate() {
        if !write_rule_runs(registry, target, rule) {
            continue;
        }
        let plain_transform = rule.kind == RuleKind::Transform
            && rule.rule_type == "CEL_FIELD"
            && matches!(
                action_name(rule, RuleMode::Write, on_success(registry, rule)),
                None | Some("NONE")
            );
        if !plain_transform {
            return None;
        }
        // A shadowed transform does nothing (and counts a success) on the interpreter's path.
        if shadowed(all, index, RuleMode::Write) {
            continue;
        }
        rules.push((rule, FieldProgram::compile(rule.expr.as_deref()?)?));
    }
    if rules.is_empty() {
        return None;
    }
    SplicePlan::new(target, rules)
}

/// Counts the successes of a run [`compiled_conditions_pass`] answered for, as the
/// interpreter's run would have.
pub(crate) fn count_compiled_pass(registry: &RuleRegistry, target: &RuleSchema) {
    for rule in write_rules_run(registry, target) {
        count_outcome(rule, RuleMode::Write, true);
    }
}

/// The WRITE rules of `target` this client runs, in order.
fn write_rules_run<'a>(
    registry: &'a RuleRegistry,
    target: &'a RuleSchema,
) -> impl Iterator<Item = &'a Rule> {
    rules_for(target, None, RuleMode::Write)
        .iter()
        .filter(move |rule| write_rule_runs(registry, target, rule))
}

/// Whether `rule` of `target` runs on WRITE on this client.
fn write_rule_runs(registry: &RuleRegistry, target: &RuleSchema, rule: &Rule) -> bool {
    let enabled_env = target
        .schema
        .rule_set
        .as_ref()
        .and_then(|s| s.enable_at.as_deref());
    mode_applies(rule.mode, RuleMode::Write) && !is_disabled(registry, rule, enabled_env)
}
