//! What the producer and consumer need from a schema registry, and the id caches in front of it.
//!
//! The producer asks the registry only on a cache miss; after the first send of a type (or
//! schema) to a topic its id comes from here, so a registry outage does not affect sends
//! whose ids are cached.

use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use crate::error::ClientError;
use crate::registry::{Schema, SchemaReference};
use crate::schema::type_contract::TypeContract;
use crate::schema::{SchemaFormat, Schemas, StreamSchema};

// Registry calls happen on cache misses only, so boxing their futures costs nothing that
// matters.
pub(crate) use crate::registry::BoxFuture;

/// The latest version of a subject: its id and schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Latest {
    pub(crate) id: i32,
    pub(crate) schema: Arc<Schema>,
}

/// The registry operations the producer and consumer use.
pub(crate) trait SchemaIds: Send + Sync + fmt::Debug {
    /// Registers `schema` (importing `references`) under `subject` (idempotent) and returns
    /// its id.
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        references: &'a [SchemaReference],
    ) -> BoxFuture<'a, Result<i32, ClientError>>;

    /// Registers `schema` under `subject` with the metadata and rule set `T` declares on
    /// itself (`#[stream_schema(rule(..), metadata(..))]`), as Confluent's clients send
    /// them in the registration request's `metadata` and `ruleSet`.
    ///
    /// The default forgets the contract (registries that keep none, the tests' fakes).
    fn register_with_contract<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        references: &'a [SchemaReference],
        contract: &'a TypeContract,
    ) -> BoxFuture<'a, Result<i32, ClientError>> {
        let _ = contract;
        self.register(subject, schema, format, references)
    }

    /// The id of `schema` (importing `references`) under `subject`, or `None` when it is
    /// not registered there.
    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        references: &'a [SchemaReference],
    ) -> BoxFuture<'a, Result<Option<i32>, ClientError>>;

    /// The version under `subject` of `schema`, a file another schema imports, registered
    /// first when `register` is set, as Confluent's serializers register the files a schema
    /// references with `auto.register.schemas` (confluent-kafka-python `protobuf.py`
    /// `_resolve_dependencies`: register, then look the version up); `None` when it is not
    /// registered there.
    ///
    /// The default registers nothing and finds nothing (the tests' fakes keep no versions).
    fn reference_version<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        register: bool,
    ) -> BoxFuture<'a, Result<Option<i32>, ClientError>> {
        let _ = (subject, schema, register);
        Box::pin(async { Ok(None) })
    }

    /// The latest version registered under `subject`, or `None` when the subject is empty.
    fn latest<'a>(&'a self, subject: &'a str)
        -> BoxFuture<'a, Result<Option<Latest>, ClientError>>;

    /// The newest version under `subject` whose metadata properties hold every entry of
    /// `metadata`, or `None` when there is none.
    fn latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a std::collections::BTreeMap<String, String>,
    ) -> BoxFuture<'a, Result<Option<Latest>, ClientError>>;

    /// The schema with `id`, or `None` when the registry has no such id.
    fn by_id(&self, id: i32) -> BoxFuture<'_, Result<Option<Arc<Schema>>, ClientError>>;

    /// Version `version` of `subject`, or `None` when the registry has no such version: how
    /// the schemas a writer schema references are fetched, as Confluent's deserializers
    /// resolve references (`getSchemaBySubjectAndVersion` per reference).
    ///
    /// The default has none (the tests' fakes keep no versions).
    fn version<'a>(
        &'a self,
        subject: &'a str,
        version: i32,
    ) -> BoxFuture<'a, Result<Option<Arc<Schema>>, ClientError>> {
        let _ = (subject, version);
        Box::pin(async { Ok(None) })
    }

    /// The schema with `id` as the registry serializes it (`?format=serialized`): a
    /// Protobuf schema as the base64 `FileDescriptorProto` the registry compiled with its
    /// references, which is how Confluent's Protobuf deserializers read writer schemas.
    /// `None` when the registry has no such id.
    ///
    /// The default has none (the tests' fakes): callers then compile the text themselves.
    fn by_id_serialized(&self, id: i32) -> BoxFuture<'_, Result<Option<Arc<Schema>>, ClientError>> {
        let _ = id;
        Box::pin(async { Ok(None) })
    }
}

