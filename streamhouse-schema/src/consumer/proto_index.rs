//! Which message of the writer's file a Protobuf frame names, and whether a reader type can
//! read it.
//!
//! A Confluent Protobuf frame carries the message-index path of its message in the writer's
//! `.proto` file: top-level index, then nested indexes, map-entry types taking slots as the
//! nested types they are in the descriptor (confluent-kafka-python
//! `schema_registry/common/protobuf.py` `_create_index_array` walks `nested_types`, and its
//! deserializer's `_get_message_desc_proto` indexes `message_type` then `nested_type`; Java's
//! `ProtobufSchema.toMessageIndexes`/`toMessageName` count the `MessageElement`s of a file
//! built from the descriptor, map entries included). The path is looked up in the writer
//! schema (`[]` and `[0]` both name the first message), and the reader type reads the
//! message found when it has the same full name as the reader's message or, failing that,
//! when [`can_read_message`] (Confluent's Protobuf rules, message types compared by
//! structure) finds nothing wrong, wherever the message sits in the file.
//!
//! Verdicts are cached per (writer schema id, reader type, path), so the decode of a record
//! pays one map lookup. A writer schema with references (it imports registered files) is
//! read as the registry compiled it, its `?format=serialized` descriptor, fetched once with
//! the schema ([`ProtoMessages::learn_serialized`]), as Confluent's Protobuf deserializers
//! read writer schemas; others are compiled here from their text. A writer schema that cannot
//! be read either way (a registry without the serialized form, text that does not compile)
//! cannot be looked into: the frame is then read only if it names the first message, as
//! before paths were looked up.

// Keyed by registry ids of schemas already fetched and by reader types: a fast non-keyed
// hasher is safe here.
use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use prost_types::FileDescriptorProto;

use crate::client::schema_ids::SchemaKey;
use crate::client::RecordError;
use crate::compat::protobuf::can_read_message;
use crate::registry::Schema;
use crate::schema::proto_file::{descriptor_from_base64, message_at_index_path, parse_proto};
use crate::schema::StreamSchema;

/// How many distinct paths are cached per (writer schema, reader type): a well-formed topic
/// uses a handful; beyond this, verdicts are recomputed instead of growing the cache without
/// bound on hostile input.
const MAX_PATHS_PER_PAIR: usize = 64;

/// What a path-and-type check concluded.
type Verdict = Result<(), RecordError>;

/// The verdicts of one (writer schema, reader type) pair, by path.
type PathVerdicts = Vec<(Box<[i32]>, Verdict)>;

/// Parsed writer files and verdicts, filled on first use.
#[derive(Default)]
pub(super) struct ProtoMessages {
    /// Writer files by schema id (`Err` holds why the schema does not compile).
    files: RwLock<HashMap<i32, Arc<Result<FileDescriptorProto, String>>>>,
    /// Verdicts by (writer schema id, reader type), then by path.
    verdicts: RwLock<HashMap<(i32, SchemaKey), PathVerdicts>>,
}

impl ProtoMessages {
    /// Whether `T` can read the message at `path` of writer schema `id` (`writer`): `Ok`, or
    /// [`RecordError::MessageIndexes`] naming the path and the message found there.
    pub(super) fn check<T: StreamSchema>(&self, id: i32, writer: &Schema, path: &[i32]) -> Verdict {
        let key = (id, SchemaKey::of::<T>());
        {
            let verdicts = self.verdicts.read().unwrap_or_else(PoisonError::into_inner);
            let cached = verdicts
                .get(&key)
                .and_then(|paths| paths.iter().find(|(p, _)| **p == *path));
            if let Some((_, verdict)) = cached {
                return verdict.clone();
            }
        }
        let verdict = self.judge::<T>(id, writer, path);
        let mut verdicts = self
            .verdicts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let paths = verdicts.entry(key).or_default();
        if paths.len() < MAX_PATHS_PER_PAIR && !paths.iter().any(|(p, _)| **p == *path) {
            paths.push((path.into(), verdict.clone()));
        }
        verdict
    }

