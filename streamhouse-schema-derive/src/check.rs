//! Semantic checks over the parsed model. Every message names the type, the field and the
//! rule, and says how to fix it.

use std::collections::HashSet;

use proc_macro2::Span;
use serde_json::Value;

use crate::ast::{Container, Data, Field, Style};
use crate::attr::{DefaultAttr, Origin, Repr};
use crate::ctxt::Ctxt;
use crate::ty;

pub fn check(cx: &Ctxt, c: &Container) {
    let ty_name = c.ident.to_string();
    check_name(
        cx,
        c.attrs
            .name
            .spanned()
            .map(|s| s.span)
            .unwrap_or_else(|| c.ident.span()),
        &ty_name,
        "type name",
        &c.name,
    );
    if let Some(ns) = &c.attrs.namespace {
        if !ns.value.is_empty() {
            for part in ns.value.split('.') {
                if !valid_name(part) {
                    cx.syn_error(syn::Error::new(ns.span, format!("`{ty_name}`: namespace {:?} is not a dotted sequence of Avro names ([A-Za-z_][A-Za-z0-9_]*)", ns.value)));
                    break;
                }
            }
        }
    }
    for a in &c.attrs.aliases {
        if !a.value.split('.').all(valid_name) {
            cx.syn_error(syn::Error::new(
                a.span,
                format!(
                    "`{ty_name}`: alias {:?} is not a valid Avro full name (dotted [A-Za-z_][A-Za-z0-9_]* names)",
                    a.value
                ),
            ));
        }
    }
    if let Some(topic) = &c.attrs.topic {
        let t = &topic.value;
        if t.is_empty()
            || t.len() > 249
            || t == "."
            || t == ".."
            || !t
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'))
        {
            cx.syn_error(syn::Error::new(topic.span, format!("`{ty_name}`: topic {t:?} is not a valid Kafka topic name (1-249 of [a-zA-Z0-9._-], not \".\" or \"..\")")));
        }
    }
    match &c.data {
        Data::Struct(style, fields) => {
            if *style == Style::Tuple {
                cx.error_spanned(&c.input.ident, format!("`{ty_name}`: tuple structs with several fields have no field names for a schema: use named fields (a one-field tuple struct is a transparent newtype)"));
            }
            check_fields(cx, &ty_name, fields, true);
            let keys: Vec<_> = fields.iter().filter_map(|f| f.attrs.key).collect();
            if keys.len() > 1 {
                cx.syn_error(syn::Error::new(
                    keys[1],
                    format!(
                        "`{ty_name}`: only one field can be the record key (#[stream_schema(key)]): keep `key` on one field"
                    ),
                ));
            }
            if !c.attrs.untagged.get().copied().unwrap_or(false) {
                return;
            }
            cx.error_spanned(
                &c.input.ident,
                format!(
                    "`{ty_name}`: `untagged` applies to enums only: remove it from this struct"
                ),
            );
        }
        Data::Enum(variants) => {
            if variants.is_empty() {
                cx.error_spanned(
                    &c.input.ident,
                    format!("`{ty_name}`: an enum without variants has no values and no schema: add a variant, or use `()` for no data"),
                );
                return;
            }
            let unit_only = variants.iter().all(|v| v.style == Style::Unit);
            let untagged = c.attrs.untagged.get().copied().unwrap_or(false);
            let mut names = HashSet::new();
            let mut defaults = Vec::new();
            let mut units = 0;
            for v in variants {
                check_name(
                    cx,
                    v.ident.span(),
                    &format!("{ty_name}::{}", v.ident),
                    "variant name",
                    &v.name,
                );
                if !names.insert(v.name.clone()) {
                    cx.error_spanned(
                        v.ident,
                        format!(
                            "`{ty_name}::{}`: duplicate variant name {:?} (after renames): rename one of the variants",
                            v.ident, v.name
                        ),
                    );
                }
                for s in &v.attrs.unsupported_serde {
                    cx.syn_error(syn::Error::new(s.span, format!("`{ty_name}::{}`: serde `{}` on a variant is not supported by StreamSchema", v.ident, s.value)));
                }
                if let Some(d) = v.attrs.default {
                    defaults.push(d);
                    if !unit_only {
                        cx.syn_error(syn::Error::new(d, format!("`{ty_name}::{}`: `default` marks the reader default symbol of a unit-only enum; `{ty_name}` has data", v.ident)));
                    }
                }
                match v.style {
                    Style::Unit => units += 1,
                    Style::Tuple => cx.error_spanned(v.ident, format!("`{ty_name}::{}`: tuple variants with several fields have no field names: use named fields", v.ident)),
                    Style::Newtype | Style::Named => {}
                }
                if untagged && v.style == Style::Named {
                    cx.error_spanned(v.ident, format!("`{ty_name}::{}`: an untagged (bare union) enum takes newtype and unit variants only", v.ident));
                }
                check_fields(cx, &format!("{ty_name}::{}", v.ident), &v.fields, false);
            }
            if untagged && units > 1 {
                cx.error_spanned(&c.input.ident, format!("`{ty_name}`: an untagged enum may have one unit variant (it becomes the union's null)"));
            }
            if !unit_only && units > 1 {
                cx.error_spanned(&c.input.ident, format!("`{ty_name}`: a data enum may have at most one unit variant, because it becomes the union's single `null` branch: give the other unit variants a field"));
            }
            if defaults.len() > 1 {
                cx.syn_error(syn::Error::new(
                    defaults[1],
                    format!("`{ty_name}`: only one variant can be the default: remove `default` from the others"),
                ));
            }
        }
    }
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_name(cx: &Ctxt, span: Span, owner: &str, what: &str, name: &str) {
    if !valid_name(name) {
        cx.syn_error(syn::Error::new(span, format!("`{owner}`: {what} {name:?} is not a valid Avro name: it must match [A-Za-z_][A-Za-z0-9_]* (check rename/rename_all)")));
    }
}

fn check_fields(cx: &Ctxt, owner: &str, fields: &[Field], keys_allowed: bool) {
    let mut names = HashSet::new();
    for f in fields {
        if f.attrs.invalid {
            // Its attribute error is reported; checking the rest would only repeat it.
            continue;
        }
        let at = format!("{owner}.{}", f.rust_name);
        let skipped = f.attrs.skip.get().copied().unwrap_or(false);
        if !skipped && matches!(f.member, syn::Member::Named(_)) {
            check_name(
                cx,
                f.attrs
                    .rename
                    .spanned()
                    .map(|s| s.span)
                    .unwrap_or_else(|| span_of(f)),
                &at,
                "field name",
                &f.name,
            );
            if !names.insert(f.name.clone()) {
                cx.error_spanned(
                    f.original,
                    format!(
                        "`{at}`: duplicate field name {:?} (after renames): rename one of the fields",
                        f.name
                    ),
                );
            }
            for a in &f.attrs.aliases {
                if !valid_name(&a.value) {
                    cx.syn_error(syn::Error::new(
                        a.span,
                        format!("`{at}`: alias {:?} is not a valid Avro name: it must match [A-Za-z_][A-Za-z0-9_]*", a.value),
                    ));
                }
            }
        }
        for s in &f.attrs.unsupported_serde {
            cx.syn_error(syn::Error::new(s.span, format!("`{at}`: serde `{}` is not supported by StreamSchema: a schema describes both directions, so use `skip` (with a default) instead", s.value)));
        }
        if let Some(k) = f.attrs.key {
            if !keys_allowed {
                cx.syn_error(syn::Error::new(k, format!("`{at}`: `key` marks a struct field; enum variant fields cannot be the record key")));
            } else if skipped {
                cx.syn_error(syn::Error::new(
                    k,
                    format!(
                        "`{at}`: a skipped field cannot be the record key: remove `skip` or `key`"
                    ),
                ));
            }
        }
        check_skip(cx, &at, f, skipped);
        check_type(cx, &at, f);
        if let (Some(DefaultAttr::Json(_)), false, true) =
            (f.attrs.default.get(), skipped, ty::has_lifetime(f.ty))
        {
            let span = f
                .attrs
                .default
                .spanned()
                .map(|s| s.span)
                .unwrap_or_else(|| span_of(f));
            cx.syn_error(syn::Error::new(span, format!("`{at}`: a borrowed field cannot have a schema default: its value would have to borrow from the schema, not the input it is decoded from. Use an owned type (String, Vec<u8>) for a field with a default")));
        }
        if let Some(DefaultAttr::Json(json)) = f.attrs.default.get() {
            if let Ok(v) = serde_json::from_str::<Value>(json) {
                if let Some(msg) = default_mismatch(f.ty, &v) {
                    let span = f
                        .attrs
                        .default
                        .spanned()
                        .map(|s| s.span)
                        .unwrap_or_else(|| span_of(f));
                    cx.syn_error(syn::Error::new(
                        span,
                        format!("`{at}`: default {json} {msg}"),
                    ));
                }
            }
        }
    }
}

fn span_of(f: &Field) -> Span {
    f.original
        .ident
        .as_ref()
        .map(|i| i.span())
        .unwrap_or_else(|| syn::spanned::Spanned::span(f.ty))
}

fn check_skip(cx: &Ctxt, at: &str, f: &Field, skipped: bool) {
    let default = f.attrs.default.get();
    if skipped {
        match (f.attrs.skip.origin(), default) {
            (_, Some(DefaultAttr::Json(_))) => {
                let span = f
                    .attrs
                    .default
                    .spanned()
                    .map(|s| s.span)
                    .unwrap_or_else(|| span_of(f));
                cx.syn_error(syn::Error::new(span, format!("`{at}`: a skipped field is not in the schema, so a JSON schema default means nothing: use bare `default` (Default::default()) instead")));
            }
            (Some(Origin::StreamSchema), None) => {
                let span = f
                    .attrs
                    .skip
                    .spanned()
                    .map(|s| s.span)
                    .unwrap_or_else(|| span_of(f));
                cx.syn_error(syn::Error::new(span, format!("`{at}`: a skipped field needs a value when decoding: add `default` (uses Default::default()) or serde's `default = \"path\"`")));
            }
            _ => {}
        }
    } else if let Some(DefaultAttr::Path(_)) = default {
        // serde's default function fills a missing JSON field; the Avro schema default
        // must be a JSON value, which a Rust function cannot give at compile time.
    }
}

fn check_type(cx: &Ctxt, at: &str, f: &Field) {
    let span = syn::spanned::Spanned::span(f.ty);
    if f.attrs.skip.get().copied().unwrap_or(false) {
        return;
    }
    // Explicit mappings apply to T, Option<T> or Vec<T> (Vec<u8> itself for repr = "array").
    let base = ty::option_inner(f.ty).unwrap_or(f.ty);
    let explicit = f.attrs.unit.is_some()
        || f.attrs.decimal.is_some()
        || f.attrs
            .repr
            .as_ref()
            .is_some_and(|r| r.value != Repr::Array);
    if explicit {
        let element = ty::option_inner(f.ty)
            .or_else(|| ty::vec_inner(f.ty))
            .unwrap_or(f.ty);
        if ty::option_inner(element).is_some() || ty::vec_inner(element).is_some() {
            cx.syn_error(syn::Error::new(span, format!("`{at}`: `repr`, `unit` and `decimal` apply to a field of type T, Option<T> or Vec<T>, not to nested Option/Vec: wrap the value in a newtype struct")));
            return;
        }
    }
    if let Some(repr) = &f.attrs.repr {
        match repr.value {
            Repr::Long | Repr::Fixed => {
                let b = ty::vec_inner(base).unwrap_or(base);
                if !matches!(ty::name(b).as_deref(), Some("u64" | "u128" | "i128")) {
                    cx.syn_error(syn::Error::new(repr.span, format!("`{at}`: repr = \"long\"/\"fixed\" applies to u64, u128 and i128 fields")));
                }
                return;
            }
            Repr::Array => {
                if ty::vec_inner(base).is_none_or(|t| ty::name(t).as_deref() != Some("u8")) {
                    cx.syn_error(syn::Error::new(
                        repr.span,
                        format!("`{at}`: repr = \"array\" applies to Vec<u8> (bytes by default)"),
                    ));
                }
                return;
            }
        }
    }
    if let Some(unit) = &f.attrs.unit {
        let element = ty::option_inner(f.ty)
            .or_else(|| ty::vec_inner(f.ty))
            .unwrap_or(f.ty);
        if !matches!(
            ty::name(element).as_deref(),
            Some(
                "DateTime"
                    | "NaiveDateTime"
                    | "NaiveTime"
                    | "OffsetDateTime"
                    | "PrimitiveDateTime"
                    | "Time"
            )
        ) {
            cx.syn_error(syn::Error::new(unit.span, format!("`{at}`: `unit` applies to timestamps and times of day (chrono DateTime<Utc>, NaiveDateTime, NaiveTime; time OffsetDateTime, PrimitiveDateTime, Time), not to `{}`", quote::quote!(#element))));
            return;
        }
    }
    if f.attrs.unit.is_some() && f.attrs.decimal.is_some() {
        cx.syn_error(syn::Error::new(
            span,
            format!("`{at}`: `unit` and `decimal` cannot both apply"),
        ));
    }
    if f.attrs.decimal.is_none() && ty::name(base).as_deref() == Some("Decimal") {
        cx.syn_error(syn::Error::new(span, format!("`{at}`: a Decimal needs its precision and scale: add #[stream_schema(decimal(precision = P, scale = S))]")));
        return;
    }
    if let Some(reason) = ty::unsupported(f.ty) {
        cx.syn_error(syn::Error::new(span, format!("`{at}`: {reason}")));
    }
}

/// Why `default` does not fit the field's type, when the tokens tell enough.
fn default_mismatch(field_ty: &syn::Type, v: &Value) -> Option<String> {
    if let Some(inner) = ty::option_inner(field_ty) {
        // null is always fine; a non-null default puts null last and must fit T.
        return if v.is_null() {
            None
        } else {
            default_mismatch(inner, v).map(|m| {
                format!("{m}: a non-null default on an Option makes the union [T, \"null\"], and Avro requires a union's default to match its first branch (or use default = \"null\")")
            })
        };
    }
    let name = ty::name(field_ty)?;
    let int_range = |lo: i128, hi: i128| -> Option<String> {
        match v
            .as_i64()
            .map(i128::from)
            .or_else(|| v.as_u64().map(i128::from))
        {
            Some(n) if (lo..=hi).contains(&n) => None,
            Some(_) => Some(format!("is out of range for `{name}` ({lo}..={hi})")),
            None => Some(format!("must be an integer for a `{name}` field")),
        }
    };
    match name.as_str() {
        "bool" => (!v.is_boolean()).then(|| "must be true or false for a `bool` field".into()),
        "i8" => int_range(i8::MIN.into(), i8::MAX.into()),
        "i16" => int_range(i16::MIN.into(), i16::MAX.into()),
        "i32" => int_range(i32::MIN.into(), i32::MAX.into()),
        "u8" => int_range(0, u8::MAX.into()),
        "u16" => int_range(0, u16::MAX.into()),
        "u32" => int_range(0, u32::MAX.into()),
        "i64" => int_range(i64::MIN.into(), i64::MAX.into()),
        "f32" | "f64" => (!v.is_number()).then(|| format!("must be a number for a `{name}` field")),
        "String" | "str" | "Cow" | "Uuid" => {
            (!v.is_string()).then(|| format!("must be a JSON string for a `{name}` field"))
        }
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => {
            if ty::vec_inner(field_ty).and_then(ty::name).as_deref() == Some("u8") {
                (!v.is_string()).then(|| "must be a JSON string of byte values (Avro bytes default) for a `Vec<u8>` field".into())
            } else {
                (!v.is_array()).then(|| format!("must be a JSON array for a `{name}` field"))
            }
        }
        "HashMap" | "BTreeMap" | "IndexMap" => {
            (!v.is_object()).then(|| format!("must be a JSON object for a `{name}` field"))
        }
        _ => None,
    }
}
