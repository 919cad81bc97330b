//! One message read as another: whether a reader message can decode what a writer message
//! wrote, whatever the two are called and wherever they sit in their files.
//!
//! This is what a consumer needs when a Confluent frame names a message of the writer's file
//! by its index path (`[1]`, `[0, 2]`...) and the reader is one message of its own file.
//! The field rules are those of [`can_read`](super::can_read) (Confluent's `SchemaDiff`),
//! applied to the pair; a message-typed field is judged by the structure of the messages it
//! names on each side (compared field by field, with the same rules, once per pair) rather
//! than by their names, since the two files may place and name them differently. Messages
//! neither file defines (well-known types such as `google.protobuf.Timestamp`) are compared
//! by full name.

use prost_types::{DescriptorProto, FileDescriptorProto};

use super::{Findings, ImportedVerdict, MessageIndex, MessagePair};
use crate::compat::report::{Incompatibility, IncompatibilityKind};
use crate::proto_file::{message_at_index_path, message_index_path};

/// Lists why message `reader_message` of `reader` cannot read data written as message
/// `writer_message` of `writer`; empty when it can. Names are full names (a leading `.` is
/// allowed). A name that its file does not define gives one `MESSAGE_REMOVED` problem.
///
/// ```
/// use streamhouse_schema_core::compat::protobuf::can_read_message;
/// use streamhouse_schema_core::proto_file::parse_proto;
///
/// let writer = parse_proto(r#"syntax = "proto3"; package shop;
///     message Order { message Line { string sku = 1; Qty qty = 2; } }
///     message Qty { int32 n = 1; }"#).unwrap();
/// let reader = parse_proto(r#"syntax = "proto3"; package mine;
///     message Line { string sku = 1; Count qty = 2; }
///     message Count { int64 n = 1; }"#).unwrap();
/// // Different names and places, same structure: readable.
/// assert!(can_read_message(&reader, "mine.Line", &writer, "shop.Order.Line").is_empty());
/// // `Qty`'s field 1 is a number, `Line`'s a string: not readable.
/// let problems = can_read_message(&reader, "mine.Line", &writer, "shop.Qty");
/// assert_eq!(problems[0].path, "/Line/fields/1");
/// ```
pub fn can_read_message(
    reader: &FileDescriptorProto,
    reader_message: &str,
    writer: &FileDescriptorProto,
    writer_message: &str,
) -> Vec<Incompatibility> {
    let reader_index = MessageIndex::new(reader, &[]);
    let writer_index = MessageIndex::new(writer, &[]);
    let reader_name = reader_index.local_name(reader_message);
    let (Some(reader_found), Some(writer_found)) =
        (find(reader, reader_message), find(writer, writer_message))
    else {
        return vec![Incompatibility::new(
            IncompatibilityKind::MessageRemoved,
            format!("/{reader_name}"),
            format!(
                "message '{}' of the writer or '{}' of the reader is not defined",
                writer_message.trim_start_matches('.'),
                reader_message.trim_start_matches('.')
            ),
        )];
    };
    let mut found = Findings::default();
    MessagePair {
        name: reader_name,
        origin: None,
        reader: reader_found,
        writer: writer_found,
        reader_index: &reader_index,
        writer_index: &writer_index,
        structural: true,
    }
    .compare(&mut found);
    found.problems
}

/// The message of `file` with full name `name`, map-entry types included (a frame may name
/// one: Java's `ProtobufSchema.toMessageName` and Python's `_get_message_desc_proto` count
/// them as messages).
fn find<'a>(file: &'a FileDescriptorProto, name: &str) -> Option<&'a DescriptorProto> {
    let path = message_index_path(file, name)?;
    message_at_index_path(file, &path).map(|(_, message)| message)
}

