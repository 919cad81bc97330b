//! Data-contract rules at run time: the producer runs a schema's WRITE rules before
//! sending, the consumer its READ rules before decoding, as Confluent's clients do
//! (`serde.py` `_execute_rules`, the `rules/` executors).
//!
//! - [`engine`]: which rules run, in which order, with which action after them.
//! - [`walk`]: the field walk over Avro and JSON messages, with names, types and tags.
//! - [`proto`]: Protobuf messages decoded with a descriptor pool built from the registered
//!   schema, walked field by field (tags from `(confluent.field_meta)` and `metadata.tags`),
//!   encoded back behind the frame's message indexes.
//! - [`executor`]: the traits executors implement (message, field, migration).
//! - [`cel`]: the `CEL` and `CEL_FIELD` executors.
//! - [`action`]: ERROR, NONE and DLQ.
//! - [`encryption`] (feature `encryption`): the `ENCRYPT` executor (field-level encryption
//!   with DEKs from the registry's DEK registry, wrapped by a KMS driver's KEK).
//!
//! The producer ([`ProducerBuilder::rule_registry`](crate::producer::ProducerBuilder::rule_registry))
//! learns, when it resolves a schema id, whether the registered schema has WRITE rules it
//! runs; a typed send of a type whose schema has none reads nothing more than a bit of the
//! type's cached id, whatever other types the producer sends. With rules, the frame's payload is
//! decoded generically, the rules run, and the payload is re-encoded only if a transform
//! changed it; two kinds of WRITE run skip that decode: CEL conditions evaluated on a typed
//! send's value (`cel::compile_condition`), and `CEL_FIELD` transforms on Avro that do not read
//! `message` (a mask), run field by field with their results spliced into the frame
//! (`avro_splice`). The consumer
//! ([`ConsumerBuilder::rule_registry`](crate::consumer::ConsumerBuilder::rule_registry))
//! runs the writer schema's READ rules on the payload before any decode.
//!
//! A `CEL` TRANSFORM of a whole Protobuf message returns the new message as Confluent's Go
//! and Java executors take it, here as a map of its fields by name (the way `message` is
//! bound), converted back into the message's type (see [`CelExecutor`]); Python's executor
//! cannot serialize such a result.
//!
//! Framed keys (`{topic}-key`) go through their schema's rules the same way, with
//! `is_key` set: WRITE on a typed send, READ in
//! [`Consumer::decode_key`](crate::consumer::Consumer::decode_key). A Protobuf schema that
//! references other subjects is compiled with the referenced files, fetched from the
//! registry (recursively, each once) when the schema is first met, as Confluent's Protobuf
//! serde resolves them.
//!
//! Migration rules run through [`execute_migration_rules`] with a [`MigrationExecutor`],
//! on Avro, JSON and Protobuf records (a Protobuf message as the dict Python's
//! `MessageToDict(msg, True)` makes, the result read back as `ParseDict` does; see
//! [`jsonata::reader`]); the consumer reads with a reader version through
//! [`ConsumerBuilder::use_latest_version`](crate::consumer::ConsumerBuilder::use_latest_version).
//!
//! Not covered: encoding-phase rules (`encodingRules`) are not run. On Protobuf, CEL binds
//! `Timestamp`s and decimals as messages and unsigned fields handed to `CEL_FIELD` as `int`
//! (Python binds CEL timestamps and `uint`s), `has()` is true for every field, a whole-message
//! CEL TRANSFORM returns a map rather than a constructed message (the `cel` crate has no
//! Protobuf types), and `google.protobuf.Any` fields are refused by migrations. JSON Schema
//! `oneOf`/`anyOf` branches are picked by their `type` only, and `$ref`s only within the
//! schema document. CEL binds Avro timestamps as integers (Python binds CEL timestamps) and
//! decimals as bytes. Migrations run on value records only (Confluent's clients migrate
//! keys too).

pub mod action;
mod avro_datum;
mod avro_splice;
pub mod cel;
pub mod convert;
mod counters;
#[cfg(feature = "encryption")]
pub mod encryption;
pub mod engine;
pub mod error;
pub mod executor;
pub mod field;
pub(crate) mod hook;
pub mod jsonata;
pub mod message;
pub mod proto;
pub(crate) mod references;
pub mod registry;
pub mod tags;
pub mod walk;

pub use action::{ActionContext, ActionResult, DlqAction, RuleAction};
pub use cel::{CelExecutor, CelFieldExecutor};
pub use engine::{execute_migration_rules, execute_rules, has_rules, runs_any, RuleRun};
pub use error::{RuleError, RuleFailure};
pub use executor::{
    FieldRuleExecutor, FieldTransform, MigrationExecutor, RuleContext, RuleExecutor, RuleFuture,
    RuleOutput,
};
pub use field::{FieldContext, FieldType, FieldValue};
pub use message::{Message, MessageRef, ParsedSchema, RuleSchema};
pub use registry::{Executor, RuleOverride, RuleRegistry};

#[cfg(test)]
mod tests;
