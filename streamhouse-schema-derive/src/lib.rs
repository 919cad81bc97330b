//! The `#[derive(StreamSchema)]` macro of streamhouse-schema.
//!
//! The input is parsed into a typed model ([`ast`]) with validated attributes ([`attr`]),
//! checked as a whole ([`check`]) with every error collected, and only then turned into
//! code by one emitter per trait ([`emit`]). On error the macro emits the errors and stub
//! impls ([`fallback`]) so that users see one message, not a cascade.

extern crate proc_macro;

mod ast;
mod attr;
mod case;
mod check;
mod check_proto;
mod ctxt;
mod emit;
mod fallback;
mod pin;
mod ty;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `StreamSchema`, `SchemaType`, `AvroEncode`, `AvroDecode` and, with
/// `#[stream_schema(topic = "...")]`, `Topic`. See the `streamhouse_schema` crate docs for
/// the type mapping and the attributes.
#[proc_macro_derive(StreamSchema, attributes(stream_schema))]
pub fn derive_stream_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input).into()
}

fn expand(input: &DeriveInput) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::default();
    let container = ast::Container::from_ast(&cx, input);
    if let Some(c) = &container {
        check::check(&cx, c);
        check_proto::check_proto(&cx, c);
    }
    let pinned = container.as_ref().and_then(|c| pin::expand(&cx, c));
    match (cx.check(), container) {
        (Ok(()), Some(c)) => emit::expand(&c, pinned.as_ref()),
        (Err(e), _) => fallback::expand(input, e),
        (Ok(()), None) => fallback::expand(
            input,
            syn::Error::new_spanned(&input.ident, "StreamSchema cannot be derived here"),
        ),
    }
}
