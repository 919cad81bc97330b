//! Protobuf checks for a type that enables Protobuf (`#[stream_schema(protobuf)]` or any
//! `tag`): every field has a valid, unique, unreserved number; `proto = "..."` fits the
//! field's integer type; unit enums start at 0; fields have a Protobuf shape.

use std::collections::HashMap;

use proc_macro2::Span;

use crate::ast::{Container, Data, Field, Style};
use crate::attr::ProtoInt;
use crate::ctxt::Ctxt;
use crate::emit::proto::{discriminant, enabled};
use crate::ty;

/// The largest field number Protobuf allows (2^29 - 1).
const MAX_TAG: u32 = 536_870_911;
/// Numbers Protobuf keeps for its own implementation.
const IMPL_RESERVED: std::ops::RangeInclusive<u32> = 19_000..=19_999;

pub fn check_proto(cx: &Ctxt, c: &Container) {
    let ty_name = c.ident.to_string();
    for f in all_fields(c) {
        if let Some(p) = &f.attrs.proto {
            check_int_kind(
                cx,
                &format!("{ty_name}.{}", f.rust_name),
                f,
                p.value,
                p.span,
            );
        }
    }
    if !enabled(c) {
        return;
    }
    if c.has_lifetimes() {
        cx.error_spanned(&c.input.ident, format!("`{ty_name}`: a borrowed type (with lifetimes) cannot be decoded, so it cannot be a Protobuf message: use owned fields"));
        return;
    }
    let reserved = Reserved {
        tags: &c.attrs.reserved_tags,
        names: &c.attrs.reserved_names,
    };
    match &c.data {
        Data::Struct(Style::Named | Style::Unit, fields) => {
            check_tags(cx, &ty_name, fields, &reserved);
        }
        Data::Struct(_, fields) => {
            for f in fields {
                if let Some(t) = &f.attrs.tag {
                    cx.syn_error(syn::Error::new(t.span, format!("`{ty_name}`: a newtype is transparent in Protobuf (its value is the field), so its inner field takes no `tag`")));
                }
            }
        }
        Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
            for v in variants {
                if let Some(t) = &v.attrs.tag {
                    cx.syn_error(syn::Error::new(t.span, format!("`{ty_name}::{}`: a unit enum's Protobuf numbers are its Rust discriminants (`{} = 1`), not `tag`", v.ident, v.ident)));
                }
            }
            let syn::Data::Enum(e) = &c.input.data else {
                return;
            };
            let mut next: i64 = 0;
            for (i, v) in e.variants.iter().enumerate() {
                let n = match &v.discriminant {
                    Some((_, expr)) => match discriminant(expr) {
                        Some(n) => n,
                        None => {
                            cx.error_spanned(expr, format!("`{ty_name}::{}`: a Protobuf enum value must be an integer literal", v.ident));
                            return;
                        }
                    },
                    None => next,
                };
                if i32::try_from(n).is_err() {
                    cx.error_spanned(
                        &v.ident,
                        format!(
                            "`{ty_name}::{}`: Protobuf enum value {n} does not fit in int32",
                            v.ident
                        ),
                    );
                }
                if i == 0 && n != 0 {
                    cx.error_spanned(&v.ident, format!("`{ty_name}::{}`: the first value of a proto3 enum must be 0 (it is the default), found {n}: add a first variant `= 0` (e.g. `Unspecified = 0`)", v.ident));
                }
                next = n.saturating_add(1);
            }
        }
        Data::Enum(variants) => {
            let mut seen: HashMap<u32, String> = HashMap::new();
            for v in variants {
                let at = format!("{ty_name}::{}", v.ident);
                match &v.attrs.tag {
                    None => cx.error_spanned(v.ident, format!("`{at}`: every variant of a Protobuf oneof needs a field number: add #[stream_schema(tag = N)]")),
                    Some(t) => {
                        check_number(cx, &at, t.value, t.span, &reserved);
                        if let Some(prev) = seen.insert(t.value, v.ident.to_string()) {
                            cx.syn_error(syn::Error::new(t.span, format!("`{at}`: duplicate Protobuf field number {} (also used by `{ty_name}::{prev}`)", t.value)));
                        }
                    }
                }
                if reserved.names.contains(&v.name) {
                    cx.error_spanned(
                        v.ident,
                        format!(
                            "`{at}`: the name {:?} is reserved (#[stream_schema(reserved(...))])",
                            v.name
                        ),
                    );
                }
                match v.style {
                    Style::Newtype => {
                        let f = &v.fields[0];
                        if let Some(p) = &f.attrs.proto {
                            cx.syn_error(syn::Error::new(p.span, format!("`{at}`: `proto = \"...\"` is not supported on a newtype variant: use a struct variant")));
                        }
                        if ty::option_inner(f.ty).is_some() || is_repeated(f.ty) || is_map(f.ty) {
                            cx.error_spanned(f.ty, format!("`{at}`: a oneof member cannot be an Option, a Vec or a map: use a struct variant"));
                        }
                    }
                    Style::Named => check_tags(
                        cx,
                        &at,
                        &v.fields,
                        &Reserved {
                            tags: &[],
                            names: &[],
                        },
                    ),
                    _ => {}
                }
            }
        }
    }
}

