//! `StreamSchema` (cached schemas) and `Topic` (topic and key) impls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{bounded, proto};
use crate::ast::{Container, Data};
use crate::pin::Pinned;

pub fn expand(c: &Container, pinned: Option<&Pinned>) -> TokenStream {
    let ident = c.ident;
    let g = bounded(
        &c.input.generics,
        quote!(::streamhouse_schema::AvroEncode + 'static),
    );
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    // The build's outcome is cached, error included: a type whose schemas cannot be built
    // (two Rust types with one schema name) is a typed error for `try_schemas`, every time.
    let schemas = if c.is_generic() {
        // A `static` in a generic impl is shared by every instantiation: key by TypeId.
        quote!(::streamhouse_schema::schema::try_schemas_for::<Self>())
    } else {
        quote! {
            static __SCHEMAS: ::streamhouse_schema::__private::OnceLock<
                ::std::result::Result<::streamhouse_schema::Schemas, ::streamhouse_schema::schema::SchemaBuildError>,
            > = ::streamhouse_schema::__private::OnceLock::new();
            __SCHEMAS.get_or_init(::streamhouse_schema::Schemas::build_stream::<Self>).as_ref()
        }
    };
    // The canonical form the compile-time guards checked; the run time refuses to build a
    // different schema, so the build can never have checked something else.
    let pinned_form = pinned.map(|p| {
        let pcf = &p.canonical_form;
        quote! {
            fn compile_time_canonical_form() -> ::std::option::Option<&'static str> {
                ::std::option::Option::Some(#pcf)
            }
        }
    });
    // The type's own payload format, a constant: choosing it costs typed sends nothing.
    let format = c.attrs.format.get().map(|f| {
        let variant = format_ident!("{}", f.variant());
        quote! {
            const FORMAT: ::std::option::Option<::streamhouse_schema::SchemaFormat> =
                ::std::option::Option::Some(::streamhouse_schema::SchemaFormat::#variant);
        }
    });
    // The generated `prost::Message` as fn pointers, for `send_typed` and `decode`, which
    // are generic over `T: StreamSchema` and cannot name it.
    let proto_codec = proto::has_own_codec(c).then(|| {
        quote! {
            #[inline]
            fn proto_codec() -> ::std::option::Option<::streamhouse_schema::__private::proto::ProtoCodec<Self>> {
                ::std::option::Option::Some(::streamhouse_schema::__private::proto::ProtoCodec::generated())
            }
        }
    });
    let contract = super::contract::method(c);
    let compiled_conditions = super::cel_compiled::methods(c);
    let stream = quote! {
        impl #impl_g ::streamhouse_schema::StreamSchema for #ident #ty_g #where_c {
            fn try_schemas() -> ::std::result::Result<
                &'static ::streamhouse_schema::Schemas,
                &'static ::streamhouse_schema::schema::SchemaBuildError,
            > {
                #schemas
            }
            fn schemas() -> &'static ::streamhouse_schema::Schemas {
                ::streamhouse_schema::__private::schemas_or_panic::<Self>(Self::try_schemas())
            }
            #pinned_form
            #format
            #proto_codec
            #contract
            #compiled_conditions
        }
    };
    let Some(topic) = &c.attrs.topic else {
        return stream;
    };
    let topic = &topic.value;
    let key = match &c.data {
        Data::Struct(_, fields) => fields.iter().find(|f| f.attrs.key.is_some()),
        Data::Enum(_) => None,
    };
    let (key_ty, key_fn) = match key {
        Some(f) => {
            let ty = f.ty;
            let member = &f.member;
            (
                quote!(#ty),
                quote!(::std::option::Option::Some(&self.#member)),
            )
        }
        None => (quote!(()), quote!(::std::option::Option::None)),
    };
    quote! {
        #stream
        impl #impl_g ::streamhouse_schema::Topic for #ident #ty_g #where_c {
            const TOPIC: &'static str = #topic;
            type Key = #key_ty;
            fn key(&self) -> ::std::option::Option<&Self::Key> {
                #key_fn
            }
        }
    }
}