/// Identifies a typed schema: the address of the type's `&'static Schemas`, which every
/// `StreamSchema` type owns exactly once (and which, unlike `TypeId`, does not require the
/// type to be `'static`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SchemaKey(usize);

impl SchemaKey {
    pub(crate) fn of<T: StreamSchema>() -> Self {
        SchemaKey(std::ptr::from_ref::<Schemas>(T::schemas()) as usize)
    }
}

/// Ids of typed schemas, with the format each was registered in: per (schema, key or
/// value), per topic. (A type's format is fixed when the producer is built, so the cached
/// format is the one every later send of the type uses.)
///
/// Read on every typed send, so a hit costs one hash of a `Copy` key and, for the few
/// topics a type usually goes to, a scan comparing topic names: no allocation, no hashing
/// of the topic name.
#[derive(Debug, Default)]
pub(crate) struct TypedIds {
    ids: RwLock<HashMap<(SchemaKey, bool), TopicIds>>,
}

/// How many topics of one type are scanned before the rest go to a map.
const SCANNED_TOPICS: usize = 8;

/// The ids of one typed schema per topic: the first few in a list (scanning a handful of
/// short names is cheaper than hashing one), the rest in a map.
#[derive(Debug, Default)]
struct TopicIds {
    few: Vec<(Box<str>, TypedId)>,
    many: IdsByName<TypedId>,
}

/// The id a typed schema was registered (or found) with, and its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TypedId {
    pub(crate) id: i32,
    pub(crate) format: SchemaFormat,
    /// The id is a version picked by the producer's latest-version settings that is not the
    /// type's own schema: records are rewritten into it (the producer's `latest` module).
    pub(crate) rewritten: bool,
    /// The schema has WRITE rules this producer runs (feature `rules`): its sends take the
    /// path that runs them. Every other type's sends read nothing more than this bit, on a
    /// producer that runs rules for some types.
    pub(crate) write_rules: bool,
}

impl TopicIds {
    #[inline]
    fn get(&self, topic: &str) -> Option<TypedId> {
        for (name, id) in &self.few {
            if **name == *topic {
                return Some(*id);
            }
        }
        if self.many.is_empty() {
            return None;
        }
        self.many.get(topic).copied()
    }

    fn insert(&mut self, topic: &str, id: TypedId) {
        if let Some(slot) = self.few.iter_mut().find(|(name, _)| **name == *topic) {
            slot.1 = id;
        } else if self.few.len() < SCANNED_TOPICS {
            self.few.push((Box::from(topic), id));
        } else {
            self.many.insert(Box::from(topic), id);
        }
    }
}

/// Values by a name (topic or subject), looked up by `&str`.
type IdsByName<V> = HashMap<Box<str>, V>;

impl TypedIds {
    #[inline]
    pub(crate) fn get(&self, type_id: SchemaKey, is_key: bool, topic: &str) -> Option<TypedId> {
        let ids = self.ids.read().unwrap_or_else(PoisonError::into_inner);
        ids.get(&(type_id, is_key))
            .and_then(|topics| topics.get(topic))
    }

    pub(crate) fn insert(&self, type_id: SchemaKey, is_key: bool, topic: &str, id: TypedId) {
        let mut ids = self.ids.write().unwrap_or_else(PoisonError::into_inner);
        ids.entry((type_id, is_key)).or_default().insert(topic, id);
    }
}

/// Ids of raw schema texts: per subject, per schema text.
#[derive(Debug, Default)]
pub(crate) struct RawIds {
    ids: RwLock<IdsByName<IdsByName<(SchemaFormat, i32)>>>,
}

impl RawIds {
    pub(crate) fn get(&self, subject: &str, schema: &str, format: SchemaFormat) -> Option<i32> {
        let ids = self.ids.read().unwrap_or_else(PoisonError::into_inner);
        match ids.get(subject).and_then(|schemas| schemas.get(schema)) {
            Some((cached_format, id)) if *cached_format == format => Some(*id),
            _ => None,
        }
    }

