//! Compile-time checks of the data contract declared on a type: each CEL expression of a
//! `rule(..)` parses (with the parser of the `cel` crate, which runs the rules at run
//! time), names only fields the message has, and compares a field only with a
//! literal of a fitting type. Errors point at the expression and name the rule and field.
//!
//! What a whole-message `CEL` rule sees is the record as Confluent's CEL executor binds it
//! (`message`, the deserialized record: confluent_kafka/schema_registry/rules/cel/
//! cel_executor.py `execute` binds `{"message": msg}`), so its fields are the schema's
//! field names (after renames). Only the first level (`message.field`) is checked: a nested
//! type's fields are not visible to this derive. `CEL_FIELD` expressions bind `value`,
//! `name`, `typeName` and `tags` per field (Confluent's `CelFieldExecutor`) and are only
//! parsed.

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue as Val};
use cel::parser::Parser;

use crate::ast::{Container, Data, Field, Style};
use crate::attr::Spanned;
use crate::attr_contract::RuleAttr;
use crate::ctxt::Ctxt;
use crate::ty;

/// How deep an expression is walked (expressions in attributes are short; this only
/// bounds the recursion).
const MAX_DEPTH: usize = 128;

pub fn check_contract(cx: &Ctxt, c: &Container) {
    check_tags(cx, c);
    for rule in &c.attrs.contract.rules {
        let Some(expr) = &rule.expr else { continue };
        if !matches!(rule.rule_type.as_str(), "CEL" | "CEL_FIELD") {
            continue;
        }
        // `guard ; expr`: both executors split at the first `;` and run the guard first
        // (cel_executor.py `CelExecutor.execute`, which the CEL_FIELD executor calls too).
        let parts = match expr.value.split_once(';') {
            Some((guard, body)) if !guard.trim().is_empty() => vec![guard, body],
            Some((_, body)) => vec![body],
            None => vec![expr.value.as_str()],
        };
        for part in parts {
            let ast = match parse(part) {
                Ok(ast) => ast,
                Err(e) => {
                    cx.syn_error(syn::Error::new(
                        expr.span,
                        format!(
                            "`{}`: rule {:?}: the CEL expression `{}` does not parse: {e}",
                            c.ident,
                            rule.name,
                            part.trim()
                        ),
                    ));
                    continue;
                }
            };
            if rule.rule_type == "CEL" {
                if let Data::Struct(Style::Named, fields) = &c.data {
                    let checker = Checker {
                        cx,
                        c,
                        rule,
                        expr,
                        fields,
                    };
                    checker.walk(&ast, 0);
                }
            }
        }
    }
}

/// Tags sit on record fields. On a skipped field they would be in no schema, and a
/// newtype's field is no field of its own in any schema (the newtype is its inner value):
/// both are slips, since no rule could select them.
fn check_tags(cx: &Ctxt, c: &Container) {
    let groups: Vec<(Style, &[Field])> = match &c.data {
        Data::Struct(style, fields) => vec![(*style, fields.as_slice())],
        Data::Enum(variants) => variants
            .iter()
            .map(|v| (v.style, v.fields.as_slice()))
            .collect(),
    };
    for (style, fields) in groups {
        for f in fields {
            let Some(first) = f.attrs.tags.first() else {
                continue;
            };
            let reason = if f.attrs.skip.get() == Some(&true) {
                "a skipped field is in no schema, so its tags would select nothing: remove `tags(..)` or `skip`"
            } else if style == Style::Newtype {
                "a newtype's field is no field in the schema (the newtype is its value): put the tags on the field that holds this type"
            } else {
                continue;
            };
            cx.syn_error(syn::Error::new(
                first.span,
                format!("`{}.{}`: {reason}", c.ident, f.rust_name),
            ));
        }
    }
}

