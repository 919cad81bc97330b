//! Protobuf messages for rules: the registered schema compiled into a descriptor pool, the
//! frame's payload decoded generically into a [`DynamicMessage`] of the message its
//! message indexes name, and encoded back behind the same indexes.
//!
//! Confluent's clients do the same with their Protobuf runtimes: the Python serde builds a
//! `DescriptorPool` from the writer schema (`_get_parsed_schema`, `fmt='serialized'`, so
//! `(confluent.field_meta)` options are kept), finds the message by its indexes
//! (`_get_message_desc`) and walks its fields (`common/protobuf.py` `transform`). Here the
//! pool is [`prost_reflect`]'s, built from the schema compiled with its
//! `google/protobuf/*` and `confluent/*` imports.
//!
//! - `walk`: the field walk (names, Confluent type names, tags, values).
//! - `value`: field values to and from [`prost_reflect::Value`].
//! - `json`: a message as JSON (for the DLQ and JSON-based executors).
//! - `dict` and `parse`: a message as the dict Confluent's Python client hands to
//!   migration rules (`MessageToDict`), and a migration's result read back into the
//!   reader's message (`ParseDict`); `wkt` has the well-known types' JSON forms.

pub(crate) mod dict;
pub(crate) mod json;
pub(crate) mod parse;
pub(crate) mod value;
pub(crate) mod walk;
mod wkt;
mod wkt_time;

use std::collections::{BTreeSet, HashMap};

use prost_reflect::{DescriptorPool, DynamicMessage, FileDescriptor, MessageDescriptor, Value};

use super::error::RuleError;
use super::tags;
use crate::registry::Schema;
use crate::schema::proto_file::descriptor_set_with_imports;
use crate::wire::parse_message_indexes;

/// The extension Confluent's field annotations live in (`confluent/meta.proto`).
const FIELD_META: &str = "confluent.field_meta";

/// A Protobuf message decoded for rules: the message-index bytes of its frame, kept as
/// they were, and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtoMessage {
    /// The message-index array that preceded the message in the payload, byte for byte
    /// (`00` and its long form `02 00` both name the first message; a re-encoded message
    /// keeps the form it came in).
    pub indexes: Vec<u8>,
    /// The message, in the descriptor its indexes name.
    pub message: DynamicMessage,
}

/// A Protobuf schema compiled for rules.
#[derive(Debug)]
pub struct ProtoSchema {
    /// The schema's file in its pool.
    file: FileDescriptor,
    /// Every field's tags by full name (`pkg.Message.field`): `(confluent.field_meta).tags`
    /// ∪ the schema's `metadata.tags` whose path matches, computed once.
    field_tags: HashMap<String, BTreeSet<String>>,
}

