//! `json_name` as Confluent's registry serves a descriptor: only where the schema sets one.
//!
//! protox (like protoc's `--descriptor_set_out`) fills in every field's `json_name`. The
//! descriptors protoc embeds in generated code, which confluent-kafka-python's
//! `ProtobufSerializer` registers, carry none, and Confluent's registry answers
//! `?format=serialized` with a descriptor built from its stored text
//! (`ProtobufSchema.formattedString` → `toDynamicSchema()`), whose fields have a `json_name`
//! only when the text sets `[json_name = "..."]` (`ProtobufSchema.toField` reads
//! `fd.hasJsonName()`). So a `json_name` equal to protoc's default for the field's name is
//! dropped here; a different one stays (the printer writes it into the text).
//!
//! The bytes are rewritten on the wire format rather than through `prost_types`, which
//! would drop custom options (extension fields such as `(confluent.field_meta)`): every
//! other field is copied as it is.

use prost::encoding::{decode_varint, encode_varint};

use super::print::default_json_name;

/// Messages nested deeper than this are left as they are (their `json_name`s kept): the
/// rewrite recurses once per nesting level.
const MAX_NESTING: usize = 100;

/// `file` (a serialized `FileDescriptorProto`) without the `json_name`s that equal the
/// default; `None` when the bytes are not a descriptor this walk understands (groups,
/// truncated fields) or nest deeper than [`MAX_NESTING`].
pub(super) fn without_default_json_names(file: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(file.len());
    rewrite(file, Kind::File, 0, &mut out)?;
    Some(out)
}

/// The descriptor messages the walk looks into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `FileDescriptorProto`: `message_type = 4`, `extension = 7`.
    File,
    /// `DescriptorProto`: `field = 2`, `nested_type = 3`, `extension = 6`.
    Message,
    /// `FieldDescriptorProto`: `name = 1`, `json_name = 10`.
    Field,
}

impl Kind {
    /// The kind of the length-delimited field `number` of a `self`, if the walk enters it.
    fn child(self, number: u64) -> Option<Kind> {
        match (self, number) {
            (Kind::File, 4) | (Kind::Message, 3) => Some(Kind::Message),
            (Kind::File, 7) | (Kind::Message, 2 | 6) => Some(Kind::Field),
            _ => None,
        }
    }
}

const LENGTH_DELIMITED: u8 = 2;
const NAME: u64 = 1;
const JSON_NAME: u64 = 10;

fn rewrite(bytes: &[u8], kind: Kind, depth: usize, out: &mut Vec<u8>) -> Option<()> {
    if depth > MAX_NESTING {
        return None;
    }
    let entries = entries(bytes)?;
    let text_of = |number: u64| {
        entries
            .iter()
            .find(|e| e.number == number && e.wire_type == LENGTH_DELIMITED)
            .and_then(|e| std::str::from_utf8(e.value).ok())
    };
    let drop_json_name = kind == Kind::Field
        && matches!((text_of(NAME), text_of(JSON_NAME)),
            (Some(name), Some(json)) if json == default_json_name(name));
    for entry in &entries {
        if drop_json_name && entry.number == JSON_NAME {
            continue;
        }
        match kind.child(entry.number) {
            Some(child) if entry.wire_type == LENGTH_DELIMITED => {
                let mut inner = Vec::with_capacity(entry.value.len());
                rewrite(entry.value, child, depth + 1, &mut inner)?;
                out.extend_from_slice(entry.key);
                encode_varint(inner.len() as u64, out);
                out.extend_from_slice(&inner);
            }
            _ => out.extend_from_slice(entry.raw),
        }
    }
    Some(())
}

/// One field of a serialized message.
struct Entry<'a> {
    number: u64,
    wire_type: u8,
    /// The key's bytes.
    key: &'a [u8],
    /// The payload of a length-delimited field (the value's bytes otherwise).
    value: &'a [u8],
    /// Key and value, as they were.
    raw: &'a [u8],
}

