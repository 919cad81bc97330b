//! The `#[derive(StreamSchema)]` macro of streamhouse-schema.
use proc_macro::TokenStream;

/// Derives `streamhouse_schema::StreamSchema`.
#[proc_macro_derive(StreamSchema, attributes(stream_schema))]
pub fn derive_stream_schema(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
