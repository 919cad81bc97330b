//! Reading records as a chosen version of their subject, through migration rules: the
//! consumer side of Confluent's `use.latest.version` / `use.latest.with.metadata`
//! (`serde.py`, `BaseDeserializer._get_reader_schema`; `avro.py`,
//! `AvroDeserializer.__call__`: writer payload → dict → `_execute_migrations` → reader).
//!
//! A record goes: frame → generic value with the writer schema → JSON → each migration
//! step's rules (the engine's [`execute_migration_rules`]) → a value of the reader schema
//! → encoded in the reader schema, which the consumer's typed decoder then reads. Records
//! already in the reader's version, or with no migration rules on the way, are left to the
//! consumer's usual decode (Avro schema resolution to the type).
//!
//! Protobuf records go as in `ProtobufDeserializer.__call__`: the message the frame's
//! indexes name, as `json_format.MessageToDict(msg, True)` writes it
//! (`rules::proto::dict`), through the rules, then
//! `ParseDict` into the reader schema's top-level message of the writer message's name
//! (else its first message; `rules::proto::parse`). A result that
//! does not fit that message is a [`RuleFailure`] naming the step's rules and the path.
//!
//! The subject is the topic's value subject (`TopicNameStrategy`). The reader version is
//! looked up once per subject and kept, as Confluent's client keeps latest versions
//! without `latest.cache.ttl.secs`; the plan is built once per (writer id, reader id).
//! Versions between writer and reader must not be deleted (Confluent fetches deleted ones
//! too; this registry client has no such option).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use prost_reflect::ReflectMessage;

use super::plan::{migrations, Migration};
use super::JsonataExecutor;
use crate::consumer::ConsumedRecord;
use crate::error::ClientError;
use crate::registry::{RegisteredSchema, SchemaRegistryClient};
use crate::rules::convert::{json_to_avro, message_to_json};
use crate::rules::message::{Message, ParsedSchema, RuleSchema};
use crate::rules::proto::dict::message_to_dict;
use crate::rules::proto::parse::dict_to_message;
use crate::rules::references::{proto_imports, Unfetched};
use crate::rules::{execute_migration_rules, RuleError, RuleFailure, RuleRegistry, RuleRun};
use crate::schema::contract::RuleMode;

/// Which version of a subject records are read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderVersion {
    /// The latest version (`use.latest.version`).
    Latest,
    /// The latest version whose metadata properties hold all of these
    /// (`use.latest.with.metadata`, e.g. `application.major.version` → `2`).
    LatestWithMetadata(BTreeMap<String, String>),
}

/// Migrates consumed records to the reader version of their subject.
#[derive(Debug)]
pub struct MigratingReader {
    client: SchemaRegistryClient,
    version: ReaderVersion,
    rules: RuleRegistry,
    readers: Mutex<HashMap<String, Arc<Reader>>>,
    plans: Mutex<HashMap<(i32, i32), Plan>>,
    parsed: Mutex<HashMap<i32, Arc<RuleSchema>>>,
}

/// The reader version of one subject.
#[derive(Debug)]
struct Reader {
    registered: RegisteredSchema,
    schema: Arc<RuleSchema>,
}

/// The steps from one writer version to one reader version.
type Plan = Arc<Vec<Step>>;

/// One migration step with both schemas parsed.
#[derive(Debug)]
struct Step {
    mode: RuleMode,
    source: Arc<RuleSchema>,
    target: Arc<RuleSchema>,
    target_id: i32,
}

impl MigratingReader {
    /// Reads with `version` of each subject, asking `client`, running migration rules with
    /// `rules` (`JSONATA` is registered on it if it has no executor of that type).
    pub fn new(
        client: SchemaRegistryClient,
        version: ReaderVersion,
        mut rules: RuleRegistry,
    ) -> Self {
        if rules.executor("JSONATA").is_none() {
            rules.register_migration_executor(JsonataExecutor::new());
        }
        MigratingReader {
            client,
            version,
            rules,
            readers: Mutex::default(),
            plans: Mutex::default(),
            parsed: Mutex::default(),
        }
    }

