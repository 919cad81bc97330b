//! CEL conditions on the value a typed send holds, instead of on its encoded bytes:
//! - `StreamSchema::declared_condition`: the type's own `CEL` CONDITION rules compiled to
//!   Rust;
//! - `StreamSchema::cel_fields` and `cel_value`: the type's top-level fields as CEL reads
//!   them, so the runtime can evaluate conditions registered on the subject (not declared on
//!   the type) the same way.
//!
//! Both use the subset of `streamhouse_schema_core::cel::subset`, whose result cannot differ
//! from what CEL gives on the message the value encodes to (Avro: ints and longs bind as
//! `int`, floats and doubles as `double`, strings as `string`, booleans as `bool`). A
//! compiled `true` is the interpreter's `true`; a compiled `false`, or an undecided
//! expression (an ordering of doubles that met NaN, which the interpreter cannot order),
//! sends the record to the interpreter, which reports the outcome as it always does.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use streamhouse_schema_core::cel::fields::{Field as CelField, Kind, Size};
use streamhouse_schema_core::cel::subset::{self, Compare, Node, StrTest};

use crate::ast::{Container, Data, Field, Style};
use crate::attr_contract::Kind as RuleKind;
use crate::ty;

/// The `declared_condition`, `cel_fields` and `cel_value` methods of the `StreamSchema`
/// impl; nothing for a type that is no record with named fields.
pub fn methods(c: &Container) -> Option<TokenStream> {
    let Data::Struct(Style::Named, fields) = &c.data else {
        return None;
    };
    let schema_fields: Vec<&Field> = fields
        .iter()
        .filter(|f| f.attrs.skip.get() != Some(&true))
        .collect();
    let table: Vec<CelField> = schema_fields
        .iter()
        .map(|f| CelField {
            name: &f.name,
            kind: field_kind(f),
            size: field_size(f),
        })
        .collect();
    if table.iter().all(|f| f.kind.is_none() && f.size.is_none()) {
        return None;
    }
    let declared = declared_condition(c, &schema_fields, &table);
    let (fields_fn, value_fn) = field_methods(&schema_fields, &table);
    Some(quote!(#declared #fields_fn #value_fn))
}

/// `declared_condition`: one arm per rule of the type that compiles.
fn declared_condition(c: &Container, fields: &[&Field], table: &[CelField]) -> TokenStream {
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
        let Some(node) = subset::compile(&ast, table) else {
            continue;
        };
        seen.push(source);
        let body = tokens(&node, fields);
        arms.push(quote!(#source => ::std::option::Option::Some(#body),));
    }
    if arms.is_empty() {
        return quote!();
    }
    quote! {
        #[inline]
        fn declared_condition(&self, expr: &str) -> ::std::option::Option<bool> {
            match expr {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    }
}

/// `cel_fields` (the table, in schema order) and `cel_value` (one arm per readable field).
fn field_methods(fields: &[&Field], table: &[CelField]) -> (TokenStream, TokenStream) {
    let fields_path = quote!(::streamhouse_schema::__private::cel_fields);
    let entries = table.iter().map(|f| {
        let name = f.name;
        let kind = match f.kind {
            Some(k) => {
                let k = kind_ident(k);
                quote!(::std::option::Option::Some(#fields_path::Kind::#k))
            }
            None => quote!(::std::option::Option::None),
        };
        let size = match f.size {
            Some(Size::Chars) => quote!(::std::option::Option::Some(#fields_path::Size::Chars)),
            Some(Size::Len) => quote!(::std::option::Option::Some(#fields_path::Size::Len)),
            None => quote!(::std::option::Option::None),
        };
        quote!(#fields_path::Field { name: #name, kind: #kind, size: #size })
    });
    let fields_fn = quote! {
        #[inline]
        fn cel_fields() -> &'static [#fields_path::Field<'static>] {
            &[#(#entries),*]
        }
    };
    let arms = fields
        .iter()
        .zip(table)
        .enumerate()
        .filter_map(|(i, (f, entry))| {
            let member = &f.member;
            let value = match (entry.kind, entry.size) {
                (Some(Kind::Int), _) => quote!(Int(self.#member as i64)),
                (Some(Kind::Double), _) => quote!(Double(self.#member as f64)),
                (Some(Kind::String), _) | (None, Some(Size::Chars)) => {
                    quote!(Str(::std::convert::AsRef::<str>::as_ref(&self.#member)))
                }
                (Some(Kind::Bool), _) => quote!(Bool(self.#member)),
                (None, Some(Size::Len)) => quote!(Len(self.#member.len())),
                (None, None) => return None,
            };
            Some(quote!(#i => ::std::option::Option::Some(#fields_path::Value::#value),))
        });
    let value_fn = quote! {
        #[inline]
        fn cel_value(&self, field: usize) -> ::std::option::Option<#fields_path::Value<'_>> {
            match field {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    };
    (fields_fn, value_fn)
}

fn kind_ident(k: Kind) -> proc_macro2::Ident {
    let name = match k {
        Kind::Int => "Int",
        Kind::Double => "Double",
        Kind::String => "String",
        Kind::Bool => "Bool",
    };
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
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

/// How `size(message.f)` counts a field: code points of a string (as CEL counts them);
/// the length of a `Vec<T>`, which is an Avro array (a CEL list) or, for `Vec<u8>`, Avro
/// bytes.
fn field_size(f: &Field) -> Option<Size> {
    if ty::option_inner(f.ty).is_some() || f.attrs.repr.is_some() {
        return None;
    }
    if ty::name(f.ty).as_deref() == Some("String") {
        return Some(Size::Chars);
    }
    ty::vec_inner(f.ty).map(|_| Size::Len)
}

/// The Rust code of a compiled node; field operands read `self.<member>`.
fn tokens(node: &Node, fields: &[&Field]) -> TokenStream {
    let member = |index: &usize| {
        let f = fields[*index];
        let member = &f.member;
        quote!(self.#member)
    };
    match node {
        Node::Bool(b) => quote!(#b),
        Node::Int(i) => {
            let lit = Literal::i64_suffixed(*i);
            quote!(#lit)
        }
        Node::Double(d) => {
            let lit = Literal::f64_suffixed(*d);
            quote!(#lit)
        }
        Node::Str(s) => quote!(#s),
        Node::Field { index, kind } => {
            let m = member(index);
            match kind {
                Kind::Int => quote!((#m as i64)),
                Kind::Double => quote!((#m as f64)),
                Kind::String => quote!(::std::string::String::as_str(&#m)),
                Kind::Bool => quote!(#m),
            }
        }
        Node::Size { index, size } => {
            let m = member(index);
            match size {
                Size::Chars => quote!((#m.chars().count() as i64)),
                Size::Len => quote!((#m.len() as i64)),
            }
        }
        Node::And(l, r) => {
            let (l, r) = (tokens(l, fields), tokens(r, fields));
            quote!((#l && #r))
        }
        Node::Or(l, r) => {
            let (l, r) = (tokens(l, fields), tokens(r, fields));
            quote!((#l || #r))
        }
        Node::Not(inner) => {
            let inner = tokens(inner, fields);
            quote!((!#inner))
        }
        Node::Compare {
            op,
            kind,
            left,
            right,
        } => {
            let (l, r) = (tokens(left, fields), tokens(right, fields));
            let op_tokens = match op {
                Compare::Eq => quote!(==),
                Compare::Ne => quote!(!=),
                Compare::Lt => quote!(<),
                Compare::Le => quote!(<=),
                Compare::Gt => quote!(>),
                Compare::Ge => quote!(>=),
            };
            if *kind == Kind::Double && !matches!(op, Compare::Eq | Compare::Ne) {
                // The interpreter has no ordering of NaN (an evaluation error, where other
                // CEL implementations say false): undecided, so the interpreter runs and
                // reports it as it always does.
                quote!(({
                    let (l, r): (f64, f64) = (#l, #r);
                    if l.is_nan() || r.is_nan() {
                        return ::std::option::Option::None;
                    }
                    l #op_tokens r
                }))
            } else {
                quote!((#l #op_tokens #r))
            }
        }
        Node::StrTest {
            test,
            target,
            literal,
        } => {
            let target = tokens(target, fields);
            let lit = literal.as_str();
            match test {
                StrTest::StartsWith => quote!(#target.starts_with(#lit)),
                StrTest::EndsWith => quote!(#target.ends_with(#lit)),
                StrTest::Contains => quote!(#target.contains(#lit)),
            }
        }
    }
}
