//! Where the producer and consumer call the rules: one object each, caching per schema id
//! whether the schema has rules. A typed send learns it with the type's id (a bit of the
//! cached id), so a type without rules pays nothing even on a producer that runs rules for
//! other types; sends of bytes read one producer-wide flag first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;

use super::action::DlqAction;
use super::avro_splice::SplicePlan;
use super::cel::TypedConditions;
use super::engine::{
    compiled_conditions_pass, count_compiled_pass, execute_rules, has_rules, runs_any, splice_plan,
    RuleRun,
};
use super::message::RuleSchema;
use super::references::Unfetched;
use super::registry::RuleRegistry;
use crate::client::schema_ids::SchemaIds;
use crate::error::ClientError;
use crate::registry::Schema;
use crate::schema::contract::RuleMode;
use crate::transport::{Header, Transport};

/// Bytes of a Confluent frame header (magic byte and schema id).
const HEADER_LEN: usize = 5;

/// A schema with rules, ready to run them.
#[derive(Debug)]
struct Prepared {
    schema: RuleSchema,
    /// The subject the producer resolved the id under (rules name it in DLQ headers).
    subject: String,
    /// A WRITE run that splices constant field transforms into the frame (`avro_splice`).
    splice: Option<SplicePlan>,
}

/// The producer's WRITE rules.
#[derive(Debug)]
pub(crate) struct WriteRules {
    registry: RuleRegistry,
    /// Set once a schema with WRITE rules was resolved: until then sends of bytes skip the
    /// rules path with one load.
    active: AtomicBool,
    /// Per schema id: the schema with rules this client runs, or `None` for a schema
    /// without (or whose rules this client switched off).
    by_id: RwLock<HashMap<i32, Option<Arc<Prepared>>>>,
    /// CEL conditions of the schemas, compiled against the types sent with them.
    typed: TypedConditions,
}

impl WriteRules {
    /// The rules state of a producer: `registry` (else CEL and CEL_FIELD), with a DLQ
    /// action on the producer's own transport unless one is registered.
    pub(crate) fn new(registry: Option<RuleRegistry>, transport: &Arc<dyn Transport>) -> Self {
        let mut registry = registry.unwrap_or_else(RuleRegistry::with_defaults);
        if registry.action("DLQ").is_none() {
            registry.register_action(DlqAction::new(Arc::clone(transport)));
        }
        WriteRules {
            registry,
            active: AtomicBool::new(false),
            by_id: RwLock::new(HashMap::new()),
            typed: TypedConditions::default(),
        }
    }

