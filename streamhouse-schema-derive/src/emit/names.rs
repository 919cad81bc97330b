//! Two different types with one schema name in one struct, as a compile error.
//!
//! The model builder finds every such clash at run time (`ModelError::NameConflict`, a
//! typed error from `StreamSchema::try_schemas`). Where both types are fields of the struct
//! being derived (or one is the struct itself), the names are known at compile time
//! through `SchemaType::STATIC_NAME`, and a `const` that panics on a clash fails the build
//! with a message naming both fields. Types the derive cannot see (nested a level down,
//! generic, behind a type alias of a generic) stay with the run-time check.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Type;

use crate::ast::{Container, Data, Field, Style};
use crate::ty;

/// Types that are never derived named types: no check is emitted for them (it would only
/// repeat the trait error of a type that has no schema at all).
const NOT_NAMED: &[&str] = &[
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "f32",
    "f64",
    "String",
    "str",
    "Cow",
    "Bytes",
    "Uuid",
    "DateTime",
    "NaiveDateTime",
    "NaiveDate",
    "NaiveTime",
    "OffsetDateTime",
    "PrimitiveDateTime",
    "Date",
    "Time",
    "Decimal",
    "HashMap",
    "BTreeMap",
    "IndexMap",
    "HashSet",
    "BTreeSet",
    "VecDeque",
];

/// The type under `Option`, `Vec`, `Box`, `Arc` and `Rc`, which forward `STATIC_NAME`.
fn unwrapped(t: &Type) -> &Type {
    match ty::wrapper_inner(t) {
        Some(inner) => unwrapped(inner),
        None => t,
    }
}

/// A type as written, without the token spacing (`Vec<legacy::Order>`).
fn written(t: &Type) -> String {
    t.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

fn mentions_self(t: &Type) -> bool {
    t.to_token_stream()
        .into_iter()
        .any(|tt| matches!(&tt, proc_macro2::TokenTree::Ident(i) if i == "Self"))
}

/// A field whose type may be a derived named type, checked as it is.
fn candidate(f: &Field) -> bool {
    let a = &f.attrs;
    if a.skip.get().copied().unwrap_or(false)
        || a.repr.is_some()
        || a.unit.is_some()
        || a.decimal.is_some()
    {
        return false;
    }
    let inner = unwrapped(f.ty);
    if mentions_self(f.ty) || !matches!(inner, Type::Path(_)) {
        return false;
    }
    !matches!(ty::name(inner).as_deref(), Some(n) if NOT_NAMED.contains(&n))
}

pub fn expand(c: &Container) -> TokenStream {
    // A generic struct's field types name its parameters, which a free `const` cannot.
    if !c.input.generics.params.is_empty() {
        return quote!();
    }
    let Data::Struct(Style::Named, fields) = &c.data else {
        return quote!();
    };
    let fields: Vec<&Field> = fields.iter().filter(|f| candidate(f)).collect();
    let st = quote!(::streamhouse_schema::SchemaType);
    let ident = c.ident;
    let parent_ns = match c.attrs.namespace.as_ref().map(|n| n.value.as_str()) {
        Some(ns) if !ns.is_empty() => quote!(::std::option::Option::Some(#ns)),
        _ => quote!(::std::option::Option::None),
    };
    let clash = quote!(::streamhouse_schema::__private::names_clash);
    let owner = c.ident.to_string();
    let help =
        "give one of them another name with #[stream_schema(name = \"...\")] or another namespace";
    let mut checks = Vec::new();
    for (i, a) in fields.iter().enumerate() {
        let (ta, sa) = (a.ty, written(a.ty));
        // The struct itself and each field.
        let msg = format!(
            "`{owner}`: field `{}` (`{sa}`) is another type with the schema name of `{owner}` itself: {help}",
            a.rust_name
        );
        checks.push(quote_spanned! {ta.span()=>
            if #clash(<#ident as #st>::STATIC_NAME, <#ta as #st>::STATIC_NAME, #parent_ns) {
                ::core::panic!(#msg);
            }
        });
        for b in fields.iter().skip(i + 1) {
            let (tb, sb) = (b.ty, written(b.ty));
            if sa == sb {
                continue;
            }
            let msg = format!(
                "`{owner}`: fields `{}` (`{sa}`) and `{}` (`{sb}`) are different types with the same schema name (name and namespace): {help}",
                a.rust_name, b.rust_name
            );
            checks.push(quote_spanned! {tb.span()=>
                if #clash(<#ta as #st>::STATIC_NAME, <#tb as #st>::STATIC_NAME, #parent_ns) {
                    ::core::panic!(#msg);
                }
            });
        }
    }
    if checks.is_empty() {
        return quote!();
    }
    quote! {
        const _: () = {
            #(#checks)*
        };
    }
}
