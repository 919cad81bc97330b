//! A Protobuf file together with the files it imports, so that message types used from an
//! import can be compared field by field rather than by name only.

use std::collections::HashMap;

use prost_types::{DescriptorProto, FileDescriptorProto};

use super::is_map_entry;

/// A compiled Protobuf file and the compiled files it imports (directly or through other
/// imports), as a registry resolves them from a schema's `references`.
///
/// [`can_read_with_imports`](super::can_read_with_imports) compares the message types the
/// file uses from these imports with the same rules as its own messages. The imports of the
/// `google/protobuf/*.proto` well-known files need not be listed: their types are the same
/// for every schema and are compared by name.
///
/// ```
/// use streamhouse_schema_core::compat::protobuf::ProtoFileWithImports;
/// use streamhouse_schema_core::proto_file::{parse_proto, parse_proto_with_imports};
///
/// let money = "syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }";
/// let order = "syntax = \"proto3\"; package shop; import \"money.proto\";
///              message Order { Money total = 1; }";
/// let mut money_file = parse_proto(money).unwrap();
/// money_file.name = Some("money.proto".to_string());
/// let order_file = parse_proto_with_imports(order, &[("money.proto", money)]).unwrap();
/// let parsed = ProtoFileWithImports::new(order_file, vec![money_file]);
/// assert_eq!(parsed.file().message_type[0].name(), "Order");
/// assert_eq!(parsed.imports()[0].name(), "money.proto");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProtoFileWithImports {
    file: FileDescriptorProto,
    imports: Vec<FileDescriptorProto>,
}

impl ProtoFileWithImports {
    /// `file` with the files it imports. Type references in all of them must be fully
    /// qualified (`.pkg.Message`), as [`parse_proto`](crate::proto_file::parse_proto) and
    /// [`parse_proto_with_imports`](crate::proto_file::parse_proto_with_imports) make them;
    /// each import's `name` is its import path.
    pub fn new(file: FileDescriptorProto, imports: Vec<FileDescriptorProto>) -> Self {
        ProtoFileWithImports { file, imports }
    }

    /// The file itself (the schema).
    pub fn file(&self) -> &FileDescriptorProto {
        &self.file
    }

    /// The files it imports.
    pub fn imports(&self) -> &[FileDescriptorProto] {
        &self.imports
    }

    /// The file and its imports.
    pub fn into_parts(self) -> (FileDescriptorProto, Vec<FileDescriptorProto>) {
        (self.file, self.imports)
    }
}

/// A message defined in an imported file.
#[derive(Debug, Clone, Copy)]
pub(super) struct ImportedMessage<'a> {
    pub(super) message: &'a DescriptorProto,
    /// The import path of the file defining it.
    pub(super) file: &'a str,
}

/// The messages of imported files (map entries excluded) by fully qualified name, without
/// the leading dot (`shop.Money.Amount`).
#[derive(Debug, Default)]
pub(super) struct ImportedMessages<'a> {
    by_full_name: HashMap<String, ImportedMessage<'a>>,
}

impl<'a> ImportedMessages<'a> {
    pub(super) fn new(imports: &'a [FileDescriptorProto]) -> Self {
        let mut index = ImportedMessages::default();
        for file in imports {
            for message in &file.message_type {
                index.add(file.package(), file.name(), message);
            }
        }
        index
    }

    fn add(&mut self, parent: &str, file: &'a str, message: &'a DescriptorProto) {
        let name = if parent.is_empty() {
            message.name().to_string()
        } else {
            format!("{parent}.{}", message.name())
        };
        for nested in &message.nested_type {
            if !is_map_entry(nested) {
                self.add(&name, file, nested);
            }
        }
        self.by_full_name
            .insert(name, ImportedMessage { message, file });
    }

    /// The imported message a type reference (`.shop.Money`) names, if an import defines it.
    pub(super) fn get(&self, type_name: &str) -> Option<ImportedMessage<'a>> {
        let full = type_name.strip_prefix('.').unwrap_or(type_name);
        self.by_full_name.get(full).copied()
    }
}
