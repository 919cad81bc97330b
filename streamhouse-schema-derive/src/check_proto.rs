//! Protobuf checks for a type that enables Protobuf (`#[stream_schema(protobuf)]` or any
//! `tag`): every field has a valid, unique, unreserved number; `proto = "..."` fits the
//! field's integer type; unit enums start at 0; fields have a Protobuf shape; an inline
//! `oneof` field is an `Option` of a data enum and takes no `tag` of its own.
//!
//! Whether an inline oneof's member numbers collide with the message's own field numbers
//! cannot be seen from the message's tokens (the members are the enum's variants, declared
//! elsewhere): the derive emits a compile-time assertion for that (see `emit::proto`).

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
    match &c.data {
        Data::Struct(Style::Named | Style::Unit, _) => {}
        _ => {
            for f in all_fields(c) {
                if let Some(span) = f.attrs.oneof {
                    cx.syn_error(syn::Error::new(span, format!("`{ty_name}.{}`: #[stream_schema(oneof)] applies to the fields of a struct with named fields only", f.rust_name)));
                }
            }
        }
    }
    if !enabled(c) {
        return;
    }
    if c.has_lifetimes() {
        check_borrowing(cx, &ty_name, c);
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
        if f.attrs.oneof.is_some() {
            check_oneof_field(cx, &at, f);
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

/// An inline oneof field: `Option<E>` with `E` a data enum (the trait system checks that
/// `E` really is one), no `tag` (its members' numbers are the variants' tags).
fn check_oneof_field(cx: &Ctxt, at: &str, f: &Field) {
    if let Some(t) = &f.attrs.tag {
        cx.syn_error(syn::Error::new(t.span, format!("`{at}`: a oneof field takes no `tag`: its members' field numbers are the `tag`s of the enum's variants")));
        return;
    }
    let Some(inner) = ty::option_inner(f.ty) else {
        cx.error_spanned(f.ty, format!("`{at}`: #[stream_schema(oneof)] needs an `Option<E>` field (None: no member set), where `E` is an enum with data whose variants carry `tag`s"));
        return;
    };
    if let Some(what) = not_an_enum(inner) {
        cx.error_spanned(inner, format!("`{at}`: #[stream_schema(oneof)] needs `Option<E>` with `E` an enum with data whose variants carry `tag`s; {what} is not one"));
    }
}

/// Types that the tokens alone show are not a user's enum.
fn not_an_enum(t: &syn::Type) -> Option<String> {
    let syn::Type::Path(_) = t else {
        return Some(format!("`{}`", quote::quote!(#t)));
    };
    let name = ty::name(t)?;
    let known = matches!(
        name.as_str(),
        "bool"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "f32"
            | "f64"
            | "String"
            | "Vec"
            | "HashMap"
            | "BTreeMap"
            | "IndexMap"
            | "Option"
            | "Box"
            | "Bytes"
            | "Uuid"
            | "DateTime"
            | "NaiveDateTime"
            | "NaiveDate"
            | "NaiveTime"
            | "Decimal"
    );
    known.then(|| format!("`{}`", quote::quote!(#t)))
}

fn is_bytes(t: &syn::Type) -> bool {
    ty::vec_inner(t).and_then(ty::name).as_deref() == Some("u8")
}

fn is_repeated(t: &syn::Type) -> bool {
    ty::vec_inner(t).is_some() && !is_bytes(t)
}

fn is_map(t: &syn::Type) -> bool {
    matches!(
        ty::name(t).as_deref(),
        Some("HashMap" | "BTreeMap" | "IndexMap")
    )
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

/// What a borrowing (lifetime-carrying) Protobuf type may be: a struct with named fields
/// (a message read by `ProtoBorrowDecode`), without inline oneofs (their members are read
/// by the owned enum's `prost` code, which cannot borrow).
fn check_borrowing(cx: &Ctxt, ty_name: &str, c: &Container) {
    match &c.data {
        Data::Struct(Style::Named | Style::Unit, fields) => {
            for f in fields {
                if let Some(span) = f.attrs.oneof {
                    cx.syn_error(syn::Error::new(span, format!("`{ty_name}.{}`: a borrowing Protobuf message cannot declare a oneof inline yet: oneof members are read without borrowing. Put the oneof in an owned message, or use Avro or JSON for this type", f.rust_name)));
                }
            }
        }
        _ => cx.error_spanned(&c.input.ident, format!("`{ty_name}`: only a struct with named fields can borrow from a Protobuf payload (a message read by ProtoBorrowDecode); a borrowing newtype or enum cannot be Protobuf: use owned fields, or Avro or JSON for this type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Protobuf errors the derive reports for `input`, in order.
    fn errors(input: syn::DeriveInput) -> Vec<String> {
        let cx = Ctxt::default();
        let Some(c) = Container::from_ast(&cx, &input) else {
            return vec!["not a container".into()];
        };
        check_proto(&cx, &c);
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_valid_message_has_no_errors() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf, reserved(3, "old"))]
            struct Order {
                #[stream_schema(tag = 1)] id: String,
                #[stream_schema(tag = 2, proto = "sint64")] delta: i64,
                #[stream_schema(tag = 536870911)] last: Vec<u32>,
            }
        });
        assert_eq!(e, Vec::<String>::new());
    }

    #[test]
    fn missing_tag_names_type_field_and_rule() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf)]
            struct Order { #[stream_schema(tag = 1)] id: String, amount: f64 }
        });
        assert_eq!(e, ["`Order.amount`: a Protobuf message field needs a field number: add #[stream_schema(tag = N)] (1 to 536870911, not 19000-19999)"]);
    }

    #[test]
    fn a_tag_enables_protobuf_without_the_container_flag() {
        let e = errors(syn::parse_quote! {
            struct Order { #[stream_schema(tag = 1)] id: String, amount: f64 }
        });
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("`Order.amount`: a Protobuf message field needs a field number"));
        // Without any tag or flag the type is Avro-only: no Protobuf errors.
        let e = errors(syn::parse_quote! { struct Plain { id: String } });
        assert!(e.is_empty());
    }

    #[test]
    fn duplicate_zero_reserved_range_and_too_large_tags() {
        let e = errors(syn::parse_quote! {
            struct Order {
                #[stream_schema(tag = 1)] a: i32,
                #[stream_schema(tag = 1)] b: i32,
                #[stream_schema(tag = 0)] c: i32,
                #[stream_schema(tag = 19000)] d: i32,
                #[stream_schema(tag = 536870912)] e: i32,
            }
        });
        assert_eq!(
            e,
            [
                "`Order.b`: duplicate Protobuf field number 1 (also used by `Order.a`)",
                "`Order.c`: Protobuf field number 0 is not allowed: numbers start at 1",
                "`Order.d`: Protobuf field numbers 19000-19999 are reserved for the Protobuf implementation: 19000 cannot be used",
                "`Order.e`: Protobuf field number 536870912 is too large: the maximum is 536870911 (2^29 - 1)",
            ]
        );
    }

    #[test]
    fn reserved_numbers_and_names_cannot_be_used() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(reserved(2, 3, "legacy"))]
            struct Order {
                #[stream_schema(tag = 3)] amount: f64,
                #[stream_schema(tag = 4)] legacy: f64,
            }
        });
        assert_eq!(
            e,
            [
                "`Order.amount`: field number 3 is reserved (#[stream_schema(reserved(...))]): pick another number",
                "`Order.legacy`: the field name \"legacy\" is reserved (#[stream_schema(reserved(...))]): rename the field",
            ]
        );
    }

    #[test]
    fn unit_enum_must_start_at_zero_and_takes_no_tags() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf)]
            enum Currency { Eur = 1, Usd = 2 }
        });
        assert_eq!(e, ["`Currency::Eur`: the first value of a proto3 enum must be 0 (it is the default), found 1: add a first variant `= 0` (e.g. `Unspecified = 0`)"]);
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf)]
            enum Currency { Unspecified, #[stream_schema(tag = 2)] Usd }
        });
        assert_eq!(e, ["`Currency::Usd`: a unit enum's Protobuf numbers are its Rust discriminants (`Usd = 1`), not `tag`"]);
    }

    #[test]
    fn oneof_variants_need_unique_tags_and_singular_members() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf)]
            enum Payment {
                #[stream_schema(tag = 1)] Card(String),
                Cash(i64),
                #[stream_schema(tag = 1)] Many(Vec<String>),
            }
        });
        assert_eq!(
            e,
            [
                "`Payment::Cash`: every variant of a Protobuf oneof needs a field number: add #[stream_schema(tag = N)]",
                "`Payment::Many`: duplicate Protobuf field number 1 (also used by `Payment::Card`)",
                "`Payment::Many`: a oneof member cannot be an Option, a Vec or a map: use a struct variant",
            ]
        );
    }

    #[test]
    fn shapes_protobuf_cannot_label_are_rejected() {
        let e = errors(syn::parse_quote! {
            struct Order {
                #[stream_schema(tag = 1)] a: Option<Vec<String>>,
                #[stream_schema(tag = 2)] b: Vec<Option<i32>>,
                #[stream_schema(tag = 3)] c: HashMap<String, Vec<i32>>,
                #[stream_schema(tag = 4)] ok_bytes: Option<Vec<u8>>,
                #[stream_schema(tag = 5)] ok_repeated_bytes: Vec<Vec<u8>>,
            }
        });
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("`Order.a`: `Option<Vec<T>>`"));
        assert!(e[1].starts_with("`Order.b`: a repeated field's elements"));
        assert!(e[2].starts_with("`Order.c`: a map's values"));
    }

    #[test]
    fn integer_encoding_must_fit_the_rust_type() {
        let e = errors(syn::parse_quote! {
            struct Order {
                #[stream_schema(tag = 1, proto = "sint64")] a: i32,
                #[stream_schema(tag = 2, proto = "fixed32")] b: Option<u32>,
                #[stream_schema(tag = 3, proto = "sfixed64")] c: Vec<i64>,
            }
        });
        assert_eq!(e, ["`Order.a`: proto = \"sint64\" applies to `i64` fields (or Option/Vec of it), not `i32`"]);
    }

    #[test]
    fn inline_oneof_needs_an_untagged_option_of_an_enum() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf)]
            struct Order {
                #[stream_schema(tag = 1)] id: String,
                #[stream_schema(oneof)] ok: Option<Payment>,
                #[stream_schema(oneof)] bare: Payment,
                #[stream_schema(oneof)] text: Option<String>,
                #[stream_schema(oneof, tag = 7)] tagged: Option<Payment>,
            }
        });
        assert_eq!(
            e,
            [
                "`Order.bare`: #[stream_schema(oneof)] needs an `Option<E>` field (None: no member set), where `E` is an enum with data whose variants carry `tag`s",
                "`Order.text`: #[stream_schema(oneof)] needs `Option<E>` with `E` an enum with data whose variants carry `tag`s; `String` is not one",
                "`Order.tagged`: a oneof field takes no `tag`: its members' field numbers are the `tag`s of the enum's variants",
            ]
        );
    }

    #[test]
    fn inline_oneof_enables_protobuf_and_belongs_to_structs_only() {
        // `oneof` alone makes the type a Protobuf message: the other fields need tags.
        let e = errors(syn::parse_quote! {
            struct Order { id: String, #[stream_schema(oneof)] pay: Option<Payment> }
        });
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("`Order.id`: a Protobuf message field needs a field number"));
        let e = errors(syn::parse_quote! {
            #[stream_schema(protobuf)]
            enum Event {
                #[stream_schema(tag = 1)]
                Paid { #[stream_schema(tag = 1)] id: String, #[stream_schema(oneof)] pay: Option<Payment> },
            }
        });
        assert_eq!(e, ["`Event.pay`: #[stream_schema(oneof)] applies to the fields of a struct with named fields only"]);
    }
}