    pub(crate) fn insert(&self, subject: &str, schema: &str, format: SchemaFormat, id: i32) {
        let mut ids = self.ids.write().unwrap_or_else(PoisonError::into_inner);
        ids.entry(Box::from(subject))
            .or_default()
            .insert(Box::from(schema), (format, id));
    }
}

/// Whether two schema texts describe the same schema: the same Avro Parsing Canonical Form
/// for Avro, the same text (ignoring surrounding whitespace) otherwise.
pub(crate) fn same_schema(a: &str, b: &str, format: SchemaFormat) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    if format != SchemaFormat::Avro {
        return false;
    }
    match (
        apache_avro::Schema::parse_str(a),
        apache_avro::Schema::parse_str(b),
    ) {
        (Ok(a), Ok(b)) => a.canonical_form() == b.canonical_form(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avro(id: i32) -> TypedId {
        TypedId {
            id,
            format: SchemaFormat::Avro,
            rewritten: false,
            write_rules: false,
        }
    }

    #[test]
    fn typed_ids_are_per_type_role_and_topic() {
        let ids = TypedIds::default();
        ids.insert(SchemaKey::of::<String>(), false, "a", avro(1));
        ids.insert(SchemaKey::of::<String>(), true, "a", avro(2));
        ids.insert(SchemaKey::of::<i64>(), false, "a", avro(3));
        assert_eq!(
            ids.get(SchemaKey::of::<String>(), false, "a"),
            Some(avro(1))
        );
        assert_eq!(ids.get(SchemaKey::of::<String>(), true, "a"), Some(avro(2)));
        assert_eq!(ids.get(SchemaKey::of::<i64>(), false, "a"), Some(avro(3)));
        assert_eq!(ids.get(SchemaKey::of::<String>(), false, "b"), None);
    }

    #[test]
    fn typed_ids_hold_many_topics_per_type() {
        let ids = TypedIds::default();
        let topics: Vec<String> = (0..3 * SCANNED_TOPICS)
            .map(|i| format!("topic-{i}"))
            .collect();
        for (id, topic) in (100..).zip(&topics) {
            ids.insert(SchemaKey::of::<String>(), false, topic, avro(id));
        }
        for (id, topic) in (100..).zip(&topics) {
            assert_eq!(
                ids.get(SchemaKey::of::<String>(), false, topic),
                Some(avro(id))
            );
        }
        assert_eq!(ids.get(SchemaKey::of::<String>(), false, "topic-"), None);
        // A topic's id can be replaced, wherever it is kept.
        ids.insert(SchemaKey::of::<String>(), false, "topic-0", avro(7));
        ids.insert(
            SchemaKey::of::<String>(),
            false,
            &topics[2 * SCANNED_TOPICS],
            avro(8),
        );
        assert_eq!(
            ids.get(SchemaKey::of::<String>(), false, "topic-0"),
            Some(avro(7))
        );
        assert_eq!(
            ids.get(
                SchemaKey::of::<String>(),
                false,
                &topics[2 * SCANNED_TOPICS]
            ),
            Some(avro(8))
        );
    }

    #[test]
    fn raw_ids_distinguish_formats() {
        let ids = RawIds::default();
        ids.insert("t-value", "{}", SchemaFormat::Json, 4);
        assert_eq!(ids.get("t-value", "{}", SchemaFormat::Json), Some(4));
        assert_eq!(ids.get("t-value", "{}", SchemaFormat::Avro), None);
        assert_eq!(ids.get("u-value", "{}", SchemaFormat::Json), None);
    }

    #[test]
    fn avro_schemas_compare_by_canonical_form() {
        let compact = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
        let documented = r#"{"type": "record", "name": "R", "doc": "x", "fields": [ {"name": "a", "type": "int", "doc": "y"} ]}"#;
        assert!(same_schema(compact, documented, SchemaFormat::Avro));
        let other = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#;
        assert!(!same_schema(compact, other, SchemaFormat::Avro));
        assert!(!same_schema("{\"a\":1}", "{\"a\": 1}", SchemaFormat::Json));
        assert!(same_schema(" x ", "x", SchemaFormat::Protobuf));
    }
}
