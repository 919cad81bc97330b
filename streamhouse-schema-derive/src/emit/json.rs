//! `JsonEncode` and `JsonDecode`: compact JSON written field by field in declaration order
//! (keys pre-escaped at compile time), and a decoder that matches keys to fields, skips
//! unknown ones and fills absent ones from their defaults. The shapes follow the JSON
//! Schema that `streamhouse_schema::schema::json` emits from the type model.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{LitByteStr, Type};

use super::{bounded, field_context};
use crate::ast::{Container, Data, Field, Style, Variant};
use crate::attr::{DefaultAttr, Repr, Unit};
use crate::ty;

/// How a field's value is written: through its type's traits, or through an explicit
/// mapping. Mirrors `field::FieldCodec`, except that where `null` sits in an `Option`'s
/// Avro union and whether a decimal is bytes or fixed make no difference in JSON.
enum Base {
    Plain,
    WideLong,
    WideFixed,
    Millis,
    Decimal { precision: u32, scale: u32 },
    ByteArray,
}

enum Wrap {
    None,
    Option,
    Vec,
}

struct JsonField<'a> {
    base: Base,
    wrap: Wrap,
    base_ty: &'a Type,
}

impl<'a> JsonField<'a> {
    fn new(f: &'a Field) -> Self {
        let explicit = if let Some(r) = &f.attrs.repr {
            Some(match r.value {
                Repr::Long => Base::WideLong,
                Repr::Fixed => Base::WideFixed,
                Repr::Array => Base::ByteArray,
            })
        } else if let Some(u) = &f.attrs.unit {
            (u.value == Unit::Millis).then_some(Base::Millis)
        } else {
            f.attrs.decimal.as_ref().map(|d| Base::Decimal {
                precision: d.value.precision,
                scale: d.value.scale,
            })
        };
        let Some(base) = explicit else {
            return JsonField {
                base: Base::Plain,
                wrap: Wrap::None,
                base_ty: f.ty,
            };
        };
        let (wrap, base_ty) = if let Some(inner) = ty::option_inner(f.ty) {
            (Wrap::Option, inner)
        } else if let (false, Some(inner)) = (matches!(base, Base::ByteArray), ty::vec_inner(f.ty))
        {
            // `repr = "array"` applies to the Vec<u8> itself, not to its items.
            (Wrap::Vec, inner)
        } else {
            (Wrap::None, f.ty)
        };
        JsonField {
            base,
            wrap,
            base_ty,
        }
    }