impl<'a> MessagePair<'a> {
    /// Compares the messages a field names on each side by structure (see the module docs),
    /// reporting the field as `FIELD_NAMED_TYPE_CHANGED` when they are incompatible.
    pub(super) fn compare_structurally(
        &self,
        number: i32,
        what: &str,
        writer_type: &'a str,
        reader_type: &'a str,
        found: &mut Findings,
    ) {
        let writer_message = self.writer_index.local(writer_type);
        let reader_message = self.reader_index.local(reader_type);
        let (Some(writer_message), Some(reader_message)) = (writer_message, reader_message) else {
            // A type one file does not define (a well-known type, an import): its name is
            // all there is to compare.
            let (w, r) = (
                writer_type.trim_start_matches('.'),
                reader_type.trim_start_matches('.'),
            );
            if w != r {
                found.push(self.problem(
                    IncompatibilityKind::FieldNamedTypeChanged,
                    number,
                    format!("{what} changed its type from '{w}' to '{r}'"),
                ));
            }
            return;
        };
        // One comparison per (writer, reader) pair: a message that contains itself, directly
        // or not, meets its pair again while it is in progress and counts as compatible there
        // (its problems are reported by the comparison in progress), which bounds recursion.
        let key = format!("{writer_type} as {reader_type}");
        let verdict = match found.imported.get(&key) {
            Some(verdict) => *verdict,
            None => {
                found
                    .imported
                    .insert(key.clone(), ImportedVerdict::InProgress);
                let before = found.problems.len();
                MessagePair {
                    name: self.reader_index.local_name(reader_type),
                    origin: None,
                    reader: reader_message,
                    writer: writer_message,
                    reader_index: self.reader_index,
                    writer_index: self.writer_index,
                    structural: true,
                }
                .compare(found);
                let verdict = if found.problems.len() == before {
                    ImportedVerdict::Compatible
                } else {
                    ImportedVerdict::Incompatible
                };
                found.imported.insert(key, verdict);
                verdict
            }
        };
        if verdict == ImportedVerdict::Incompatible {
            found.push(self.problem(
                IncompatibilityKind::FieldNamedTypeChanged,
                number,
                format!(
                    "{what} has the type '{}', which cannot be read as '{}'",
                    writer_type.trim_start_matches('.'),
                    reader_type.trim_start_matches('.')
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::can_read_message;
    use crate::compat::IncompatibilityKind;
    use crate::proto_file::parse_proto;

    fn parse(text: &str) -> prost_types::FileDescriptorProto {
        match parse_proto(text) {
            Ok(file) => file,
            Err(e) => panic!("test schema does not compile: {e}"),
        }
    }

    #[test]
    fn a_nested_field_type_is_compared_by_structure() {
        let writer = parse(
            "syntax = \"proto3\"; package w; message A { message B { string s = 1; } B b = 1; }",
        );
        let same = parse(
            "syntax = \"proto3\"; package r; message X { Y b = 1; } message Y { bytes s = 1; }",
        );
        let changed = parse(
            "syntax = \"proto3\"; package r; message X { Y b = 1; } message Y { int32 s = 1; }",
        );
        assert!(can_read_message(&same, "r.X", &writer, "w.A").is_empty());
        let problems = can_read_message(&changed, "r.X", &writer, "w.A");
        let kinds: Vec<_> = problems.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                IncompatibilityKind::FieldScalarKindChanged,
                IncompatibilityKind::FieldNamedTypeChanged
            ]
        );
        assert_eq!(problems[0].path, "/Y/fields/1");
        assert_eq!(problems[1].path, "/X/fields/1");
        assert!(problems[1]
            .message
            .contains("'w.A.B', which cannot be read as 'r.Y'"));
    }

    #[test]
    fn a_recursive_message_is_compared_once() {
        let writer = parse("syntax = \"proto3\"; message Node { Node next = 1; int32 v = 2; }");
        let reader = parse("syntax = \"proto3\"; message Link { Link next = 1; int64 v = 2; }");
        assert!(can_read_message(&reader, "Link", &writer, ".Node").is_empty());
    }

    #[test]
    fn a_well_known_type_is_compared_by_name() {
        let writer = parse(
            "syntax = \"proto3\"; import \"google/protobuf/timestamp.proto\"; \
             message A { google.protobuf.Timestamp at = 1; }",
        );
        let reader = parse(
            "syntax = \"proto3\"; import \"google/protobuf/duration.proto\"; \
             message A { google.protobuf.Duration at = 1; }",
        );
        let problems = can_read_message(&reader, "A", &writer, "A");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, IncompatibilityKind::FieldNamedTypeChanged);
    }

    #[test]
    fn a_map_entry_can_be_read_as_a_message() {
        let writer = parse("syntax = \"proto3\"; message A { map<string, int64> m = 1; }");
        let reader = parse("syntax = \"proto3\"; message KV { string k = 1; int32 v = 2; }");
        assert!(can_read_message(&reader, "KV", &writer, "A.MEntry").is_empty());
    }

    #[test]
    fn an_undefined_message_is_reported() {
        let file = parse("syntax = \"proto3\"; package p; message A { int32 x = 1; }");
        let problems = can_read_message(&file, "p.A", &file, "p.Missing");
        assert_eq!(problems[0].kind, IncompatibilityKind::MessageRemoved);
        assert!(problems[0].message.contains("'p.Missing'"));
    }
}
