//! `AvroDecode::decode_avro_resolved` for records: writer bytes read straight into the
//! struct along a resolution plan, field by field in the writer's order, instead of being
//! rewritten into the reader's bytes and decoded a second time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::avro::{decode_field, skipped};
use super::field::FieldCodec;
use super::field_context;
use crate::ast::Field;

/// The method for a struct with named or positional fields (schema fields are the
/// non-skipped ones, in order).
pub fn record_method(owner: &str, fields: &[Field]) -> TokenStream {
    let decode = quote!(::streamhouse_schema::AvroDecode);
    let result = quote!(::std::result::Result);
    let option = quote!(::std::option::Option);
    let in_field = quote!(::streamhouse_schema::__private::in_field);
    let read: Vec<&Field> = fields.iter().filter(|f| !skipped(f)).collect();
    let count = read.len();
    let slots: Vec<_> = (0..count).map(|i| format_ident!("__field{}", i)).collect();
    let types = read.iter().map(|f| f.ty);
    let arms = read.iter().zip(&slots).enumerate().map(|(pos, (f, slot))| {
        let codec = FieldCodec::new(f);
        let value = if codec.is_plain() {
            let t = f.ty;
            quote!(<#t as #decode>::decode_avro_resolved(__input, __step))
        } else {
            let d = codec.decode();
            quote!(__step.decode_with(__input, |__input: &mut &[u8]| #d))
        };
        let ctx = field_context(owner, &f.rust_name);
        quote!(#pos => #slot = #option::Some(#in_field(#value, #ctx)?),)
    });
    let in_order = in_order_reads(owner, &read, &slots);
    let in_order_inits = struct_inits(owner, fields, &slots);
    let mut next = 0usize;
    let inits = fields.iter().map(|f| {
        let member = &f.member;
        if skipped(f) {
            let v = decode_field(owner, f);
            return quote!(#member: #v);
        }
        let (pos, slot) = (next, &slots[next]);
        next += 1;
        let codec = FieldCodec::new(f);
        let ctx = field_context(owner, &f.rust_name);
        if codec.is_plain() {
            // Added in the reader: its default, in reader bytes.
            let t = f.ty;
            return quote!(#member: #in_field(__steps.or_default::<#t>(#slot, #pos), #ctx)?);
        }
        let d = codec.decode();
        quote!(#member: match #slot {
            #option::Some(__v) => __v,
            // Added in the reader: its default, in reader bytes.
            #option::None => {
                let mut __default: &[u8] = #in_field(__steps.default(#pos), #ctx)?;
                let __input = &mut __default;
                #in_field(#d, #ctx)?
            }
        })
    });
    quote! {
        #[inline]
        fn decode_avro_resolved(
            __input: &mut &[u8],
            __plan: ::streamhouse_schema::__private::Step<'_>,
        ) -> #result<Self, ::streamhouse_schema::DecodeError> {
            let #option::Some(__steps) = __plan.record(#count)? else {
                return __plan.decode_with(__input, <Self as #decode>::decode_avro);
            };
            if let #option::Some(__order) = __steps.in_order() {
                // A local copy of the cursor, written back at the end, as in `decode_avro`.
                let __outer = __input;
                let mut __cursor: &[u8] = *__outer;
                let __input = &mut __cursor;
                #in_order
                __order.finish(__input)?;
                *__outer = __cursor;
                return #result::Ok(Self { #(#in_order_inits),* });
            }
            #(let mut #slots: #option<#types> = #option::None;)*
            for (__pos, __step) in __steps.fields() {
                match __pos {
                    #(#arms)*
                    _ => __step.skip(__input)?,
                }
            }
            #result::Ok(Self { #(#inits),* })
        }
    }
}

/// Statements reading each schema field into its slot in the reader's order, for a record
/// whose writer fields come in that order: as the same-schema decoder does for unchanged
/// fields, along the plan for changed ones, from the default for added ones.
fn in_order_reads(owner: &str, read: &[&Field], slots: &[syn::Ident]) -> TokenStream {
    let source = quote!(::streamhouse_schema::__private::Source);
    let in_field = quote!(::streamhouse_schema::__private::in_field);
    let stmts = read.iter().zip(slots).enumerate().map(|(pos, (f, slot))| {
        let codec = FieldCodec::new(f);
        let ctx = field_context(owner, &f.rust_name);
        let t = f.ty;
        if codec.is_plain() {
            // The field's source is matched inside one generic runtime function
            // (`InOrder::read`): one call here instead of three decode paths per field.
            return quote! {
                let #slot: #t = #in_field(__order.read::<#t>(#pos, __input), #ctx)?;
            };
        }
        let d = codec.decode();
        let changed = if codec.is_plain() {
            let t = f.ty;
            quote!(<#t as ::streamhouse_schema::AvroDecode>::decode_avro_resolved(__input, __step))
        } else {
            quote!(__step.decode_with(__input, |__input: &mut &[u8]| #d))
        };
        quote! {
            let #slot: #t = #in_field(match #in_field(__order.field(#pos, __input), #ctx)? {
                #source::Unchanged => #d,
                #source::Changed(__step) => #changed,
                #source::Default(__default) => {
                    let mut __default: &[u8] = __default;
                    let __input = &mut __default;
                    #d
                }
            }, #ctx)?;
        }
    });
    quote!(#(#stmts)*)
}

/// The struct's fields from the slots of its schema fields (skipped fields take their
/// Rust defaults).
fn struct_inits(owner: &str, fields: &[Field], slots: &[syn::Ident]) -> Vec<TokenStream> {
    let mut slots = slots.iter();
    fields
        .iter()
        .map(|f| {
            let member = &f.member;
            if skipped(f) {
                let v = decode_field(owner, f);
                return quote!(#member: #v);
            }
            match slots.next() {
                Some(slot) => quote!(#member: #slot),
                None => quote!(#member: ::std::compile_error!("internal: a field without a slot")),
            }
        })
        .collect()
}
