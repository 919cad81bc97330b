//! The `CEL` and `CEL_FIELD` rule executors (Confluent's `cel_executor.py` and
//! `cel_field_executor.py`) on the `cel` crate.
//!
//! An expression may start with a guard: `guard ; expr` runs `expr` only when `guard`
//! holds (a CONDITION whose guard does not hold passes; a TRANSFORM leaves the value).
//! Expressions are compiled once per (schema id, expression) and cached. An evaluation
//! binds its variables through a resolver that converts only what the expression reads,
//! when it reads it (see `Vars`); its context allocates nothing.

mod field_program;
mod proto;
mod proto_result;
mod typed;
mod value;

pub(crate) use field_program::{FieldProgram, StaticField};
pub use streamhouse_schema_core::cel::subset::Node as CompiledCondition;
pub use typed::compile_condition;
pub(crate) use typed::TypedConditions;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

use cel::common::types::{CelList, CelString};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, Env, Program, Value};

use self::value::{
    boxed, cel_to_field, cel_to_json, field_to_val, message_to_cel, truthy, LazyRecord,
};
use super::convert::json_to_avro;
use super::error::RuleError;
use super::executor::{
    FieldRuleExecutor, FieldTransform, RuleContext, RuleExecutor, RuleFuture, RuleOutput,
};
use super::field::{FieldContext, FieldValue};
use super::message::{Message, MessageRef, ParsedSchema};
use super::proto::ProtoMessage;
use crate::schema::contract::RuleKind;
use streamhouse_schema_core::cel::MAX_CEL_NESTING;

/// A compiled rule expression.
#[derive(Debug)]
struct Compiled {
    /// The part before `;`, if any and not blank.
    guard: Option<Program>,
    /// The expression proper.
    expr: Program,
    /// Whether the source uses `message` only to read its fields (`message.<field>`): then
    /// `message` is bound as a [`LazyRecord`] (a message of many fields costs what its read
    /// fields cost), else converted whole when the expression reads it.
    message_fields_only: bool,
}

/// Compiled expressions by schema id and expression text, shared by the two executors.
#[derive(Debug, Default)]
struct ProgramCache {
    programs: RwLock<HashMap<i32, HashMap<String, Arc<Compiled>>>>,
}

impl ProgramCache {
    /// The compiled `expr` of the rule in `ctx`, compiled on first use.
    fn get(&self, env: &Env, ctx: &RuleContext<'_>) -> Result<Arc<Compiled>, RuleError> {
        let Some(expr) = ctx.rule.expr.as_deref() else {
            return Err(RuleError::execution(format!(
                "rule {} has no expression",
                ctx.rule.name
            )));
        };
        if let Some(found) = self
            .programs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ctx.schema_id)
            .and_then(|by_expr| by_expr.get(expr))
        {
            return Ok(Arc::clone(found));
        }
        let compiled = Arc::new(compile(env, expr)?);
        self.programs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(ctx.schema_id)
            .or_default()
            .insert(expr.to_string(), Arc::clone(&compiled));
        Ok(compiled)
    }
}

/// The stack the CEL parser runs on (see [`on_parser_stack`]): room for
/// [`MAX_CEL_NESTING`] levels in a debug build, several times over.
const PARSER_STACK_BYTES: usize = 16 << 20;

/// Runs `parse` on a thread of its own with a [`PARSER_STACK_BYTES`] stack. The `cel`
/// crate's ANTLR parser uses tens of KiB of stack per nesting level in a debug build, more
/// than a tokio worker's 2 MiB can spare at [`MAX_CEL_NESTING`]; an expression is compiled
/// once per (schema id, expression), so a thread per compilation costs nothing per message.
fn on_parser_stack<T: Send>(
    parse: impl FnOnce() -> Result<T, RuleError> + Send,
) -> Result<T, RuleError> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("cel-parser".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, parse)
            .map_err(|e| RuleError::execution(format!("no thread to parse CEL on: {e}")))?;
        worker
            .join()
            .unwrap_or_else(|_| Err(RuleError::execution("the CEL parser panicked")))
    })
}

/// Splits off the guard at the first `;` (as `CelExecutor.execute`) and compiles both, on
/// the parser's own stack. Each part is parsed first with the nesting limit
/// ([`MAX_CEL_NESTING`]; `Env::compile` takes the crate's default of 96, which overflows
/// stacks), then compiled.
fn compile(env: &Env, source: &str) -> Result<Compiled, RuleError> {
    on_parser_stack(|| compile_parts(env, source))
}

