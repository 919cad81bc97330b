//! Protobuf compatibility, following Confluent's `SchemaDiff` (the writer is Confluent's
//! "original" schema, the reader its "update").
//!
//! Compatible: adding or removing fields (Confluent does not require `reserved`), renaming
//! fields, adding or removing messages' nested enums, enum values, oneofs, moving one field
//! into a new oneof, changing a scalar within its wire-compatible group:
//! `{int32, int64, uint32, uint64, bool, enum}`, `{sint32, sint64}`, `{string, bytes}`,
//! `{fixed32, sfixed32}`, `{fixed64, sfixed64}`, `{float}`, `{double}`.
//!
//! Incompatible: a changed package, a removed message, a field whose kind changes (scalar,
//! message, map), a scalar leaving its group, a message-typed field now naming another
//! message, a numeric field changing between singular and repeated (packed encoding),
//! `required` fields added or removed, a field deleted from a oneof that still exists,
//! several existing fields moved into one oneof, or a field moved into a oneof that already
//! held existing fields.
//!
//! Messages are matched by name relative to their package, fields by number. A message type
//! used from an imported file is compared by name by [`can_read`], which sees one file only;
//! [`can_read_with_imports`] also compares its fields with the rules above (as Confluent does
//! when two schema versions reference different versions of the import), and reports the
//! field using it as `FIELD_NAMED_TYPE_CHANGED` when that comparison fails.

mod message;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_imports;
mod with_imports;

pub use message::can_read_message;
pub use with_imports::ProtoFileWithImports;

use std::collections::{BTreeMap, HashMap};

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use super::report::{Incompatibility, IncompatibilityKind};
use with_imports::ImportedMessages;

/// Lists why `reader` cannot read data written with `writer`; empty when it can.
///
/// ```
/// use streamhouse_schema_core::compat::protobuf::can_read;
/// use streamhouse_schema_core::compat::IncompatibilityKind;
/// use streamhouse_schema_core::proto_file::parse_proto;
///
/// let writer = parse_proto(r#"syntax = "proto3"; message Order { int32 qty = 1; }"#).unwrap();
/// let widened = parse_proto(r#"syntax = "proto3"; message Order { int64 qty = 1; }"#).unwrap();
/// let text = parse_proto(r#"syntax = "proto3"; message Order { string qty = 1; }"#).unwrap();
/// assert!(can_read(&widened, &writer).is_empty());
/// let problems = can_read(&text, &writer);
/// assert_eq!(problems[0].kind, IncompatibilityKind::FieldScalarKindChanged);
/// assert_eq!(problems[0].path, "/Order/fields/1");
/// ```
pub fn can_read(
    reader: &FileDescriptorProto,
    writer: &FileDescriptorProto,
) -> Vec<Incompatibility> {
    compare_files(reader, &[], writer, &[])
}

/// [`can_read`] for files whose imports are known: message types used from the imports are
/// compared field by field, with the same rules as the files' own messages. Without imports
/// the result is that of [`can_read`].
///
/// The problems inside an imported message have the path `/<message>/fields/<number>` (the
/// message named relative to the file's package) and say which import defines it; the field
/// using the message gets a `FIELD_NAMED_TYPE_CHANGED` problem of its own.
///
/// ```
/// use streamhouse_schema_core::compat::protobuf::{can_read_with_imports, ProtoFileWithImports};
/// use streamhouse_schema_core::compat::IncompatibilityKind;
/// use streamhouse_schema_core::proto_file::{parse_proto, parse_proto_with_imports};
///
/// let order = "syntax = \"proto3\"; package shop; import \"money.proto\";
///              message Order { Money total = 1; }";
/// let with_money = |money: &str| {
///     let mut money_file = parse_proto(money).unwrap();
///     money_file.name = Some("money.proto".to_string());
///     let order_file = parse_proto_with_imports(order, &[("money.proto", money)]).unwrap();
///     ProtoFileWithImports::new(order_file, vec![money_file])
/// };
/// let v1 = with_money("syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }");
/// let v2 = with_money("syntax = \"proto3\"; package shop; message Money { string cents = 1; }");
/// let problems = can_read_with_imports(&v2, &v1);
/// assert_eq!(problems.len(), 2);
/// assert_eq!(problems[0].kind, IncompatibilityKind::FieldScalarKindChanged);
/// assert_eq!(problems[0].path, "/Money/fields/1");
/// assert_eq!(problems[1].kind, IncompatibilityKind::FieldNamedTypeChanged);
/// assert_eq!(problems[1].path, "/Order/fields/1");
/// ```
pub fn can_read_with_imports(
    reader: &ProtoFileWithImports,
    writer: &ProtoFileWithImports,
) -> Vec<Incompatibility> {
    compare_files(
        reader.file(),
        reader.imports(),
        writer.file(),
        writer.imports(),
    )
}

