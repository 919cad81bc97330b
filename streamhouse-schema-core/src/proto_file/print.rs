//! Printing a `FileDescriptorProto` back to `.proto` text that protoc compiles.
//!
//! Type references are printed fully qualified (`.pkg.Message`), which is valid everywhere
//! and never depends on scoping rules. Map fields are printed as `map<K, V>` instead of
//! their synthetic entry messages, proto3 `optional` fields instead of their synthetic
//! oneofs. Not printed: proto2 groups (printed as message fields), custom options other
//! than field options kept uninterpreted (the type model's `(confluent.field_meta)`), and
//! options other than the common file options, `deprecated`, `packed`, `json_name`,
//! `default` and `allow_alias`.

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    ServiceDescriptorProto,
};

mod syntax;

pub(crate) use syntax::{default_json_name, quote};
use syntax::{field_options, file_options, range_text};

/// The largest field number; `reserved 10 to max;` uses it.
pub(super) const MAX_FIELD_NUMBER: i32 = 536_870_911;

/// Prints `file` as `.proto` text (its own syntax: proto3, proto2 or editions).
///
/// ```
/// use streamhouse_schema_core::proto_file::{parse_proto, print_proto};
///
/// let file = parse_proto(r#"syntax = "proto3"; package shop;
///     message Order { map<string, int64> qty = 1; optional string note = 2; }"#).unwrap();
/// assert_eq!(print_proto(&file), "\
/// syntax = \"proto3\";
///
/// package shop;
///
/// message Order {
///   map<string, int64> qty = 1;
///   optional string note = 2;
/// }
/// ");
/// ```
pub fn print_proto(file: &FileDescriptorProto) -> String {
    let mut printer = Printer {
        out: String::new(),
        depth: 0,
        syntax: Syntax::of(file),
    };
    printer.file(file);
    printer.out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Proto2,
    Proto3,
    Editions,
}

impl Syntax {
    fn of(file: &FileDescriptorProto) -> Self {
        match file.syntax() {
            "proto3" => Syntax::Proto3,
            "editions" => Syntax::Editions,
            _ => Syntax::Proto2,
        }
    }
}

struct Printer {
    out: String,
    depth: usize,
    syntax: Syntax,
}

impl Printer {
    /// Writes one indented line.
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    fn file(&mut self, file: &FileDescriptorProto) {
        match self.syntax {
            Syntax::Proto3 => self.line("syntax = \"proto3\";"),
            Syntax::Proto2 => self.line("syntax = \"proto2\";"),
            // prost-types 0.14 does not expose the edition number; 2023 is the only
            // edition protox accepts.
            Syntax::Editions => self.line("edition = \"2023\";"),
        }
        if !file.package().is_empty() {
            self.blank();
            self.line(&format!("package {};", file.package()));
        }
        if !file.dependency.is_empty() {
            self.blank();
            for (index, import) in file.dependency.iter().enumerate() {
                let index = i32::try_from(index).unwrap_or(i32::MAX);
                let modifier = if file.public_dependency.contains(&index) {
                    "public "
                } else if file.weak_dependency.contains(&index) {
                    "weak "
                } else {
                    ""
                };
                self.line(&format!("import {modifier}{};", quote(import)));
            }
        }
        let options = file_options(file);
        if !options.is_empty() {
            self.blank();
            for option in options {
                self.line(&format!("option {option};"));
            }
        }
        let scope = file.package().to_string();
        for message in &file.message_type {
            self.blank();
            self.message(message, &scope);
        }
        for enumeration in &file.enum_type {
            self.blank();
            self.enumeration(enumeration);
        }
        for service in &file.service {
            self.blank();
            self.service(service);
        }
        if !file.extension.is_empty() {
            self.blank();
            self.extensions(&file.extension);
        }
    }

