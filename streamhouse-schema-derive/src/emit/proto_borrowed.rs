//! Zero-copy Protobuf decoding for types with a lifetime parameter: `ProtoBorrowValue` and
//! `ProtoBorrowDecode` for a borrowing message (a struct with named fields), and, for every
//! borrowing type, `ProtoBorrowRecord` (how the consumer finds the decoder, `None` when the
//! type is not a Protobuf message).
//!
//! A borrowing message has no `prost::Message` (prost reads through `bytes::Buf`, which
//! cannot lend its bytes out): its fields are read from a `&'de [u8]` cursor, those whose
//! type names a lifetime through `ProtoBorrowField`, the others through the owned slice
//! path, as in an owned message.

use proc_macro2::TokenStream;
use quote::quote;

use super::proto::{enabled, field_code, field_default, p, tagged};
use super::with_de_lifetime;
use crate::ast::{Container, Data, Field, Style};
use crate::ty;

pub fn expand(c: &Container) -> TokenStream {
    let p = p();
    let ident = c.ident;
    let fields = match &c.data {
        Data::Struct(Style::Named | Style::Unit, fields) if enabled(c) => Some(fields),
        _ => None,
    };
    // A message's type parameters are Protobuf values; another type's are anything.
    let g = match fields {
        Some(_) => super::bounded(
            &c.input.generics,
            quote!(#p::ProtoElement + ::std::marker::Send + ::std::marker::Sync),
        ),
        None => c.input.generics.clone(),
    };
    let g_de = with_de_lifetime(&g);
    let (impl_de, _, _) = g_de.split_for_impl();
    let (_, ty_g, where_c) = g.split_for_impl();
    let fields = match fields {
        Some(fields) => fields,
        None => {
            return quote! {
                impl #impl_de #p::ProtoBorrowRecord<'__de> for #ident #ty_g #where_c {
                    #[inline]
                    fn proto_borrowed() -> ::std::option::Option<fn(&'__de [u8]) -> ::std::result::Result<Self, #p::DecodeError>> {
                        ::std::option::Option::None
                    }
                }
            };
        }
    };
    let owner = c.ident.to_string();
    let arms = tagged(fields).into_iter().map(|(f, tag)| {
        let m = &f.member;
        let fname = &f.rust_name;
        let read = if f.attrs.proto.is_some() {
            field_code(f, tag, &quote!(&self.#m), &quote!(&mut self.#m)).merge
        } else if ty::has_lifetime(f.ty) {
            quote!(#p::ProtoBorrowField::merge_field_borrowed(&mut self.#m, __wt, __buf, __depth))
        } else {
            quote!(#p::ProtoField::merge_field_slice(&mut self.#m, __wt, __buf, __depth))
        };
        quote!(#tag => #read.map_err(|__e| #p::in_field(__e, #owner, #fname)),)
    });
    let inits = fields.iter().map(|f| {
        let m = &f.member;
        let d = borrowed_default(f);
        quote!(#m: #d)
    });
    quote! {
        impl #impl_de #p::ProtoBorrowValue<'__de> for #ident #ty_g #where_c {
            const WIRE_TYPE: #p::WireType = #p::WireType::LengthDelimited;
            #[inline]
            fn proto_default() -> Self {
                Self { #(#inits),* }
            }
            #[inline]
            fn merge_borrowed(&mut self, __buf: &mut &'__de [u8], __depth: u32) -> ::std::result::Result<(), #p::DecodeError> {
                let (__body, __depth) = #p::slice::message_body(__buf, __depth)?;
                <Self as #p::ProtoBorrowDecode<'__de>>::merge_body_borrowed(self, __body, __depth)
            }
        }
        impl #impl_de #p::ProtoBorrowElement<'__de> for #ident #ty_g #where_c {}
        impl #impl_de #p::ProtoBorrowDecode<'__de> for #ident #ty_g #where_c {
            #[allow(unused_variables)]
            fn merge_body_borrowed(&mut self, __body: &'__de [u8], __depth: u32) -> ::std::result::Result<(), #p::DecodeError> {
                let mut __cursor: &'__de [u8] = __body;
                let __buf = &mut __cursor;
                while !__buf.is_empty() {
                    let (__tag, __wt) = #p::slice::read_key(__buf)?;
                    let __ctx = #p::DecodeContext::default();
                    match __tag {
                        #(#arms)*
                        _ => #p::slice::skip_field(__wt, __tag, __buf),
                    }?;
                }
                ::std::result::Result::Ok(())
            }
        }
        impl #impl_de #p::ProtoBorrowRecord<'__de> for #ident #ty_g #where_c {
            #[inline]
            fn proto_borrowed() -> ::std::option::Option<fn(&'__de [u8]) -> ::std::result::Result<Self, #p::DecodeError>> {
                ::std::option::Option::Some(<Self as #p::ProtoBorrowDecode<'__de>>::from_proto_borrowed)
            }
        }
    }
}

/// An absent field's value: a borrowed field's zero value borrows nothing (`""`, `b""`).
fn borrowed_default(f: &Field) -> TokenStream {
    let p = p();
    let t = f.ty;
    let skipped = f.attrs.skip.get().copied().unwrap_or(false);
    if !skipped && f.attrs.proto.is_none() && ty::has_lifetime(t) {
        quote!(<#t as #p::ProtoBorrowField<'__de>>::field_default())
    } else {
        field_default(f)
    }
}
