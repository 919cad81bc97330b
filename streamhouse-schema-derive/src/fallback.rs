//! On error: the errors plus stub impls, so users see the real message and not a cascade
//! of "trait not implemented" errors where the type is used.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub fn expand(input: &DeriveInput, errors: syn::Error) -> TokenStream {
    let ident = &input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let errors = errors.to_compile_error();
    let has_topic = input.attrs.iter().any(|a| {
        a.path().is_ident("stream_schema")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().contains("topic"))
    });
    // A Protobuf type (`protobuf`, `format = "protobuf"` or a field `tag`) gets a stub
    // Protobuf value too, so that the types holding it report nothing more.
    let mentions = |attrs: &[syn::Attribute], word: &str| {
        attrs.iter().any(|a| {
            a.path().is_ident("stream_schema")
                && a.meta
                    .require_list()
                    .is_ok_and(|l| l.tokens.to_string().contains(word))
        })
    };
    let field_attrs: Vec<&[syn::Attribute]> = match &input.data {
        syn::Data::Struct(s) => s.fields.iter().map(|f| f.attrs.as_slice()).collect(),
        syn::Data::Enum(e) => e
            .variants
            .iter()
            .flat_map(|v| {
                std::iter::once(v.attrs.as_slice())
                    .chain(v.fields.iter().map(|f| f.attrs.as_slice()))
            })
            .collect(),
        syn::Data::Union(_) => Vec::new(),
    };
    let is_proto = mentions(&input.attrs, "protobuf")
        || field_attrs.iter().any(|attrs| mentions(attrs, "tag"));
    let proto = is_proto.then(|| {
        let p = quote!(::streamhouse_schema::__private::proto);
        quote! {
            impl #impl_g #p::ProtoValue for #ident #ty_g #where_c {
                const WIRE_TYPE: #p::WireType = #p::WireType::LengthDelimited;
                fn encode_value(&self, __buf: &mut impl #p::BufMut) { ::std::unimplemented!() }
                fn value_len(&self) -> usize { ::std::unimplemented!() }
                fn merge_value(&mut self, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                    ::std::unimplemented!()
                }
                fn is_default(&self) -> bool { ::std::unimplemented!() }
                fn proto_default() -> Self { ::std::unimplemented!() }
            }
            impl #impl_g #p::ProtoElement for #ident #ty_g #where_c {}
        }
    });
    let topic = has_topic.then(|| {
        quote! {
            impl #impl_g ::streamhouse_schema::Topic for #ident #ty_g #where_c {
                const TOPIC: &'static str = "";
                type Key = ();
                fn key(&self) -> ::std::option::Option<&()> { ::std::option::Option::None }
            }
        }
    });
    quote! {
        #errors
        #[allow(unused_variables, unreachable_code, clippy::all)]
        const _: () = {
            impl #impl_g ::streamhouse_schema::SchemaType for #ident #ty_g #where_c {
                fn describe(__b: &mut ::streamhouse_schema::__private::model::ModelBuilder) -> ::streamhouse_schema::__private::model::Ty {
                    ::std::unimplemented!()
                }
                fn type_label() -> ::std::string::String { ::std::unimplemented!() }
            }
            impl #impl_g ::streamhouse_schema::AvroEncode for #ident #ty_g #where_c {
                fn encode_avro<__B: ::streamhouse_schema::__private::BufMut>(&self, __buf: &mut __B) -> ::std::result::Result<(), ::streamhouse_schema::EncodeError> {
                    ::std::unimplemented!()
                }
            }
            impl #impl_g ::streamhouse_schema::AvroDecode for #ident #ty_g #where_c {
                fn decode_avro(__input: &mut &[u8]) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
                    ::std::unimplemented!()
                }
            }
            impl #impl_g ::streamhouse_schema::JsonEncode for #ident #ty_g #where_c {
                fn encode_json<__B: ::streamhouse_schema::__private::BufMut>(&self, __buf: &mut __B) -> ::std::result::Result<(), ::streamhouse_schema::JsonEncodeError> {
                    ::std::unimplemented!()
                }
            }
            impl #impl_g ::streamhouse_schema::JsonDecode for #ident #ty_g #where_c {
                fn read_json(__r: &mut ::streamhouse_schema::__private::JsonReader<'_>) -> ::std::result::Result<Self, ::streamhouse_schema::JsonDecodeError> {
                    ::std::unimplemented!()
                }
            }
            impl #impl_g ::streamhouse_schema::StreamSchema for #ident #ty_g #where_c {
                fn schemas() -> &'static ::streamhouse_schema::Schemas { ::std::unimplemented!() }
            }
            #topic
            #proto
        };
    }
}
