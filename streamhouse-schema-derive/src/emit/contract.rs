//! `StreamSchema::contract`: the metadata and rules declared on the type, built once.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::Container;
use crate::attr_contract::RuleAttr;

/// The `contract()` method of the `StreamSchema` impl, or nothing when the type declares
/// no contract (the trait's default says `None`).
pub fn method(c: &Container) -> Option<TokenStream> {
    let contract = &c.attrs.contract;
    if contract.is_empty() {
        return None;
    }
    let p = quote!(::streamhouse_schema::__private);
    let keys = contract.properties.iter().map(|s| &s.value.0);
    let values = contract.properties.iter().map(|s| &s.value.1);
    let rules = contract.rules.iter().map(rule);
    // The attributes are the same for every instantiation of a generic type, so one
    // static serves them all.
    Some(quote! {
        fn contract() -> ::std::option::Option<&'static #p::TypeContract> {
            static __CONTRACT: #p::OnceLock<#p::TypeContract> = #p::OnceLock::new();
            ::std::option::Option::Some(__CONTRACT.get_or_init(|| {
                #p::TypeContract::new(
                    &[#((#keys, #values)),*],
                    ::std::vec![#(#rules),*],
                )
            }))
        }
    })
}

fn opt(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

fn rule(r: &RuleAttr) -> TokenStream {
    let p = quote!(::streamhouse_schema::__private);
    let name = &r.name;
    let kind = format_ident!("{}", r.kind.variant());
    let mode = format_ident!("{}", r.mode.variant());
    let rule_type = &r.rule_type;
    let expr = opt(r.expr.as_ref().map(|e| e.value.as_str()));
    let tags = &r.tags;
    let keys = r.params.iter().map(|(k, _)| k);
    let values = r.params.iter().map(|(_, v)| v);
    let on_success = opt(r.on_success.as_deref());
    let on_failure = opt(r.on_failure.as_deref());
    let doc = opt(r.doc.as_deref());
    let disabled = r.disabled;
    quote! {
        #p::declared_rule(
            #name,
            #p::RuleKind::#kind,
            #p::RuleMode::#mode,
            #rule_type,
            #expr,
            &[#(#tags),*],
            &[#((#keys, #values)),*],
            #on_success,
            #on_failure,
            #doc,
            #disabled,
        )
    }
}
