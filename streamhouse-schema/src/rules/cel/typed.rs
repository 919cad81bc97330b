//! `CEL` conditions registered on a subject, evaluated on a typed send's value instead of on
//! its encoded bytes when they are within the compiled subset
//! (`streamhouse_schema_core::cel::subset`): compiled once per (type, expression) against
//! the type's field table (`StreamSchema::cel_fields`), then evaluated by walking the
//! compiled expression over the value's fields (`StreamSchema::cel_value`). The conditions
//! a type declares itself are compiled to Rust by the derive instead
//! (`StreamSchema::declared_condition`); both answer exactly as the interpreter would, or
//! not at all.

use std::any::TypeId;
use std::sync::{PoisonError, RwLock};

use rustc_hash::FxHashMap;
use streamhouse_schema_core::cel::fields::{Field, Value};
use streamhouse_schema_core::cel::subset::{self, Node};
use streamhouse_schema_core::cel::MAX_CEL_NESTING;

use super::on_parser_stack;
use crate::rules::error::RuleError;

/// One type's compiled conditions by expression text (`None`: not in the subset, the
/// interpreter runs it).
type ByExpr = FxHashMap<Box<str>, Option<Node>>;

/// Compiled registered conditions by type. Bounded by the types a producer sends times the
/// CEL conditions of their schemas.
#[derive(Debug, Default)]
pub(crate) struct TypedConditions {
    by_type: RwLock<FxHashMap<TypeId, ByExpr>>,
}

impl TypedConditions {
    /// Condition `expr` on a value of type `ty` whose fields are `table` and read as
    /// `field`: `Some` as the interpreter answers, `None` when the expression is not in the
    /// compiled subset or is undecided on this value.
    pub(crate) fn eval<'v>(
        &self,
        ty: TypeId,
        table: &'static [Field<'static>],
        expr: &str,
        field: impl Fn(usize) -> Option<Value<'v>>,
    ) -> Option<bool> {
        if table.is_empty() {
            return None;
        }
        {
            let by_type = self.by_type.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(compiled) = by_type.get(&ty).and_then(|exprs| exprs.get(expr)) {
                return compiled.as_ref()?.eval(&field);
            }
        }
        let compiled = compile_condition(table, expr);
        let answer = compiled.as_ref().and_then(|node| node.eval(&field));
        self.by_type
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(ty)
            .or_default()
            .insert(expr.into(), compiled);
        answer
    }
}

/// CEL condition `expr` compiled against a record's field `table` (a derived type's
/// `StreamSchema::cel_fields`), as a typed send compiles the conditions registered on its
/// subject; `None` when it has a guard (`cond ; expr`, the interpreter's), does not parse,
/// or is not in the compiled subset (`streamhouse_schema_core::cel::subset`).
///
/// ```
/// use streamhouse_schema::rules::cel::compile_condition;
/// use streamhouse_schema::StreamSchema;
///
/// #[derive(StreamSchema)]
/// struct Order { id: String, amount: f64, note: Option<String> }
///
/// let order = Order { id: "o-1".into(), amount: 12.5, note: None };
/// let compiled = compile_condition(Order::cel_fields(), "message.amount > 0.0 && size(message.id) > 0");
/// assert_eq!(compiled.and_then(|c| c.eval(&|i| order.cel_value(i))), Some(true));
/// // An optional field is not in the subset: the interpreter runs such a condition.
/// assert!(compile_condition(Order::cel_fields(), "message.note == null").is_none());
/// ```
pub fn compile_condition(table: &[Field<'_>], expr: &str) -> Option<Node> {
    if expr.contains(';') {
        return None;
    }
    // Parsed on the parser's own stack with the nesting limit, as the interpreter's
    // expressions are.
    let ast = on_parser_stack(|| {
        cel::parser::Parser::new()
            .max_recursion_depth(MAX_CEL_NESTING)
            .parse(expr)
            .map_err(|e| RuleError::execution(e.to_string()))
    })
    .ok()?;
    subset::compile(&ast, table)
}