    fn message(&mut self, message: &DescriptorProto, parent_scope: &str) {
        let scope = join_scope(parent_scope, message.name());
        self.line(&format!("message {} {{", message.name()));
        self.depth += 1;
        if message.options.as_ref().is_some_and(|o| o.deprecated()) {
            self.line("option deprecated = true;");
        }
        let ranges: Vec<String> = message
            .reserved_range
            .iter()
            .map(|r| range_text(r.start(), r.end().saturating_sub(1), MAX_FIELD_NUMBER))
            .collect();
        if !ranges.is_empty() {
            self.line(&format!("reserved {};", ranges.join(", ")));
        }
        if !message.reserved_name.is_empty() {
            let names: Vec<String> = message.reserved_name.iter().map(|n| quote(n)).collect();
            self.line(&format!("reserved {};", names.join(", ")));
        }
        for enumeration in &message.enum_type {
            self.enumeration(enumeration);
        }
        self.fields_and_nested(message, &scope);
        let extension_ranges: Vec<String> = message
            .extension_range
            .iter()
            .map(|r| range_text(r.start(), r.end().saturating_sub(1), MAX_FIELD_NUMBER))
            .collect();
        if !extension_ranges.is_empty() {
            self.line(&format!("extensions {};", extension_ranges.join(", ")));
        }
        if !message.extension.is_empty() {
            self.extensions(&message.extension);
        }
        self.depth -= 1;
        self.line("}");
    }

    /// Fields in declaration order, a real oneof as a block where its first field appears,
    /// and nested messages placed so that compiling the text recreates the same order of
    /// nested types: a map field's synthetic entry type is created where the field is
    /// declared, and that order decides Confluent's message indexes.
    fn fields_and_nested(&mut self, message: &DescriptorProto, scope: &str) {
        let mut printed_oneofs = Vec::new();
        let mut next_nested = 0;
        for field in &message.field {
            if let Some(entry_index) = map_entry_index(field, message, scope) {
                next_nested = self.nested_before(message, scope, next_nested, entry_index);
            }
            let oneof = field
                .oneof_index
                .filter(|_| !field.proto3_optional())
                .and_then(|index| usize::try_from(index).ok());
            match oneof {
                None => {
                    let text = self.field_text(field, message, scope, false);
                    self.line(&text);
                }
                Some(index) if printed_oneofs.contains(&index) => {}
                Some(index) => {
                    printed_oneofs.push(index);
                    let name = message
                        .oneof_decl
                        .get(index)
                        .map(|o| o.name().to_string())
                        .unwrap_or_else(|| format!("oneof_{index}"));
                    self.line(&format!("oneof {name} {{"));
                    self.depth += 1;
                    for member in &message.field {
                        let member_index = member.oneof_index.and_then(|i| usize::try_from(i).ok());
                        if member_index == Some(index) && !member.proto3_optional() {
                            let text = self.field_text(member, message, scope, true);
                            self.line(&text);
                        }
                    }
                    self.depth -= 1;
                    self.line("}");
                }
            }
        }
        self.nested_before(message, scope, next_nested, message.nested_type.len());
    }

    /// Prints the non-map nested messages with indexes `from..until`; returns the index to
    /// continue from.
    fn nested_before(
        &mut self,
        message: &DescriptorProto,
        scope: &str,
        from: usize,
        until: usize,
    ) -> usize {
        let mut index = from;
        while index < until {
            if let Some(nested) = message.nested_type.get(index) {
                if !is_map_entry(nested) {
                    self.message(nested, scope);
                }
            }
            index += 1;
        }
        index
    }

    fn field_text(
        &self,
        field: &FieldDescriptorProto,
        message: &DescriptorProto,
        scope: &str,
        in_oneof: bool,
    ) -> String {
        let map_entry = map_entry_of(field, message, scope);
        let label = match (field.label(), in_oneof || map_entry.is_some()) {
            (_, true) => "",
            (Label::Repeated, false) => "repeated ",
            (Label::Required, false) => "required ",
            (Label::Optional, false) => match self.syntax {
                Syntax::Proto2 => "optional ",
                Syntax::Proto3 if field.proto3_optional() => "optional ",
                Syntax::Proto3 | Syntax::Editions => "",
            },
        };
        let type_text = match map_entry {
            Some(entry) => {
                let key = entry.field.iter().find(|f| f.number() == 1);
                let value = entry.field.iter().find(|f| f.number() == 2);
                format!(
                    "map<{}, {}>",
                    key.map(type_name).unwrap_or_default(),
                    value.map(type_name).unwrap_or_default()
                )
            }
            None => type_name(field),
        };
        let options = field_options(field);
        let options = if options.is_empty() {
            String::new()
        } else {
            format!(" [{}]", options.join(", "))
        };
        format!(
            "{label}{type_text} {} = {}{options};",
            field.name(),
            field.number()
        )
    }