/// Parses a CEL expression. The parser's errors (`ERROR: <input>:1:17: Syntax error: ...`,
/// each followed by the source and a caret) are reduced to their `line:column: message`.
/// A parser panic (none is known in this version) is reported as an error too, and so is an
/// expression nested deeper than the runtime accepts
/// ([`MAX_CEL_NESTING`](streamhouse_schema_core::cel::MAX_CEL_NESTING)).
fn parse(source: &str) -> Result<IdedExpr, String> {
    let parser =
        || Parser::new().max_recursion_depth(streamhouse_schema_core::cel::MAX_CEL_NESTING);
    match std::panic::catch_unwind(|| parser().parse(source)) {
        Ok(Ok(ast)) => Ok(ast),
        Ok(Err(e)) => {
            let text = e.to_string();
            // The parser's own message for it is an ANTLR error's `Debug` text.
            if text.contains("Recursion limit of") {
                return Err(format!(
                    "it nests deeper than {} levels",
                    streamhouse_schema_core::cel::MAX_CEL_NESTING
                ));
            }
            let lines: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("ERROR: <input>:"))
                .collect();
            Err(if lines.is_empty() {
                text.trim().to_string()
            } else {
                format!("at {}", lines.join("; at "))
            })
        }
        Err(_) => Err("the CEL parser failed on it".to_string()),
    }
}

/// What kind of CEL value a field holds, as far as its Rust type tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    String,
    Bool,
    Bytes,
    List,
    Map,
    /// A struct, an enum, a timestamp, a decimal...: not checked.
    Other,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Bool => "a bool",
            Kind::Bytes => "bytes",
            Kind::List => "a list",
            Kind::Map => "a map",
            Kind::Other => "a value",
        }
    }
}

/// The field's kind and whether it may be null (`Option<T>`).
fn field_kind(f: &Field) -> (Kind, bool) {
    let (inner, nullable) = match ty::option_inner(f.ty) {
        Some(inner) => (inner, true),
        None => (f.ty, false),
    };
    if f.attrs.decimal.is_some() || f.attrs.unit.is_some() {
        return (Kind::Other, nullable);
    }
    if let syn::Type::Array(_) = inner {
        return (Kind::Bytes, nullable);
    }
    if let Some(elem) = ty::vec_inner(inner) {
        let is_bytes = ty::name(elem).as_deref() == Some("u8") && f.attrs.repr.is_none();
        return (if is_bytes { Kind::Bytes } else { Kind::List }, nullable);
    }
    let kind = match ty::name(inner).as_deref() {
        Some("i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64") => {
            Kind::Number
        }
        Some("String" | "str") => Kind::String,
        Some("bool") => Kind::Bool,
        Some("Bytes") => Kind::Bytes,
        Some("HashMap" | "BTreeMap" | "IndexMap") => Kind::Map,
        _ => Kind::Other,
    };
    (kind, nullable)
}

/// What kind of value a literal is; `None` for `null`.
fn literal_kind(val: &Val) -> Option<Kind> {
    match val {
        Val::String(_) => Some(Kind::String),
        Val::Boolean(_) => Some(Kind::Bool),
        Val::Int(_) | Val::UInt(_) | Val::Double(_) => Some(Kind::Number),
        Val::Bytes(_) => Some(Kind::Bytes),
        Val::Null => None,
    }
}

fn literal_text(val: &Val) -> String {
    match val {
        Val::String(s) => format!("{:?}", s.inner()),
        Val::Boolean(b) => b.inner().to_string(),
        Val::Int(i) => i.inner().to_string(),
        Val::UInt(u) => format!("{}u", u.inner()),
        Val::Double(d) => format!("{:?}", d.inner()),
        Val::Bytes(_) => "a bytes literal".to_string(),
        Val::Null => "null".to_string(),
    }
}

/// The comparison operators whose operands must have one type.
fn is_comparison(function: &str) -> bool {
    matches!(function, "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_")
}