/// [`can_read_with_imports`] on borrowed parts, so that a file without imports needs no copy.
pub(crate) fn compare_files(
    reader: &FileDescriptorProto,
    reader_imports: &[FileDescriptorProto],
    writer: &FileDescriptorProto,
    writer_imports: &[FileDescriptorProto],
) -> Vec<Incompatibility> {
    let reader_index = MessageIndex::new(reader, reader_imports);
    let writer_index = MessageIndex::new(writer, writer_imports);
    let mut found = Findings::default();
    if reader.package() != writer.package() {
        found.push(Incompatibility::new(
            IncompatibilityKind::PackageChanged,
            "/package",
            format!(
                "the package changed from '{}' to '{}'",
                writer.package(),
                reader.package()
            ),
        ));
    }
    for (local_name, writer_message) in &writer_index.ordered {
        match reader_index.by_local_name.get(local_name.as_str()) {
            None => found.push(Incompatibility::new(
                IncompatibilityKind::MessageRemoved,
                format!("/{local_name}"),
                format!("message '{local_name}' of the writer is missing from the reader"),
            )),
            Some(reader_message) => {
                let pair = MessagePair {
                    name: local_name,
                    origin: None,
                    reader: reader_message,
                    writer: writer_message,
                    reader_index: &reader_index,
                    writer_index: &writer_index,
                    structural: false,
                };
                pair.compare(&mut found);
            }
        }
    }
    found.problems
}

/// What a comparison found so far, and the verdicts on the imported messages compared
/// (each is compared once, however many fields use it).
#[derive(Default)]
struct Findings {
    problems: Vec<Incompatibility>,
    imported: HashMap<String, ImportedVerdict>,
}

impl Findings {
    fn push(&mut self, problem: Incompatibility) {
        self.problems.push(problem);
    }
}

/// The state of an imported message's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImportedVerdict {
    /// Being compared: a message that uses itself (directly or not) reached it again; its
    /// problems are reported by the comparison in progress.
    InProgress,
    Compatible,
    Incompatible,
}

/// Fields that kept their name but changed their number between `writer` and `reader`, in
/// messages present in both.
///
/// Confluent's rules accept this (it is a removed plus an added field), and so does
/// [`can_read`]; but readers silently lose what was written under the old number, which is
/// the usual result of tags inferred from field order. Drift checks that want to forbid it
/// can add these findings to `can_read`'s.
///
/// ```
/// use streamhouse_schema_core::compat::protobuf::{can_read, renumbered_fields};
/// use streamhouse_schema_core::proto_file::parse_proto;
///
/// let old = parse_proto("syntax = \"proto3\"; message M { string id = 1; int32 qty = 2; }").unwrap();
/// let new = parse_proto("syntax = \"proto3\"; message M { string id = 1; string note = 2; int32 qty = 3; }").unwrap();
/// assert!(!can_read(&new, &old).is_empty()); // number 2 changed from int32 to string
/// let renumbered = renumbered_fields(&new, &old);
/// assert_eq!(renumbered.len(), 1);
/// assert_eq!(renumbered[0].message, "field 'qty' of message 'M' moved from number 2 to 3");
/// ```
pub fn renumbered_fields(
    reader: &FileDescriptorProto,
    writer: &FileDescriptorProto,
) -> Vec<Incompatibility> {
    let reader_index = MessageIndex::new(reader, &[]);
    let writer_index = MessageIndex::new(writer, &[]);
    let mut found = Vec::new();
    for (local_name, writer_message) in &writer_index.ordered {
        let Some(reader_message) = reader_index.by_local_name.get(local_name.as_str()) else {
            continue;
        };
        for writer_field in &writer_message.field {
            let moved = reader_message
                .field
                .iter()
                .find(|f| f.name() == writer_field.name() && f.number() != writer_field.number());
            if let Some(reader_field) = moved {
                found.push(Incompatibility::new(
                    IncompatibilityKind::FieldRenumbered,
                    format!("/{local_name}/fields/{}", writer_field.number()),
                    format!(
                        "field '{}' of message '{local_name}' moved from number {} to {}",
                        writer_field.name(),
                        writer_field.number(),
                        reader_field.number()
                    ),
                ));
            }
        }
    }
    found
}