    fn judge<T: StreamSchema>(&self, id: i32, writer: &Schema, path: &[i32]) -> Verdict {
        let names_first = matches!(path, [] | [0]);
        let mistake = |found: Option<String>, reader: &str, reason: String| {
            Err(RecordError::MessageIndexes {
                schema_id: id,
                path: path.to_vec(),
                found,
                reader: reader.to_string(),
                reason,
            })
        };
        let Ok(reader_schema) = T::try_proto_schema() else {
            // No descriptor to compare with: the reader's message is its schema's first.
            if names_first {
                return Ok(());
            }
            return mistake(
                None,
                T::full_name(),
                "the reader type has no Protobuf schema to compare with".to_string(),
            );
        };
        let reader_file = reader_schema.file();
        // The reader's message sits at its type's path (`[0]` but for a root nested in a
        // message it needs).
        let reader_name = match message_at_index_path(reader_file, reader_schema.message_indexes())
        {
            Some((name, _)) => name,
            None => T::full_name().to_string(),
        };
        let writer_file = self.writer_file(id, writer);
        let writer_file = match &*writer_file {
            Ok(file) => file,
            Err(_) if names_first => return Ok(()),
            Err(error) => {
                return mistake(
                    None,
                    &reader_name,
                    format!("the writer schema cannot be looked into: {error}"),
                )
            }
        };
        let Some((found, _)) = message_at_index_path(writer_file, path) else {
            return mistake(
                None,
                &reader_name,
                "the writer schema has no message there".to_string(),
            );
        };
        if found == reader_name {
            return Ok(());
        }
        let problems = can_read_message(reader_file, &reader_name, writer_file, &found);
        if problems.is_empty() {
            return Ok(());
        }
        let reason = problems
            .iter()
            .map(|p| format!("{} ({})", p.message, p.path))
            .collect::<Vec<_>>()
            .join("; ");
        mistake(Some(found), &reader_name, reason)
    }

    /// Keeps the writer schema `id` as the registry serialized it (`?format=serialized`:
    /// a base64 descriptor compiled with its references), so that paths are looked up in
    /// it instead of in a compile of its text, which cannot resolve the references. A
    /// serialized form that is no descriptor is kept as the reason the schema cannot be
    /// looked into.
    pub(super) fn learn_serialized(&self, id: i32, serialized: &Schema) {
        let file = descriptor_from_base64(&serialized.schema).map_err(|e| e.to_string());
        self.files
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::new(file));
    }

    /// The writer schema `id` compiled, parsed on first use.
    fn writer_file(&self, id: i32, writer: &Schema) -> Arc<Result<FileDescriptorProto, String>> {
        if let Some(file) = self
            .files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Arc::clone(file);
        }
        let file = Arc::new(parse_proto(&writer.schema).map_err(|e| e.to_string()));
        self.files
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&file));
        file
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::test_support::Ping;
    use crate::schema::SchemaFormat;

    const WRITER: &str = "syntax = \"proto3\"; package com.acme; message Ping { string user = 1; }";

    fn verdicts_cached(messages: &ProtoMessages) -> usize {
        messages
            .verdicts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(7, SchemaKey::of::<Ping>()))
            .map_or(0, Vec::len)
    }

    #[test]
    fn a_type_without_a_protobuf_schema_reads_the_first_message_only() {
        // `Ping` has no field tags, so no descriptor to compare with.
        let messages = ProtoMessages::default();
        let writer = Schema::new(WRITER, SchemaFormat::Protobuf);
        assert_eq!(messages.check::<Ping>(7, &writer, &[]), Ok(()));
        assert_eq!(messages.check::<Ping>(7, &writer, &[0]), Ok(()));
        match messages.check::<Ping>(7, &writer, &[0, 1]) {
            Err(RecordError::MessageIndexes {
                schema_id,
                path,
                found,
                reader,
                reason,
            }) => {
                assert_eq!((schema_id, path, found), (7, vec![0, 1], None));
                assert_eq!(reader, "com.acme.Ping");
                assert_eq!(
                    reason,
                    "the reader type has no Protobuf schema to compare with"
                );
            }
            other => panic!("expected a message-index error, got {other:?}"),
        }
        assert_eq!(verdicts_cached(&messages), 3);
    }

    #[test]
    fn verdicts_are_cached_once_per_path_up_to_a_bound() {
        let messages = ProtoMessages::default();
        let writer = Schema::new(WRITER, SchemaFormat::Protobuf);
        for _ in 0..3 {
            assert!(messages.check::<Ping>(7, &writer, &[0, 1]).is_err());
        }
        assert_eq!(verdicts_cached(&messages), 1);
        // Hostile frames naming ever new paths do not grow the cache past the bound, and
        // are still judged.
        for index in 2..200 {
            assert!(messages.check::<Ping>(7, &writer, &[0, index]).is_err());
        }
        assert_eq!(verdicts_cached(&messages), MAX_PATHS_PER_PAIR);
    }
}
