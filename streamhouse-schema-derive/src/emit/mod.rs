//! Code generation from the checked model: the type model (`SchemaType`), the Avro codec
//! and the stream traits.

mod avro;
mod avro_resolved;
mod cel_compiled;
mod contract;
mod field;
mod json;
mod model;
mod names;
pub mod proto;
mod proto_borrowed;
mod proto_oneof;
mod stream;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{parse_quote, Generics};

use crate::ast::Container;
use crate::pin::Pinned;

pub fn expand(c: &Container, pinned: Option<&Pinned>) -> TokenStream {
    let model = model::expand(c);
    let avro = avro::expand(c);
    let json = json::expand(c);
    let stream = stream::expand(c, pinned);
    let pin_tokens = pinned.map(|p| p.tokens.clone());
    let proto = proto::expand(c);
    let names = names::expand(c);
    quote! {
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #model
            #avro
            #json
            #stream
            #proto
            #names
        };
        #pin_tokens
    }
}

/// The container's generics with `bound` (one or more `+`-separated bounds) added to
/// every type parameter.
pub fn bounded(generics: &Generics, bound: TokenStream) -> Generics {
    let mut g = generics.clone();
    let bounds: syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]> =
        parse_quote!(#bound);
    for p in g.type_params_mut() {
        p.bounds.extend(bounds.iter().cloned());
    }
    g
}

/// `generics` with the input lifetime `'__de` of the borrowing decoders added first,
/// outliving every lifetime of the type (`impl<'__de: 'a, 'a> AvroBorrowDecode<'__de> for
/// Order<'a>`).
pub fn with_de_lifetime(generics: &Generics) -> Generics {
    let mut g = generics.clone();
    let mut de = syn::LifetimeParam::new(syn::Lifetime::new("'__de", Span::call_site()));
    de.bounds
        .extend(generics.lifetimes().map(|l| l.lifetime.clone()));
    g.params.insert(0, syn::GenericParam::Lifetime(de));
    g
}

/// `"Type.field"`, the context string decode and encode errors carry.
pub fn field_context(owner: &str, field: &str) -> String {
    format!("{owner}.{field}")
}