    /// `record` re-encoded in its subject's reader version after the migration rules
    /// between, or `None` when no rule runs on the way (same version, or no rules), so the
    /// record is decoded as it is.
    pub async fn migrate(
        &self,
        record: &ConsumedRecord,
    ) -> Result<Option<ConsumedRecord>, ClientError> {
        let (Some(writer_id), Some(writer)) = (record.schema_id, &record.schema) else {
            return Ok(None);
        };
        let subject = format!("{}-value", record.topic);
        let reader = self.reader(&subject).await?;
        if reader.registered.id == writer_id {
            return Ok(None);
        }
        let steps = self.plan(&subject, writer_id, writer, &reader).await?;
        let Some(last) = steps.last() else {
            return Ok(None);
        };
        let writer_schema = self.parsed(writer_id, Arc::clone(writer)).await?;
        let (mut json, writer_message) = match &writer_schema.parsed {
            // As Python's `ProtobufDeserializer`: `MessageToDict(msg, True)` of the message
            // the frame's indexes name.
            ParsedSchema::Protobuf(proto) => {
                let message = proto
                    .decode_at(&record.message_indexes, &record.value)
                    .map_err(|e| failure(&subject, last, e))?;
                let json = message_to_dict(&message).map_err(|e| failure(&subject, last, e))?;
                (json, Some(message.descriptor().name().to_string()))
            }
            _ => {
                let message = writer_schema
                    .decode(&record.value)
                    .map_err(|e| failure(&subject, last, e))?;
                (message_to_json(&message), None)
            }
        };
        for step in steps.iter() {
            let run = RuleRun {
                subject: &subject,
                topic: &record.topic,
                is_key: false,
                schema_id: step.target_id,
                target: &step.target,
                source: Some(&step.source),
                headers: &record.headers,
                original_key: record.key.as_deref(),
                original_wire: None,
            };
            json = execute_migration_rules(&self.rules, &run, step.mode, json)
                .await
                .map_err(|e| ClientError::Rule(Box::new(e)))?;
        }
        let (payload, message_indexes) = match &reader.schema.parsed {
            ParsedSchema::Avro { schema, names } => {
                let migrated = Message::Avro(
                    json_to_avro(&json, schema, names).map_err(|e| failure(&subject, last, e))?,
                );
                let payload = reader
                    .schema
                    .encode(&migrated)
                    .map_err(|e| failure(&subject, last, e))?;
                (payload, Vec::new())
            }
            ParsedSchema::Json(_) => {
                let payload = reader
                    .schema
                    .encode(&Message::Json(json))
                    .map_err(|e| failure(&subject, last, e))?;
                (payload, Vec::new())
            }
            // `ParseDict` into the reader's message of the writer message's name.
            ParsedSchema::Protobuf(proto) => {
                let name = writer_message.unwrap_or_default();
                let (descriptor, indexes) = proto.reader_message(&name).ok_or_else(|| {
                    failure(
                        &subject,
                        last,
                        RuleError::execution("the reader schema has no message"),
                    )
                })?;
                let message =
                    dict_to_message(&json, &descriptor).map_err(|e| failure(&subject, last, e))?;
                (prost::Message::encode_to_vec(&message), indexes)
            }
        };
        Ok(Some(ConsumedRecord {
            value: payload.into(),
            schema_id: Some(reader.registered.id),
            schema: Some(Arc::clone(&reader.schema.schema)),
            message_indexes,
            ..record.clone()
        }))
    }

    /// The reader version of `subject`, fetched on first use.
    async fn reader(&self, subject: &str) -> Result<Arc<Reader>, ClientError> {
        if let Some(reader) = lock(&self.readers).get(subject) {
            return Ok(Arc::clone(reader));
        }
        let registered = match &self.version {
            ReaderVersion::Latest => self.client.get_latest(subject).await?,
            ReaderVersion::LatestWithMetadata(metadata) => {
                self.client
                    .get_latest_with_metadata(subject, metadata, true)
                    .await?
            }
        };
        let schema = self
            .parsed(registered.id, Arc::new(registered.schema.clone()))
            .await?;
        let reader = Arc::new(Reader { registered, schema });
        lock(&self.readers).insert(subject.to_string(), Arc::clone(&reader));
        Ok(reader)
    }