    /// Whether any schema this producer resolved has WRITE rules it runs.
    #[inline]
    pub(crate) fn active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// Learns whether schema `id` (resolved under `subject`) has WRITE rules this client
    /// runs: fetched by id once (the registry client caches it), then remembered.
    pub(crate) async fn learn(
        &self,
        registry: &Arc<dyn SchemaIds>,
        subject: &str,
        id: i32,
    ) -> Result<bool, ClientError> {
        if let Some(known) = self
            .by_id
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(known.is_some());
        }
        let schema = registry
            .by_id(id)
            .await?
            .ok_or(ClientError::UnknownSchemaId(id))?;
        self.learn_schema(registry.as_ref(), subject, id, schema)
            .await
    }

    /// [`learn`](Self::learn) with schema `id` already fetched (`registry` fetches what
    /// it references).
    pub(crate) async fn learn_schema(
        &self,
        registry: &dyn SchemaIds,
        subject: &str,
        id: i32,
        schema: Arc<Schema>,
    ) -> Result<bool, ClientError> {
        // Rules this client switched off need no decode (nor a format the engine reads).
        let prepared = prepare(schema, subject, RuleMode::Write, Some(registry))
            .await?
            .filter(|p| runs_any(&self.registry, &p.schema, RuleMode::Write))
            .map(|mut prepared| {
                if let Some(fresh) = Arc::get_mut(&mut prepared) {
                    fresh.splice = splice_plan(&self.registry, &fresh.schema);
                }
                prepared
            });
        let runs = prepared.is_some();
        if runs {
            self.active.store(true, Ordering::Relaxed);
        }
        self.by_id
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, prepared);
        Ok(runs)
    }

    /// Whether the WRITE rules of schema `id` are all conditions the value's compiled
    /// conditions (`evaluate`) pass (see `engine::compiled_conditions_pass`): the frame can
    /// then be sent as it is, without decoding it for the interpreter. The caller counts the
    /// run with [`count_compiled_pass`](Self::count_compiled_pass) when it sends the frame.
    pub(crate) fn compiled_conditions_pass(
        &self,
        id: i32,
        evaluate: &dyn Fn(&str) -> Option<bool>,
    ) -> bool {
        let by_id = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        match by_id.get(&id) {
            Some(Some(prepared)) => {
                compiled_conditions_pass(&self.registry, &prepared.schema, evaluate)
            }
            // Not learnt yet, or no rules: the ordinary path decides.
            _ => false,
        }
    }

    /// A `CEL` condition registered on a subject, on a value of type `T`: see
    /// [`TypedConditions`]. For `evaluate` of
    /// [`compiled_conditions_pass`](Self::compiled_conditions_pass), after the type's own
    /// compiled conditions.
    #[inline]
    pub(crate) fn registered_condition<T: crate::StreamSchema + 'static>(
        &self,
        expr: &str,
        value: &T,
    ) -> Option<bool> {
        self.typed.eval(
            std::any::TypeId::of::<T>(),
            T::cel_fields(),
            expr,
            |field| value.cel_value(field),
        )
    }

    /// Whether the WRITE rules of schema `id` are constant field transforms that
    /// [`spliced`](Self::spliced) can apply.
    pub(crate) fn splices(&self, id: i32) -> bool {
        let by_id = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        matches!(by_id.get(&id), Some(Some(prepared)) if prepared.splice.is_some())
    }

    /// `frame` of schema `id` with its constant field transforms spliced in, as a run of
    /// them would send it (the caller counts the run with
    /// [`count_compiled_pass`](Self::count_compiled_pass)); `None` without a plan or when
    /// the frame does not walk (the interpreter's path then runs and reports why).
    pub(crate) fn spliced(&self, id: i32, frame: &[u8]) -> Option<Bytes> {
        let by_id = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        let plan = by_id.get(&id)?.as_ref()?.splice.as_ref()?;
        plan.apply(frame, HEADER_LEN).map(Bytes::from)
    }

    /// Counts the rules of schema `id` as passed (a send that
    /// [`compiled_conditions_pass`](Self::compiled_conditions_pass) let through).
    pub(crate) fn count_compiled_pass(&self, id: i32) {
        let by_id = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(Some(prepared)) = by_id.get(&id) {
            count_compiled_pass(&self.registry, &prepared.schema);
        }
    }

    /// Runs the WRITE rules of schema `id` on a frame about to be sent to `topic`: the
    /// frame as it was when the schema has none or no transform changed the message, else
    /// the frame of the transformed message. A rule whose action stops the record is
    /// [`ClientError::Rule`].
    pub(crate) async fn apply(
        &self,
        topic: &str,
        id: i32,
        key: Option<&[u8]>,
        frame: Bytes,
    ) -> Result<Bytes, ClientError> {
        self.run(topic, id, false, key, frame).await
    }

    /// [`apply`](Self::apply) for a framed key of schema `id` (`is_key` set, as
    /// Confluent's key serializers run their schema's rules).
    pub(crate) async fn apply_key(
        &self,
        topic: &str,
        id: i32,
        frame: Bytes,
    ) -> Result<Bytes, ClientError> {
        self.run(topic, id, true, None, frame).await
    }

    async fn run(
        &self,
        topic: &str,
        id: i32,
        is_key: bool,
        key: Option<&[u8]>,
        frame: Bytes,
    ) -> Result<Bytes, ClientError> {
        let prepared = self
            .by_id
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .cloned()
            .flatten();
        let Some(prepared) = prepared else {
            return Ok(frame);
        };
        let headers: [Header; 0] = [];
        let run = RuleRun {
            subject: &prepared.subject,
            topic,
            is_key,
            schema_id: id,
            target: &prepared.schema,
            source: None,
            headers: &headers,
            original_key: key,
            original_wire: None,
        };
        // Constant field transforms (a mask) go into the frame as it is, when it walks.
        if let Some(out) = prepared
            .splice
            .as_ref()
            .and_then(|plan| plan.apply(&frame, HEADER_LEN))
        {
            count_compiled_pass(&self.registry, &prepared.schema);
            return Ok(Bytes::from(out));
        }
        let payload = frame.get(HEADER_LEN..).unwrap_or_default();
        let rules_error =
            |e: super::RuleError| ClientError::Rule(Box::new(failure_of(&run, RuleMode::Write, e)));
        let message = prepared.schema.decode(payload).map_err(rules_error)?;
        let (message, changed) = execute_rules(&self.registry, &run, RuleMode::Write, message)
            .await
            .map_err(|failure| ClientError::Rule(Box::new(failure)))?;
        if !changed {
            return Ok(frame);
        }
        // The new frame: the header as it was, the payload encoded right after it.
        let mut out = Vec::with_capacity(frame.len() + frame.len() / 2);
        out.extend_from_slice(frame.get(..HEADER_LEN).unwrap_or_default());
        prepared
            .schema
            .encode_into(&message, &mut out)
            .map_err(rules_error)?;
        Ok(Bytes::from(out))
    }
}

