//! Pieces of `.proto` syntax: options, ranges and string literals.

use std::fmt::Write as _;

use prost_types::field_descriptor_proto::Type;
use prost_types::{FieldDescriptorProto, FileDescriptorProto, UninterpretedOption};

/// The `[...]` options of a field declaration that the descriptor sets.
pub(super) fn field_options(field: &FieldDescriptorProto) -> Vec<String> {
    let mut options = Vec::new();
    if let Some(default) = &field.default_value {
        let literal = match field.r#type() {
            Type::String => quote(default),
            // Descriptors keep bytes defaults C-escaped, in whichever escapes their writer
            // chose: written again as protox escapes them when it compiles the text, so that
            // printing the compiled text gives the same text.
            Type::Bytes => match super::super::c_escape::unescape(default) {
                Ok(bytes) => format!("\"{}\"", super::super::c_escape::escape(&bytes)),
                Err(_) => format!("\"{default}\""),
            },
            _ => default.clone(),
        };
        options.push(format!("default = {literal}"));
    }
    if let Some(json_name) = &field.json_name {
        if *json_name != default_json_name(field.name()) {
            options.push(format!("json_name = {}", quote(json_name)));
        }
    }
    if let Some(field_options) = &field.options {
        if let Some(packed) = field_options.packed {
            options.push(format!("packed = {packed}"));
        }
        if field_options.deprecated() {
            options.push("deprecated = true".to_string());
        }
        options.extend(field_options.uninterpreted_option.iter().map(uninterpreted));
    }
    options
}

/// An option kept as written (a custom option such as `(confluent.field_meta)`, which the
/// type model sets without the extension's definition): `name = value`.
fn uninterpreted(option: &UninterpretedOption) -> String {
    let name: Vec<String> = option
        .name
        .iter()
        .map(|part| match part.is_extension {
            true => format!("({})", part.name_part),
            false => part.name_part.clone(),
        })
        .collect();
    let value = if let Some(aggregate) = &option.aggregate_value {
        format!("{{ {aggregate} }}")
    } else if let Some(identifier) = &option.identifier_value {
        identifier.clone()
    } else if let Some(int) = option.positive_int_value {
        int.to_string()
    } else if let Some(int) = option.negative_int_value {
        int.to_string()
    } else if let Some(double) = option.double_value {
        double.to_string()
    } else if let Some(bytes) = &option.string_value {
        quote(&String::from_utf8_lossy(bytes))
    } else {
        String::new()
    };
    format!("{} = {value}", name.join("."))
}

/// protoc's default JSON name: underscores dropped, the letter after each one upper-cased.
pub(crate) fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The common file options (`java_package`, `go_package`, ...) as `name = value`.
pub(super) fn file_options(file: &FileDescriptorProto) -> Vec<String> {
    let Some(o) = &file.options else {
        return Vec::new();
    };
    let mut options = Vec::new();
    let strings = [
        ("java_package", &o.java_package),
        ("java_outer_classname", &o.java_outer_classname),
        ("go_package", &o.go_package),
        ("objc_class_prefix", &o.objc_class_prefix),
        ("csharp_namespace", &o.csharp_namespace),
        ("swift_prefix", &o.swift_prefix),
        ("php_namespace", &o.php_namespace),
        ("ruby_package", &o.ruby_package),
    ];
    for (name, value) in strings {
        if let Some(value) = value {
            options.push(format!("{name} = {}", quote(value)));
        }
    }
    if let Some(value) = o.java_multiple_files {
        options.push(format!("java_multiple_files = {value}"));
    }
    if o.optimize_for.is_some() {
        options.push(format!("optimize_for = {}", o.optimize_for().as_str_name()));
    }
    if o.deprecated() {
        options.push("deprecated = true".to_string());
    }
    options
}

/// `5`, `5 to 9` or `5 to max` (`last` inclusive).
pub(super) fn range_text(start: i32, last: i32, max: i32) -> String {
    if start == last {
        start.to_string()
    } else if last == max {
        format!("{start} to max")
    } else {
        format!("{start} to {last}")
    }
}

/// A string literal with the escapes protoc understands.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{byte:03o}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