/// The fields of a serialized message, in order; `None` on a group or a truncated field.
fn entries(mut bytes: &[u8]) -> Option<Vec<Entry<'_>>> {
    let mut list = Vec::new();
    while !bytes.is_empty() {
        let start = bytes;
        let key = decode_varint(&mut bytes).ok()?;
        let key_len = start.len() - bytes.len();
        let wire_type = u8::try_from(key & 7).ok()?;
        let value = match wire_type {
            0 => {
                let before = bytes;
                decode_varint(&mut bytes).ok()?;
                &before[..before.len() - bytes.len()]
            }
            1 => take(&mut bytes, 8)?,
            5 => take(&mut bytes, 4)?,
            LENGTH_DELIMITED => {
                let len = usize::try_from(decode_varint(&mut bytes).ok()?).ok()?;
                take(&mut bytes, len)?
            }
            _ => return None,
        };
        list.push(Entry {
            number: key >> 3,
            wire_type,
            key: &start[..key_len],
            value,
            raw: &start[..start.len() - bytes.len()],
        });
    }
    Some(list)
}

fn take<'a>(bytes: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
    let (head, rest) = (bytes.get(..len)?, bytes.get(len..)?);
    *bytes = rest;
    Some(head)
}

#[cfg(test)]
mod tests {
    use prost::Message as _;
    use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

    use super::*;

    fn field(name: &str, json_name: &str) -> FieldDescriptorProto {
        FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(1),
            json_name: Some(json_name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn default_json_names_are_dropped_and_others_kept_at_any_depth() {
        let file = FileDescriptorProto {
            name: Some("a.proto".into()),
            message_type: vec![DescriptorProto {
                name: Some("Order".into()),
                field: vec![field("store_id", "storeId"), field("sku", "code")],
                nested_type: vec![DescriptorProto {
                    name: Some("Line".into()),
                    field: vec![field("unit_price", "unitPrice")],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            extension: vec![field("note_text", "noteText")],
            ..Default::default()
        };
        let rewritten = without_default_json_names(&file.encode_to_vec()).unwrap();
        let mut expected = file.clone();
        expected.message_type[0].field[0].json_name = None;
        expected.message_type[0].nested_type[0].field[0].json_name = None;
        expected.extension[0].json_name = None;
        assert_eq!(
            FileDescriptorProto::decode(rewritten.as_slice()).unwrap(),
            expected
        );
        // Nothing to drop: the same bytes.
        let encoded = expected.encode_to_vec();
        assert_eq!(without_default_json_names(&encoded).unwrap(), encoded);
    }

    #[test]
    fn unknown_fields_survive_and_bad_bytes_are_refused() {
        // Field 99 (an unknown varint) of the field descriptor is copied as it is.
        let mut bytes = field("id", "id").encode_to_vec();
        bytes.extend_from_slice(&[0x98, 0x06, 0x2a]);
        let message = [&[0x12, bytes.len() as u8][..], &bytes].concat();
        let file = [&[0x22, message.len() as u8][..], &message].concat();
        let rewritten = without_default_json_names(&file).unwrap();
        assert!(rewritten.ends_with(&[0x98, 0x06, 0x2a]), "{rewritten:02x?}");
        assert!(!rewritten.windows(3).any(|w| w == [0x52, 0x02, b'i']));
        // A length past the end, and a group, are not walked.
        assert_eq!(without_default_json_names(&[0x22, 0x05, 0x0a]), None);
        assert_eq!(without_default_json_names(&[0x0b]), None);
    }

    #[test]
    fn nesting_past_the_limit_is_left_alone() {
        let mut message = DescriptorProto::default();
        for _ in 0..=MAX_NESTING {
            message = DescriptorProto {
                nested_type: vec![message],
                ..Default::default()
            };
        }
        let file = FileDescriptorProto {
            message_type: vec![message],
            ..Default::default()
        };
        assert_eq!(without_default_json_names(&file.encode_to_vec()), None);
    }
}