    /// An expression of type `Result<(), JsonEncodeError>` writing `value` (a `&FieldTy`).
    fn encode(&self, value: TokenStream) -> TokenStream {
        let with = quote!(::streamhouse_schema::__private::json_with);
        let t = self.base_ty;
        let item = |v: TokenStream| -> TokenStream {
            match &self.base {
                Base::Plain => quote!(::streamhouse_schema::JsonEncode::encode_json(#v, __buf)),
                Base::WideLong => quote!(#with::encode_wide_long::<#t, _>(#v, __buf)),
                Base::WideFixed => quote!(#with::encode_wide_fixed::<#t, _>(#v, __buf)),
                Base::Millis => quote!(
                    <#t as ::streamhouse_schema::__private::JsonTemporalMillis>::encode_json_millis(#v, __buf)
                ),
                Base::Decimal { precision, scale } => {
                    quote!(#with::encode_decimal::<#t, _>(#v, #precision, #scale, __buf))
                }
                Base::ByteArray => quote!(#with::encode_byte_array(#v, __buf)),
            }
        };
        match self.wrap {
            Wrap::None => item(value),
            Wrap::Option => {
                let inner = item(quote!(__v));
                quote!(#with::encode_opt(#value, __buf, |__v, __buf| #inner))
            }
            Wrap::Vec => {
                let inner = item(quote!(__v));
                quote!(#with::encode_seq(#value, __buf, |__v, __buf| #inner))
            }
        }
    }

    /// An expression of type `Result<FieldTy, JsonDecodeError>` reading from `__r`; in the
    /// decoder of a borrowing type (`borrowed`), a field whose type names a lifetime is read
    /// through `JsonBorrowDecode<'__de>`.
    fn decode(&self, borrowed: bool) -> TokenStream {
        let with = quote!(::streamhouse_schema::__private::json_with);
        let t = self.base_ty;
        let item = match &self.base {
            Base::Plain if borrowed && ty::has_lifetime(t) => {
                quote!(<#t as ::streamhouse_schema::JsonBorrowDecode<'__de>>::read_json_borrowed(__r))
            }
            Base::Plain => quote!(<#t as ::streamhouse_schema::JsonDecode>::read_json(__r)),
            Base::WideLong => quote!(#with::decode_wide_long::<#t>(__r)),
            Base::WideFixed => quote!(#with::decode_wide_fixed::<#t>(__r)),
            Base::Millis => quote!(
                <#t as ::streamhouse_schema::__private::JsonTemporalMillis>::decode_json_millis(__r)
            ),
            Base::Decimal { precision, scale } => {
                quote!(#with::decode_decimal::<#t>(#precision, #scale, __r))
            }
            Base::ByteArray => quote!(#with::decode_byte_array(__r)),
        };
        match self.wrap {
            Wrap::None => item,
            Wrap::Option => quote!(#with::decode_opt(__r, |__r| #item)),
            Wrap::Vec => quote!(#with::decode_seq(__r, |__r| #item)),
        }
    }
}

fn skipped(f: &Field) -> bool {
    f.attrs.skip.get().copied().unwrap_or(false)
}

fn has_json_default(f: &Field) -> bool {
    matches!(f.attrs.default.get(), Some(DefaultAttr::Json(_)))
}

/// A JSON string literal as bytes (quotes included, escaped as the runtime writer would).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

fn put(bytes: &str) -> TokenStream {
    let lit = LitByteStr::new(bytes.as_bytes(), Span::call_site());
    quote!(::streamhouse_schema::__private::BufMut::put_slice(__buf, #lit);)
}

/// Statements writing `{"a":…,"b":…}` for `(field, wire name, value expression)`.
fn encode_object(owner: &str, fields: &[(&Field, String, TokenStream)]) -> TokenStream {
    let mut stmts = Vec::new();
    let mut prefix = String::from("{");
    for (f, name, value) in fields {
        prefix.push_str(&json_string(name));
        prefix.push(':');
        stmts.push(put(&prefix));
        let ctx = field_context(owner, &f.rust_name);
        let e = JsonField::new(f).encode(value.clone());
        stmts.push(quote!(::streamhouse_schema::__private::in_field(#e, #ctx)?;));
        prefix = String::from(",");
    }
    // `prefix` is `{` when there were no fields, `,` otherwise.
    stmts.push(put(if fields.is_empty() { "{}" } else { "}" }));
    quote!(#(#stmts)*)
}

/// The value of a skipped field: its Rust default.
fn skipped_value(f: &Field) -> TokenStream {
    match f.attrs.default.get() {
        Some(DefaultAttr::Path(p)) => match syn::parse_str::<syn::ExprPath>(p) {
            Ok(path) => quote!(#path()),
            Err(e) => e.to_compile_error(),
        },
        _ => quote!(::std::default::Default::default()),
    }
}

/// An expression (of type `Self`, or an early `return` of an error) that reads an object
/// into `ctor { member: value, ... }`. `fields` pairs each field with its wire name;
/// `variant` locates the record in the type model for schema defaults.
fn decode_object(
    owner: &str,
    fields: &[(&Field, String)],
    ctor: TokenStream,
    variant: TokenStream,
    borrowed: bool,
) -> TokenStream {
    let slots: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__v{}", i))
        .collect();
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    for ((f, name), slot) in fields.iter().zip(&slots) {
        let member = &f.member;
        if skipped(f) {
            let v = skipped_value(f);
            inits.push(quote!(#member: #v));
            continue;
        }
        let fty = f.ty;
        let codec = JsonField::new(f);
        let decode = codec.decode(borrowed);
        let ctx = field_context(owner, &f.rust_name);
        decls.push(
            quote!(let mut #slot: ::std::option::Option<#fty> = ::std::option::Option::None;),
        );
        let aliases = f.attrs.aliases.iter().map(|a| a.value.clone());
        arms.push(quote! {
            #name #(| #aliases)* => {
                ::streamhouse_schema::__private::json_slot::vacant(&#slot, #name)?;
                #slot = ::std::option::Option::Some(::streamhouse_schema::__private::in_field(#decode, #ctx)?);
            }
        });
        let absent = if has_json_default(f) && borrowed {
            // A borrowing type is not `'static`, so its model is not found by `TypeId`:
            // it comes from the type's own `StreamSchema` cache. (Only owned fields have
            // defaults here: the derive refuses a default on a borrowed one.)
            quote!(::streamhouse_schema::__private::in_field(
                ::streamhouse_schema::__private::json_with::absent_field_of::<Self, _>(
                    #variant, #name, |__r| #decode
                ),
                #ctx,
            )?)
        } else if has_json_default(f) {
            quote!(::streamhouse_schema::__private::in_field(
                ::streamhouse_schema::__private::json_with::absent_field::<Self, _>(
                    #variant, #name, |__r| #decode
                ),
                #ctx,
            )?)
        } else if ty::option_inner(f.ty).is_some() {
            quote!(::std::option::Option::None)
        } else {
            inits.push(quote!(#member: ::streamhouse_schema::__private::json_slot::required(#slot, #name)?));
            continue;
        };
        inits.push(quote!(#member: match #slot {
            ::std::option::Option::Some(__v) => __v,
            ::std::option::Option::None => #absent,
        }));
    }
    quote!({
        #(#decls)*
        let mut __keys = __r.begin_object()?;
        while let ::std::option::Option::Some(__k) = __keys.next_key(__r)? {
            match &*__k {
                #(#arms)*
                _ => __r.skip_value()?,
            }
        }
        #ctor { #(#inits),* }
    })
}

fn named_fields<'f, 'a>(fields: &'f [Field<'a>]) -> Vec<(&'f Field<'a>, String)> {
    fields.iter().map(|f| (f, f.name.clone())).collect()
}

pub fn expand(c: &Container) -> TokenStream {
    let ident = c.ident;
    let g = bounded(&c.input.generics, quote!(::streamhouse_schema::JsonEncode));
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let owner = c.ident.to_string();
    let untagged = c.attrs.untagged.get().copied().unwrap_or(false);

    let encode_body = match &c.data {
        Data::Struct(Style::Newtype, fields) => {
            let e = JsonField::new(&fields[0]).encode(quote!(&self.0));
            quote!(#e)
        }
        Data::Struct(_, fields) => {
            let list: Vec<_> = fields
                .iter()
                .filter(|f| !skipped(f))
                .map(|f| {
                    let m = &f.member;
                    (f, f.name.clone(), quote!(&self.#m))
                })
                .collect();
            let stmts = encode_object(&owner, &list);
            quote!(#stmts ::std::result::Result::Ok(()))
        }
        Data::Enum(variants) => {
            let arms = variants
                .iter()
                .map(|v| encode_variant_arm(&owner, v, untagged));
            quote!(match self { #(#arms)* } ::std::result::Result::Ok(()))
        }
    };
    let encode = quote! {
        #[allow(unreachable_patterns)]
        impl #impl_g ::streamhouse_schema::JsonEncode for #ident #ty_g #where_c {
            #[inline]
            fn encode_json<__B: ::streamhouse_schema::__private::BufMut>(&self, __buf: &mut __B) -> ::std::result::Result<(), ::streamhouse_schema::JsonEncodeError> {
                #encode_body
            }
        }
    };
    // Types with a lifetime (`&'a str` fields) decode borrowing from the input.
    let decode = expand_decode(c, &owner, untagged, c.has_lifetimes());
    quote!(#encode #decode)
}

fn encode_variant_arm(owner: &str, v: &Variant, untagged: bool) -> TokenStream {
    let vi = v.ident;
    let vowner = format!("{owner}::{}", v.ident);
    let tag = json_string(&v.name);
    if v.style == Style::Unit {
        let p = put(&tag);
        return quote!(Self::#vi => { #p });
    }
    let live: Vec<_> = v
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !skipped(f))
        .collect();
    let members: Vec<_> = live.iter().map(|(_, f)| &f.member).collect();
    let binds: Vec<_> = live
        .iter()
        .map(|(i, _)| format_ident!("__f{}", i))
        .collect();
    let open = put(&format!("{{{tag}:"));
    let close = put("}");
    let bare = match (live.first(), binds.first()) {
        (Some((_, f)), Some(b)) if v.style == Style::Newtype && untagged => Some((*f, b)),
        _ => None,
    };
    let body = if let Some((f, b)) = bare {
        // `{"Variant": value}`: the variant's type is the inner type itself.
        let e = JsonField::new(f).encode(quote!(#b));
        let ctx = field_context(&vowner, "0");
        quote!(#open ::streamhouse_schema::__private::in_field(#e, #ctx)?; #close)
    } else {
        // `{"Variant": {fields}}`: a tagged newtype variant is a record with field `value`.
        let list: Vec<_> = live
            .iter()
            .zip(&binds)
            .map(|((_, f), b)| {
                let name = if v.style == Style::Newtype {
                    "value".to_string()
                } else {
                    f.name.clone()
                };
                (*f, name, quote!(#b))
            })
            .collect();
        let fields = encode_object(&vowner, &list);
        quote!(#open #fields #close)
    };
    quote!(Self::#vi { #(#members: #binds,)* .. } => { #body })
}

fn expand_decode(c: &Container, owner: &str, untagged: bool, borrowed: bool) -> TokenStream {
    let ident = c.ident;
    let all_fields: Vec<&Field> = match &c.data {
        Data::Struct(_, fields) => fields.iter().collect(),
        Data::Enum(variants) => variants.iter().flat_map(|v| &v.fields).collect(),
    };
    // Schema defaults are looked up in the type's cached model, keyed by `TypeId`.
    let bound = if all_fields
        .iter()
        .any(|f| has_json_default(f) && !skipped(f))
    {
        quote!(::streamhouse_schema::JsonDecode + 'static)
    } else {
        quote!(::streamhouse_schema::JsonDecode)
    };
    let g = bounded(&c.input.generics, bound);
    let g_de = super::with_de_lifetime(&g);
    let (impl_g, ty_g, where_c) = g.split_for_impl();
    let (impl_g, trait_path, read, reader) = if borrowed {
        let (impl_de, _, _) = g_de.split_for_impl();
        (
            quote!(#impl_de),
            quote!(::streamhouse_schema::JsonBorrowDecode<'__de>),
            quote!(read_json_borrowed),
            quote!(::streamhouse_schema::__private::JsonReader<'__de>),
        )
    } else {
        (
            quote!(#impl_g),
            quote!(::streamhouse_schema::JsonDecode),
            quote!(read_json),
            quote!(::streamhouse_schema::__private::JsonReader<'_>),
        )
    };
    let err = quote!(::streamhouse_schema::JsonDecodeError);
    let enum_name = &c.name;
    let none = quote!(::std::option::Option::None);

    let body = match &c.data {
        Data::Struct(Style::Newtype, fields) => {
            let d = JsonField::new(&fields[0]).decode(borrowed);
            quote!(::std::result::Result::Ok(Self(#d?)))
        }
        Data::Struct(_, fields) => {
            let obj = decode_object(owner, &named_fields(fields), quote!(Self), none, borrowed);
            quote!(::std::result::Result::Ok(#obj))
        }
        Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
            let arms = variants.iter().map(|v| {
                let vi = v.ident;
                let name = &v.name;
                let aliases = v.attrs.aliases.iter().map(|a| a.value.clone());
                quote!(#name #(| #aliases)* => ::std::result::Result::Ok(Self::#vi),)
            });
            // A reader default stands in for symbols added after this type was compiled.
            let fallback = match variants.iter().find(|v| v.attrs.default.is_some()) {
                Some(v) => {
                    let vi = v.ident;
                    quote!(::std::result::Result::Ok(Self::#vi))
                }
                None => quote!(::std::result::Result::Err(#err::UnknownSymbol {
                    symbol: __s.to_string(),
                    enum_name: #enum_name,
                })),
            };
            quote! {
                let __s = __r.read_str()?;
                match &*__s {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
        Data::Enum(variants) => {
            let unit_arms = variants.iter().filter(|v| v.style == Style::Unit).map(|v| {
                let vi = v.ident;
                let name = &v.name;
                let aliases = v.attrs.aliases.iter().map(|a| a.value.clone());
                quote!(#name #(| #aliases)* => ::std::result::Result::Ok(Self::#vi),)
            });
            let data_arms = variants
                .iter()
                .enumerate()
                .filter(|(_, v)| v.style != Style::Unit)
                .map(|(i, v)| decode_variant_arm(owner, v, i, untagged, borrowed));
            quote! {
                if __r.peek()? == b'"' {
                    let __s = __r.read_str()?;
                    return match &*__s {
                        #(#unit_arms)*
                        _ => ::std::result::Result::Err(#err::UnknownVariant {
                            variant: __s.to_string(),
                            enum_name: #enum_name,
                        }),
                    };
                }
                let mut __outer = __r.begin_object()?;
                let ::std::option::Option::Some(__tag) = __outer.next_key(__r)? else {
                    return ::std::result::Result::Err(#err::NotOneVariant { enum_name: #enum_name, offset: __r.offset() });
                };
                let __value = match &*__tag {
                    #(#data_arms)*
                    _ => return ::std::result::Result::Err(#err::UnknownVariant {
                        variant: __tag.to_string(),
                        enum_name: #enum_name,
                    }),
                };
                let __at = __r.offset();
                if __outer.next_key(__r)?.is_some() {
                    return ::std::result::Result::Err(#err::NotOneVariant { enum_name: #enum_name, offset: __at });
                }
                ::std::result::Result::Ok(__value)
            }
        }
    };
    quote! {
        #[allow(unreachable_patterns)]
        impl #impl_g #trait_path for #ident #ty_g #where_c {
            #[inline]
            fn #read(__r: &mut #reader) -> ::std::result::Result<Self, ::streamhouse_schema::JsonDecodeError> {
                #body
            }
        }
    }
}

fn decode_variant_arm(
    owner: &str,
    v: &Variant,
    index: usize,
    untagged: bool,
    borrowed: bool,
) -> TokenStream {
    let vi = v.ident;
    let name = &v.name;
    let vowner = format!("{owner}::{}", v.ident);
    let aliases = v.attrs.aliases.iter().map(|a| a.value.clone());
    let value = if v.style == Style::Newtype && untagged {
        let d = JsonField::new(&v.fields[0]).decode(borrowed);
        let ctx = field_context(&vowner, "0");
        quote!(Self::#vi(::streamhouse_schema::__private::in_field(#d, #ctx)?))
    } else {
        let fields: Vec<_> = v
            .fields
            .iter()
            .map(|f| {
                let wire = if v.style == Style::Newtype {
                    "value".to_string()
                } else {
                    f.name.clone()
                };
                (f, wire)
            })
            .collect();
        decode_object(
            &vowner,
            &fields,
            quote!(Self::#vi),
            quote!(::std::option::Option::Some(#index)),
            borrowed,
        )
    };
    quote!(#name #(| #aliases)* => #value,)
}
