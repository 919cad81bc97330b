//! The Protobuf codec: `ProtoValue` (and `ProtoElement`) for every Protobuf-enabled type,
//! and a `prost::Message` implementation for structs (messages) and data enums (a wrapper
//! message holding a `oneof`). Fields are written in field-number order, as protobuf's own
//! serializers do. Nothing here looks at a descriptor at run time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Expr, ExprLit, ExprUnary, Lit, UnOp};

use super::bounded;
use super::proto_oneof::{self, InlineOneofs};
use crate::ast::{Container, Data, Field, Style};
use crate::attr::{DefaultAttr, Format, ProtoInt};
use crate::ty;

pub(super) fn p() -> TokenStream {
    quote!(::streamhouse_schema::__private::proto)
}

/// Whether the type takes part in Protobuf: `#[stream_schema(protobuf)]` on the container,
/// or a `tag` (or `oneof`) on any field or variant.
pub fn enabled(c: &Container) -> bool {
    if c.attrs.protobuf.is_some() || c.attrs.format.get() == Some(&Format::Protobuf) {
        return true;
    }
    match &c.data {
        Data::Struct(_, fields) => fields
            .iter()
            .any(|f| f.attrs.tag.is_some() || f.attrs.oneof.is_some()),
        Data::Enum(variants) => variants
            .iter()
            .any(|v| v.attrs.tag.is_some() || v.fields.iter().any(|f| f.attrs.tag.is_some())),
    }
}

/// Whether the type's Protobuf form is a message (it gets a `prost::Message`): a struct
/// or an enum with data. A newtype or a unit-only enum is a single value (it can be a
/// field of a message, not a record payload).
pub fn is_message(c: &Container) -> bool {
    match &c.data {
        Data::Struct(Style::Newtype, _) => false,
        Data::Struct(_, _) => true,
        Data::Enum(variants) => !variants.iter().all(|v| v.style == Style::Unit),
    }
}