struct Checker<'a> {
    cx: &'a Ctxt,
    c: &'a Container<'a>,
    rule: &'a RuleAttr,
    expr: &'a Spanned<String>,
    fields: &'a [Field<'a>],
}

impl Checker<'_> {
    fn error(&self, message: String) {
        self.cx.syn_error(syn::Error::new(
            self.expr.span,
            format!("`{}`: rule {:?}: {message}", self.c.ident, self.rule.name),
        ));
    }

    /// The message's fields (skipped ones are not in any schema).
    fn field(&self, name: &str) -> Option<&Field<'_>> {
        self.fields
            .iter()
            .find(|f| f.name == name && f.attrs.skip.get() != Some(&true))
    }

    /// `message.name` → `name`.
    fn message_field(e: &IdedExpr) -> Option<&str> {
        match &e.expr {
            Expr::Select(s) if !s.test => match &s.operand.expr {
                Expr::Ident(root) if root == "message" => Some(&s.field),
                _ => None,
            },
            _ => None,
        }
    }

    fn walk(&self, e: &IdedExpr, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let next = depth + 1;
        match &e.expr {
            Expr::Select(s) => {
                if let Expr::Ident(root) = &s.operand.expr {
                    if root == "message" && self.field(&s.field).is_none() {
                        let known: Vec<&str> = self
                            .fields
                            .iter()
                            .filter(|f| f.attrs.skip.get() != Some(&true))
                            .map(|f| f.name.as_str())
                            .collect();
                        self.error(format!(
                            "`message.{}`: `{}` has no field `{}` (its fields: {})",
                            s.field,
                            self.c.name,
                            s.field,
                            known.join(", ")
                        ));
                    }
                }
                self.walk(&s.operand, next);
            }
            Expr::Call(call) => {
                if is_comparison(&call.func_name) {
                    if let [left, right] = call.args.as_slice() {
                        self.compare(&call.func_name, left, right, false);
                        self.compare(&call.func_name, right, left, true);
                    }
                }
                if let Some(target) = &call.target {
                    self.walk(target, next);
                }
                for arg in &call.args {
                    self.walk(arg, next);
                }
            }
            Expr::Comprehension(c) => {
                for part in [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ] {
                    self.walk(part, next);
                }
            }
            Expr::List(list) => {
                for item in &list.elements {
                    self.walk(item, next);
                }
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(m) = &entry.expr {
                        self.walk(&m.key, next);
                        self.walk(&m.value, next);
                    }
                }
            }
            Expr::Struct(st) => {
                for entry in &st.entries {
                    if let EntryExpr::StructField(f) = &entry.expr {
                        self.walk(&f.value, next);
                    }
                }
            }
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }

    /// `message.field <op> literal` (or `literal <op> message.field`, `swapped`): the
    /// literal must fit the field's type.
    fn compare(&self, function: &str, field: &IdedExpr, other: &IdedExpr, swapped: bool) {
        let Some(name) = Self::message_field(field) else {
            return;
        };
        let Expr::Literal(val) = &other.expr else {
            return;
        };
        let Some(f) = self.field(name) else { return };
        let (kind, nullable) = field_kind(f);
        let fits = match literal_kind(val) {
            None => nullable || kind == Kind::Other,
            Some(lit) => kind == Kind::Other || lit == kind,
        };
        if fits {
            return;
        }
        let op = function.trim_matches('_');
        let ty = f.ty;
        let what = match literal_kind(val) {
            Some(lit) => format!("{} literal", lit.describe()),
            None => "null (the field is not an Option)".to_string(),
        };
        let written = match swapped {
            false => format!("message.{name} {op} {}", literal_text(val)),
            true => format!("{} {op} message.{name}", literal_text(val)),
        };
        self.error(format!(
            "`{written}`: field `{name}` is {} (`{}`) but is compared with {what}",
            kind.describe(),
            quote::quote!(#ty).to_string().replace(' ', ""),
        ));
    }
}