/// The messages of one file (map entries excluded), by name relative to the package, and
/// those of its imports.
struct MessageIndex<'a> {
    package: &'a str,
    ordered: Vec<(String, &'a DescriptorProto)>,
    by_local_name: HashMap<String, &'a DescriptorProto>,
    imported: ImportedMessages<'a>,
}

impl<'a> MessageIndex<'a> {
    fn new(file: &'a FileDescriptorProto, imports: &'a [FileDescriptorProto]) -> Self {
        let mut index = MessageIndex {
            package: file.package(),
            ordered: Vec::new(),
            by_local_name: HashMap::new(),
            imported: ImportedMessages::new(imports),
        };
        for message in &file.message_type {
            index.add(String::new(), message);
        }
        index
    }

    fn add(&mut self, parent: String, message: &'a DescriptorProto) {
        let name = if parent.is_empty() {
            message.name().to_string()
        } else {
            format!("{parent}.{}", message.name())
        };
        for nested in &message.nested_type {
            if !is_map_entry(nested) {
                self.add(name.clone(), nested);
            }
        }
        self.by_local_name.insert(name.clone(), message);
        self.ordered.push((name, message));
    }

    /// The file's own message a type reference names.
    fn local(&self, type_name: &str) -> Option<&'a DescriptorProto> {
        self.by_local_name.get(self.local_name(type_name)).copied()
    }

    /// A type reference (`.pkg.Outer.Inner`) relative to this file's package.
    fn local_name<'n>(&self, type_name: &'n str) -> &'n str {
        let full = type_name.strip_prefix('.').unwrap_or(type_name);
        if self.package.is_empty() {
            return full;
        }
        full.strip_prefix(self.package)
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(full)
    }
}

fn is_map_entry(message: &DescriptorProto) -> bool {
    message.options.as_ref().is_some_and(|o| o.map_entry())
}

/// Confluent's wire-compatible scalar groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarGroup {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

impl ScalarGroup {
    fn members(self) -> &'static str {
        match self {
            ScalarGroup::GeneralNumber => "{int32, int64, uint32, uint64, bool, enum}",
            ScalarGroup::SignedNumber => "{sint32, sint64}",
            ScalarGroup::StringOrBytes => "{string, bytes}",
            ScalarGroup::Fixed32 => "{fixed32, sfixed32}",
            ScalarGroup::Fixed64 => "{fixed64, sfixed64}",
            ScalarGroup::Float => "{float}",
            ScalarGroup::Double => "{double}",
        }
    }
}

/// What decides a field's encoding.
enum FieldKind<'a> {
    Scalar(ScalarGroup),
    Message(&'a str),
    Map {
        key: &'a FieldDescriptorProto,
        value: &'a FieldDescriptorProto,
    },
}

impl FieldKind<'_> {
    fn label(&self) -> &'static str {
        match self {
            FieldKind::Scalar(_) => "scalar",
            FieldKind::Message(_) => "message",
            FieldKind::Map { .. } => "map",
        }
    }
}

/// A message present in both files, compared field by field.
struct MessagePair<'a> {
    name: &'a str,
    /// The import path of the file defining the message, for a message used from an import.
    origin: Option<&'a str>,
    reader: &'a DescriptorProto,
    writer: &'a DescriptorProto,
    reader_index: &'a MessageIndex<'a>,
    writer_index: &'a MessageIndex<'a>,
    /// Whether message-typed fields are compared by structure (the messages they name are
    /// compared field by field, whatever their names; [`can_read_message`]) instead of by
    /// name.
    structural: bool,
}