fn compile_parts(env: &Env, source: &str) -> Result<Compiled, RuleError> {
    let compile_one = |text: &str| {
        let error = |e: &dyn std::fmt::Display| {
            RuleError::execution(format!("CEL expression {text:?} does not compile: {e}"))
        };
        env.parser()
            .max_recursion_depth(MAX_CEL_NESTING)
            .parse(text)
            .map_err(|e| {
                // The parser's own message for it is an ANTLR error's `Debug` text.
                if e.to_string().contains("Recursion limit of") {
                    error(&format_args!(
                        "it nests deeper than {MAX_CEL_NESTING} levels"
                    ))
                } else {
                    error(&e)
                }
            })?;
        env.compile(text).map_err(|e| error(&e))
    };
    let (guard, expr) = match source.split_once(';') {
        Some((guard, expr)) if !guard.trim().is_empty() => {
            (Some(compile_one(guard)?), compile_one(expr)?)
        }
        Some((_, expr)) => (None, compile_one(expr)?),
        None => (None, compile_one(source)?),
    };
    Ok(Compiled {
        guard,
        expr,
        message_fields_only: member_reads(source, "message").is_some(),
    })
}

/// The names `ident` is followed by as `ident.<name>` in `source`, if every occurrence of
/// `ident` as a word is such a member read; else `None`. A scan of the text: a match inside
/// a string literal only adds a field or falls back to `None`, both safe.
fn member_reads(source: &str, ident: &str) -> Option<Vec<String>> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut fields = Vec::new();
    let mut rest = source;
    let mut offset = 0;
    while let Some(found) = rest.find(ident) {
        let start = offset + found;
        let end = start + ident.len();
        let before = source[..start].chars().next_back();
        let after = &source[end..];
        offset = end;
        rest = after;
        if before.is_some_and(|c| is_word(c) || c == '.') || after.starts_with(is_word) {
            continue;
        }
        let member = after.strip_prefix('.')?;
        let name: String = member.chars().take_while(|&c| is_word(c)).collect();
        if name.is_empty() {
            return None;
        }
        if !fields.contains(&name) {
            fields.push(name);
        }
    }
    Some(fields)
}

/// The shared state of the executors: the CEL environment and the program cache.
struct Cel {
    env: Arc<Env>,
    cache: ProgramCache,
}

impl std::fmt::Debug for Cel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cel")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Cel {
    fn new() -> Self {
        let mut env = Env::stdlib();
        // The string functions of CEL's strings extension (`substring`, `replace`,
        // `lowerAscii`, ...), which Confluent's Java executor also enables
        // (`CelExtensions.strings()`); masking rules use them. An extension that does not
        // load leaves the standard library.
        if let Err(error) = env.add_extension(cel::extensions::strings) {
            tracing::warn!(%error, "CEL strings extension not loaded");
        }
        Cel {
            env: Arc::new(env),
            cache: ProgramCache::default(),
        }
    }

    /// Evaluates `compiled` with the variables `vars`: `None` when the guard did not hold.
    fn evaluate(
        &self,
        compiled: &Compiled,
        vars: &dyn VariableResolver,
    ) -> Result<Option<Value>, RuleError> {
        // A root context without variables of its own allocates nothing; the resolver
        // answers every variable.
        let mut context = Context::with_env(Arc::clone(&self.env));
        context.set_variable_resolver(vars);
        if let Some(guard) = &compiled.guard {
            let verdict = guard
                .execute(&context)
                .map_err(|e| RuleError::execution(format!("CEL guard failed: {e}")))?;
            if !truthy(&verdict) {
                return Ok(None);
            }
        }
        compiled
            .expr
            .execute(&context)
            .map(Some)
            .map_err(|e| RuleError::execution(format!("CEL evaluation failed: {e}")))
    }
}

/// The `CEL` executor: a CONDITION or TRANSFORM over the whole message, bound as
/// `message`. A TRANSFORM's result replaces the message and must fit its schema (on
/// Protobuf, a map of the message's fields by name, as `message` is bound).
#[derive(Debug)]
pub struct CelExecutor {
    cel: Cel,
}