    fn enumeration(&mut self, enumeration: &EnumDescriptorProto) {
        self.line(&format!("enum {} {{", enumeration.name()));
        self.depth += 1;
        if let Some(options) = &enumeration.options {
            if options.allow_alias() {
                self.line("option allow_alias = true;");
            }
            if options.deprecated() {
                self.line("option deprecated = true;");
            }
        }
        // Enum reserved ranges are inclusive, unlike message ones.
        let ranges: Vec<String> = enumeration
            .reserved_range
            .iter()
            .map(|r| range_text(r.start(), r.end(), i32::MAX))
            .collect();
        if !ranges.is_empty() {
            self.line(&format!("reserved {};", ranges.join(", ")));
        }
        if !enumeration.reserved_name.is_empty() {
            let names: Vec<String> = enumeration.reserved_name.iter().map(|n| quote(n)).collect();
            self.line(&format!("reserved {};", names.join(", ")));
        }
        for value in &enumeration.value {
            let deprecated = value.options.as_ref().is_some_and(|o| o.deprecated());
            let suffix = if deprecated {
                " [deprecated = true]"
            } else {
                ""
            };
            self.line(&format!("{} = {}{suffix};", value.name(), value.number()));
        }
        self.depth -= 1;
        self.line("}");
    }

    fn service(&mut self, service: &ServiceDescriptorProto) {
        self.line(&format!("service {} {{", service.name()));
        self.depth += 1;
        for method in &service.method {
            let input_stream = if method.client_streaming() {
                "stream "
            } else {
                ""
            };
            let output_stream = if method.server_streaming() {
                "stream "
            } else {
                ""
            };
            self.line(&format!(
                "rpc {}({input_stream}{}) returns ({output_stream}{});",
                method.name(),
                method.input_type(),
                method.output_type()
            ));
        }
        self.depth -= 1;
        self.line("}");
    }

    /// `extend` blocks, one per extended message, in order of first appearance.
    fn extensions(&mut self, extensions: &[FieldDescriptorProto]) {
        let mut extendees: Vec<&str> = Vec::new();
        for field in extensions {
            if !extendees.contains(&field.extendee()) {
                extendees.push(field.extendee());
            }
        }
        let no_message = DescriptorProto::default();
        for extendee in extendees {
            self.line(&format!("extend {extendee} {{"));
            self.depth += 1;
            for field in extensions.iter().filter(|f| f.extendee() == extendee) {
                let text = self.field_text(field, &no_message, "", false);
                self.line(&text);
            }
            self.depth -= 1;
            self.line("}");
        }
    }
}

fn join_scope(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn is_map_entry(message: &DescriptorProto) -> bool {
    message.options.as_ref().is_some_and(|o| o.map_entry())
}

/// The synthetic entry message when `field` is a map field of `message`.
fn map_entry_of<'a>(
    field: &FieldDescriptorProto,
    message: &'a DescriptorProto,
    scope: &str,
) -> Option<&'a DescriptorProto> {
    map_entry_index(field, message, scope).and_then(|index| message.nested_type.get(index))
}

/// The index among `message`'s nested types of `field`'s map entry, if it is a map field.
fn map_entry_index(
    field: &FieldDescriptorProto,
    message: &DescriptorProto,
    scope: &str,
) -> Option<usize> {
    if field.r#type() != Type::Message || field.label() != Label::Repeated {
        return None;
    }
    let type_name = field
        .type_name()
        .strip_prefix('.')
        .unwrap_or(field.type_name());
    message
        .nested_type
        .iter()
        .position(|nested| is_map_entry(nested) && join_scope(scope, nested.name()) == type_name)
}

/// The type as written in a field declaration: a scalar keyword or the referenced type.
fn type_name(field: &FieldDescriptorProto) -> String {
    let scalar = match field.r#type() {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
        Type::Message | Type::Enum | Type::Group => return field.type_name().to_string(),
    };
    scalar.to_string()
}
