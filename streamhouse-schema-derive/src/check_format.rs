//! Checks of the container's `format = "..."`.
//!
//! `format = "avro"` and `format = "json"` fit every type (both codecs are always
//! generated). `format = "protobuf"` makes the type a Protobuf message exactly as the
//! `protobuf` flag does (so the Protobuf checks, field tags included, apply to it); on top of
//! that the type must be one whose payload a record can be: a message (a struct, or an enum
//! with data), not generic (its codec would hold only for some type arguments, and the
//! runtime reaches it through the type alone).

use crate::ast::{Container, Data, Style};
use crate::attr::Format;
use crate::ctxt::Ctxt;
use crate::emit::proto::is_message;

pub fn check_format(cx: &Ctxt, c: &Container) {
    let Some(format) = c.attrs.format.spanned() else {
        return;
    };
    if format.value != Format::Protobuf {
        return;
    }
    let ty_name = c.ident.to_string();
    if c.is_generic() {
        cx.syn_error(syn::Error::new(
            format.span,
            format!("`{ty_name}`: `format = \"protobuf\"` cannot be the own format of a generic type: its Protobuf codec exists only for some type arguments. Choose Protobuf per instantiation on the builders instead: .format_for::<{ty_name}<..>>(Protobuf) on the producer, .protobuf::<{ty_name}<..>>() on the consumer"),
        ));
    }
    if !is_message(c) {
        let what = match &c.data {
            Data::Struct(Style::Newtype, _) => {
                "a newtype is transparent in Protobuf (its value is its field's)"
            }
            _ => "an enum without data is a Protobuf enum",
        };
        cx.syn_error(syn::Error::new(
            format.span,
            format!("`{ty_name}`: `format = \"protobuf\"` needs a Protobuf message (a struct with named fields, or an enum with data) to be a record payload; {what}, which can be a field of a message but not a payload"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_proto::check_proto;

    /// The errors the derive reports for `input` from parsing, the format checks and the
    /// Protobuf checks, in order.
    fn errors(input: syn::DeriveInput) -> Vec<String> {
        let cx = Ctxt::default();
        let Some(c) = Container::from_ast(&cx, &input) else {
            return vec!["not a container".into()];
        };
        check_format(&cx, &c);
        check_proto(&cx, &c);
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn format_of(input: syn::DeriveInput) -> Option<Format> {
        let cx = Ctxt::default();
        let c = Container::from_ast(&cx, &input)?;
        let format = c.attrs.format.get().copied();
        cx.check().ok()?;
        format
    }

    #[test]
    fn each_format_string_parses_to_its_format() {
        assert_eq!(
            format_of(syn::parse_quote! { #[stream_schema(format = "avro")] struct A { x: i32 } }),
            Some(Format::Avro)
        );
        assert_eq!(
            format_of(
                syn::parse_quote! { #[stream_schema(topic = "t", format = "json")] struct A { x: i32 } }
            ),
            Some(Format::Json)
        );
        assert_eq!(
            format_of(
                syn::parse_quote! { #[stream_schema(format = "protobuf")] struct A { #[stream_schema(tag = 1)] x: i32 } }
            ),
            Some(Format::Protobuf)
        );
        assert_eq!(format_of(syn::parse_quote! { struct A { x: i32 } }), None);
    }

    #[test]
    fn avro_and_json_fit_any_type() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "json")]
            struct Id(String);
        });
        assert_eq!(e, Vec::<String>::new());
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "avro")]
            enum Color { Red, Green }
        });
        assert_eq!(e, Vec::<String>::new());
    }

    #[test]
    fn an_unknown_format_lists_the_three() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "proto")]
            struct Order { id: String }
        });
        assert_eq!(
            e,
            ["`Order`: unknown format \"proto\": expected \"avro\", \"json\" or \"protobuf\""]
        );
    }

    #[test]
    fn a_second_format_is_a_duplicate_even_when_equal() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "json")]
            #[stream_schema(format = "json")]
            struct Order { id: String }
        });
        assert_eq!(e, ["`Order`: duplicate `format` attribute: keep one"]);
    }

    #[test]
    fn format_protobuf_makes_the_type_a_message_with_its_tag_checks() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "protobuf")]
            struct Order { #[stream_schema(tag = 1)] id: String, amount: f64 }
        });
        assert_eq!(e, ["`Order.amount`: a Protobuf message field needs a field number: add #[stream_schema(tag = N)] (1 to 536870911, not 19000-19999)"]);
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "protobuf")]
            enum Shape {
                #[stream_schema(tag = 1)] Circle { #[stream_schema(tag = 1)] r: f64 },
                #[stream_schema(tag = 2)] Square(f64),
            }
        });
        assert_eq!(e, Vec::<String>::new());
    }

    #[test]
    fn format_protobuf_needs_a_message() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "protobuf")]
            enum Color { Red = 0, Green = 1 }
        });
        assert_eq!(e, ["`Color`: `format = \"protobuf\"` needs a Protobuf message (a struct with named fields, or an enum with data) to be a record payload; an enum without data is a Protobuf enum, which can be a field of a message but not a payload"]);
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "protobuf")]
            struct Id(String);
        });
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("`Id`: `format = \"protobuf\"` needs a Protobuf message"),
            "{e:?}"
        );
        assert!(
            e[0].contains("a newtype is transparent in Protobuf"),
            "{e:?}"
        );
    }

    #[test]
    fn format_protobuf_on_a_generic_type_points_to_the_builders() {
        let e = errors(syn::parse_quote! {
            #[stream_schema(format = "protobuf")]
            struct Envelope<T> { #[stream_schema(tag = 1)] body: T }
        });
        assert_eq!(e, ["`Envelope`: `format = \"protobuf\"` cannot be the own format of a generic type: its Protobuf codec exists only for some type arguments. Choose Protobuf per instantiation on the builders instead: .format_for::<Envelope<..>>(Protobuf) on the producer, .protobuf::<Envelope<..>>() on the consumer"]);
    }
}