/// The consumer's READ rules.
#[derive(Debug)]
pub(crate) struct ReadRules {
    registry: RuleRegistry,
    /// The consumer's registry: what a Protobuf writer schema references is fetched there.
    ids: Option<Arc<dyn SchemaIds>>,
    by_id: HashMap<i32, Option<Arc<Prepared>>>,
    /// The same for key schemas (their subject is the topic's key subject).
    keys_by_id: HashMap<i32, Option<Arc<Prepared>>>,
}

impl ReadRules {
    /// The rules state of a consumer: `registry`, else CEL and CEL_FIELD (no DLQ action:
    /// register a [`DlqAction`] with the transport to write to).
    pub(crate) fn new(registry: Option<RuleRegistry>) -> Self {
        ReadRules {
            registry: registry.unwrap_or_else(RuleRegistry::with_defaults),
            ids: None,
            by_id: HashMap::new(),
            keys_by_id: HashMap::new(),
        }
    }

    /// Fetches what Protobuf writer schemas reference in `ids` (the consumer's registry).
    pub(crate) fn with_ids(mut self, ids: Option<Arc<dyn SchemaIds>>) -> Self {
        self.ids = ids;
        self
    }

    /// Runs the READ rules of the writer schema `id` on a record's payload (the bytes after
    /// the frame header, a Protobuf payload's message indexes included): `None` when it has none or no transform changed the message, else
    /// the payload re-encoded in the writer schema.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply(
        &mut self,
        topic: &str,
        id: i32,
        schema: &Arc<Schema>,
        key: Option<&[u8]>,
        headers: &[Header],
        wire: &[u8],
        payload: &[u8],
    ) -> Result<Option<Vec<u8>>, ClientError> {
        let record = Record {
            key,
            headers,
            wire: Some(wire),
        };
        self.run(topic, id, schema, false, record, payload).await
    }

    /// [`apply`](Self::apply) for a framed key of schema `id`: its payload (after the
    /// frame header) re-encoded if a transform changed it.
    pub(crate) async fn apply_key(
        &mut self,
        topic: &str,
        id: i32,
        schema: &Arc<Schema>,
        headers: &[Header],
        key: &[u8],
        payload: &[u8],
    ) -> Result<Option<Vec<u8>>, ClientError> {
        let record = Record {
            key: Some(key),
            headers,
            wire: None,
        };
        self.run(topic, id, schema, true, record, payload).await
    }

    async fn run(
        &mut self,
        topic: &str,
        id: i32,
        schema: &Arc<Schema>,
        is_key: bool,
        record: Record<'_>,
        payload: &[u8],
    ) -> Result<Option<Vec<u8>>, ClientError> {
        let known = if is_key {
            self.keys_by_id.get(&id)
        } else {
            self.by_id.get(&id)
        };
        let prepared = match known.cloned() {
            Some(prepared) => prepared,
            None => {
                // The subject is not in the frame; rules see the topic's value (key)
                // subject, as Confluent's deserializer names it with its default strategy.
                let subject = format!("{topic}-{}", if is_key { "key" } else { "value" });
                let ids = self.ids.as_deref();
                let prepared = prepare(Arc::clone(schema), &subject, RuleMode::Read, ids).await?;
                let cache = if is_key {
                    &mut self.keys_by_id
                } else {
                    &mut self.by_id
                };
                cache.insert(id, prepared.clone());
                prepared
            }
        };
        let Some(prepared) = prepared else {
            return Ok(None);
        };
        let Record { key, headers, wire } = record;
        let run = RuleRun {
            subject: &prepared.subject,
            topic,
            is_key,
            schema_id: id,
            target: &prepared.schema,
            source: None,
            headers,
            original_key: key,
            original_wire: wire,
        };
        if !runs_any(&self.registry, &prepared.schema, RuleMode::Read) {
            return Ok(None);
        }
        let rules_error =
            |e: super::RuleError| ClientError::Rule(Box::new(failure_of(&run, RuleMode::Read, e)));
        let message = prepared.schema.decode(payload).map_err(rules_error)?;
        let (message, changed) = execute_rules(&self.registry, &run, RuleMode::Read, message)
            .await
            .map_err(|failure| ClientError::Rule(Box::new(failure)))?;
        if !changed {
            return Ok(None);
        }
        prepared
            .schema
            .encode(&message)
            .map(Some)
            .map_err(rules_error)
    }
}