impl ProtoSchema {
    /// Compiles `schema` (`.proto` text or base64 descriptor) with the files it imports
    /// from `google/protobuf/` and `confluent/` and `imports` (the files of its references
    /// to other subjects, by import path); returns the inline tags found (by field full
    /// name) beside it.
    ///
    /// A schema with references and no `imports` (a caller without a registry) is an
    /// [`RuleError::Unsupported`].
    pub(crate) fn parse(
        schema: &Schema,
        imports: &[(String, String)],
    ) -> Result<(Self, HashMap<String, BTreeSet<String>>), RuleError> {
        if !schema.references.is_empty() && imports.is_empty() {
            return Err(RuleError::Unsupported(format!(
                "rules on a Protobuf schema with references ({}) need the referenced schemas from the registry",
                schema
                    .references
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let imports: Vec<(&str, &str)> = imports
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        let (set, main) = descriptor_set_with_imports(&schema.schema, &imports).map_err(|e| {
            RuleError::execution(format!("the Protobuf schema does not compile: {e}"))
        })?;
        let pool = DescriptorPool::decode(set.as_slice()).map_err(|e| {
            RuleError::execution(format!("the Protobuf schema has no descriptor pool: {e}"))
        })?;
        let file = pool.get_file_by_name(&main).ok_or_else(|| {
            RuleError::execution(format!("the Protobuf pool has no file {main:?}"))
        })?;
        let inline = inline_tags(&pool);
        let mut field_tags = HashMap::new();
        for message in pool.all_messages() {
            for field in message.fields() {
                let full_name = field.full_name().to_string();
                let mut all = inline.get(&full_name).cloned().unwrap_or_default();
                tags::metadata_tags(schema.metadata.as_ref(), &full_name, &mut all);
                field_tags.insert(full_name, all);
            }
        }
        Ok((ProtoSchema { file, field_tags }, inline))
    }

    /// The tags of the field `full_name`, if it is a field of the schema's pool.
    pub(crate) fn field_tags(&self, full_name: &str) -> Option<&BTreeSet<String>> {
        self.field_tags.get(full_name)
    }

    /// The message at a message-index path (`[]` and `[0]` name the first message); map
    /// entry types take their slots among nested messages, as in Confluent's clients.
    pub fn message_at(&self, path: &[i32]) -> Option<MessageDescriptor> {
        let path: &[i32] = if path.is_empty() { &[0] } else { path };
        let (&first, rest) = path.split_first()?;
        let mut message = self.file.messages().nth(usize::try_from(first).ok()?)?;
        for &index in rest {
            let child = message.child_messages().nth(usize::try_from(index).ok()?)?;
            message = child;
        }
        Some(message)
    }

    /// The message a migration's result is read into (`ProtobufDeserializer`: the
    /// top-level message named like the writer's message `name`, else the first), with
    /// its message-index path.
    pub(crate) fn reader_message(&self, name: &str) -> Option<(MessageDescriptor, Vec<i32>)> {
        let found = self
            .file
            .messages()
            .enumerate()
            .find(|(_, m)| m.name() == name);
        let (index, message) = match found {
            Some(found) => found,
            None => (0, self.file.messages().next()?),
        };
        Some((message, vec![i32::try_from(index).ok()?]))
    }

    /// Decodes a message (without its message indexes) as the message at `path`.
    pub(crate) fn decode_at(
        &self,
        path: &[i32],
        bytes: &[u8],
    ) -> Result<DynamicMessage, RuleError> {
        let descriptor = self.message_at(path).ok_or_else(|| {
            RuleError::execution(format!(
                "the message indexes {path:?} name no message of the schema"
            ))
        })?;
        DynamicMessage::decode(descriptor.clone(), bytes).map_err(|e| {
            RuleError::execution(format!(
                "the Protobuf payload does not decode as {}: {e}",
                descriptor.full_name()
            ))
        })
    }

    /// Decodes a frame's payload (message indexes, then the message).
    pub(crate) fn decode(&self, payload: &[u8]) -> Result<ProtoMessage, RuleError> {
        let (path, rest) = parse_message_indexes(payload).map_err(|e| {
            RuleError::execution(format!("the Protobuf message indexes do not parse: {e}"))
        })?;
        let descriptor = self.message_at(&path).ok_or_else(|| {
            RuleError::execution(format!(
                "the message indexes {path:?} name no message of the schema"
            ))
        })?;
        let indexes = payload
            .get(..payload.len() - rest.len())
            .unwrap_or_default()
            .to_vec();
        let message = DynamicMessage::decode(descriptor.clone(), rest).map_err(|e| {
            RuleError::execution(format!(
                "the Protobuf payload does not decode as {}: {e}",
                descriptor.full_name()
            ))
        })?;
        Ok(ProtoMessage { indexes, message })
    }

    /// Encodes a message back: its message indexes as they came, then the message.
    pub(crate) fn encode(message: &ProtoMessage) -> Vec<u8> {
        let mut out = message.indexes.clone();
        out.extend_from_slice(&prost::Message::encode_to_vec(&message.message));
        out
    }
}

/// `(confluent.field_meta).tags` of every field in `pool` by full name
/// (`get_inline_tags` of Confluent's `common/protobuf.py`).
fn inline_tags(pool: &DescriptorPool) -> HashMap<String, BTreeSet<String>> {
    let mut found = HashMap::new();
    let Some(extension) = pool.get_extension_by_name(FIELD_META) else {
        return found;
    };
    for message in pool.all_messages() {
        for field in message.fields() {
            let options = field.options();
            if !options.has_extension(&extension) {
                continue;
            }
            let meta = options.get_extension(&extension);
            let Some(tags) = meta
                .as_message()
                .and_then(|meta| meta.get_field_by_name("tags"))
            else {
                continue;
            };
            if let Value::List(list) = tags.as_ref() {
                let names: BTreeSet<String> = list
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect();
                if !names.is_empty() {
                    found.insert(field.full_name().to_string(), names);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod dict_tests;
#[cfg(test)]
mod tests;