    /// The steps from writer `writer_id` to `reader`, planned on first use.
    async fn plan(
        &self,
        subject: &str,
        writer_id: i32,
        writer: &crate::registry::Schema,
        reader: &Reader,
    ) -> Result<Plan, ClientError> {
        let key = (writer_id, reader.registered.id);
        if let Some(plan) = lock(&self.plans).get(&key) {
            return Ok(Arc::clone(plan));
        }
        let writer_version = self.client.lookup_schema(subject, writer).await?;
        let planned =
            migrations(&self.client, subject, &writer_version, &reader.registered).await?;
        let mut steps = Vec::with_capacity(planned.len());
        for Migration {
            mode,
            source,
            target,
        } in planned
        {
            steps.push(Step {
                mode,
                source: self
                    .parsed(source.id, Arc::new(source.schema.clone()))
                    .await?,
                target: self
                    .parsed(target.id, Arc::new(target.schema.clone()))
                    .await?,
                target_id: target.id,
            });
        }
        let steps = Arc::new(steps);
        lock(&self.plans).insert(key, Arc::clone(&steps));
        Ok(steps)
    }

    /// Schema `id` parsed for rules, once (a Protobuf schema with the files it references,
    /// fetched from the registry).
    async fn parsed(
        &self,
        id: i32,
        schema: Arc<crate::registry::Schema>,
    ) -> Result<Arc<RuleSchema>, ClientError> {
        if let Some(parsed) = lock(&self.parsed).get(&id) {
            return Ok(Arc::clone(parsed));
        }
        let unreadable = |e: &dyn std::fmt::Display| {
            ClientError::ConfigError(format!("schema id {id} cannot be read for migrations: {e}"))
        };
        let imports = if schema.schema_type == crate::schema::SchemaFormat::Protobuf
            && !schema.references.is_empty()
        {
            proto_imports(&self.client, &schema)
                .await
                .map_err(|e| match e {
                    Unfetched::Registry(error) => error,
                    Unfetched::Invalid(message) => unreadable(&message),
                })?
        } else {
            Vec::new()
        };
        let parsed =
            Arc::new(RuleSchema::parse_with_imports(schema, &imports).map_err(|e| unreadable(&e))?);
        lock(&self.parsed).insert(id, Arc::clone(&parsed));
        Ok(parsed)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A failure around the migration's rules (the writer payload does not decode, or the
/// migrated message does not fit the reader schema), reported against the last step's
/// rules, whose output it is.
fn failure(subject: &str, step: &Step, reason: RuleError) -> ClientError {
    let rules = crate::rules::engine::rules_for(&step.target, Some(&step.source), step.mode);
    // The rules of the step's direction (an UPDOWN rule runs both ways).
    let rules: Vec<_> = rules
        .iter()
        .filter(|r| r.mode == step.mode || r.mode == RuleMode::Updown)
        .collect();
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    ClientError::Rule(Box::new(RuleFailure {
        rule_name: names.join(","),
        rule_type: rules
            .first()
            .map_or_else(|| "JSONATA".to_string(), |r| r.rule_type.clone()),
        mode: step.mode,
        field: None,
        subject: subject.to_string(),
        action: "ERROR".to_string(),
        reason,
    }))
}

/// The consumer builder's migration setting made into a reader: the registry client it was
/// given, else one for its registry URL; the consumer's rule registry if it has one (with
/// `JSONATA` added), else the defaults.
pub(crate) fn for_consumer(
    (version, client): (Option<ReaderVersion>, Option<SchemaRegistryClient>),
    registry: &crate::client::settings::RegistrySetting,
    rules: Option<RuleRegistry>,
) -> Result<Option<Arc<MigratingReader>>, ClientError> {
    use crate::client::settings::RegistrySetting;
    let Some(version) = version else {
        return Ok(None);
    };
    let client = match (registry, client) {
        (RegistrySetting::Url(url), _) => SchemaRegistryClient::try_new(url.clone())?,
        (RegistrySetting::Ready(_), Some(client)) => client,
        _ => {
            return Err(ClientError::ConfigError(
                "reading with the latest version needs a schema registry: call .schema_registry(url) or .schema_registry_client(client) on the builder".to_string(),
            ))
        }
    };
    Ok(Some(Arc::new(MigratingReader::new(
        client,
        version,
        rules.unwrap_or_else(RuleRegistry::with_defaults),
    ))))
}
