//! The Protobuf codec: `ProtoValue` (and `ProtoElement`) for every Protobuf-enabled type,
//! and a `prost::Message` implementation for structs (messages) and data enums (a wrapper
//! message holding a `oneof`). Fields are written in field-number order, as protobuf's own
//! serializers do. Nothing here looks at a descriptor at run time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Expr, ExprLit, ExprUnary, Lit, UnOp};

use super::bounded;
use crate::ast::{Container, Data, Field, Style, Variant};
use crate::attr::{DefaultAttr, ProtoInt};
use crate::ty;

fn p() -> TokenStream {
    quote!(::streamhouse_schema::codec::proto)
}

/// Whether the type takes part in Protobuf: `#[stream_schema(protobuf)]` on the container,
/// or a `tag` on any field or variant.
pub fn enabled(c: &Container) -> bool {
    if c.attrs.protobuf.is_some() {
        return true;
    }
    match &c.data {
        Data::Struct(_, fields) => fields.iter().any(|f| f.attrs.tag.is_some()),
        Data::Enum(variants) => variants
            .iter()
            .any(|v| v.attrs.tag.is_some() || v.fields.iter().any(|f| f.attrs.tag.is_some())),
    }
}

/// The Protobuf numbers of a unit-only enum's variants: Rust's discriminants (explicit
/// integer literals, else the previous one plus one, from 0). `None` for a data enum, a
/// struct, or a discriminant that is not an integer literal.
pub fn enum_numbers(c: &Container) -> Option<Vec<i32>> {
    let syn::Data::Enum(e) = &c.input.data else {
        return None;
    };
    if !e
        .variants
        .iter()
        .all(|v| matches!(v.fields, syn::Fields::Unit))
    {
        return None;
    }
    let mut next: i64 = 0;
    let mut out = Vec::new();
    for v in &e.variants {
        let n = match &v.discriminant {
            Some((_, expr)) => discriminant(expr)?,
            None => next,
        };
        out.push(i32::try_from(n).ok()?);
        next = n.checked_add(1)?;
    }
    Some(out)
}

/// An integer literal discriminant, possibly negated.
pub fn discriminant(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<i64>().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => discriminant(expr).and_then(i64::checked_neg),
        Expr::Group(g) => discriminant(&g.expr),
        Expr::Paren(p) => discriminant(&p.expr),
        _ => None,
    }
}

fn skipped(f: &Field) -> bool {
    f.attrs.skip.get().copied().unwrap_or(false)
}

