//! Confluent's `use.latest.version` and `use.latest.with.metadata`: typed sends framed with a
//! version the registry names instead of the type's own schema.
//!
//! As Confluent's serializers do (Java `AbstractKafkaSchemaSerDe.lookupLatestVersion` with
//! `latest.compatibility.strict`, the default), the chosen version must be able to read what
//! the type writes ([`compat::can_read`](crate::compat::can_read), the registry's own
//! rules); then the record is written *in that version*, so the frame's id always names the
//! schema its payload was written with:
//! - Avro: the type's bytes are resolved into the chosen schema (Avro schema resolution,
//!   writer = the type's schema, reader = the chosen version) and re-encoded with it;
//! - JSON Schema: the text is valid under the chosen version (it accepts everything the
//!   type's schema accepts), so the payload is unchanged;
//! - Protobuf: the wire bytes are readable by the chosen version (fields match by number),
//!   so the payload is unchanged and the message-index path is the type's message's path
//!   in the chosen file.
//!
//! Only typed sends rewrite; `send_with_schema` carries bytes the caller encoded, so there the
//! chosen version must be the schema sent, as before.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHashMap as HashMap;

use crate::client::schema_ids::{Latest, SchemaIds, SchemaKey};
use crate::compat::{can_read, parse_schema};
use crate::error::ClientError;
use crate::registry::Schema;
use crate::schema::proto_file::{message_index_path, parse_proto};
use crate::schema::SchemaFormat;

/// Which registered version typed sends use when the producer does not register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum LatestPolicy {
    /// Look the type's own schema up (Confluent's default).
    #[default]
    Off,
    /// The subject's latest version (`use.latest.version`).
    Latest,
    /// The newest version whose metadata holds these properties
    /// (`use.latest.with.metadata`, e.g. `application.major.version=2`).
    WithMetadata(BTreeMap<String, String>),
}

impl LatestPolicy {
    /// The version the policy picks under `subject`, or `None` when there is none to pick
    /// (no versions, or none with the metadata).
    pub(crate) async fn choose(
        &self,
        registry: &dyn SchemaIds,
        subject: &str,
    ) -> Result<Option<Latest>, ClientError> {
        match self {
            LatestPolicy::Off => Ok(None),
            LatestPolicy::Latest => registry.latest(subject).await,
            LatestPolicy::WithMetadata(metadata) => {
                registry.latest_with_metadata(subject, metadata).await
            }
        }
    }