impl CelExecutor {
    /// A new executor with its own program cache.
    pub fn new() -> Self {
        CelExecutor { cel: Cel::new() }
    }
}

impl Default for CelExecutor {
    fn default() -> Self {
        CelExecutor::new()
    }
}

impl RuleExecutor for CelExecutor {
    fn rule_type(&self) -> &str {
        "CEL"
    }

    fn transform(&self, ctx: &RuleContext<'_>, message: &Message) -> Result<RuleOutput, RuleError> {
        let compiled = self.cel.cache.get(&self.cel.env, ctx)?;
        let vars = Vars {
            message: message.as_ref(),
            message_fields_only: compiled.message_fields_only,
            field: None,
        };
        let result = self.cel.evaluate(&compiled, &vars)?;
        if ctx.rule.kind == RuleKind::Condition {
            return Ok(RuleOutput::Condition(result.as_ref().is_none_or(truthy)));
        }
        let Some(result) = result else {
            return Ok(RuleOutput::Unchanged);
        };
        let new = match (&ctx.target.parsed, message) {
            (ParsedSchema::Avro { schema, names }, _) => {
                Message::Avro(json_to_avro(&cel_to_json(&result, 0)?, schema, names)?)
            }
            (ParsedSchema::Json(_), _) => Message::Json(cel_to_json(&result, 0)?),
            // The result replaces the message in its own type, as Confluent's Go and Java
            // executors take it (see `proto_result`).
            (ParsedSchema::Protobuf(_), Message::Protobuf(original)) => {
                Message::Protobuf(ProtoMessage {
                    indexes: original.indexes.clone(),
                    message: proto_result::cel_to_message(&result, &original.message)?,
                })
            }
            (ParsedSchema::Protobuf(_), _) => {
                return Err(RuleError::execution(
                    "the message is not of the schema's format",
                ))
            }
        };
        Ok(RuleOutput::Message(new))
    }
}

/// The `CEL_FIELD` executor: runs on every primitive field the rule's tags select (every
/// primitive field without tags), with `value`, `fullName`, `name`, `typeName`, `tags`
/// and `message` (the containing record) bound as in `cel_field_executor.py`. A
/// CONDITION that is false fails the rule on that field; a TRANSFORM's result replaces
/// the field's value and must fit the field's type.
#[derive(Debug, Clone)]
pub struct CelFieldExecutor {
    cel: Arc<Cel>,
}

impl CelFieldExecutor {
    /// A new executor with its own program cache.
    pub fn new() -> Self {
        CelFieldExecutor {
            cel: Arc::new(Cel::new()),
        }
    }
}

impl Default for CelFieldExecutor {
    fn default() -> Self {
        CelFieldExecutor::new()
    }
}

impl FieldRuleExecutor for CelFieldExecutor {
    fn rule_type(&self) -> &str {
        "CEL_FIELD"
    }

    fn prepare<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> RuleFuture<'a, Result<Box<dyn FieldTransform + 'a>, RuleError>> {
        Box::pin(async move {
            let transform = self.transform_for(ctx)?;
            Ok(Box::new(transform) as Box<dyn FieldTransform + 'a>)
        })
    }

    fn prepare_now<'a>(
        &'a self,
        ctx: &'a RuleContext<'a>,
    ) -> Option<Result<Arc<dyn FieldTransform + 'a>, RuleError>> {
        Some(
            self.transform_for(ctx)
                .map(|transform| Arc::new(transform) as Arc<dyn FieldTransform + 'a>),
        )
    }
}

impl CelFieldExecutor {
    /// The rule's compiled program (compiled on its first message), as a field transform.
    fn transform_for(&self, ctx: &RuleContext<'_>) -> Result<CelFieldTransform<'_>, RuleError> {
        let compiled = self.cel.cache.get(&self.cel.env, ctx)?;
        Ok(CelFieldTransform {
            cel: &self.cel,
            compiled,
        })
    }
}

/// A CEL_FIELD rule prepared for one message.
struct CelFieldTransform<'a> {
    cel: &'a Cel,
    compiled: Arc<Compiled>,
}

