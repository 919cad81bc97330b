//! Checks of `#[stream_schema(reference)]`, on a type or on a field.
//!
//! A reference is a named Avro type (a record or an enum) registered under its own subject
//! and referred to by the type's Avro and JSON schemas. The checks here see one type's
//! tokens: the type's own shape (a struct with named fields or a unit enum), the field's
//! other mappings, the Protobuf-only types (whose references are their imports). That the
//! field's type is a derived record or enum, which only the compiler knows, is the bound
//! `ReferenceTarget` the generated code asserts at the field's type.

use crate::ast::{Container, Data, Field, Style};
use crate::attr::Format;
use crate::ctxt::Ctxt;

pub fn check_reference(cx: &Ctxt, c: &Container) {
    let ty_name = c.ident.to_string();
    let protobuf_only = c.attrs.format.get() == Some(&Format::Protobuf);
    if let Some(span) = c.attrs.reference {
        if protobuf_only {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{ty_name}`: `reference` applies to Avro and JSON schemas, and `{ty_name}`'s format is \"protobuf\": Protobuf types are referred to through their files (a type of another namespace, or package, is imported and its file registered first), with no attribute"),
            ));
        }
        let refused = match &c.data {
            _ if protobuf_only => None,
            Data::Struct(Style::Newtype, _) => Some("a newtype has its inner type's schema, no name of its own to refer to; put `reference` on the inner type"),
            Data::Enum(variants) if variants.iter().any(|v| v.style != Style::Unit) => Some("an enum with data is an Avro union, which has no name to refer to (only records and enums do)"),
            _ => None,
        };
        if let Some(why) = refused {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{ty_name}`: `reference` needs a record or an enum: {why}"),
            ));
        }
    }
    let fields: Vec<(String, &Field)> = match &c.data {
        Data::Struct(_, fields) => fields
            .iter()
            .map(|f| (format!("{ty_name}.{}", f.rust_name), f))
            .collect(),
        Data::Enum(variants) => {
            let ty_name = ty_name.as_str();
            variants
                .iter()
                .flat_map(|v| {
                    v.fields
                        .iter()
                        .map(move |f| (format!("{ty_name}::{}.{}", v.ident, f.rust_name), f))
                })
                .collect()
        }
    };
    for (owner, f) in fields {
        let Some(span) = f.attrs.reference else {
            continue;
        };
        if protobuf_only {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{owner}`: `reference` applies to Avro and JSON schemas, and `{ty_name}`'s format is \"protobuf\": a Protobuf message refers to a type of another namespace (package) by importing its file, registered first, with no attribute"),
            ));
            continue;
        }
        let mapped = [
            ("skip", f.attrs.skip.spanned().map(|s| s.span)),
            ("unit", f.attrs.unit.as_ref().map(|s| s.span)),
            ("repr", f.attrs.repr.as_ref().map(|s| s.span)),
            ("decimal", f.attrs.decimal.as_ref().map(|s| s.span)),
        ];
        if let Some((what, _)) = mapped.iter().find(|(_, s)| s.is_some()) {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{owner}`: `reference` and `{what}` do not go together: `reference` registers the derived record or enum the field holds as a schema of its own, and `{what}` leaves no such type in the schema"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(input: syn::DeriveInput) -> Vec<String> {
        let cx = Ctxt::default();
        let Some(c) = Container::from_ast(&cx, &input) else {
            return vec!["not a container".into()];
        };
        check_reference(&cx, &c);
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn records_and_unit_enums_can_be_references() {
        assert_eq!(
            errors(syn::parse_quote! {
                #[stream_schema(reference)]
                struct Item { sku: String }
            }),
            Vec::<String>::new()
        );
        assert_eq!(
            errors(syn::parse_quote! {
                #[stream_schema(reference)]
                enum Status { New, Paid }
            }),
            Vec::<String>::new()
        );
        assert_eq!(
            errors(syn::parse_quote! {
                struct Order { #[stream_schema(reference)] items: Vec<Item>, status: Status }
            }),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unions_newtypes_and_protobuf_only_types_cannot() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(reference)]
            enum Shape { Circle { r: f64 }, Empty }
        });
        assert_eq!(e, ["`Shape`: `reference` needs a record or an enum: an enum with data is an Avro union, which has no name to refer to (only records and enums do)"]);
        let e = errors(syn::parse_quote! {
            #[stream_schema(reference)]
            struct Id(String);
        });
        assert!(
            e[0].starts_with("`Id`: `reference` needs a record or an enum: a newtype"),
            "{e:?}"
        );
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "protobuf")]
            struct Order { #[stream_schema(tag = 1, reference)] item: Item }
        });
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("`Order.item`: `reference` applies to Avro and JSON schemas"),
            "{e:?}"
        );
    }

    #[test]
    fn a_reference_field_keeps_its_named_type() {
        let e = errors(syn::parse_quote! {
            struct Order { #[stream_schema(reference, skip)] item: Item }
        });
        assert_eq!(e, ["`Order.item`: `reference` and `skip` do not go together: `reference` registers the derived record or enum the field holds as a schema of its own, and `skip` leaves no such type in the schema"]);
    }
}
