//! `AvroEncode` and `AvroDecode`: fields written and read in order, no intermediate value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::field::FieldCodec;
use super::{bounded, field_context};
use crate::ast::{Container, Data, Field, Style, Variant};
use crate::attr::DefaultAttr;

pub fn expand(c: &Container) -> TokenStream {
    let ident = c.ident;
    let g = bounded(&c.input.generics, quote!(::streamhouse_schema::AvroEncode));
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let owner = c.ident.to_string();
    let untagged = c.attrs.untagged.get().copied().unwrap_or(false);

    let (encode_body, branch_fns) = match &c.data {
        Data::Struct(Style::Newtype, fields) if !is_fixed_newtype(fields) => {
            let codec = FieldCodec::new(&fields[0]);
            let stmt = codec.encode(quote!(&self.0));
            (
                quote!(#stmt),
                quote! {
                    #[inline]
                    fn encode_avro_branch<__B: ::streamhouse_schema::__private::BufMut>(&self, __first: i64, __buf: &mut __B) -> ::std::result::Result<(), ::streamhouse_schema::EncodeError> {
                        ::streamhouse_schema::AvroEncode::encode_avro_branch(&self.0, __first, __buf)
                    }
                },
            )
        }
        Data::Struct(Style::Newtype, _) => (
            quote!(::streamhouse_schema::AvroEncode::encode_avro(
                &self.0, __buf
            )),
            quote!(),
        ),
        Data::Struct(_, fields) => {
            let stmts = fields.iter().filter(|f| !skipped(f)).map(|f| {
                let member = &f.member;
                let ctx = field_context(&owner, &f.rust_name);
                let e = FieldCodec::new(f).encode(quote!(&self.#member));
                quote!(::streamhouse_schema::__private::in_field(#e, #ctx)?;)
            });
            (quote!(#(#stmts)* ::std::result::Result::Ok(())), quote!())
        }
        Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let vi = v.ident;
                let i = i as i64;
                quote!(Self::#vi => ::streamhouse_schema::__private::varint::write_long(__buf, #i),)
            });
            (
                quote!(match self { #(#arms)* } ::std::result::Result::Ok(())),
                quote!(),
            )
        }
        Data::Enum(variants) => {
            let arms = variants
                .iter()
                .enumerate()
                .map(|(i, v)| encode_variant_arm(&owner, v, i as i64, untagged));
            (
                quote!(::streamhouse_schema::AvroEncode::encode_avro_branch(
                    self, 0, __buf
                )),
                quote! {
                    fn encode_avro_branch<__B: ::streamhouse_schema::__private::BufMut>(&self, __first: i64, __buf: &mut __B) -> ::std::result::Result<(), ::streamhouse_schema::EncodeError> {
                        match self { #(#arms)* }
                        ::std::result::Result::Ok(())
                    }
                },
            )
        }
    };

    let encode = quote! {
        impl #impl_g ::streamhouse_schema::AvroEncode for #ident #ty_g #where_c {
            #[inline]
            fn encode_avro<__B: ::streamhouse_schema::__private::BufMut>(&self, __buf: &mut __B) -> ::std::result::Result<(), ::streamhouse_schema::EncodeError> {
                #encode_body
            }
            #branch_fns
        }
    };
    if c.has_lifetimes() {
        // Borrowed types (`&str` fields) are encode-only.
        return encode;
    }
    let decode = expand_decode(c, &owner, untagged);
    quote!(#encode #decode)
}

fn is_fixed_newtype(fields: &[Field]) -> bool {
    matches!(fields.first().map(|f| f.ty), Some(syn::Type::Array(_)))
}

pub(super) fn skipped(f: &Field) -> bool {
    f.attrs.skip.get().copied().unwrap_or(false)
}

fn encode_variant_arm(owner: &str, v: &Variant, index: i64, untagged: bool) -> TokenStream {
    let vi = v.ident;
    let owner = format!("{owner}::{}", v.ident);
    match v.style {
        Style::Unit => {
            quote!(Self::#vi => ::streamhouse_schema::__private::varint::write_long(__buf, __first + #index),)
        }
        Style::Newtype if untagged => {
            let e = FieldCodec::new(&v.fields[0]).encode(quote!(__f0));
            let ctx = field_context(&owner, "0");
            quote!(Self::#vi(__f0) => {
                ::streamhouse_schema::__private::varint::write_long(__buf, __first + #index);
                ::streamhouse_schema::__private::in_field(#e, #ctx)?;
            })
        }
        _ => {
            let binds: Vec<_> = (0..v.fields.len())
                .map(|i| format_ident!("__f{}", i))
                .collect();
            let members: Vec<_> = v.fields.iter().map(|f| &f.member).collect();
            let stmts = v
                .fields
                .iter()
                .zip(&binds)
                .filter(|(f, _)| !skipped(f))
                .map(|(f, b)| {
                    let e = FieldCodec::new(f).encode(quote!(#b));
                    let ctx = field_context(&owner, &f.rust_name);
                    quote!(::streamhouse_schema::__private::in_field(#e, #ctx)?;)
                });
            quote!(Self::#vi { #(#members: #binds),* } => {
                ::streamhouse_schema::__private::varint::write_long(__buf, __first + #index);
                #(#stmts)*
            })
        }
    }
}

/// The value of a field when decoding: decoded, or its Rust default when skipped.
pub(super) fn decode_field(owner: &str, f: &Field) -> TokenStream {
    if skipped(f) {
        return match f.attrs.default.get() {
            Some(DefaultAttr::Path(p)) => match syn::parse_str::<syn::ExprPath>(p) {
                Ok(path) => quote!(#path()),
                Err(e) => e.to_compile_error(),
            },
            _ => quote!(::std::default::Default::default()),
        };
    }
    let d = FieldCodec::new(f).decode();
    let ctx = field_context(owner, &f.rust_name);
    quote!(::streamhouse_schema::__private::in_field(#d, #ctx)?)
}

fn expand_decode(c: &Container, owner: &str, untagged: bool) -> TokenStream {
    let ident = c.ident;
    let g = bounded(&c.input.generics, quote!(::streamhouse_schema::AvroDecode));
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let (body, branch_fn) = match &c.data {
        Data::Struct(Style::Newtype, fields) if !is_fixed_newtype(fields) => {
            let d = FieldCodec::new(&fields[0]).decode();
            let inner = fields[0].ty;
            (
                quote!(::std::result::Result::Ok(Self(#d?))),
                quote! {
                    #[inline]
                    fn decode_avro_branch(__branch: i64, __input: &mut &[u8]) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
                        <#inner as ::streamhouse_schema::AvroDecode>::decode_avro_branch(__branch, __input).map(Self)
                    }
                },
            )
        }
        Data::Struct(Style::Newtype, _) => (
            quote!(::streamhouse_schema::AvroDecode::decode_avro(__input).map(Self)),
            quote!(),
        ),
        Data::Struct(Style::Unit, _) => (quote!(::std::result::Result::Ok(Self)), quote!()),
        Data::Struct(_, fields) => {
            let inits = fields.iter().map(|f| {
                let member = &f.member;
                let v = decode_field(owner, f);
                quote!(#member: #v)
            });
            // The fields read from a local copy of the cursor, written back once at the
            // end: with the varint reads inlined, the cursor then lives in registers
            // instead of being stored through the caller's reference after every field.
            (
                quote! {
                    let mut __cursor: &[u8] = *__input;
                    let __value = {
                        let __input = &mut __cursor;
                        Self { #(#inits),* }
                    };
                    *__input = __cursor;
                    ::std::result::Result::Ok(__value)
                },
                super::avro_resolved::record_method(owner, fields),
            )
        }
        Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
            let n = variants.len();
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let vi = v.ident;
                let i = i as i64;
                quote!(#i => ::std::result::Result::Ok(Self::#vi),)
            });
            (
                quote!(match ::streamhouse_schema::__private::varint::read_long(__input)? {
                    #(#arms)*
                    __i => ::std::result::Result::Err(::streamhouse_schema::DecodeError::EnumSymbol { index: __i, symbols: #n }),
                }),
                quote!(),
            )
        }
        Data::Enum(variants) => {
            let n = variants.len();
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let vi = v.ident;
                let i = i as i64;
                let vowner = format!("{owner}::{}", v.ident);
                match v.style {
                    Style::Unit => quote!(#i => ::std::result::Result::Ok(Self::#vi),),
                    Style::Newtype if untagged => {
                        let d = FieldCodec::new(&v.fields[0]).decode();
                        let ctx = field_context(&vowner, "0");
                        quote!(#i => ::std::result::Result::Ok(Self::#vi(::streamhouse_schema::__private::in_field(#d, #ctx)?)),)
                    }
                    _ => {
                        let inits = v.fields.iter().map(|f| {
                            let member = &f.member;
                            let val = decode_field(&vowner, f);
                            quote!(#member: #val)
                        });
                        quote!(#i => ::std::result::Result::Ok(Self::#vi { #(#inits),* }),)
                    }
                }
            });
            (
                quote! {
                    let __branch = ::streamhouse_schema::__private::varint::read_long(__input)?;
                    <Self as ::streamhouse_schema::AvroDecode>::decode_avro_branch(__branch, __input)
                },
                quote! {
                    fn decode_avro_branch(__branch: i64, __input: &mut &[u8]) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
                        match __branch {
                            #(#arms)*
                            __i => ::std::result::Result::Err(::streamhouse_schema::DecodeError::UnionBranch { index: __i, branches: #n }),
                        }
                    }
                },
            )
        }
    };
    quote! {
        impl #impl_g ::streamhouse_schema::AvroDecode for #ident #ty_g #where_c {
            #[inline]
            fn decode_avro(__input: &mut &[u8]) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
                #body
            }
            #branch_fn
        }
    }
}
