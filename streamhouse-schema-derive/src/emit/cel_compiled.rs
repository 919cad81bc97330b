//! `StreamSchema::declared_condition`: the type's own `CEL` CONDITION rules compiled to Rust,
//! so a typed send can evaluate them on the value it holds instead of decoding its bytes
//! into a generic message for the interpreter.
//!
//! Only a subset is compiled, one whose result cannot differ from what CEL gives on the
//! message the value encodes to (Avro: ints and longs bind as `int`, floats and doubles as
//! `double`, strings as `string`, booleans as `bool`):
//! - `&&`, `||`, `!`, parentheses, `true`, `false`;
//! - comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) of two operands of one kind: `int` (a
//!   field of `i8`..`i64`, `u8`..`u32`, an int literal, `size(..)` of a string, list or
//!   bytes field), `double` (an `f32`/`f64` field, a double literal), `string` (a `String`
//!   field, a string literal); `==` and `!=` of `bool` operands;
//! - a `bool` field; `startsWith`, `endsWith`, `contains` of a string field with a literal.
//!
//! Every operand reads a field of the top-level record or a literal, and none of these can
//! fail at run time (no arithmetic, no overflow, no missing field) but one: the interpreter
//! (the `cel` crate) cannot order NaN and fails the rule. A compiled ordering of doubles that
//! meets a NaN therefore answers `None` (undecided) for the whole expression, and the
//! interpreter runs. A compiled `true` is the interpreter's `true`; a compiled `false` sends
//! the record to the interpreter too, which reports the failure as it always does. Anything else (an `Option` field, mixed `int` and
//! `double`, a nested field, a macro, a guard `cond ; expr`) is not compiled: the rule engine's
//! interpreter runs it.

use cel::common::ast::{Expr, IdedExpr, LiteralValue as Val};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ast::{Container, Data, Field, Style};
use crate::attr_contract::Kind as RuleKind;
use crate::ty;

/// How deep an expression is compiled (attribute expressions are short; this bounds the
/// recursion).
const MAX_DEPTH: usize = 64;

