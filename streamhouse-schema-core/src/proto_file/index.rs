//! Confluent message-index paths: which message of a file a Protobuf record uses.
//!
//! The path lists indexes from the file's top-level messages down through nested ones:
//! `[1, 0]` is the first nested message of the second top-level message. Nested map-entry
//! types are ordinary nested messages in a descriptor, so they take slots too (as in
//! Confluent's Java and Python serializers).

use prost_types::{DescriptorProto, FileDescriptorProto};

/// The message-index path of the message with full name `full_name` (a leading `.` is
/// allowed), or `None` when the file has no such message.
///
/// ```
/// use streamhouse_schema_core::proto_file::{message_index_path, parse_proto};
///
/// let file = parse_proto(r#"syntax = "proto3"; package p;
///     message A { map<string, string> tags = 1; message B {} }
///     message C {}"#).unwrap();
/// assert_eq!(message_index_path(&file, "p.C"), Some(vec![1]));
/// // `TagsEntry`, the map's synthetic entry, is nested slot 0, so B is slot 1.
/// assert_eq!(message_index_path(&file, ".p.A.B"), Some(vec![0, 1]));
/// assert_eq!(message_index_path(&file, "p.Missing"), None);
/// ```
pub fn message_index_path(file: &FileDescriptorProto, full_name: &str) -> Option<Vec<i32>> {
    let full_name = full_name.strip_prefix('.').unwrap_or(full_name);
    let relative = match file.package() {
        "" => full_name,
        package => full_name.strip_prefix(package)?.strip_prefix('.')?,
    };
    let mut path = Vec::new();
    let mut candidates: &[DescriptorProto] = &file.message_type;
    for segment in relative.split('.') {
        let (index, message) = candidates
            .iter()
            .enumerate()
            .find(|(_, message)| message.name() == segment)?;
        path.push(i32::try_from(index).ok()?);
        candidates = &message.nested_type;
    }
    Some(path)
}

/// The message at a message-index path, with its full name (without leading `.`).
///
/// An empty path means the first top-level message, as on the wire (Confluent encodes
/// `[0]` as an empty list). Negative or out-of-range indexes give `None`.
///
/// ```
/// use streamhouse_schema_core::proto_file::{message_at_index_path, parse_proto};
///
/// let file = parse_proto(r#"syntax = "proto3"; package p;
///     message A { message B { int32 x = 1; } }"#).unwrap();
/// let (name, message) = message_at_index_path(&file, &[0, 0]).unwrap();
/// assert_eq!(name, "p.A.B");
/// assert_eq!(message.field.len(), 1);
/// assert_eq!(message_at_index_path(&file, &[]).map(|(name, _)| name), Some("p.A".to_string()));
/// assert!(message_at_index_path(&file, &[0, 5]).is_none());
/// ```
pub fn message_at_index_path<'a>(
    file: &'a FileDescriptorProto,
    path: &[i32],
) -> Option<(String, &'a DescriptorProto)> {
    let path: &[i32] = if path.is_empty() { &[0] } else { path };
    let mut name = file.package().to_string();
    let mut candidates: &'a [DescriptorProto] = &file.message_type;
    let mut found: Option<&'a DescriptorProto> = None;
    for &index in path {
        let message = candidates.get(usize::try_from(index).ok()?)?;
        if !name.is_empty() {
            name.push('.');
        }
        name.push_str(message.name());
        candidates = &message.nested_type;
        found = Some(message);
    }
    found.map(|message| (name, message))
}
