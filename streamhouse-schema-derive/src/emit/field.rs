//! How one field is described, encoded and decoded: plainly through its type's traits, or
//! through an explicit mapping (`repr`, `unit`, `decimal`, a non-null `Option` default),
//! wrapped element-wise in `Option`/`Vec` when the field's type is one.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

use crate::ast::Field;
use crate::attr::{DefaultAttr, Repr, Unit};
use crate::ty;

enum Base {
    Plain,
    NullLast,
    WideLong,
    WideFixed,
    Millis,
    DecimalBytes {
        precision: u32,
        scale: u32,
    },
    DecimalFixed {
        precision: u32,
        scale: u32,
        name: String,
        size: usize,
    },
    ByteArray,
}

enum Wrap {
    None,
    Option,
    Vec,
}

pub struct FieldCodec<'a> {
    base: Base,
    wrap: Wrap,
    /// The type the base mapping applies to.
    base_ty: &'a Type,
    field_ty: &'a Type,
}

impl<'a> FieldCodec<'a> {
    pub fn new(f: &'a Field) -> Self {
        let explicit = if let Some(r) = &f.attrs.repr {
            Some(match r.value {
                Repr::Long => Base::WideLong,
                Repr::Fixed => Base::WideFixed,
                Repr::Array => Base::ByteArray,
            })
        } else if let Some(u) = &f.attrs.unit {
            (u.value == Unit::Millis).then_some(Base::Millis)
        } else {
            f.attrs.decimal.as_ref().map(|d| match &d.value.fixed {
                None => Base::DecimalBytes {
                    precision: d.value.precision,
                    scale: d.value.scale,
                },
                Some((name, size)) => Base::DecimalFixed {
                    precision: d.value.precision,
                    scale: d.value.scale,
                    name: name.clone(),
                    size: *size,
                },
            })
        };
        let Some(base) = explicit else {
            let null_last = matches!(f.attrs.default.get(), Some(DefaultAttr::Json(j)) if j.trim() != "null")
                && ty::option_inner(f.ty).is_some();
            let base = if null_last {
                Base::NullLast
            } else {
                Base::Plain
            };
            return FieldCodec {
                base,
                wrap: Wrap::None,
                base_ty: f.ty,
                field_ty: f.ty,
            };
        };
        if matches!(base, Base::ByteArray) {
            // The mapping is on the Vec<u8> itself: items are u8 ints.
            return match ty::option_inner(f.ty) {
                Some(inner) => FieldCodec {
                    base,
                    wrap: Wrap::Option,
                    base_ty: inner,
                    field_ty: f.ty,
                },
                None => FieldCodec {
                    base,
                    wrap: Wrap::None,
                    base_ty: f.ty,
                    field_ty: f.ty,
                },
            };
        }
        if let Some(inner) = ty::option_inner(f.ty) {
            FieldCodec {
                base,
                wrap: Wrap::Option,
                base_ty: inner,
                field_ty: f.ty,
            }
        } else if let Some(inner) = ty::vec_inner(f.ty) {
            FieldCodec {
                base,
                wrap: Wrap::Vec,
                base_ty: inner,
                field_ty: f.ty,
            }
        } else {
            FieldCodec {
                base,
                wrap: Wrap::None,
                base_ty: f.ty,
                field_ty: f.ty,
            }
        }
    }

    /// Whether the field is read through its type's own `AvroDecode` (no explicit mapping).
    pub fn is_plain(&self) -> bool {
        matches!(self.base, Base::Plain)
    }

    /// Whether the schema gets an implicit `"default": null` (a plain `Option`).
    pub fn implicit_null_default(&self) -> bool {
        match self.base {
            Base::Plain => ty::option_inner(self.field_ty).is_some(),
            Base::NullLast => false,
            _ => matches!(self.wrap, Wrap::Option),
        }
    }

