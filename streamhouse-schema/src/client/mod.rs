//! The layer the producer and the consumer both stand on.
//!
//! - [`format`]: the payload format of each type (Avro, JSON, Protobuf) and its codecs;
//! - `schema_ids`: what the clients need from a schema registry, and the id caches in front
//!   of it; `registry_glue` connects it to the crate's [`SchemaRegistryClient`];
//! - `settings`: the builder core (registry, transport, Kafka settings, formats) that the
//!   producer's and the consumer's builders both hold;
//! - `key`: how plain keys are written and read raw (as Kafka's serializers do);
//! - `id_memo`: the per-type memo that makes `send_typed`'s id lookup a plain load;
//! - `record_error`: why a consumed record could not be read ([`InvalidRecord`]).
//!
//! Nothing here knows the producer or the consumer; both import from here, never from each
//! other.
//!
//! [`SchemaRegistryClient`]: crate::registry::SchemaRegistryClient

pub mod format;
pub(crate) mod id_memo;
#[cfg(feature = "kafka")]
pub(crate) mod kafka_settings;
pub(crate) mod key;
mod record_error;
pub(crate) mod registry_glue;
pub(crate) mod schema_ids;
pub(crate) mod settings;
#[cfg(test)]
pub(crate) mod test_support;

pub use record_error::{InvalidRecord, RecordError};