/// The value a field takes when it is absent (or skipped).
fn field_default(f: &Field) -> TokenStream {
    let p = p();
    let t = f.ty;
    if skipped(f) {
        return match f.attrs.default.get() {
            Some(DefaultAttr::Path(path)) => match syn::parse_str::<syn::ExprPath>(path) {
                Ok(path) => quote!(#path()),
                Err(e) => e.to_compile_error(),
            },
            _ => quote!(::std::default::Default::default()),
        };
    }
    if f.attrs.proto.is_some() {
        return quote!(<#t as ::std::default::Default>::default());
    }
    quote!(<#t as #p::ProtoField>::field_default())
}

/// Encode / length / merge expressions for one field at `place` (an expression of type
/// `&FieldTy` or, for merge, `&mut FieldTy`).
struct FieldCode {
    encode: TokenStream,
    len: TokenStream,
    merge: TokenStream,
}

fn field_code(f: &Field, tag: u32, place: &TokenStream, place_mut: &TokenStream) -> FieldCode {
    let p = p();
    match &f.attrs.proto {
        None => FieldCode {
            encode: quote!(#p::ProtoField::encode_field(#place, #tag, __buf)),
            len: quote!(#p::ProtoField::field_len(#place, #tag)),
            merge: quote!(#p::ProtoField::merge_field(#place_mut, __wt, __buf, __ctx.clone())),
        },
        Some(kind) => {
            let enc = format_ident!("{}", kind.value.variant());
            let wrap = if ty::option_inner(f.ty).is_some() {
                format_ident!("optional")
            } else if ty::vec_inner(f.ty).is_some() {
                format_ident!("repeated")
            } else {
                format_ident!("single")
            };
            let _ = ProtoInt::Sint32;
            FieldCode {
                encode: quote!(#p::ints::#wrap::encode::<#p::ints::#enc, _>(#place, #tag, __buf)),
                len: quote!(#p::ints::#wrap::len::<#p::ints::#enc, _>(#place, #tag)),
                merge: quote!(#p::ints::#wrap::merge::<#p::ints::#enc, _>(#place_mut, __wt, __buf, __ctx.clone())),
            }
        }
    }
}

/// Non-skipped fields sorted by tag (the derive's checks guarantee every one has a tag).
fn tagged<'f, 'a>(fields: &'f [Field<'a>]) -> Vec<(&'f Field<'a>, u32)> {
    let mut v: Vec<_> = fields
        .iter()
        .filter(|f| !skipped(f))
        .map(|f| (f, f.attrs.tag.as_ref().map_or(0, |t| t.value)))
        .collect();
    v.sort_by_key(|(_, t)| *t);
    v
}

pub fn expand(c: &Container) -> TokenStream {
    if !enabled(c) || c.has_lifetimes() {
        return quote!();
    }
    let p = p();
    let ident = c.ident;
    let owner = c.ident.to_string();
    let g = bounded(
        &c.input.generics,
        quote!(#p::ProtoElement + ::std::marker::Send + ::std::marker::Sync),
    );
    let (impl_g, ty_g, where_c) = g.split_for_impl();

    match &c.data {
        Data::Struct(Style::Newtype, fields) => {
            let inner = fields[0].ty;
            let mut wc = where_c.cloned().unwrap_or_else(|| syn::parse_quote!(where));
            wc.predicates
                .push(syn::parse_quote!(#inner: #p::ProtoElement));
            quote! {
                impl #impl_g #p::ProtoValue for #ident #ty_g #wc {
                    const WIRE_TYPE: #p::WireType = <#inner as #p::ProtoValue>::WIRE_TYPE;
                    #[inline]
                    fn encode_value(&self, __buf: &mut impl #p::BufMut) { #p::ProtoValue::encode_value(&self.0, __buf) }
                    #[inline]
                    fn value_len(&self) -> usize { #p::ProtoValue::value_len(&self.0) }
                    #[inline]
                    fn merge_value(&mut self, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                        #p::ProtoValue::merge_value(&mut self.0, __buf, __ctx)
                    }
                    #[inline]
                    fn is_default(&self) -> bool { #p::ProtoValue::is_default(&self.0) }
                    #[inline]
                    fn proto_default() -> Self { Self(<#inner as #p::ProtoValue>::proto_default()) }
                }
                impl #impl_g #p::ProtoElement for #ident #ty_g #wc {
                    const PACKED: bool = <#inner as #p::ProtoElement>::PACKED;
                }
            }
        }
        Data::Struct(_, fields) => {
            let sorted = tagged(fields);
            let mut encodes = Vec::new();
            let mut lens = Vec::new();
            let mut arms = Vec::new();
            for (f, tag) in &sorted {
                let m = &f.member;
                let code = field_code(f, *tag, &quote!(&self.#m), &quote!(&mut self.#m));
                let (e, l, mg) = (code.encode, code.len, code.merge);
                encodes.push(quote!(#e;));
                lens.push(l);
                let fname = &f.rust_name;
                arms.push(quote!(#tag => #mg.map_err(|__e| #p::in_field(__e, #owner, #fname)),));
            }
            let inits: Vec<_> = fields
                .iter()
                .map(|f| {
                    let m = &f.member;
                    let d = field_default(f);
                    quote!(#m: #d)
                })
                .collect();
            let clears: Vec<_> = fields
                .iter()
                .filter(|f| !skipped(f))
                .map(|f| {
                    let m = &f.member;
                    let d = field_default(f);
                    quote!(self.#m = #d;)
                })
                .collect();
            let message = quote! {
                impl #impl_g #p::Message for #ident #ty_g #where_c {
                    #[allow(unused_variables)]
                    fn encode_raw(&self, __buf: &mut impl #p::BufMut) {
                        #(#encodes)*
                    }
                    #[allow(unused_variables)]
                    fn merge_field(&mut self, __tag: u32, __wt: #p::WireType, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                        match __tag {
                            #(#arms)*
                            _ => #p::skip_field(__wt, __tag, __buf, __ctx),
                        }
                    }
                    fn encoded_len(&self) -> usize {
                        0 #(+ #lens)*
                    }
                    fn clear(&mut self) {
                        #(#clears)*
                    }
                }
            };
            let value = message_value(c, &impl_g, &ty_g, where_c, quote!(Self { #(#inits),* }));
            quote!(#message #value)
        }
        Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
            let numbers = enum_numbers(c).unwrap_or_default();
            let idents: Vec<_> = variants.iter().map(|v| v.ident).collect();
            let nums: Vec<i64> = numbers.iter().map(|n| i64::from(*n)).collect();
            let nums32: Vec<i32> = numbers.clone();
            let first = idents.first();
            let name = &c.name;
            quote! {
                impl #impl_g #ident #ty_g #where_c {
                    #[inline]
                    fn __proto_number(&self) -> i64 {
                        match self { #(Self::#idents => #nums,)* }
                    }
                }
                impl #impl_g #p::ProtoValue for #ident #ty_g #where_c {
                    const WIRE_TYPE: #p::WireType = #p::WireType::Varint;
                    #[inline]
                    fn encode_value(&self, __buf: &mut impl #p::BufMut) {
                        #p::__private::encode_varint(self.__proto_number() as u64, __buf)
                    }
                    #[inline]
                    fn value_len(&self) -> usize {
                        #p::__private::encoded_len_varint(self.__proto_number() as u64)
                    }
                    fn merge_value(&mut self, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                        // Enum values are int32 on the wire: negative ones are sign-extended.
                        let __n = #p::__private::decode_varint(__buf)? as i32;
                        *self = match __n {
                            #(#nums32 => Self::#idents,)*
                            __n => return ::std::result::Result::Err(#p::unknown_enum_value(#name, __n)),
                        };
                        ::std::result::Result::Ok(())
                    }
                    #[inline]
                    fn is_default(&self) -> bool { self.__proto_number() == 0 }
                    #[inline]
                    fn proto_default() -> Self { Self::#first }
                }
                impl #impl_g #p::ProtoElement for #ident #ty_g #where_c {
                    const PACKED: bool = true;
                }
            }
        }
        Data::Enum(variants) => expand_oneof(c, variants, &owner),
    }
}

/// `ProtoValue` + `ProtoElement` for a type that is a message.
fn message_value(
    c: &Container,
    impl_g: &syn::ImplGenerics,
    ty_g: &syn::TypeGenerics,
    where_c: Option<&syn::WhereClause>,
    default: TokenStream,
) -> TokenStream {
    let p = p();
    let ident = c.ident;
    quote! {
        impl #impl_g #p::ProtoValue for #ident #ty_g #where_c {
            const WIRE_TYPE: #p::WireType = #p::WireType::LengthDelimited;
            #[inline]
            fn encode_value(&self, __buf: &mut impl #p::BufMut) { #p::encode_message_value(self, __buf) }
            #[inline]
            fn value_len(&self) -> usize { #p::message_value_len(self) }
            #[inline]
            fn merge_value(&mut self, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                #p::merge_message_value(self, __buf, __ctx)
            }
            #[inline]
            fn is_default(&self) -> bool { false }
            #[inline]
            fn proto_default() -> Self { #default }
        }
        impl #impl_g #p::ProtoElement for #ident #ty_g #where_c {}
    }
}

/// A data enum: a wrapper message with one `oneof` whose members are the variants. A unit
/// variant is a `google.protobuf.Empty`, a newtype variant its inner value, a struct variant
/// a message of its fields.
fn expand_oneof(c: &Container, variants: &[Variant], owner: &str) -> TokenStream {
    let p = p();
    let ident = c.ident;
    let g = bounded(
        &c.input.generics,
        quote!(#p::ProtoElement + ::std::marker::Send + ::std::marker::Sync),
    );
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let mut enc_arms = Vec::new();
    let mut len_arms = Vec::new();
    let mut merge_arms = Vec::new();
    let mut default = None;
    for v in variants {
        let vi = v.ident;
        let tag = v.attrs.tag.as_ref().map_or(0, |t| t.value);
        let vname = v.ident.to_string();
        match v.style {
            Style::Unit => {
                enc_arms.push(quote!(Self::#vi => {
                    #p::encode_key(#tag, #p::WireType::LengthDelimited, __buf);
                    #p::BufMut::put_u8(__buf, 0);
                }));
                len_arms.push(quote!(Self::#vi => #p::key_len(#tag) + 1,));
                merge_arms.push(quote!(#tag => {
                    #p::check_wire_type(#p::WireType::LengthDelimited, __wt)?;
                    let __len = #p::read_len(__buf)?;
                    // google.protobuf.Empty: any content is unknown fields, skipped.
                    #p::Buf::advance(__buf, __len);
                    *self = Self::#vi;
                    ::std::result::Result::Ok(())
                }));
                default.get_or_insert_with(|| quote!(Self::#vi));
            }
            Style::Newtype => {
                let t = v.fields[0].ty;
                enc_arms.push(quote!(Self::#vi(__v) => {
                    #p::encode_key(#tag, <#t as #p::ProtoValue>::WIRE_TYPE, __buf);
                    #p::ProtoValue::encode_value(__v, __buf);
                }));
                len_arms.push(
                    quote!(Self::#vi(__v) => #p::key_len(#tag) + #p::ProtoValue::value_len(__v),),
                );
                merge_arms.push(quote!(#tag => {
                    #p::check_wire_type(<#t as #p::ProtoValue>::WIRE_TYPE, __wt)?;
                    let mut __v = match ::std::mem::replace(self, Self::proto_default_()) {
                        // The same member again: merge into it, as protobuf does.
                        Self::#vi(__old) => __old,
                        _ => <#t as #p::ProtoValue>::proto_default(),
                    };
                    let __r = #p::ProtoValue::merge_value(&mut __v, __buf, __ctx);
                    *self = Self::#vi(__v);
                    __r.map_err(|__e| #p::in_field(__e, #owner, #vname))
                }));
                default.get_or_insert_with(
                    || quote!(Self::#vi(<#t as #p::ProtoValue>::proto_default())),
                );
            }
            _ => {
                let sorted = tagged(&v.fields);
                let binds: Vec<_> = (0..v.fields.len())
                    .map(|i| format_ident!("__f{}", i))
                    .collect();
                let members: Vec<_> = v.fields.iter().map(|f| &f.member).collect();
                let mut encodes = Vec::new();
                let mut lens = Vec::new();
                let mut arms = Vec::new();
                let vowner = format!("{owner}::{}", v.ident);
                for (f, ftag) in &sorted {
                    let i = v
                        .fields
                        .iter()
                        .position(|x| std::ptr::eq(x, *f))
                        .unwrap_or(0);
                    let b = &binds[i];
                    let code = field_code(f, *ftag, &quote!(#b), &quote!(&mut #b));
                    let (e, l, mg) = (code.encode, code.len, code.merge);
                    encodes.push(quote!(#e;));
                    lens.push(l);
                    let fname = &f.rust_name;
                    arms.push(
                        quote!(#ftag => #mg.map_err(|__e| #p::in_field(__e, #vowner, #fname))?,),
                    );
                }
                let inits: Vec<_> = v
                    .fields
                    .iter()
                    .zip(&binds)
                    .map(|(f, b)| {
                        let d = field_default(f);
                        quote!(let mut #b = #d;)
                    })
                    .collect();
                let unused: Vec<_> = binds.iter().map(|b| quote!(let _ = &#b;)).collect();
                enc_arms.push(quote!(Self::#vi { #(#members: #binds),* } => {
                    #(#unused)*
                    #p::encode_key(#tag, #p::WireType::LengthDelimited, __buf);
                    #p::write_len(0 #(+ #lens)*, __buf);
                    #(#encodes)*
                }));
                len_arms.push(quote!(Self::#vi { #(#members: #binds),* } => {
                    #(#unused)*
                    #p::key_len(#tag) + #p::delimited_len(0 #(+ #lens)*)
                }));
                merge_arms.push(quote!(#tag => {
                    #p::check_wire_type(#p::WireType::LengthDelimited, __wt)?;
                    let __len = #p::read_len(__buf)?;
                    let mut __body = #p::Buf::take(&mut *__buf, __len);
                    #(#inits)*
                    while #p::Buf::has_remaining(&__body) {
                        let (__tag, __wt) = #p::decode_key(&mut __body)?;
                        let __buf = &mut __body;
                        match __tag {
                            #(#arms)*
                            _ => #p::skip_field(__wt, __tag, __buf, __ctx.clone())?,
                        }
                    }
                    *self = Self::#vi { #(#members: #binds),* };
                    ::std::result::Result::Ok(())
                }));
                let dinits: Vec<_> = v
                    .fields
                    .iter()
                    .map(|f| {
                        let m = &f.member;
                        let d = field_default(f);
                        quote!(#m: #d)
                    })
                    .collect();
                default.get_or_insert_with(|| quote!(Self::#vi { #(#dinits),* }));
            }
        }
    }
    let default = default.unwrap_or_else(|| quote!(::std::unreachable!()));
    let message = quote! {
        impl #impl_g #ident #ty_g #where_c {
            /// The oneof's default: the unit variant, else the first variant with zero values.
            #[inline]
            fn proto_default_() -> Self { #default }
        }
        impl #impl_g #p::Message for #ident #ty_g #where_c {
            fn encode_raw(&self, __buf: &mut impl #p::BufMut) {
                match self { #(#enc_arms)* }
            }
            #[allow(unused_mut, unused_variables)]
            fn merge_field(&mut self, __tag: u32, __wt: #p::WireType, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                match __tag {
                    #(#merge_arms)*
                    _ => #p::skip_field(__wt, __tag, __buf, __ctx),
                }
            }
            fn encoded_len(&self) -> usize {
                match self { #(#len_arms)* }
            }
            fn clear(&mut self) {
                *self = Self::proto_default_();
            }
        }
    };
    let value = message_value(c, &impl_g, &ty_g, where_c, quote!(Self::proto_default_()));
    quote!(#message #value)
}