/// The record around a payload the READ rules run on.
struct Record<'a> {
    /// The record's key bytes.
    key: Option<&'a [u8]>,
    headers: &'a [Header],
    /// The record's value as read, for the DLQ (`None` for a key).
    wire: Option<&'a [u8]>,
}

/// `Some` when `schema` has rules `mode` runs, parsed for them; the files a Protobuf
/// schema references are fetched from `ids` (without it, such a schema is unsupported).
async fn prepare(
    schema: Arc<Schema>,
    subject: &str,
    mode: RuleMode,
    ids: Option<&dyn SchemaIds>,
) -> Result<Option<Arc<Prepared>>, ClientError> {
    if !has_rules(&schema, mode) {
        return Ok(None);
    }
    let failure = |reason: super::RuleError| {
        ClientError::Rule(Box::new(super::RuleFailure {
            rule_name: String::new(),
            rule_type: String::new(),
            mode,
            field: None,
            subject: subject.to_string(),
            action: "ERROR".to_string(),
            reason,
        }))
    };
    let imports = match ids {
        Some(ids)
            if schema.schema_type == crate::schema::SchemaFormat::Protobuf
                && !schema.references.is_empty() =>
        {
            super::references::proto_imports(ids, &schema)
                .await
                .map_err(|e| match e {
                    Unfetched::Registry(error) => error,
                    Unfetched::Invalid(message) => failure(super::RuleError::execution(message)),
                })?
        }
        _ => Vec::new(),
    };
    let parsed = RuleSchema::parse_with_imports(schema, &imports).map_err(failure)?;
    Ok(Some(Arc::new(Prepared {
        schema: parsed,
        subject: subject.to_string(),
        splice: None,
    })))
}

/// A failure outside any one rule (the payload does not decode or re-encode), reported
/// against the first rule of the run.
fn failure_of(run: &RuleRun<'_>, mode: RuleMode, reason: super::RuleError) -> super::RuleFailure {
    let first = run
        .target
        .schema
        .rule_set
        .as_ref()
        .and_then(|s| s.domain_rules.first());
    super::RuleFailure {
        rule_name: first.map(|r| r.name.clone()).unwrap_or_default(),
        rule_type: first.map(|r| r.rule_type.clone()).unwrap_or_default(),
        mode,
        field: reason.field().map(str::to_string),
        subject: run.subject.to_string(),
        action: "ERROR".to_string(),
        reason,
    }
}
