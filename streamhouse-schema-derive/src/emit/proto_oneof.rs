//! Protobuf `oneof`s: a data enum's variants as oneof members ([`expand_enum`]: the
//! `ProtoOneof` impl, and the enum's own wrapper message built on it), and a struct that
//! declares a data enum's oneof inline with `#[stream_schema(oneof)]` ([`InlineOneofs`]: the
//! pieces of the struct's `prost::Message` impl that write, size and read the members).
//!
//! A struct's derive cannot see the enum's variant tags (they are declared on the enum), so
//! the struct's generated code asks the enum's `ProtoOneof::TAGS` in constant expressions:
//! where the members go among the struct's own fields is decided at compile time, and a
//! member number that the struct already uses fails the build.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::bounded;
use super::proto::{field_code, field_default, message_value, p, tagged};
use crate::ast::{Container, Field, Style, Variant};
use crate::ty;

/// A data enum: `ProtoOneof` (each variant a member: a unit variant is a
/// `google.protobuf.Empty`, a newtype variant its inner value, a struct variant a message of
/// its fields), and a wrapper message holding the oneof.
pub fn expand_enum(c: &Container, variants: &[Variant], owner: &str) -> TokenStream {
    let p = p();
    let ident = c.ident;
    let g = bounded(
        &c.input.generics,
        quote!(#p::ProtoElement + ::std::marker::Send + ::std::marker::Sync),
    );
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let mut tags = Vec::new();
    let mut tag_arms = Vec::new();
    let mut enc_arms = Vec::new();
    let mut len_arms = Vec::new();
    let mut merge_arms = Vec::new();
    let mut default = None;
    for v in variants {
        let vi = v.ident;
        let tag = v.attrs.tag.as_ref().map_or(0, |t| t.value);
        tags.push(tag);
        let vname = v.ident.to_string();
        match v.style {
            Style::Unit => {
                tag_arms.push(quote!(Self::#vi => #tag,));
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
                    *__field = ::std::option::Option::Some(Self::#vi);
                    ::std::result::Result::Ok(())
                }));
                default.get_or_insert_with(|| quote!(Self::#vi));
            }
            Style::Newtype => {
                let t = v.fields[0].ty;
                tag_arms.push(quote!(Self::#vi(_) => #tag,));
                enc_arms.push(quote!(Self::#vi(__v) => {
                    #p::encode_key(#tag, <#t as #p::ProtoValue>::WIRE_TYPE, __buf);
                    #p::ProtoValue::encode_value(__v, __buf);
                }));
                len_arms.push(
                    quote!(Self::#vi(__v) => #p::key_len(#tag) + #p::ProtoValue::value_len(__v),),
                );
                merge_arms.push(quote!(#tag => {
                    #p::check_wire_type(<#t as #p::ProtoValue>::WIRE_TYPE, __wt)?;
                    let mut __v = match __field.take() {
                        // The same member again: merge into it, as protobuf does.
                        ::std::option::Option::Some(Self::#vi(__old)) => __old,
                        _ => <#t as #p::ProtoValue>::proto_default(),
                    };
                    let __r = #p::ProtoValue::merge_value(&mut __v, __buf, __ctx);
                    *__field = ::std::option::Option::Some(Self::#vi(__v));
                    __r.map_err(|__e| #p::in_field(__e, #owner, #vname))
                }));
                default.get_or_insert_with(
                    || quote!(Self::#vi(<#t as #p::ProtoValue>::proto_default())),
                );
            }
            _ => {
                let s = struct_variant(v, tag, owner);
                tag_arms.push(quote!(Self::#vi { .. } => #tag,));
                enc_arms.push(s.encode);
                len_arms.push(s.len);
                merge_arms.push(s.merge);
                default.get_or_insert(s.default);
            }
        }
    }
    let default = default.unwrap_or_else(|| quote!(::std::unreachable!()));
    let has_unit = variants.iter().any(|v| v.style == Style::Unit);
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    let oneof = quote! {
        impl #impl_g #p::ProtoOneof for #ident #ty_g #where_c {
            const TAGS: &'static [u32] = &[#(#tags),*];
            const HAS_UNIT_VARIANT: bool = #has_unit;
            const NAMES: &'static [&'static str] = &[#(#names),*];
            #[inline]
            fn has_tag(__tag: u32) -> bool {
                ::std::matches!(__tag, #(#tags)|*)
            }
            #[inline]
            fn oneof_tag(&self) -> u32 {
                match self { #(#tag_arms)* }
            }
            fn encode_member(&self, __buf: &mut impl #p::BufMut) {
                match self { #(#enc_arms)* }
            }
            fn member_len(&self) -> usize {
                match self { #(#len_arms)* }
            }
            #[allow(unused_mut, unused_variables)]
            fn merge_member(
                __field: &mut ::std::option::Option<Self>,
                __tag: u32,
                __wt: #p::WireType,
                __buf: &mut impl #p::Buf,
                __ctx: #p::DecodeContext,
            ) -> ::std::result::Result<(), #p::DecodeError> {
                match __tag {
                    #(#merge_arms)*
                    _ => #p::skip_field(__wt, __tag, __buf, __ctx),
                }
            }
        }
    };
    let message = quote! {
        impl #impl_g #ident #ty_g #where_c {
            /// The oneof's default: the unit variant, else the first variant with zero values.
            #[inline]
            fn proto_default_() -> Self { #default }
        }
        impl #impl_g #p::Message for #ident #ty_g #where_c {
            #[inline]
            fn encode_raw(&self, __buf: &mut impl #p::BufMut) {
                #p::ProtoOneof::encode_member(self, __buf)
            }
            fn merge_field(&mut self, __tag: u32, __wt: #p::WireType, __buf: &mut impl #p::Buf, __ctx: #p::DecodeContext) -> ::std::result::Result<(), #p::DecodeError> {
                if !<Self as #p::ProtoOneof>::has_tag(__tag) {
                    return #p::skip_field(__wt, __tag, __buf, __ctx);
                }
                let mut __field = ::std::option::Option::Some(::std::mem::replace(self, Self::proto_default_()));
                let __r = <Self as #p::ProtoOneof>::merge_member(&mut __field, __tag, __wt, __buf, __ctx);
                if let ::std::option::Option::Some(__v) = __field {
                    *self = __v;
                }
                __r
            }
            #[inline]
            fn encoded_len(&self) -> usize {
                #p::ProtoOneof::member_len(self)
            }
            fn clear(&mut self) {
                *self = Self::proto_default_();
            }
        }
    };
    let value = message_value(
        c,
        &impl_g,
        &ty_g,
        where_c,
        quote!(Self::proto_default_()),
        quote!(),
    );
    quote!(#oneof #message #value)
}

/// The match arms of one struct variant (a message of its own fields).
struct VariantCode {
    encode: TokenStream,
    len: TokenStream,
    merge: TokenStream,
    default: TokenStream,
}

fn struct_variant(v: &Variant, tag: u32, owner: &str) -> VariantCode {
    let p = p();
    let vi = v.ident;
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
        arms.push(quote!(#ftag => #mg.map_err(|__e| #p::in_field(__e, #vowner, #fname))?,));
    }
    let defaults: Vec<_> = v.fields.iter().map(field_default).collect();
    let unused: Vec<_> = binds.iter().map(|b| quote!(let _ = &#b;)).collect();
    let encode = quote!(Self::#vi { #(#members: #binds),* } => {
        #(#unused)*
        #p::encode_key(#tag, #p::WireType::LengthDelimited, __buf);
        #p::write_len(0 #(+ #lens)*, __buf);
        #(#encodes)*
    });
    let len = quote!(Self::#vi { #(#members: #binds),* } => {
        #(#unused)*
        #p::key_len(#tag) + #p::delimited_len(0 #(+ #lens)*)
    });
    // The body is read from `__buf` itself up to a limit, as prost reads a message: a
    // `Take` adapter would nest one type deeper per level of a recursive enum, which the
    // compiler cannot instantiate. Each nested message still counts against the
    // recursion limit when it is merged.
    let merge = quote!(#tag => {
        #p::check_wire_type(#p::WireType::LengthDelimited, __wt)?;
        let __len = #p::read_len(__buf)?;
        let __limit = #p::Buf::remaining(__buf).saturating_sub(__len);
        // The same member again: merge into its fields, as protobuf does.
        let (#(mut #binds,)*) = match __field.take() {
            ::std::option::Option::Some(Self::#vi { #(#members: #binds),* }) => (#(#binds,)*),
            _ => (#(#defaults,)*),
        };
        while #p::Buf::remaining(__buf) > __limit {
            let (__tag, __wt) = #p::decode_key(__buf)?;
            match __tag {
                #(#arms)*
                _ => #p::skip_field(__wt, __tag, __buf, __ctx.clone())?,
            }
        }
        if #p::Buf::remaining(__buf) != __limit {
            return ::std::result::Result::Err(#p::invalid("a field runs past the end of its enclosing message"));
        }
        *__field = ::std::option::Option::Some(Self::#vi { #(#members: #binds),* });
        ::std::result::Result::Ok(())
    });
    let dinits: Vec<_> = v
        .fields
        .iter()
        .zip(&defaults)
        .map(|(f, d)| {
            let m = &f.member;
            quote!(#m: #d)
        })
        .collect();
    VariantCode {
        encode,
        len,
        merge,
        default: quote!(Self::#vi { #(#dinits),* }),
    }
}

/// The `#[stream_schema(oneof)]` fields of a struct, each with `<E as ProtoOneof>` for the
/// enum `E` it holds. That path is spanned at `E` in the field's type: when `E` has no
/// oneof (a unit enum, a struct), every use reports the same error at the same place, which
/// the compiler shows once.
pub struct InlineOneofs<'f, 'a> {
    fields: Vec<(&'f Field<'a>, TokenStream)>,
    generic: bool,
}

impl<'f, 'a> InlineOneofs<'f, 'a> {
    pub fn new(c: &Container, fields: &'f [Field<'a>]) -> Self {
        InlineOneofs {
            fields: fields
                .iter()
                .filter(|f| f.attrs.oneof.is_some())
                .filter_map(|f| {
                    let e = ty::option_inner(f.ty)?;
                    // Every token at `E`, `ProtoOneof`'s path included: an error's span
                    // covers the whole path.
                    let span = e.span();
                    Some((
                        f,
                        quote_spanned!(span=> <#e as ::streamhouse_schema::__private::proto::ProtoOneof>),
                    ))
                })
                .collect(),
            generic: c.is_generic(),
        }
    }

    /// `E: ProtoOneof` for each oneof's enum, for a generic struct (whose enum may name the
    /// struct's type parameters); a concrete struct needs none.
    pub fn bounds(&self) -> Vec<TokenStream> {
        if !self.generic {
            return Vec::new();
        }
        self.fields
            .iter()
            .filter_map(|(f, _)| {
                let e = ty::option_inner(f.ty)?;
                let span = e.span();
                Some(quote_spanned!(span=> #e: ::streamhouse_schema::__private::proto::ProtoOneof))
            })
            .collect()
    }

    /// Writes the members whose number lies strictly between `low` and `high`: called at
    /// every gap between the struct's own fields, so that all fields go out in field-number
    /// order, as protobuf's serializers write them. Whether a oneof has members in a gap is
    /// a constant, so the gaps it cannot fill cost nothing.
    pub fn encode_between(&self, low: u32, high: u32) -> TokenStream {
        let p = p();
        let parts = self.fields.iter().map(|(f, e)| {
            let m = &f.member;
            quote! {
                if const { #p::any_tag_between(#e::TAGS, #low, #high) } {
                    if let ::std::option::Option::Some(__o) = &self.#m {
                        let __t = #e::oneof_tag(__o);
                        if __t > #low && __t < #high {
                            #e::encode_member(__o, __buf);
                        }
                    }
                }
            }
        });
        quote!(#(#parts)*)
    }

    /// The members' encoded lengths, as `+ ...` terms.
    pub fn lens(&self) -> Vec<TokenStream> {
        self.fields
            .iter()
            .map(|(f, e)| {
                let m = &f.member;
                quote!(self.#m.as_ref().map_or(0, |__o| #e::member_len(__o)))
            })
            .collect()
    }

    /// `merge_field` arms for the members, after the struct's own field numbers.
    pub fn merge_arms(&self, owner: &str) -> Vec<TokenStream> {
        let p = p();
        self.fields
            .iter()
            .map(|(f, e)| {
                let m = &f.member;
                let fname = &f.rust_name;
                quote! {
                    __t if #e::has_tag(__t) => {
                        #e::merge_member(&mut self.#m, __t, __wt, __buf, __ctx)
                            .map_err(|__e| #p::in_field(__e, #owner, #fname))
                    }
                }
            })
            .collect()
    }

    /// Compile-time checks that no member number (or name) is one of the struct's own field
    /// numbers (names), one it reserves, or a member's of another inline oneof; and that the
    /// enum has no unit variant. Each check that
    /// fails is a build error with its own message, at the struct field (or `oneof`
    /// attribute) involved.
    pub fn number_checks(&self, c: &Container, own: &[(&Field, u32)]) -> TokenStream {
        if self.fields.is_empty() {
            return quote!();
        }
        let p = p();
        let owner = c.ident.to_string();
        let mut checks = Vec::new();
        for (i, (f, e)) in self.fields.iter().enumerate() {
            let at = format!("{owner}.{}", f.rust_name);
            let span = f.attrs.oneof.unwrap_or_else(|| f.ty.span());
            let msg = format!("`{at}`: the oneof's enum has a unit variant, which an inline oneof cannot hold (the field is an `Option`, and Avro's nullable union has room for one null): give the variant a value, e.g. a newtype of an empty struct");
            checks.push(quote_spanned!(span=>
                if #e::HAS_UNIT_VARIANT { ::core::panic!(#msg) }
            ));
            for (g, tag) in own {
                let span = g.attrs.tag.as_ref().map_or(span, |t| t.span);
                let msg = format!("`{at}`: a variant of the oneof uses field number {tag}, which is already `{owner}.{}`'s: give one of them another number", g.rust_name);
                checks.push(quote_spanned!(span=>
                    if #p::tags_contain(#e::TAGS, #tag) { ::core::panic!(#msg) }
                ));
            }
            for (g, _) in own {
                let span = g.attrs.tag.as_ref().map_or(span, |t| t.span);
                let name = &g.name;
                let msg = format!("`{at}`: a variant of the oneof is named {name:?}, like the field `{owner}.{}`: the oneof's members share the message's field names, rename one (#[stream_schema(rename = \"...\")])", g.rust_name);
                checks.push(quote_spanned!(span=>
                    if #p::names_contain(#e::NAMES, #name) { ::core::panic!(#msg) }
                ));
            }
            for name in &c.attrs.reserved_names {
                let msg = format!("`{at}`: a variant of the oneof is named {name:?}, which `{owner}` reserves (#[stream_schema(reserved(...))]): rename the variant");
                checks.push(quote_spanned!(span=>
                    if #p::names_contain(#e::NAMES, #name) { ::core::panic!(#msg) }
                ));
            }
            for tag in &c.attrs.reserved_tags {
                let msg = format!("`{at}`: a variant of the oneof uses field number {tag}, which `{owner}` reserves (#[stream_schema(reserved(...))]): pick another number");
                checks.push(quote_spanned!(span=>
                    if #p::tags_contain(#e::TAGS, #tag) { ::core::panic!(#msg) }
                ));
            }
            for (g, other) in self.fields.iter().skip(i + 1) {
                let msg = format!(
                    "`{at}` and `{owner}.{}`: the two oneofs share a field number: give their variants distinct numbers",
                    g.rust_name
                );
                checks.push(quote_spanned!(span=>
                    if #p::tags_overlap(#e::TAGS, #other::TAGS) { ::core::panic!(#msg) }
                ));
                let msg = format!(
                    "`{at}` and `{owner}.{}`: the two oneofs share a member name: rename a variant (#[stream_schema(rename = \"...\")])",
                    g.rust_name
                );
                checks.push(quote_spanned!(span=>
                    if #p::names_overlap(#e::NAMES, #other::NAMES) { ::core::panic!(#msg) }
                ));
            }
        }
        if self.generic {
            // A free constant cannot name the struct's type parameters: an associated one
            // is checked when the struct's codec is instantiated.
            let ident = c.ident;
            let g = bounded(
                &c.input.generics,
                quote!(#p::ProtoElement + ::std::marker::Send + ::std::marker::Sync),
            );
            let (impl_g, ty_g, where_c) = g.split_for_impl();
            let bounds = self.bounds();
            let mut wc = where_c.cloned().unwrap_or_else(|| syn::parse_quote!(where));
            for b in bounds {
                wc.predicates.push(syn::parse_quote!(#b));
            }
            quote! {
                impl #impl_g #ident #ty_g #wc {
                    const __STREAM_SCHEMA_ONEOF_NUMBERS: () = { #(#checks)* };
                }
            }
        } else {
            quote!(const _: () = { #(#checks)* };)
        }
    }

    /// The statement that forces the generic form of [`number_checks`](Self::number_checks).
    pub fn force_checks(&self) -> TokenStream {
        if self.fields.is_empty() || !self.generic {
            return quote!();
        }
        quote!(let () = Self::__STREAM_SCHEMA_ONEOF_NUMBERS;)
    }
}