/// Whether the derive hands generic code the type's Protobuf codec
/// (`StreamSchema::proto_codec`): a non-generic Protobuf message. A generic type's
/// `prost::Message` holds only for some type arguments, which a `StreamSchema` impl for
/// all of them cannot require.
pub fn has_own_codec(c: &Container) -> bool {
    enabled(c) && is_message(c) && !c.is_generic() && !c.has_lifetimes()
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
pub(super) fn field_default(f: &Field) -> TokenStream {
    let p = p();
    let t = f.ty;
    if f.attrs.oneof.is_some() && !skipped(f) {
        return quote!(::std::option::Option::None);
    }
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
pub(super) struct FieldCode {
    pub encode: TokenStream,
    pub len: TokenStream,
    pub merge: TokenStream,
}

pub(super) fn field_code(
    f: &Field,
    tag: u32,
    place: &TokenStream,
    place_mut: &TokenStream,
) -> FieldCode {
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

/// Non-skipped fields sorted by tag (the derive's checks guarantee every one has a tag),
/// without inline oneofs (their members are numbered by the enum's variants).
pub(super) fn tagged<'f, 'a>(fields: &'f [Field<'a>]) -> Vec<(&'f Field<'a>, u32)> {
    let mut v: Vec<_> = fields
        .iter()
        .filter(|f| !skipped(f) && f.attrs.oneof.is_none())
        .map(|f| (f, f.attrs.tag.as_ref().map_or(0, |t| t.value)))
        .collect();
    v.sort_by_key(|(_, t)| *t);
    v
}

pub fn expand(c: &Container) -> TokenStream {
    if c.has_lifetimes() {
        return super::proto_borrowed::expand(c);
    }
    if !enabled(c) {
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
            let oneofs = InlineOneofs::new(c, fields);
            let mut encodes = Vec::new();
            let mut lens = Vec::new();
            let mut arms = Vec::new();
            let mut slice_arms = Vec::new();
            let mut low = 0u32;
            for (f, tag) in &sorted {
                encodes.push(oneofs.encode_between(low, *tag));
                low = *tag;
                let m = &f.member;
                let code = field_code(f, *tag, &quote!(&self.#m), &quote!(&mut self.#m));
                let (e, l, mg) = (code.encode, code.len, code.merge);
                encodes.push(quote!(#e;));
                lens.push(l);
                let fname = &f.rust_name;
                arms.push(quote!(#tag => #mg.map_err(|__e| #p::in_field(__e, #owner, #fname)),));
                let sliced = if f.attrs.proto.is_none() {
                    quote!(#p::ProtoField::merge_field_slice(&mut self.#m, __wt, __buf, __depth))
                } else {
                    mg
                };
                slice_arms.push(
                    quote!(#tag => #sliced.map_err(|__e| #p::in_field(__e, #owner, #fname)),),
                );
            }
            encodes.push(oneofs.encode_between(low, u32::MAX));
            lens.extend(oneofs.lens());
            arms.extend(oneofs.merge_arms(&owner));
            slice_arms.extend(oneofs.merge_arms(&owner));
            let checks = oneofs.number_checks(c, &sorted);
            let force = oneofs.force_checks();
            let mut where_c = where_c.cloned();
            let bounds = oneofs.bounds();
            if !bounds.is_empty() {
                let wc = where_c.get_or_insert_with(|| syn::parse_quote!(where));
                for b in bounds {
                    wc.predicates.push(syn::parse_quote!(#b));
                }
            }
            let where_c = where_c.as_ref();
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
                #checks
                impl #impl_g #p::Message for #ident #ty_g #where_c {
                    #[allow(unused_variables)]
                    fn encode_raw(&self, __buf: &mut impl #p::BufMut) {
                        #force
                        #(#encodes)*
                    }
                    #[allow(unused_variables)]
                    fn merge_field(&mut self, __tag: u32, __wt: #p::WireType, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                        #force
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
            // The slice path of `decode_proto`: the same arms over a local `&[u8]` cursor
            // (`slice`), fields of plain types through `merge_field_slice`.
            let slice_methods = quote! {
                #[inline]
                fn merge_value_slice(&mut self, __buf: &mut &[u8], __depth: u32) -> ::std::result::Result<(), #p::DecodeError> {
                    let (__body, __depth) = #p::slice::message_body(__buf, __depth)?;
                    <Self as #p::ProtoValue>::merge_message_body(self, __body, __depth)
                }
                #[allow(unused_variables)]
                fn merge_message_body(&mut self, __body: &[u8], __depth: u32) -> ::std::result::Result<(), #p::DecodeError>
                where
                    Self: #p::Message,
                {
                    #force
                    let mut __cursor: &[u8] = __body;
                    let __buf = &mut __cursor;
                    while !__buf.is_empty() {
                        let (__tag, __wt) = #p::slice::read_key(__buf)?;
                        let __ctx = #p::DecodeContext::default();
                        match __tag {
                            #(#slice_arms)*
                            _ => #p::slice::skip_field(__wt, __tag, __buf),
                        }?;
                    }
                    ::std::result::Result::Ok(())
                }
            };
            let value = message_value(
                c,
                &impl_g,
                &ty_g,
                where_c,
                quote!(Self { #(#inits),* }),
                slice_methods,
            );
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
                        #p::encode_varint(self.__proto_number() as u64, __buf)
                    }
                    #[inline]
                    fn value_len(&self) -> usize {
                        #p::encoded_len_varint(self.__proto_number() as u64)
                    }
                    fn merge_value(&mut self, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                        // Enum values are int32 on the wire: negative ones are sign-extended.
                        let __n = #p::decode_varint(__buf)? as i32;
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
        Data::Enum(variants) => proto_oneof::expand_enum(c, variants, &owner),
    }
}

/// `ProtoValue` + `ProtoElement` for a type that is a message.
pub(super) fn message_value(
    c: &Container,
    impl_g: &syn::ImplGenerics,
    ty_g: &syn::TypeGenerics,
    where_c: Option<&syn::WhereClause>,
    default: TokenStream,
    slice_methods: TokenStream,
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
            #slice_methods
        }
        impl #impl_g #p::ProtoElement for #ident #ty_g #where_c {}
    }
}
