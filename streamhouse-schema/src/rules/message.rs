//! The generic message rules run on, and the parsed schema it is walked against.
//!
//! Avro payloads are decoded into [`apache_avro::types::Value`] with the writer schema,
//! JSON payloads into [`serde_json::Value`], Protobuf payloads (message indexes, then the
//! message) into a [`prost_reflect::DynamicMessage`] of the message the indexes name.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use serde_json::Value as JsonValue;

use super::avro_datum::AvroDatum;
use super::error::RuleError;
use super::proto::{ProtoMessage, ProtoSchema};
use super::tags;
use crate::registry::Schema;
use crate::schema::contract::Rule;
use crate::schema::SchemaFormat;

/// A decoded message, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// An Avro value read with the schema's writer schema.
    Avro(AvroValue),
    /// A JSON document.
    Json(JsonValue),
    /// A Protobuf message with the message indexes of its frame.
    Protobuf(ProtoMessage),
}

impl Message {
    /// A borrowed view.
    pub fn as_ref(&self) -> MessageRef<'_> {
        match self {
            Message::Avro(value) => MessageRef::Avro(value),
            Message::Json(value) => MessageRef::Json(value),
            Message::Protobuf(value) => MessageRef::Protobuf(&value.message),
        }
    }
}

/// A decoded message (or record within one), borrowed.
#[derive(Debug, Clone, Copy)]
pub enum MessageRef<'a> {
    /// An Avro value.
    Avro(&'a AvroValue),
    /// A JSON value.
    Json(&'a JsonValue),
    /// A Protobuf message.
    Protobuf(&'a prost_reflect::DynamicMessage),
}

/// A schema parsed for walking.
#[derive(Debug)]
pub enum ParsedSchema {
    /// An Avro schema with its named types by full name (to follow references).
    Avro {
        /// The root schema.
        schema: apache_avro::Schema,
        /// Records, enums and fixed types by full name.
        names: HashMap<String, apache_avro::Schema>,
    },
    /// A JSON Schema document.
    Json(JsonValue),
    /// A Protobuf schema compiled into a descriptor pool.
    Protobuf(ProtoSchema),
}

/// A registered schema ready for rules: the registry's schema (with its metadata and rule
/// set), parsed, with its inline tags collected.
#[derive(Debug)]
pub struct RuleSchema {
    /// The schema as the registry returned it.
    pub schema: Arc<Schema>,
    /// The parsed schema.
    pub parsed: ParsedSchema,
    /// Inline `confluent:tags` of Avro fields by full name (`get_inline_tags` in
    /// Confluent's `avro.py`), `(confluent.field_meta).tags` of Protobuf fields by full
    /// name (`pkg.Message.field`); JSON Schema tags are read from each property as it is
    /// walked, as Confluent's `json_schema.py` does.
    pub inline_tags: HashMap<String, BTreeSet<String>>,
    /// Each Avro record's fields in order, with full name and tags (inline ∪ metadata):
    /// what the field walk needs, computed once (FxHash: the walk looks a record up for
    /// every record value it enters).
    pub(crate) avro_fields: rustc_hash::FxHashMap<apache_avro::schema::Name, Vec<AvroFieldInfo>>,
    /// The Avro schema's resolved reader and writer, built once.
    avro_datum: Option<AvroDatum>,
    /// The domain rules in the order READ runs them (reversed), and the migration rules in
    /// the order DOWNGRADE runs them (reversed): kept so that no run copies a rule list.
    pub(crate) domain_reversed: Vec<Rule>,
    pub(crate) migration_reversed: Vec<Rule>,
}

/// A record field's full name and tags.
#[derive(Debug)]
pub(crate) struct AvroFieldInfo {
    pub(crate) full_name: String,
    pub(crate) tags: BTreeSet<String>,
}

impl RuleSchema {
    /// Parses `schema`; a schema that does not parse (a Protobuf one: compile, with its
    /// `google/protobuf/*` and `confluent/*` imports) is an error, as is a Protobuf schema
    /// with references to other subjects, which needs them
    /// ([`parse_with_imports`](Self::parse_with_imports)).
    pub fn parse(schema: Arc<Schema>) -> Result<Self, RuleError> {
        Self::parse_with_imports(schema, &[])
    }

    /// [`parse`](Self::parse) with the files a Protobuf schema imports from other subjects
    /// (its references: `(import path, schema text)`, as the registry holds them).
    pub fn parse_with_imports(
        schema: Arc<Schema>,
        imports: &[(String, String)],
    ) -> Result<Self, RuleError> {
        let (parsed, inline_tags) = match schema.schema_type {
            SchemaFormat::Avro => {
                let root = apache_avro::Schema::parse_str(&schema.schema).map_err(|e| {
                    RuleError::execution(format!("the Avro schema does not parse: {e}"))
                })?;
                let mut names = HashMap::new();
                tags::collect_avro_names(&root, &mut names, 0);
                let mut inline = HashMap::new();
                tags::collect_avro_inline_tags(&root, &names, &mut inline, &mut BTreeSet::new());
                (
                    ParsedSchema::Avro {
                        schema: root,
                        names,
                    },
                    inline,
                )
            }
            SchemaFormat::Json => {
                let doc: JsonValue = serde_json::from_str(&schema.schema).map_err(|e| {
                    RuleError::execution(format!("the JSON Schema does not parse: {e}"))
                })?;
                (ParsedSchema::Json(doc), HashMap::new())
            }
            SchemaFormat::Protobuf => {
                let (proto, inline) = ProtoSchema::parse(&schema, imports)?;
                (ParsedSchema::Protobuf(proto), inline)
            }
        };
        let mut avro_fields = rustc_hash::FxHashMap::default();
        if let ParsedSchema::Avro { names, .. } = &parsed {
            for named in names.values() {
                if let apache_avro::Schema::Record(record) = named {
                    let record_name = record.name.fullname(None);
                    let fields = record
                        .fields
                        .iter()
                        .map(|field| {
                            let full_name = format!("{record_name}.{}", field.name);
                            let mut tags = inline_tags.get(&full_name).cloned().unwrap_or_default();
                            tags::metadata_tags(schema.metadata.as_ref(), &full_name, &mut tags);
                            AvroFieldInfo { full_name, tags }
                        })
                        .collect();
                    avro_fields.insert(record.name.clone(), fields);
                }
            }
        }
        let avro_datum = match &parsed {
            ParsedSchema::Avro { schema, .. } => Some(AvroDatum::resolve(schema.clone())?),
            _ => None,
        };
        let reversed = |rules: Option<&Vec<Rule>>| {
            rules
                .map(|rules| rules.iter().rev().cloned().collect())
                .unwrap_or_default()
        };
        let rule_set = schema.rule_set.as_ref();
        let domain_reversed = reversed(rule_set.map(|s| &s.domain_rules));
        let migration_reversed = reversed(rule_set.map(|s| &s.migration_rules));
        Ok(RuleSchema {
            schema,
            parsed,
            inline_tags,
            avro_fields,
            avro_datum,
            domain_reversed,
            migration_reversed,
        })
    }

    /// The format.
    pub fn format(&self) -> SchemaFormat {
        self.schema.schema_type
    }

    /// Decodes a payload (the bytes after the frame header; for Protobuf, the message
    /// indexes and the message) into a [`Message`].
    pub fn decode(&self, payload: &[u8]) -> Result<Message, RuleError> {
        match &self.parsed {
            ParsedSchema::Avro { schema, names } => {
                // apache-avro's decoder neither bounds its recursion nor checks lengths
                // against the input: the walk refuses what would overflow or over-allocate.
                let named = |name: &apache_avro::schema::Name| names.get(&name.fullname(None));
                let depth = crate::codec::avro::generic::check(schema, &named, payload).map_err(
                    |reason| {
                        RuleError::execution(format!("the Avro payload does not decode: {reason}"))
                    },
                )?;
                self.avro_datum()?.read(payload, depth).map(Message::Avro)
            }
            ParsedSchema::Json(_) => serde_json::from_slice(payload)
                .map(Message::Json)
                .map_err(|e| RuleError::execution(format!("the JSON payload does not parse: {e}"))),
            ParsedSchema::Protobuf(schema) => schema.decode(payload).map(Message::Protobuf),
        }
    }

    /// The resolved reader and writer of an Avro schema (built by [`parse`](Self::parse)).
    fn avro_datum(&self) -> Result<&AvroDatum, RuleError> {
        self.avro_datum
            .as_ref()
            .ok_or_else(|| RuleError::execution("the schema is not an Avro schema"))
    }

    /// Encodes a message back into a payload in this schema (a Protobuf one behind the
    /// message indexes it was decoded with).
    pub fn encode(&self, message: &Message) -> Result<Vec<u8>, RuleError> {
        let mut out = Vec::new();
        self.encode_into(message, &mut out)?;
        Ok(out)
    }

    /// [`encode`](Self::encode), appending to `out` (after a frame header, say).
    pub fn encode_into(&self, message: &Message, out: &mut Vec<u8>) -> Result<(), RuleError> {
        match (&self.parsed, message) {
            (ParsedSchema::Avro { .. }, Message::Avro(value)) => {
                self.avro_datum()?.write(value, out)
            }
            (ParsedSchema::Json(_), Message::Json(value)) => serde_json::to_writer(out, value)
                .map_err(|e| {
                    RuleError::execution(format!("the JSON message does not encode: {e}"))
                }),
            (ParsedSchema::Protobuf(_), Message::Protobuf(message)) => {
                out.extend_from_slice(&ProtoSchema::encode(message));
                Ok(())
            }
            _ => Err(RuleError::execution(
                "the message is not of the schema's format",
            )),
        }
    }
}
