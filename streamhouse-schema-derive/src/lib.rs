//! The `#[derive(StreamSchema)]` macro of streamhouse-schema.
//!
//! The input is parsed into a typed model (`ast`) with validated attributes (`attr`),
//! checked as a whole (`check`) with every error collected, and only then turned into
//! code by one emitter per trait (`emit`). On error the macro emits the errors and stub
//! impls (`fallback`) so that users see one message, not a cascade.

extern crate proc_macro;

mod ast;
mod attr;
mod attr_contract;
mod case;
mod check;
mod check_contract;
mod check_format;
mod check_proto;
mod check_reference;
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
///
/// # Payload format
///
/// `#[stream_schema(format = "avro" | "json" | "protobuf")]` on the type is the format typed
/// sends write it in (`StreamSchema::FORMAT`), as a value or as a key, unless the producer
/// builder chooses another for it with `format_for::<T>(..)`; types without one take the
/// producer's `default_format` (Avro unless set).
///
/// `format = "protobuf"` makes the type a Protobuf message exactly as the `protobuf` flag
/// does (every field needs its `tag = N`, with the same checks), and the type then brings
/// its generated codec with it: `send_typed` and `Consumer::decode` use it with no
/// registration on either builder (so does any other non-generic type derived with
/// `protobuf`). It is a compile error on a type that is not a message (a newtype, an enum
/// without data) and on a generic type (its codec exists only for some type arguments:
/// choose Protobuf per instantiation on the builders). An unknown format or a second
/// `format` is a compile error too.
///
/// A compiled example is on `StreamSchema::FORMAT` in `streamhouse_schema`.
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
        check_format::check_format(&cx, c);
        check_proto::check_proto(&cx, c);
        check_contract::check_contract(&cx, c);
        check_reference::check_reference(&cx, c);
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
