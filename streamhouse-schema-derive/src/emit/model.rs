//! `SchemaType`: code that builds the type model at run time.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::bounded;
use super::field::FieldCodec;
use crate::ast::{Container, Data, Field, Style, Variant};
use crate::attr::DefaultAttr;
use crate::ty;

const M: &str = "::streamhouse_schema::__private::model";

fn m() -> TokenStream {
    quote!(::streamhouse_schema::__private::model)
}

pub fn expand(c: &Container) -> TokenStream {
    let _ = M;
    let m = m();
    let ident = c.ident;
    let g = bounded(&c.input.generics, quote!(::streamhouse_schema::SchemaType));
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let label = name_expr(c);
    let identity = format!("{}", c.ident);
    let ns = match &c.attrs.namespace {
        Some(ns) => {
            let v = &ns.value;
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    };
    let doc = opt_string(c.attrs.doc.as_deref());
    let aliases: Vec<_> = c.attrs.aliases.iter().map(|a| a.value.clone()).collect();
    let additional_properties = additional_properties(c);
    // `#[stream_schema(reference)]` on the type: every use of it is a reference (the
    // checks allow it on records and unit enums only).
    let mark_reference = c
        .attrs
        .reference
        .map(|_| quote!(__b.mark_reference(&__full);));

    let (describe, union_width) = match &c.data {
        Data::Struct(Style::Newtype, fields) => {
            let f = &fields[0];
            let inner = f.ty;
            if matches!(inner, syn::Type::Array(_)) {
                // A newtype around [u8; N] is a fixed named after the newtype.
                (
                    quote! {
                        let __name = #label;
                        let __size = match <#inner as ::streamhouse_schema::SchemaType>::describe(__b) {
                            #m::Ty::Fixed { size, .. } => size,
                            _ => 0,
                        };
                        #m::Ty::Fixed { full_name: __b.full_name(&__name, #ns), size: __size }
                    },
                    quote!(1),
                )
            } else {
                (
                    FieldCodec::new(f).describe(),
                    quote!(<#inner as ::streamhouse_schema::SchemaType>::AVRO_UNION_WIDTH),
                )
            }
        }
        Data::Struct(_, fields) => {
            let fields_code = record_fields(fields);
            let reserved_tags = &c.attrs.reserved_tags;
            let reserved_names = &c.attrs.reserved_names;
            (
                quote! {
                    let __name = #label;
                    let __full = __b.full_name(&__name, #ns);
                    if __b.begin(&__full, ::core::concat!(::core::module_path!(), "::", #identity)) {
                        let __fields = #fields_code;
                        __b.define(#m::Def::Record(#m::RecordDef {
                            full_name: __full.clone(),
                            doc: #doc,
                            aliases: ::std::vec![#(::std::string::String::from(#aliases)),*],
                            fields: __fields,
                            reserved_tags: ::std::vec![#(#reserved_tags),*],
                            reserved_names: ::std::vec![#(::std::string::String::from(#reserved_names)),*],
                            additional_properties: #additional_properties,
                        }));
                    }
                    #mark_reference
                    #m::Ty::Named(__full)
                },
                quote!(1),
            )
        }
        Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
            let symbols: Vec<_> = variants.iter().map(|v| v.name.clone()).collect();
            let numbers = super::proto::enum_numbers(c).unwrap_or_default();
            let default = opt_string(
                variants
                    .iter()
                    .find(|v| v.attrs.default.is_some())
                    .map(|v| v.name.as_str()),
            );
            (
                quote! {
                    let __name = #label;
                    let __full = __b.full_name(&__name, #ns);
                    if __b.begin(&__full, ::core::concat!(::core::module_path!(), "::", #identity)) {
                        __b.define(#m::Def::Enum(#m::EnumDef {
                            full_name: __full.clone(),
                            doc: #doc,
                            aliases: ::std::vec![#(::std::string::String::from(#aliases)),*],
                            symbols: ::std::vec![#(::std::string::String::from(#symbols)),*],
                            numbers: ::std::vec![#(#numbers),*],
                            default: #default,
                        }));
                    }
                    #mark_reference
                    #m::Ty::Named(__full)
                },
                quote!(1),
            )
        }
        Data::Enum(variants) => {
            let n = variants.len();
            let vs: Vec<_> = variants.iter().map(|v| union_variant(c, v)).collect();
            (
                quote! {
                    let __name = #label;
                    let __full = __b.full_name(&__name, #ns);
                    if __b.begin(&__full, ::core::concat!(::core::module_path!(), "::", #identity)) {
                        let __ns: ::std::string::String = __full.rsplit_once('.').map(|(n, _)| n.to_string()).unwrap_or_default();
                        let __variants = ::std::vec![#(#vs),*];
                        __b.define(#m::Def::Union(#m::UnionDef {
                            full_name: __full.clone(),
                            doc: #doc,
                            variants: __variants,
                        }));
                    }
                    #m::Ty::Named(__full)
                },
                quote!(#n),
            )
        }
    };

    let static_name = static_name(c);
    let reference_target = reference_target(c);
    quote! {
        #reference_target
        impl #impl_g ::streamhouse_schema::SchemaType for #ident #ty_g #where_c {
            const AVRO_UNION_WIDTH: usize = #union_width;
            #static_name
            fn describe(__b: &mut #m::ModelBuilder) -> #m::Ty {
                #describe
            }
            fn type_label() -> ::std::string::String {
                #label
            }
            fn json_title() -> ::std::option::Option<::std::string::String> {
                ::std::option::Option::Some(#label)
            }
        }
    }
}

/// `ReferenceTarget` for the types `#[stream_schema(reference)]` may name: records (structs
/// that are no newtype) and unit-only enums, the named types of Avro.
fn reference_target(c: &Container) -> TokenStream {
    let named = match &c.data {
        Data::Struct(style, _) => *style != Style::Newtype,
        Data::Enum(variants) => variants.iter().all(|v| v.style == Style::Unit),
    };
    if !named {
        return quote!();
    }
    let ident = c.ident;
    let g = bounded(&c.input.generics, quote!(::streamhouse_schema::SchemaType));
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    quote! {
        impl #impl_g ::streamhouse_schema::schema::ReferenceTarget for #ident #ty_g #where_c {}
    }
}

/// `SchemaType::STATIC_NAME`: the name of a non-generic record, enum or data enum as
/// written on it; a transparent newtype forwards its inner type's (a newtype over bytes is
/// a fixed, which the run-time check alone covers); generic types are named after their
/// type arguments at run time and say nothing.
fn static_name(c: &Container) -> TokenStream {
    if !c.input.generics.params.is_empty() {
        return quote!();
    }
    if let Data::Struct(Style::Newtype, fields) = &c.data {
        let inner = fields[0].ty;
        if matches!(inner, syn::Type::Array(_)) || !FieldCodec::new(&fields[0]).is_plain() {
            return quote!();
        }
        return quote! {
            const STATIC_NAME: ::std::option::Option<::streamhouse_schema::__private::StaticName> =
                <#inner as ::streamhouse_schema::SchemaType>::STATIC_NAME;
        };
    }
    let name = &c.name;
    let identity = c.ident.to_string();
    let ns = match &c.attrs.namespace {
        Some(ns) => {
            let v = &ns.value;
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    };
    quote! {
        const STATIC_NAME: ::std::option::Option<::streamhouse_schema::__private::StaticName> =
            ::std::option::Option::Some(::streamhouse_schema::__private::StaticName {
                name: #name,
                namespace: #ns,
                rust_type: ::core::concat!(::core::module_path!(), "::", #identity),
            });
    }
}

/// The schema name: the type's name, plus its type arguments' labels for generics
/// (`Envelope_Order`), which stay stable across compilers.
fn name_expr(c: &Container) -> TokenStream {
    let name = &c.name;
    let params: Vec<_> = c.input.generics.type_params().map(|p| &p.ident).collect();
    if params.is_empty() {
        quote!(::std::string::String::from(#name))
    } else {
        quote!({
            let __labels: ::std::vec::Vec<::std::string::String> =
                ::std::vec![#(<#params as ::streamhouse_schema::SchemaType>::type_label()),*];
            ::std::format!("{}_{}", #name, __labels.join("_"))
        })
    }
}

fn opt_string(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::std::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::std::option::Option::None),
    }
}

/// A `Vec<Field>` expression for the non-skipped fields.
fn record_fields(fields: &[Field]) -> TokenStream {
    let m = m();
    let items = fields
        .iter()
        .filter(|f| !f.attrs.skip.get().copied().unwrap_or(false))
        .map(|f| {
            let codec = FieldCodec::new(f);
            let name = &f.name;
            let describe = match f.attrs.reference {
                // The field's type must hold a derived record or enum: asserted at the
                // type, so that the compiler's error points there.
                Some(_) => {
                    let ty = f.ty;
                    let assert = quote_spanned! {ty.span()=>
                        ::streamhouse_schema::schema::assert_reference_target::<#ty>();
                    };
                    let describe = codec.describe();
                    quote!({
                        #assert
                        let __ty = #describe;
                        __b.mark_reference_in(&__ty);
                        __ty
                    })
                }
                None => codec.describe(),
            };
            let doc = opt_string(f.attrs.doc.as_deref());
            let aliases: Vec<_> = f.attrs.aliases.iter().map(|a| a.value.clone()).collect();
            let default = match f.attrs.default.get() {
                Some(DefaultAttr::Json(json)) => {
                    quote!(#m::__json_default(#json))
                }
                _ if codec.implicit_null_default() => {
                    quote!(::std::option::Option::Some(
                        ::streamhouse_schema::__private::serde_json::Value::Null
                    ))
                }
                _ => quote!(::std::option::Option::None),
            };
            let tag = match &f.attrs.tag {
                Some(t) => {
                    let v = t.value;
                    quote!(::std::option::Option::Some(#v))
                }
                None => quote!(::std::option::Option::None),
            };
            let proto = match &f.attrs.proto {
                Some(p) => {
                    let v = syn::Ident::new(p.value.variant(), proc_macro2::Span::call_site());
                    quote!(::std::option::Option::Some(#m::ProtoInt::#v))
                }
                None => quote!(::std::option::Option::None),
            };
            let tags: Vec<_> = f.attrs.tags.iter().map(|t| t.value.clone()).collect();
            let _ = ty::name(f.ty);
            quote!(#m::Field {
                name: ::std::string::String::from(#name),
                ty: #describe,
                doc: #doc,
                aliases: ::std::vec![#(::std::string::String::from(#aliases)),*],
                default: #default,
                tag: #tag,
                proto: #proto,
                tags: ::std::vec![#(::std::string::String::from(#tags)),*],
            })
        });
    quote!(::std::vec![#(#items),*])
}

/// `#[stream_schema(additional_properties = ...)]` as an `Option<bool>` expression.
fn additional_properties(c: &Container) -> TokenStream {
    match c.attrs.additional_properties {
        Some(b) => quote!(::std::option::Option::Some(#b)),
        None => quote!(::std::option::Option::None),
    }
}

fn union_variant(c: &Container, v: &Variant) -> TokenStream {
    let m = m();
    let additional_properties = additional_properties(c);
    let name = &v.name;
    let untagged = c.attrs.untagged.get().copied().unwrap_or(false);
    let tag = match &v.attrs.tag {
        Some(t) => {
            let v = t.value;
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    };
    let ty = match v.style {
        Style::Unit => quote!(#m::Ty::Null),
        Style::Newtype if untagged => FieldCodec::new(&v.fields[0]).describe(),
        _ => {
            // Each variant with data is a record named after the variant, in the enum's
            // namespace.
            let fields = record_fields(&v.fields);
            let doc = opt_string(v.attrs.doc.as_deref());
            let identity = format!("{}::{}", c.ident, v.ident);
            let wrap_newtype = if v.style == Style::Newtype {
                // A tagged newtype variant is a record with one field, `value`.
                quote!(for __f in __fields.iter_mut() {
                    __f.name = ::std::string::String::from("value");
                })
            } else {
                quote!()
            };
            quote!({
                let __vfull = __b.full_name(#name, ::std::option::Option::Some(&__ns));
                if __b.begin(&__vfull, ::core::concat!(::core::module_path!(), "::", #identity)) {
                    #[allow(unused_mut)]
                    let mut __fields = #fields;
                    #wrap_newtype
                    __b.define(#m::Def::Record(#m::RecordDef {
                        full_name: __vfull.clone(),
                        doc: #doc,
                        fields: __fields,
                        additional_properties: #additional_properties,
                        ..::std::default::Default::default()
                    }));
                }
                #m::Ty::Named(__vfull)
            })
        }
    };
    quote!(#m::Variant { name: ::std::string::String::from(#name), ty: #ty, tag: #tag })
}