impl FieldTransform for CelFieldTransform<'_> {
    fn transform(
        &self,
        ctx: &RuleContext<'_>,
        field: &FieldContext<'_>,
        value: FieldValue,
    ) -> Result<FieldValue, RuleError> {
        if !field.field_type.is_primitive() {
            return Ok(value);
        }
        let vars = Vars {
            message: field.containing,
            message_fields_only: self.compiled.message_fields_only,
            field: Some((field, &value)),
        };
        let result = self.cel.evaluate(&self.compiled, &vars)?;
        if ctx.rule.kind == RuleKind::Condition {
            return Ok(FieldValue::Bool(result.as_ref().is_none_or(truthy)));
        }
        match result {
            None => Ok(value),
            Some(result) => cel_to_field(&result),
        }
    }
}

/// The variables of one evaluation, as `cel_executor.py` and `cel_field_executor.py`
/// bind them: `message` (the message, or for a field rule the record the field is in),
/// and for a field rule `value`, `fullName`, `name`, `typeName` and `tags`. Each is
/// converted only when the expression reads it, borrowing strings where it can.
struct Vars<'a> {
    message: MessageRef<'a>,
    message_fields_only: bool,
    field: Option<(&'a FieldContext<'a>, &'a FieldValue)>,
}

impl VariableResolver for Vars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let owned = |value: Box<dyn Val + 'b>| Some(CowVal::Owned(value));
        match (variable, self.field) {
            ("message", _) => match LazyRecord::of(self.message) {
                Some(lazy) if self.message_fields_only => owned(Box::new(lazy)),
                _ => boxed(message_to_cel(self.message)).ok().and_then(owned),
            },
            ("value", Some((_, value))) => field_to_val(value).ok().and_then(owned),
            ("fullName", Some((field, _))) => owned(Box::new(CelString::from(field.full_name))),
            ("name", Some((field, _))) => owned(Box::new(CelString::from(field.name))),
            ("typeName", Some((field, _))) => {
                owned(Box::new(CelString::from(field.field_type.name())))
            }
            ("tags", Some((field, _))) => owned(Box::new(tags_value(field.tags))),
            _ => None,
        }
    }
}

fn tags_value(tags: &BTreeSet<String>) -> CelList<'_> {
    CelList::from(
        tags.iter()
            .map(|t| Box::new(CelString::from(t.as_str())) as Box<dyn Val + '_>)
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::{compile, member_reads, Cel, MAX_CEL_NESTING};

    /// `f` on a thread with a tokio worker's 2 MiB stack.
    fn on_worker_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn_scoped(scope, f)
                .unwrap()
                .join()
                .unwrap()
        })
    }

    #[test]
    fn expressions_nested_past_the_limit_are_refused_not_a_stack_overflow() {
        let env = Cel::new().env;
        let nested = |levels: usize| format!("{}1{} == 1", "(".repeat(levels), ")".repeat(levels));
        let levels = usize::from(MAX_CEL_NESTING);
        on_worker_stack(|| {
            // The deepest expression allowed also evaluates on this stack.
            let deepest = compile(&env, &nested(levels)).unwrap();
            let value = deepest.expr.execute(&cel::Context::default()).unwrap();
            assert_eq!(value, cel::Value::Bool(true));
            let err = compile(&env, &nested(levels + 1)).unwrap_err().to_string();
            assert!(err.contains("nests deeper than 32 levels"), "{err}");
            // Found by the cel_rules fuzz target: ~100 nested map literals overflowed a 2 MiB
            // stack in a release build (the crate's own limit is 96 levels).
            let maps = format!("{}1: 2{}", "{".repeat(100), "}".repeat(100));
            let err = compile(&env, &maps).unwrap_err().to_string();
            assert!(err.contains("nests deeper than 32 levels"), "{err}");
            let err = compile(&env, &format!("true ; {}", nested(200)))
                .unwrap_err()
                .to_string();
            assert!(err.contains("nests deeper than 32 levels"), "{err}");
        });
    }

    #[test]
    fn member_reads_of_message() {
        assert_eq!(
            member_reads("message.amount > 0.0 && size(message.id) > 0", "message"),
            Some(vec!["amount".to_string(), "id".to_string()])
        );
        assert_eq!(member_reads("size(message) > 0", "message"), None);
        assert_eq!(member_reads("message['id'] == 'x'", "message"), None);
        assert_eq!(
            member_reads("messages.x && my_message.y", "message"),
            Some(vec![])
        );
        assert_eq!(
            member_reads("has(message.note)", "message"),
            Some(vec!["note".to_string()])
        );
    }
}
