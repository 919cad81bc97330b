//! Compile-time schema guards: `#[stream_schema(fingerprint = "...")]` pins the whole
//! schema's CRC-64-AVRO fingerprint, and `#[stream_schema(pin = "...")]` checks the type
//! against committed schema files under a compatibility level.
//!
//! The derive sees only its own type's tokens, so nested types are read from the crate's
//! sources ([`scan`]) and the model is rebuilt from tokens ([`model`]) with the same
//! emitter and canonical form the run time uses (`streamhouse-schema-core`). The generated
//! impl carries the compile-time canonical form, and the run time refuses to build schemas
//! that differ from it, so the build can never have checked something other than what is
//! registered.

mod files;
mod locate;
mod model;
mod proto;
mod report;
mod scan;
mod verdict;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use streamhouse_schema_core::avro::{parsing_canonical_form, rabin_fingerprint, to_avro_json};

use crate::ast::Container;
use crate::ctxt::Ctxt;

/// What the guards computed, for the generated code.
pub struct Pinned {
    pub canonical_form: String,
    pub tokens: TokenStream,
}

pub fn expand(cx: &Ctxt, c: &Container) -> Option<Pinned> {
    let fingerprint = c.attrs.fingerprint.as_ref();
    let pin = c.attrs.pin.as_ref();
    if fingerprint.is_none() && pin.is_none() {
        return None;
    }
    let ty_name = c.ident.to_string();
    let at = fingerprint
        .map(|f| f.span)
        .or(pin.map(|p| p.span))
        .unwrap_or_else(Span::call_site);
    if c.is_generic() {
        cx.syn_error(syn::Error::new(at, format!("`{ty_name}`: a generic type has one schema per instantiation: pin a concrete type that uses it instead")));
        return None;
    }
    let file = proc_macro::Span::call_site().local_file();
    let index = scan::Index::scan(file.as_deref());
    let model = match model::build(c, &index) {
        Ok(m) => m,
        Err(errors) => {
            for e in errors {
                cx.syn_error(syn::Error::new(at, e));
            }
            return None;
        }
    };
    let json = to_avro_json(&model);
    let canonical_form = parsing_canonical_form(&json);
    let actual = rabin_fingerprint(canonical_form.as_bytes());

    if let Some(f) = fingerprint {
        let text = f.value.trim();
        let hex = text.strip_prefix("0x").unwrap_or(text);
        match u64::from_str_radix(hex, 16) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => cx.syn_error(syn::Error::new(
                f.span,
                format!(
                    "`{ty_name}`: the schema changed: its fingerprint is now \"{actual:#018x}\" but the pin expects \"{expected:#018x}\"\n\
                     = the fingerprint covers the whole schema, nested types included, so any change fails the build\n\
                     = help: if the change is intended, update the pin to fingerprint = \"{actual:#018x}\"\n\
                     = canonical form now: {canonical_form}"
                ),
            )),
            Err(_) => cx.syn_error(syn::Error::new(
                f.span,
                format!("`{ty_name}`: fingerprint {text:?} is not a 64-bit hex number; the current fingerprint is \"{actual:#018x}\""),
            )),
        }
    }
    let tokens = match pin {
        Some(p) => files::check(cx, c, &model, &json, p, file.as_deref(), files::updating()),
        None => quote!(),
    };
    Some(Pinned {
        canonical_form,
        tokens,
    })
}