    /// How the policy is named in errors.
    pub(crate) fn describe(&self) -> String {
        match self {
            LatestPolicy::Off => "the schema lookup".to_string(),
            LatestPolicy::Latest => "use_latest_version".to_string(),
            LatestPolicy::WithMetadata(metadata) => format!(
                "use_latest_with_metadata({})",
                metadata
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

/// Parses Confluent's `use.latest.with.metadata` value: `key=value` pairs separated by
/// commas (Java's map-valued config syntax), e.g. `application.major.version=2`.
pub(crate) fn parse_metadata_pairs(value: &str) -> Result<BTreeMap<String, String>, String> {
    let mut pairs = BTreeMap::new();
    for pair in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("{pair:?} is not key=value"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("{pair:?} has an empty key"));
        }
        pairs.insert(key.to_string(), value.trim().to_string());
    }
    if pairs.is_empty() {
        return Err("no key=value pairs".to_string());
    }
    Ok(pairs)
}

/// How a type's record is written in a chosen version that is not the type's own schema.
#[derive(Debug)]
pub(crate) enum Rewrite {
    /// Avro: the type's bytes resolved into the chosen schema and re-encoded with it.
    Avro {
        own: Box<apache_avro::Schema>,
        chosen: Box<apache_avro::Schema>,
    },
    /// JSON Schema: the payload as the type writes it.
    Json,
    /// Protobuf: the payload as the type writes it, under the message's path in the chosen
    /// file.
    Protobuf { message_indexes: Vec<i32> },
}

impl Rewrite {
    /// The rewrite of records of a type whose own schema is `own` (with Protobuf message
    /// `full_name`) into `chosen`: an error when the chosen version cannot read them.
    pub(crate) fn plan(
        subject: &str,
        own: &str,
        full_name: &str,
        chosen: &Latest,
        policy: &LatestPolicy,
    ) -> Result<Rewrite, ClientError> {
        let format = chosen.schema.schema_type;
        let refuse = |detail: String| ClientError::SchemaNotRegistered {
            subject: subject.to_string(),
            detail: format!(
                "the version {} picks (schema id {}) {detail}",
                policy.describe(),
                chosen.id
            ),
        };
        if !chosen.schema.references.is_empty() {
            return Err(refuse(
                "has references, which records are not rewritten into; register the type's own schema instead"
                    .to_string(),
            ));
        }
        let parse = |text: &str, whose: &str| {
            parse_schema(format, text)
                .map_err(|e| refuse(format!("cannot be compared with the type ({whose}: {e})")))
        };
        let own_parsed = parse(own, "the type's schema")?;
        let chosen_parsed = parse(&chosen.schema.schema, "its schema")?;
        let problems = can_read(&chosen_parsed, &own_parsed);
        if let Some(first) = problems.first() {
            return Err(refuse(format!(
                "cannot read what the type writes ({} at {}: {})",
                first.kind, first.path, first.message
            )));
        }
        Ok(match format {
            SchemaFormat::Avro => {
                let avro = |text: &str| {
                    apache_avro::Schema::parse_str(text)
                        .map_err(|e| refuse(format!("is not a usable Avro schema: {e}")))
                };
                Rewrite::Avro {
                    own: Box::new(avro(own)?),
                    chosen: Box::new(avro(&chosen.schema.schema)?),
                }
            }
            SchemaFormat::Json => Rewrite::Json,
            SchemaFormat::Protobuf => {
                let file = parse_proto(&chosen.schema.schema)
                    .map_err(|e| refuse(format!("does not compile: {e}")))?;
                let message_indexes = message_index_path(&file, full_name)
                    .ok_or_else(|| refuse(format!("has no message named {full_name}")))?;
                Rewrite::Protobuf { message_indexes }
            }
        })
    }

    /// The payload to send for `own_payload`, the type's own encoding.
    pub(crate) fn payload(&self, own_payload: &[u8]) -> Result<Vec<u8>, ClientError> {
        match self {
            Rewrite::Avro { own, chosen } => {
                // A recursive type's value may nest deeper than apache-avro's codec fits on
                // the caller's stack: `generic` reads (and this writes) it on one that fits.
                let value = crate::codec::avro::generic::read(own, Some(chosen), own_payload)
                    .map_err(|e| rewrite_failed(&e))?;
                let depth = crate::codec::avro::generic::depth(&value);
                crate::codec::avro::generic::on_stack_for(depth, || {
                    apache_avro::writer::datum::GenericDatumWriter::builder(chosen)
                        .build()
                        .and_then(|writer| writer.write_value_to_vec(value))
                        .map_err(|e| rewrite_failed(&e))
                })
                .map_err(|e| rewrite_failed(&e))?
            }
            Rewrite::Json | Rewrite::Protobuf { .. } => Ok(own_payload.to_vec()),
        }
    }

    /// The Protobuf message-index path to frame with, `None` for other formats.
    pub(crate) fn message_indexes(&self) -> Option<&[i32]> {
        match self {
            Rewrite::Protobuf { message_indexes } => Some(message_indexes),
            Rewrite::Avro { .. } | Rewrite::Json => None,
        }
    }
}

fn rewrite_failed(error: &dyn std::fmt::Display) -> ClientError {
    ClientError::ConfigError(format!(
        "the record could not be rewritten into the registry's chosen version: {error}"
    ))
}

/// The rewrites of typed sends, by (type, chosen schema id). Read only by sends whose
/// cached id says they need one.
#[derive(Debug, Default)]
pub(crate) struct Rewrites {
    by_type: RwLock<HashMap<(SchemaKey, i32), Arc<Rewrite>>>,
}

impl Rewrites {
    pub(crate) fn get(&self, key: SchemaKey, id: i32) -> Option<Arc<Rewrite>> {
        self.by_type
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(key, id))
            .cloned()
    }

    pub(crate) fn insert(&self, key: SchemaKey, id: i32, rewrite: Rewrite) {
        self.by_type
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((key, id), Arc::new(rewrite));
    }
}

/// Whether `schema` is the registered form of a type's own schema `own`.
pub(crate) fn is_own(schema: &Schema, own: &str, format: SchemaFormat) -> bool {
    schema.schema_type == format
        && crate::client::schema_ids::same_schema(&schema.schema, own, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_pairs_parse_as_java_map_configs() {
        let parsed = parse_metadata_pairs(" application.major.version=2, owner = billing ");
        assert_eq!(
            parsed,
            Ok(BTreeMap::from([
                ("application.major.version".to_string(), "2".to_string()),
                ("owner".to_string(), "billing".to_string()),
            ]))
        );
        assert_eq!(
            parse_metadata_pairs("major"),
            Err("\"major\" is not key=value".to_string())
        );
        assert_eq!(
            parse_metadata_pairs(" , "),
            Err("no key=value pairs".to_string())
        );
        assert_eq!(
            parse_metadata_pairs("=2"),
            Err("\"=2\" has an empty key".to_string())
        );
    }
}