struct Reserved<'a> {
    tags: &'a [u32],
    names: &'a [String],
}

fn all_fields<'c, 'a>(c: &'c Container<'a>) -> Vec<&'c Field<'a>> {
    match &c.data {
        Data::Struct(_, fields) => fields.iter().collect(),
        Data::Enum(variants) => variants.iter().flat_map(|v| v.fields.iter()).collect(),
    }
}

fn check_number(cx: &Ctxt, at: &str, n: u32, span: Span, reserved: &Reserved) {
    if n == 0 {
        cx.syn_error(syn::Error::new(
            span,
            format!("`{at}`: Protobuf field number 0 is not allowed: numbers start at 1"),
        ));
    } else if n > MAX_TAG {
        cx.syn_error(syn::Error::new(span, format!("`{at}`: Protobuf field number {n} is too large: the maximum is {MAX_TAG} (2^29 - 1)")));
    } else if IMPL_RESERVED.contains(&n) {
        cx.syn_error(syn::Error::new(span, format!("`{at}`: Protobuf field numbers 19000-19999 are reserved for the Protobuf implementation: {n} cannot be used")));
    } else if reserved.tags.contains(&n) {
        cx.syn_error(syn::Error::new(span, format!("`{at}`: field number {n} is reserved (#[stream_schema(reserved(...))]): pick another number")));
    }
}

fn check_tags(cx: &Ctxt, owner: &str, fields: &[Field], reserved: &Reserved) {
    let mut seen: HashMap<u32, String> = HashMap::new();
    for f in fields {
        let at = format!("{owner}.{}", f.rust_name);
        if f.attrs.skip.get().copied().unwrap_or(false) {
            if let Some(t) = &f.attrs.tag {
                cx.syn_error(syn::Error::new(
                    t.span,
                    format!("`{at}`: a skipped field is not in the schema, so it takes no `tag`"),
                ));
            }
            continue;
        }
        match &f.attrs.tag {
            None => cx.error_spanned(f.original, format!("`{at}`: a Protobuf message field needs a field number: add #[stream_schema(tag = N)] (1 to {MAX_TAG}, not 19000-19999)")),
            Some(t) => {
                check_number(cx, &at, t.value, t.span, reserved);
                if let Some(prev) = seen.insert(t.value, f.rust_name.clone()) {
                    cx.syn_error(syn::Error::new(t.span, format!("`{at}`: duplicate Protobuf field number {} (also used by `{owner}.{prev}`)", t.value)));
                }
            }
        }
        if reserved.names.contains(&f.name) {
            cx.error_spanned(f.original, format!("`{at}`: the field name {:?} is reserved (#[stream_schema(reserved(...))]): rename the field", f.name));
        }
        check_shape(cx, &at, f);
    }
}

fn is_bytes(t: &syn::Type) -> bool {
    ty::vec_inner(t).and_then(ty::name).as_deref() == Some("u8")
}

fn is_repeated(t: &syn::Type) -> bool {
    ty::vec_inner(t).is_some() && !is_bytes(t)
}

fn is_map(t: &syn::Type) -> bool {
    matches!(ty::name(t).as_deref(), Some("HashMap" | "BTreeMap"))
}

fn map_value(t: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = t else { return None };
    let seg = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    a.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(1)
}

/// Shapes Protobuf has no label for.
fn check_shape(cx: &Ctxt, at: &str, f: &Field) {
    let t = f.ty;
    let problem = if let Some(inner) = ty::option_inner(t) {
        (is_repeated(inner) || is_map(inner)).then_some("`Option<Vec<T>>` / `Option<map>`: a repeated or map field cannot be optional in Protobuf (an empty one is absent): drop the Option")
    } else if let Some(inner) = ty::vec_inner(t) {
        (ty::option_inner(inner).is_some() || is_repeated(inner) || is_map(inner)).then_some("a repeated field's elements cannot be Option, Vec or maps in Protobuf: wrap the element in a struct")
    } else if is_map(t) {
        map_value(t)
            .filter(|v| ty::option_inner(v).is_some() || is_repeated(v) || is_map(v))
            .map(|_| "a map's values cannot be Option, Vec or maps in Protobuf: wrap the value in a struct")
    } else {
        None
    };
    if let Some(p) = problem {
        cx.error_spanned(t, format!("`{at}`: {p}"));
    }
}

/// `proto = "sint64"` and friends apply to one Rust integer type each.
fn check_int_kind(cx: &Ctxt, at: &str, f: &Field, kind: ProtoInt, span: Span) {
    let base = ty::option_inner(f.ty)
        .or_else(|| ty::vec_inner(f.ty))
        .unwrap_or(f.ty);
    let want = match kind {
        ProtoInt::Sint32 | ProtoInt::Sfixed32 => "i32",
        ProtoInt::Sint64 | ProtoInt::Sfixed64 => "i64",
        ProtoInt::Fixed32 => "u32",
        ProtoInt::Fixed64 => "u64",
    };
    if ty::name(base).as_deref() != Some(want) {
        cx.syn_error(syn::Error::new(
            span,
            format!(
                "`{at}`: proto = \"{}\" applies to `{want}` fields (or Option/Vec of it), not `{}`",
                kind.proto_name(),
                quote::quote!(#base)
            ),
        ));
    }
}