    /// An expression of type `Ty`, with `__b` the model builder.
    pub fn describe(&self) -> TokenStream {
        let m = quote!(::streamhouse_schema::__private::model);
        let with = quote!(::streamhouse_schema::__private::with);
        let t = self.base_ty;
        let base = match &self.base {
            Base::Plain => return quote!(<#t as ::streamhouse_schema::SchemaType>::describe(__b)),
            Base::NullLast => {
                let inner = ty::option_inner(t).unwrap_or(t);
                return quote!(#m::Ty::Optional {
                    inner: ::std::boxed::Box::new(<#inner as ::streamhouse_schema::SchemaType>::describe(__b)),
                    null_first: false,
                });
            }
            Base::WideLong => quote!(#with::describe_wide_long::<#t>()),
            Base::WideFixed => quote!(#with::describe_wide_fixed::<#t>(__b)),
            Base::Millis => {
                quote!(<#t as ::streamhouse_schema::__private::TemporalUnitCodec>::describe_millis())
            }
            Base::DecimalBytes { precision, scale } => {
                quote!(#m::Ty::Decimal { precision: #precision, scale: #scale, fixed: ::std::option::Option::None })
            }
            Base::DecimalFixed {
                precision,
                scale,
                name,
                size,
            } => quote!(#m::Ty::Decimal {
                precision: #precision,
                scale: #scale,
                fixed: ::std::option::Option::Some((__b.full_name(#name, ::std::option::Option::None), #size)),
            }),
            Base::ByteArray => {
                quote!(#m::Ty::Array(::std::boxed::Box::new(#m::Ty::Int(#m::IntKind::U8))))
            }
        };
        match self.wrap {
            Wrap::None => base,
            Wrap::Option => {
                quote!(#m::Ty::Optional { inner: ::std::boxed::Box::new(#base), null_first: true })
            }
            Wrap::Vec => quote!(#m::Ty::Array(::std::boxed::Box::new(#base))),
        }
    }

    /// Statement encoding the place `value` (an expression of type `&FieldTy`) into `__buf`.
    pub fn encode(&self, value: TokenStream) -> TokenStream {
        let with = quote!(::streamhouse_schema::__private::with);
        let t = self.base_ty;
        let item = |v: TokenStream| -> TokenStream {
            match &self.base {
                Base::Plain => quote!(::streamhouse_schema::AvroEncode::encode_avro(#v, __buf)),
                Base::NullLast => quote!(#with::option_null_last::encode(#v, __buf)),
                Base::WideLong => quote!(#with::encode_wide_long::<#t, _>(#v, __buf)),
                Base::WideFixed => quote!(#with::encode_wide_fixed::<#t, _>(#v, __buf)),
                Base::Millis => {
                    quote!(<#t as ::streamhouse_schema::__private::TemporalUnitCodec>::encode_millis(#v, __buf))
                }
                Base::DecimalBytes { precision, scale } => {
                    quote!(#with::encode_decimal_bytes::<#t, _>(#v, #precision, #scale, __buf))
                }
                Base::DecimalFixed {
                    precision,
                    scale,
                    size,
                    ..
                } => {
                    quote!(#with::encode_decimal_fixed::<#t, _>(#v, #precision, #scale, #size, __buf))
                }
                Base::ByteArray => {
                    quote!(#with::encode_seq(#v, __buf, |__x, __buf| ::streamhouse_schema::AvroEncode::encode_avro(__x, __buf)))
                }
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

    /// Expression decoding a field value from `__input`.
    pub fn decode(&self) -> TokenStream {
        self.decode_in(false)
    }

    /// Expression decoding a field value from `__input`; in the decoder of a borrowing
    /// type (`borrowed`), a field whose type names a lifetime is read through
    /// `AvroBorrowDecode<'__de>`.
    pub fn decode_in(&self, borrowed: bool) -> TokenStream {
        let with = quote!(::streamhouse_schema::__private::with);
        let t = self.base_ty;
        let item = match &self.base {
            Base::Plain if borrowed && ty::has_lifetime(t) => quote!(
                <#t as ::streamhouse_schema::AvroBorrowDecode<'__de>>::decode_avro_borrowed(__input)
            ),
            Base::Plain => quote!(<#t as ::streamhouse_schema::AvroDecode>::decode_avro(__input)),
            Base::NullLast => {
                let inner = ty::option_inner(t).unwrap_or(t);
                quote!(#with::option_null_last::decode::<#inner>(__input))
            }
            Base::WideLong => quote!(#with::decode_wide_long::<#t>(__input)),
            Base::WideFixed => quote!(#with::decode_wide_fixed::<#t>(__input)),
            Base::Millis => {
                quote!(<#t as ::streamhouse_schema::__private::TemporalUnitCodec>::decode_millis(__input))
            }
            Base::DecimalBytes { precision, scale } => {
                quote!(#with::decode_decimal_bytes::<#t>(#precision, #scale, __input))
            }
            Base::DecimalFixed {
                precision,
                scale,
                size,
                ..
            } => {
                quote!(#with::decode_decimal_fixed::<#t>(#precision, #scale, #size, __input))
            }
            Base::ByteArray => {
                quote!(#with::decode_seq(__input, <u8 as ::streamhouse_schema::AvroDecode>::decode_avro))
            }
        };
        match self.wrap {
            Wrap::None => item,
            Wrap::Option => quote!(#with::decode_opt(__input, |__input| #item)),
            Wrap::Vec => quote!(#with::decode_seq(__input, |__input| #item)),
        }
    }
}