impl<'a> MessagePair<'a> {
    fn compare(&self, found: &mut Findings) {
        let writer_fields = by_number(self.writer);
        let reader_fields = by_number(self.reader);
        self.compare_oneofs(&writer_fields, &reader_fields, found);
        for (number, writer_field) in &writer_fields {
            match reader_fields.get(number) {
                None if writer_field.field.label() == Label::Required => found.push(self.problem(
                    IncompatibilityKind::RequiredFieldRemoved,
                    *number,
                    format!(
                        "required field '{}' ({number}) of message {} was removed",
                        writer_field.field.name(),
                        self.title()
                    ),
                )),
                None => {}
                Some(reader_field) => {
                    self.compare_field(*number, writer_field.field, reader_field.field, found)
                }
            }
        }
        for (number, reader_field) in &reader_fields {
            if !writer_fields.contains_key(number) && reader_field.field.label() == Label::Required
            {
                found.push(self.problem(
                    IncompatibilityKind::RequiredFieldAdded,
                    *number,
                    format!(
                        "required field '{}' ({number}) was added to message {}",
                        reader_field.field.name(),
                        self.title()
                    ),
                ));
            }
        }
    }

    /// Confluent's oneof rules: at most one existing top-level field may move into a new
    /// oneof, none into a oneof holding existing oneof fields, and no field may be deleted
    /// from a oneof that still exists.
    fn compare_oneofs(
        &self,
        writer_fields: &BTreeMap<i32, Member<'a>>,
        reader_fields: &BTreeMap<i32, Member<'a>>,
        found: &mut Findings,
    ) {
        for oneof in oneof_names(reader_fields) {
            let members = reader_fields
                .values()
                .filter(|m| m.oneof == Some(oneof))
                .filter_map(|m| writer_fields.get(&m.field.number()));
            let (mut moved, mut existing) = (Vec::new(), 0);
            for writer_member in members {
                match writer_member.oneof {
                    None => moved.push(writer_member.field.name()),
                    Some(_) => existing += 1,
                }
            }
            let path = format!("/{}/oneofs/{oneof}", self.name);
            if moved.len() > 1 {
                found.push(Incompatibility::new(
                    IncompatibilityKind::MultipleFieldsMovedToOneof,
                    path,
                    format!(
                        "fields [{}] of message {} were moved into oneof '{oneof}' together",
                        moved.join(", "),
                        self.title()
                    ),
                ));
            } else if let (Some(field), true) = (moved.first(), existing > 0) {
                found.push(Incompatibility::new(
                    IncompatibilityKind::FieldMovedToExistingOneof,
                    path,
                    format!(
                        "field '{field}' of message {} was moved into the existing oneof \
                         '{oneof}'",
                        self.title()
                    ),
                ));
            }
        }
        let reader_oneofs = oneof_names(reader_fields);
        for (number, writer_member) in writer_fields {
            let Some(oneof) = writer_member.oneof else {
                continue;
            };
            if reader_oneofs.contains(&oneof) && !reader_fields.contains_key(number) {
                found.push(self.problem(
                    IncompatibilityKind::OneofFieldRemoved,
                    *number,
                    format!(
                        "field '{}' ({number}) was removed from oneof '{oneof}' of message {}",
                        writer_member.field.name(),
                        self.title()
                    ),
                ));
            }
        }
    }

