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
    // Types with a lifetime (`&'a str` fields) decode borrowing from the input.
    let decode = expand_decode(c, &owner, untagged, c.has_lifetimes());
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
    decode_field_in(owner, f, false)
}

/// [`decode_field`] in an owned (`AvroDecode`) or borrowing (`AvroBorrowDecode`) decoder.
fn decode_field_in(owner: &str, f: &Field, borrowed: bool) -> TokenStream {
    if skipped(f) {
        return match f.attrs.default.get() {
            Some(DefaultAttr::Path(p)) => match syn::parse_str::<syn::ExprPath>(p) {
                Ok(path) => quote!(#path()),
                Err(e) => e.to_compile_error(),
            },
            _ => quote!(::std::default::Default::default()),
        };
    }
    let d = FieldCodec::new(f).decode_in(borrowed);
    let ctx = field_context(owner, &f.rust_name);
    quote!(::streamhouse_schema::__private::in_field(#d, #ctx)?)
}

/// The names an owned or a borrowing decoder uses: its trait, its methods, and the type of
/// its input.
struct DecodeNames {
    trait_path: TokenStream,
    decode: TokenStream,
    branch: TokenStream,
    input: TokenStream,
}

impl DecodeNames {
    fn new(borrowed: bool) -> Self {
        if borrowed {
            DecodeNames {
                trait_path: quote!(::streamhouse_schema::AvroBorrowDecode<'__de>),
                decode: quote!(decode_avro_borrowed),
                branch: quote!(decode_avro_borrowed_branch),
                input: quote!(&mut &'__de [u8]),
            }
        } else {
            DecodeNames {
                trait_path: quote!(::streamhouse_schema::AvroDecode),
                decode: quote!(decode_avro),
                branch: quote!(decode_avro_branch),
                input: quote!(&mut &[u8]),
            }
        }
    }

    /// The trait and branch method through which a field of type `ty` is read: the
    /// borrowing ones for a type naming a lifetime in a borrowing decoder.
    fn for_field(&self, borrowed: bool, ty: &syn::Type) -> (TokenStream, TokenStream, TokenStream) {
        let n = DecodeNames::new(borrowed && crate::ty::has_lifetime(ty));
        (n.trait_path, n.decode, n.branch)
    }
}

fn expand_decode(c: &Container, owner: &str, untagged: bool, borrowed: bool) -> TokenStream {
    let ident = c.ident;
    let g = bounded(&c.input.generics, quote!(::streamhouse_schema::AvroDecode));
    let g_de = super::with_de_lifetime(&g);
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let impl_g = if borrowed {
        let (impl_de, _, _) = g_de.split_for_impl();
        quote!(#impl_de)
    } else {
        quote!(#impl_g)
    };
    let names = DecodeNames::new(borrowed);
    let DecodeNames {
        trait_path,
        decode,
        branch,
        input,
    } = &names;
    let (body, branch_fn) = match &c.data {
        Data::Struct(Style::Newtype, fields) if !is_fixed_newtype(fields) => {
            let d = FieldCodec::new(&fields[0]).decode_in(borrowed);
            let inner = fields[0].ty;
            let (inner_trait, _, inner_branch) = names.for_field(borrowed, inner);
            (
                quote!(::std::result::Result::Ok(Self(#d?))),
                quote! {
                    #[inline]
                    fn #branch(__branch: i64, __input: #input) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
                        <#inner as #inner_trait>::#inner_branch(__branch, __input).map(Self)
                    }
                },
            )
        }
        Data::Struct(Style::Newtype, fields) => {
            let inner = fields[0].ty;
            let (inner_trait, inner_decode, _) = names.for_field(borrowed, inner);
            (
                quote!(<#inner as #inner_trait>::#inner_decode(__input).map(Self)),
                quote!(),
            )
        }
        Data::Struct(Style::Unit, _) => (quote!(::std::result::Result::Ok(Self)), quote!()),
        Data::Struct(_, fields) => {
            let inits = fields.iter().map(|f| {
                let member = &f.member;
                let v = decode_field_in(owner, f, borrowed);
                quote!(#member: #v)
            });
            // Resolution reads into owned values only (a changed value is rewritten into
            // scratch bytes first, which nothing may borrow from).
            let resolved = if borrowed {
                quote!()
            } else {
                super::avro_resolved::record_method(owner, fields)
            };
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
                resolved,
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
                        let d = FieldCodec::new(&v.fields[0]).decode_in(borrowed);
                        let ctx = field_context(&vowner, "0");
                        quote!(#i => ::std::result::Result::Ok(Self::#vi(::streamhouse_schema::__private::in_field(#d, #ctx)?)),)
                    }
                    _ => {
                        let inits = v.fields.iter().map(|f| {
                            let member = &f.member;
                            let val = decode_field_in(&vowner, f, borrowed);
                            quote!(#member: #val)
                        });
                        quote!(#i => ::std::result::Result::Ok(Self::#vi { #(#inits),* }),)
                    }
                }
            });
            (
                quote! {
                    let __branch = ::streamhouse_schema::__private::varint::read_long(__input)?;
                    <Self as #trait_path>::#branch(__branch, __input)
                },
                quote! {
                    fn #branch(__branch: i64, __input: #input) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
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
        impl #impl_g #trait_path for #ident #ty_g #where_c {
            #[inline]
            fn #decode(__input: #input) -> ::std::result::Result<Self, ::streamhouse_schema::DecodeError> {
                #body
            }
            #branch_fn
        }
    }
}