/// The `declared_condition` method of the `StreamSchema` impl, or nothing when no rule of
/// the type compiles.
pub fn method(c: &Container) -> Option<TokenStream> {
    let Data::Struct(Style::Named, fields) = &c.data else {
        return None;
    };
    let mut arms = Vec::new();
    let mut seen = Vec::new();
    for rule in &c.attrs.contract.rules {
        if rule.kind != RuleKind::Condition || rule.rule_type != "CEL" {
            continue;
        }
        let Some(expr) = &rule.expr else { continue };
        let source = expr.value.as_str();
        // A guard (`cond ; expr`) is the interpreter's; so is a second rule with one text.
        if source.contains(';') || seen.contains(&source) {
            continue;
        }
        let parser = cel::parser::Parser::new()
            .max_recursion_depth(streamhouse_schema_core::cel::MAX_CEL_NESTING);
        let Ok(ast) = parser.parse(source) else {
            continue;
        };
        let compiler = Compiler { fields };
        if let Some(body) = compiler.boolean(&ast, 0) {
            seen.push(source);
            arms.push(quote!(#source => ::std::option::Option::Some(#body),));
        }
    }
    if arms.is_empty() {
        return None;
    }
    Some(quote! {
        #[inline]
        fn declared_condition(&self, expr: &str) -> ::std::option::Option<bool> {
            match expr {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    })
}

/// The CEL kind of a compiled operand.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Double,
    String,
    Bool,
}

struct Compiler<'a> {
    fields: &'a [Field<'a>],
}

impl Compiler<'_> {
    /// `message.name` as the field it names (skipped fields are in no schema).
    fn message_field(&self, e: &IdedExpr) -> Option<&Field<'_>> {
        let Expr::Select(s) = &e.expr else {
            return None;
        };
        if s.test {
            return None;
        }
        let Expr::Ident(root) = &s.operand.expr else {
            return None;
        };
        if root != "message" {
            return None;
        }
        self.fields
            .iter()
            .find(|f| f.name == s.field && f.attrs.skip.get() != Some(&true))
    }

    /// A field's kind when its value binds to CEL exactly as its Rust value reads: not an
    /// `Option`, no decimal/unit/repr mapping, a plain scalar or string.
    fn field_kind(f: &Field) -> Option<Kind> {
        if f.attrs.decimal.is_some() || f.attrs.unit.is_some() || f.attrs.repr.is_some() {
            return None;
        }
        if ty::option_inner(f.ty).is_some() {
            return None;
        }
        match ty::name(f.ty).as_deref()? {
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" => Some(Kind::Int),
            "f32" | "f64" => Some(Kind::Double),
            "String" => Some(Kind::String),
            "bool" => Some(Kind::Bool),
            _ => None,
        }
    }

    /// A bool-valued expression.
    fn boolean(&self, e: &IdedExpr, depth: usize) -> Option<TokenStream> {
        let (kind, tokens) = self.operand(e, depth)?;
        (kind == Kind::Bool).then_some(tokens)
    }

    /// Any compiled expression, with its kind.
    fn operand(&self, e: &IdedExpr, depth: usize) -> Option<(Kind, TokenStream)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let next = depth + 1;
        match &e.expr {
            Expr::Literal(val) => literal(val),
            Expr::Select(_) => {
                let f = self.message_field(e)?;
                let kind = Self::field_kind(f)?;
                let member = &f.member;
                let tokens = match kind {
                    Kind::Int => quote!((self.#member as i64)),
                    Kind::Double => quote!((self.#member as f64)),
                    Kind::String => quote!(::std::string::String::as_str(&self.#member)),
                    Kind::Bool => quote!(self.#member),
                };
                Some((kind, tokens))
            }
            Expr::Call(call) => {
                let args = call.args.as_slice();
                match (call.func_name.as_str(), &call.target, args) {
                    ("_&&_" | "_||_", None, [left, right]) => {
                        let l = self.boolean(left, next)?;
                        let r = self.boolean(right, next)?;
                        let tokens = if call.func_name == "_&&_" {
                            quote!((#l && #r))
                        } else {
                            quote!((#l || #r))
                        };
                        Some((Kind::Bool, tokens))
                    }
                    ("!_", None, [inner]) => {
                        let inner = self.boolean(inner, next)?;
                        Some((Kind::Bool, quote!((!#inner))))
                    }
                    ("size", None, [arg]) => Some((Kind::Int, self.size(arg)?)),
                    ("size", Some(target), []) => Some((Kind::Int, self.size(target)?)),
                    ("startsWith" | "endsWith" | "contains", Some(target), [arg]) => {
                        let (Kind::String, target) = self.operand(target, next)? else {
                            return None;
                        };
                        let Expr::Literal(Val::String(lit)) = &arg.expr else {
                            return None;
                        };
                        let lit = lit.inner();
                        let tokens = match call.func_name.as_str() {
                            "startsWith" => quote!(#target.starts_with(#lit)),
                            "endsWith" => quote!(#target.ends_with(#lit)),
                            _ => quote!(#target.contains(#lit)),
                        };
                        Some((Kind::Bool, tokens))
                    }
                    (op, None, [left, right]) => {
                        let (lk, l) = self.operand(left, next)?;
                        let (rk, r) = self.operand(right, next)?;
                        if lk != rk {
                            return None;
                        }
                        let op = match op {
                            "_==_" => quote!(==),
                            "_!=_" => quote!(!=),
                            _ if lk == Kind::Bool => return None,
                            "_<_" => quote!(<),
                            "_<=_" => quote!(<=),
                            "_>_" => quote!(>),
                            "_>=_" => quote!(>=),
                            _ => return None,
                        };
                        let ordering = !matches!(call.func_name.as_str(), "_==_" | "_!=_");
                        let tokens = if lk == Kind::Double && ordering {
                            // The interpreter has no ordering of NaN (an evaluation error,
                            // where other CEL implementations say false): undecided, so
                            // the interpreter runs and reports it as it always does.
                            quote!(({
                                let (l, r): (f64, f64) = (#l, #r);
                                if l.is_nan() || r.is_nan() {
                                    return ::std::option::Option::None;
                                }
                                l #op r
                            }))
                        } else {
                            quote!((#l #op #r))
                        };
                        Some((Kind::Bool, tokens))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `size(message.f)`: code points of a string (as CEL counts them), elements of a list,
    /// bytes of a byte field.
    fn size(&self, arg: &IdedExpr) -> Option<TokenStream> {
        let f = self.message_field(arg)?;
        if ty::option_inner(f.ty).is_some() || f.attrs.repr.is_some() {
            return None;
        }
        let member = &f.member;
        if ty::name(f.ty).as_deref() == Some("String") {
            return Some(quote!((self.#member.chars().count() as i64)));
        }
        // A `Vec<T>` is an Avro array (a CEL list) or, for `Vec<u8>`, Avro bytes: either
        // way its length is what `size` counts.
        ty::vec_inner(f.ty).map(|_| quote!((self.#member.len() as i64)))
    }
}

/// A literal's kind and tokens; `None` for kinds the subset does not compare.
fn literal(val: &Val) -> Option<(Kind, TokenStream)> {
    match val {
        Val::Boolean(b) => {
            let b = *b.inner();
            Some((Kind::Bool, quote!(#b)))
        }
        Val::Int(i) => {
            let lit = Literal::i64_suffixed(*i.inner());
            Some((Kind::Int, quote!(#lit)))
        }
        Val::Double(d) => {
            let d = *d.inner();
            // NaN and infinities have no literal form in CEL's grammar; refuse them anyway.
            if !d.is_finite() {
                return None;
            }
            let lit = Literal::f64_suffixed(d);
            Some((Kind::Double, quote!(#lit)))
        }
        Val::String(s) => {
            let s = s.inner();
            Some((Kind::String, quote!(#s)))
        }
        _ => None,
    }
}