    fn compare_field(
        &self,
        number: i32,
        writer: &'a FieldDescriptorProto,
        reader: &'a FieldDescriptorProto,
        found: &mut Findings,
    ) {
        let what = format!(
            "field '{}' ({number}) of message {}",
            reader.name(),
            self.title()
        );
        let writer_kind = self.kind(writer, self.writer, self.writer_index);
        let reader_kind = self.kind(reader, self.reader, self.reader_index);
        self.compare_kinds(number, &what, &writer_kind, &reader_kind, found);
        if let (FieldKind::Scalar(writer_group), FieldKind::Scalar(_)) =
            (&writer_kind, &reader_kind)
        {
            let numeric = *writer_group != ScalarGroup::StringOrBytes;
            let writer_repeated = writer.label() == Label::Repeated;
            let reader_repeated = reader.label() == Label::Repeated;
            if numeric && writer_repeated != reader_repeated {
                found.push(self.problem(
                    IncompatibilityKind::FieldNumericLabelChanged,
                    number,
                    format!(
                        "{what} changed from {} to {}; numeric fields cannot change between \
                         singular and repeated (packed encoding)",
                        label_name(writer),
                        label_name(reader)
                    ),
                ));
            }
        }
    }

    fn compare_kinds(
        &self,
        number: i32,
        what: &str,
        writer: &FieldKind<'a>,
        reader: &FieldKind<'a>,
        found: &mut Findings,
    ) {
        match (writer, reader) {
            (FieldKind::Scalar(w), FieldKind::Scalar(r)) if w != r => found.push(self.problem(
                IncompatibilityKind::FieldScalarKindChanged,
                number,
                format!(
                    "{what} changed its scalar type from the group {} to the group {}",
                    w.members(),
                    r.members()
                ),
            )),
            (FieldKind::Scalar(_), FieldKind::Scalar(_)) => {}
            (FieldKind::Message(w), FieldKind::Message(r)) if self.structural => {
                self.compare_structurally(number, what, w, r, found);
            }
            (FieldKind::Message(w), FieldKind::Message(r)) => {
                let writer_local = self.writer_index.local_name(w);
                let reader_local = self.reader_index.local_name(r);
                if writer_local != reader_local {
                    found.push(self.problem(
                        IncompatibilityKind::FieldNamedTypeChanged,
                        number,
                        format!(
                            "{what} changed its type from '{writer_local}' to '{reader_local}'"
                        ),
                    ));
                } else {
                    self.compare_imported(number, what, w, r, found);
                }
            }
            (FieldKind::Map { key: wk, value: wv }, FieldKind::Map { key: rk, value: rv }) => {
                let (wk, rk) = (scalar_or_message(wk), scalar_or_message(rk));
                let key_what = format!("{what} (map key)");
                self.compare_kinds(number, &key_what, &wk, &rk, found);
                let (wv, rv) = (scalar_or_message(wv), scalar_or_message(rv));
                let value_what = format!("{what} (map value)");
                self.compare_kinds(number, &value_what, &wv, &rv, found);
            }
            _ => found.push(self.problem(
                IncompatibilityKind::FieldKindChanged,
                number,
                format!(
                    "{what} changed its kind from {} to {}",
                    writer.label(),
                    reader.label()
                ),
            )),
        }
    }

    /// The kind of a field of `message`; a repeated field of a nested map-entry type is a map.
    fn kind(
        &self,
        field: &'a FieldDescriptorProto,
        message: &'a DescriptorProto,
        index: &MessageIndex<'a>,
    ) -> FieldKind<'a> {
        if matches!(field.r#type(), Type::Message) && field.label() == Label::Repeated {
            let local = index.local_name(field.type_name());
            let entry = message.nested_type.iter().find(|nested| {
                is_map_entry(nested) && local.rsplit('.').next() == Some(nested.name())
            });
            if let Some(entry) = entry {
                let key = entry.field.iter().find(|f| f.number() == 1);
                let value = entry.field.iter().find(|f| f.number() == 2);
                if let (Some(key), Some(value)) = (key, value) {
                    return FieldKind::Map { key, value };
                }
            }
        }
        scalar_or_message(field)
    }

    /// Compares the message types `writer_type` and `reader_type` (same name) when one of
    /// them comes from an import: both files' own messages are compared anyway, but imported
    /// ones only through the fields that use them.
    fn compare_imported(
        &self,
        number: i32,
        what: &str,
        writer_type: &'a str,
        reader_type: &'a str,
        found: &mut Findings,
    ) {
        let writer_imported = self.writer_index.imported.get(writer_type);
        let reader_imported = self.reader_index.imported.get(reader_type);
        let origin = match (reader_imported, writer_imported) {
            (Some(imported), _) | (None, Some(imported)) => imported.file,
            (None, None) => return,
        };
        let writer_message = writer_imported
            .map(|imported| imported.message)
            .or_else(|| self.writer_index.local(writer_type));
        let reader_message = reader_imported
            .map(|imported| imported.message)
            .or_else(|| self.reader_index.local(reader_type));
        // Compiled files resolve every type they use; without both there is nothing to compare.
        let (Some(writer_message), Some(reader_message)) = (writer_message, reader_message) else {
            return;
        };
        let name = self.writer_index.local_name(writer_type);
        let verdict = match found.imported.get(name) {
            Some(verdict) => *verdict,
            None => {
                found
                    .imported
                    .insert(name.to_string(), ImportedVerdict::InProgress);
                let before = found.problems.len();
                let pair = MessagePair {
                    name,
                    origin: Some(origin),
                    reader: reader_message,
                    writer: writer_message,
                    reader_index: self.reader_index,
                    writer_index: self.writer_index,
                    structural: self.structural,
                };
                pair.compare(found);
                let verdict = if found.problems.len() == before {
                    ImportedVerdict::Compatible
                } else {
                    ImportedVerdict::Incompatible
                };
                found.imported.insert(name.to_string(), verdict);
                verdict
            }
        };
        if verdict == ImportedVerdict::Incompatible {
            found.push(self.problem(
                IncompatibilityKind::FieldNamedTypeChanged,
                number,
                format!("{what} has the type '{name}' from '{origin}', which changed incompatibly"),
            ));
        }
    }

    /// The message as messages name it: `'Order'`, or `'Money' (from 'money.proto')` for a
    /// message defined in an import.
    fn title(&self) -> String {
        match self.origin {
            None => format!("'{}'", self.name),
            Some(file) => format!("'{}' (from '{file}')", self.name),
        }
    }

    fn problem(&self, kind: IncompatibilityKind, number: i32, message: String) -> Incompatibility {
        Incompatibility::new(kind, format!("/{}/fields/{number}", self.name), message)
    }
}

fn scalar_or_message(field: &FieldDescriptorProto) -> FieldKind<'_> {
    let group = match field.r#type() {
        Type::Int32 | Type::Int64 | Type::Uint32 | Type::Uint64 | Type::Bool | Type::Enum => {
            ScalarGroup::GeneralNumber
        }
        Type::Sint32 | Type::Sint64 => ScalarGroup::SignedNumber,
        Type::String | Type::Bytes => ScalarGroup::StringOrBytes,
        Type::Fixed32 | Type::Sfixed32 => ScalarGroup::Fixed32,
        Type::Fixed64 | Type::Sfixed64 => ScalarGroup::Fixed64,
        Type::Float => ScalarGroup::Float,
        Type::Double => ScalarGroup::Double,
        Type::Message | Type::Group => return FieldKind::Message(field.type_name()),
    };
    FieldKind::Scalar(group)
}

fn label_name(field: &FieldDescriptorProto) -> &'static str {
    match field.label() {
        Label::Repeated => "repeated",
        Label::Required => "required",
        Label::Optional => "singular",
    }
}

/// A field with the name of the (real, non-synthetic) oneof it belongs to.
struct Member<'a> {
    field: &'a FieldDescriptorProto,
    oneof: Option<&'a str>,
}

fn by_number(message: &DescriptorProto) -> BTreeMap<i32, Member<'_>> {
    message
        .field
        .iter()
        .map(|field| {
            let oneof = field
                .oneof_index
                .filter(|_| !field.proto3_optional())
                .and_then(|index| usize::try_from(index).ok())
                .and_then(|index| message.oneof_decl.get(index))
                .map(|oneof| oneof.name());
            (field.number(), Member { field, oneof })
        })
        .collect()
}

fn oneof_names<'a>(fields: &BTreeMap<i32, Member<'a>>) -> Vec<&'a str> {
    let mut names: Vec<&str> = fields.values().filter_map(|m| m.oneof).collect();
    names.sort_unstable();
    names.dedup();
    names
}
