//! The in-memory registry's data and rules, free of locking and async.
//!
//! Semantics follow a real Confluent registry: ids come from one counter starting at 1;
//! the same schema (same format, normalized text and references) gets the same id in
//! every subject; versions count from 1 per subject and never reuse a number; deletes are
//! soft first, permanent second; registration is checked with [`crate::compat`].
//!
//! Limitation: `compat` parses self-contained schemas only, so a schema with references
//! is identified by its exact text and subjects involving references are not
//! compatibility-checked (their references must still exist).

use std::collections::{BTreeMap, HashMap};

use crate::compat::{self, CompatibilityLevel};
use crate::registry::error::codes;
use crate::registry::{
    CompatibilityCheck, Mode, Operation, RegisteredSchema, RegistryError, Schema, SchemaReference,
    ServerConfig, Version,
};
use crate::schema::contract::{Metadata, RuleSet};
use crate::schema::proto_file::serialized_proto_with_imports;
use crate::schema::SchemaFormat;

/// What makes two registrations "the same schema": as Confluent's `MD5.ofSchema`, the
/// metadata and rule set count too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Identity {
    format: SchemaFormat,
    normalized: String,
    references: Vec<SchemaReference>,
    metadata: Option<Metadata>,
    rule_set: Option<RuleSet>,
}

/// Replaces `target` with `value` when `value` is set (a config update keeps what it omits).
fn set_if_some<T: Clone>(target: &mut Option<T>, value: &Option<T>) {
    if value.is_some() {
        target.clone_from(value);
    }
}

/// `schema` with empty metadata and rule sets dropped (Confluent hashes them as absent).
fn without_empty_contract(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    schema.metadata = schema.metadata.filter(|m| !m.is_empty());
    schema.rule_set = schema
        .rule_set
        .filter(|r| !r.is_empty() || r.enable_at.is_some());
    schema
}

#[derive(Debug)]
struct Stored {
    schema: Schema,
    identity: Identity,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    version: i32,
    id: i32,
    deleted: bool,
}

#[derive(Debug, Default)]
struct Subject {
    entries: Vec<Entry>,
    level: Option<CompatibilityLevel>,
    /// The subject's own mode, if set.
    mode: Option<Mode>,
    /// The data-contract part of the subject's config (its level is `level`).
    contract: Option<ServerConfig>,
}

impl Subject {
    fn live(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter().filter(|entry| !entry.deleted)
    }
}

/// The whole registry.
#[derive(Debug)]
pub(super) struct State {
    next_id: i32,
    schemas: BTreeMap<i32, Stored>,
    ids: HashMap<Identity, i32>,
    subjects: BTreeMap<String, Subject>,
    global_level: CompatibilityLevel,
    global_mode: Mode,
    /// The data-contract part of the global config.
    global_contract: ServerConfig,
    /// The DEK registry.
    pub(super) keys: super::keys::Keys,
}

impl Default for State {
    fn default() -> Self {
        Self {
            next_id: 1,
            schemas: BTreeMap::new(),
            ids: HashMap::new(),
            subjects: BTreeMap::new(),
            global_level: CompatibilityLevel::Backward,
            global_mode: Mode::ReadWrite,
            global_contract: ServerConfig::default(),
            keys: super::keys::Keys::default(),
        }
    }
}

fn subject_not_found(operation: Operation, subject: &str) -> RegistryError {
    RegistryError::status(
        operation,
        404,
        codes::SUBJECT_NOT_FOUND,
        format!("Subject '{subject}' not found."),
    )
}

fn version_not_found(operation: Operation, subject: &str, version: i32) -> RegistryError {
    RegistryError::status(
        operation,
        404,
        codes::VERSION_NOT_FOUND,
        format!("Version {version} not found for subject '{subject}'."),
    )
}

fn invalid_version(operation: Operation, version: i32) -> RegistryError {
    RegistryError::status(
        operation,
        422,
        codes::INVALID_VERSION,
        format!(
            "The specified version '{version}' is not a valid version id. Allowed values are \
             between [1, 2^31-1] and the string \"latest\""
        ),
    )
}

fn invalid_schema(operation: Operation, reason: impl std::fmt::Display) -> RegistryError {
    RegistryError::status(
        operation,
        422,
        codes::INVALID_SCHEMA,
        format!("Invalid schema: {reason}"),
    )
}

impl State {
    fn identity(&self, operation: Operation, schema: &Schema) -> Result<Identity, RegistryError> {
        if !schema.references.is_empty() {
            // `compat` parses self-contained schemas only; a schema importing others is
            // identified by its exact text (trimmed) plus its references.
            return Ok(Identity {
                format: schema.schema_type,
                normalized: schema.schema.trim().to_string(),
                references: schema.references.clone(),
                metadata: schema.metadata.clone(),
                rule_set: schema.rule_set.clone(),
            });
        }
        let parsed = compat::parse_schema(schema.schema_type, &schema.schema)
            .map_err(|error| invalid_schema(operation, error))?;
        Ok(Identity {
            format: schema.schema_type,
            normalized: parsed.normalized(),
            references: schema.references.clone(),
            metadata: schema.metadata.clone(),
            rule_set: schema.rule_set.clone(),
        })
    }

    fn level_of(&self, subject: &str) -> CompatibilityLevel {
        self.subjects
            .get(subject)
            .and_then(|state| state.level)
            .unwrap_or(self.global_level)
    }

    /// The subject, if it has at least one live version.
    fn live_subject(&self, operation: Operation, subject: &str) -> Result<&Subject, RegistryError> {
        self.subjects
            .get(subject)
            .filter(|state| state.live().next().is_some())
            .ok_or_else(|| subject_not_found(operation, subject))
    }

    /// A live entry of a live subject.
    fn live_entry(
        &self,
        operation: Operation,
        subject: &str,
        version: Version,
    ) -> Result<Entry, RegistryError> {
        let state = self.live_subject(operation, subject)?;
        match version {
            Version::Latest => state.live().next_back().copied(),
            Version::Number(number) if number <= 0 => {
                return Err(invalid_version(operation, number))
            }
            Version::Number(number) => state.live().find(|entry| entry.version == number).copied(),
        }
        .ok_or_else(|| match version {
            Version::Number(number) => version_not_found(operation, subject, number),
            Version::Latest => subject_not_found(operation, subject),
        })
    }

    fn stored(&self, operation: Operation, id: i32) -> Result<&Stored, RegistryError> {
        self.schemas.get(&id).ok_or_else(|| {
            RegistryError::status(
                operation,
                404,
                codes::SCHEMA_NOT_FOUND,
                format!("Schema {id} not found"),
            )
        })
    }

    fn registered(
        &self,
        operation: Operation,
        subject: &str,
        entry: Entry,
    ) -> Result<RegisteredSchema, RegistryError> {
        Ok(RegisteredSchema {
            subject: subject.to_string(),
            id: entry.id,
            version: entry.version,
            schema: self.stored(operation, entry.id)?.schema.clone(),
        })
    }

    /// The contract config that applies to `subject` (Confluent's `getConfigInScope` and
    /// `Config.mergeConfigs`): a subject with a config of its own takes its defaults and
    /// overrides from it alone, its compatibility group falling back to the global one.
    fn contract_in_scope(&self, subject: &str) -> ServerConfig {
        let own = self.subjects.get(subject);
        let has_config = own.is_some_and(|state| state.level.is_some() || state.contract.is_some());
        if !has_config {
            return self.global_contract.clone();
        }
        let mut config = own
            .and_then(|state| state.contract.clone())
            .unwrap_or_default();
        if config.compatibility_group.is_none() {
            config
                .compatibility_group
                .clone_from(&self.global_contract.compatibility_group);
        }
        config
    }

    /// `schema` as a registration stores it (Confluent's `maybeSetMetadataRuleSet`): its
    /// own metadata and rules, else the subject's latest live version's, between the
    /// config's defaults and overrides.
    fn with_merged_contract(
        &self,
        subject: &str,
        config: &ServerConfig,
        schema: &Schema,
    ) -> Schema {
        let previous = self
            .subjects
            .get(subject)
            .and_then(|state| state.live().next_back())
            .and_then(|entry| self.schemas.get(&entry.id))
            .map(|stored| &stored.schema);
        let metadata = schema
            .metadata
            .as_ref()
            .or(previous.and_then(|p| p.metadata.as_ref()));
        let rule_set = schema
            .rule_set
            .as_ref()
            .or(previous.and_then(|p| p.rule_set.as_ref()));
        let mut merged = schema.clone();
        merged.metadata = Metadata::merge(
            Metadata::merge(config.default_metadata.as_ref(), metadata).as_ref(),
            config.override_metadata.as_ref(),
        );
        merged.rule_set = RuleSet::merge(
            RuleSet::merge(config.default_rule_set.as_ref(), rule_set).as_ref(),
            config.override_rule_set.as_ref(),
        );
        without_empty_contract(&merged)
    }

    /// The value of the compatibility-group property in the stored schema `id`.
    fn group_value(&self, id: i32, group: &str) -> Option<&str> {
        self.schemas
            .get(&id)
            .and_then(|stored| stored.schema.metadata.as_ref())
            .and_then(|metadata| metadata.properties.get(group))
            .map(String::as_str)
    }

    /// The live entry of `subject` holding exactly `identity`.
    fn live_with(&self, subject: &str, identity: &Identity) -> Option<Entry> {
        let id = self.ids.get(identity).copied()?;
        self.subjects
            .get(subject)?
            .live()
            .find(|entry| entry.id == id)
            .copied()
    }

    /// The newest version of `subject` whose metadata properties hold all of `metadata`.
    pub(super) fn latest_with_metadata(
        &self,
        subject: &str,
        metadata: &BTreeMap<String, String>,
        deleted: bool,
    ) -> Result<RegisteredSchema, RegistryError> {
        let operation = Operation::GetLatestWithMetadata;
        let state = self
            .subjects
            .get(subject)
            .filter(|state| state.entries.iter().any(|entry| deleted || !entry.deleted))
            .ok_or_else(|| subject_not_found(operation, subject))?;
        let found = state
            .entries
            .iter()
            .rev()
            .filter(|entry| deleted || !entry.deleted)
            .find(|entry| {
                self.schemas
                    .get(&entry.id)
                    .and_then(|stored| stored.schema.metadata.as_ref())
                    .is_some_and(|held| {
                        metadata
                            .iter()
                            .all(|(key, value)| held.properties.get(key) == Some(value))
                    })
            })
            .copied()
            .ok_or_else(|| {
                RegistryError::status(operation, 404, codes::SCHEMA_NOT_FOUND, "Schema not found")
            })?;
        self.registered(operation, subject, found)
    }

    fn check_references(&self, operation: Operation, schema: &Schema) -> Result<(), RegistryError> {
        for reference in &schema.references {
            self.live_entry(
                operation,
                &reference.subject,
                Version::from(reference.version),
            )
            .map_err(|_| {
                invalid_schema(
                    operation,
                    format!(
                        "reference '{}' to subject '{}' version {} does not exist",
                        reference.name, reference.subject, reference.version
                    ),
                )
            })?;
        }
        Ok(())
    }

    /// The schemas `references` name, with theirs after them (depth first, each once, by
    /// the name the referring schema uses), for parsing a schema that uses them.
    fn referenced(
        &self,
        operation: Operation,
        references: &[SchemaReference],
    ) -> Result<Vec<(String, String)>, RegistryError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut seen: Vec<i32> = Vec::new();
        let mut pending: Vec<SchemaReference> = references.iter().rev().cloned().collect();
        while let Some(reference) = pending.pop() {
            let entry = self
                .live_entry(
                    operation,
                    &reference.subject,
                    Version::from(reference.version),
                )
                .map_err(|_| {
                    invalid_schema(
                        operation,
                        format!(
                            "reference '{}' to subject '{}' version {} does not exist",
                            reference.name, reference.subject, reference.version
                        ),
                    )
                })?;
            if seen.contains(&entry.id) {
                continue;
            }
            seen.push(entry.id);
            let stored = self.stored(operation, entry.id)?;
            pending.extend(stored.schema.references.iter().rev().cloned());
            if pairs.iter().all(|(name, _)| *name != reference.name) {
                pairs.push((reference.name.clone(), stored.schema.schema.clone()));
            }
        }
        Ok(pairs)
    }

    /// Why `candidate` may not follow `existing` (oldest first) under `level`; empty when
    /// it may.
    fn incompatibilities(
        &self,
        operation: Operation,
        level: CompatibilityLevel,
        candidate: &Schema,
        existing: &[Entry],
    ) -> Result<Vec<String>, RegistryError> {
        if level == CompatibilityLevel::None || existing.is_empty() {
            return Ok(Vec::new());
        }
        let parse = |schema: &Schema| -> Result<compat::ParsedSchema, RegistryError> {
            let referenced = self.referenced(operation, &schema.references)?;
            let pairs: Vec<(&str, &str)> = referenced
                .iter()
                .map(|(name, text)| (name.as_str(), text.as_str()))
                .collect();
            compat::parse_schema_with_references(schema.schema_type, &schema.schema, &pairs)
                .map_err(|error| invalid_schema(operation, error))
        };
        let mut parsed = Vec::with_capacity(existing.len());
        for entry in existing {
            let stored = self.stored(operation, entry.id)?;
            if stored.schema.schema_type != candidate.schema_type {
                return Ok(vec![format!(
                    "Incompatible because of different schema type: version {} is {}, the \
                     new schema is {}",
                    entry.version, stored.schema.schema_type, candidate.schema_type
                )]);
            }
            parsed.push(parse(&stored.schema)?);
        }
        // Referenced types (Avro named types, JSON `$ref`s, Protobuf imports) are resolved
        // from the referenced versions, as the registry server does.
        let report = compat::check_parsed(level, &parse(candidate)?, &parsed);
        Ok(report.messages)
    }

    pub(super) fn register(
        &mut self,
        subject: &str,
        schema: &Schema,
    ) -> Result<i32, RegistryError> {
        let operation = Operation::Register;
        self.check_writable(operation, subject)?;
        if subject.trim().is_empty() {
            return Err(RegistryError::status(
                operation,
                422,
                codes::INVALID_SUBJECT,
                "Invalid subject: the subject name is empty",
            ));
        }
        if let Some(rule_set) = &schema.rule_set {
            rule_set.validate().map_err(|error| {
                RegistryError::status(
                    operation,
                    422,
                    codes::INVALID_RULESET,
                    format!("Invalid rule set: {error}"),
                )
            })?;
        }
        let schema = &without_empty_contract(schema);
        let config = self.contract_in_scope(subject);
        let has_defaults_or_overrides = config.default_metadata.is_some()
            || config.override_metadata.is_some()
            || config.default_rule_set.is_some()
            || config.override_rule_set.is_some();
        // As sent, then as it would be stored (`registerOrForward`, then `register`).
        if !has_defaults_or_overrides {
            if let Some(entry) = self.live_with(subject, &self.identity(operation, schema)?) {
                return Ok(entry.id);
            }
        }
        let schema = &self.with_merged_contract(subject, &config, schema);
        let identity = self.identity(operation, schema)?;
        self.check_references(operation, schema)?;
        let live: Vec<Entry> = self
            .subjects
            .get(subject)
            .map(|state| state.live().copied().collect())
            .unwrap_or_default();
        let known_id = self.ids.get(&identity).copied();
        if let Some(entry) = live.iter().find(|entry| Some(entry.id) == known_id) {
            return Ok(entry.id);
        }
        // With a compatibility group, only versions with the candidate's group value count.
        let in_group: Vec<Entry> = match config.compatibility_group.as_deref() {
            Some(group) => {
                let value = schema
                    .metadata
                    .as_ref()
                    .and_then(|metadata| metadata.properties.get(group))
                    .map(String::as_str);
                live.iter()
                    .filter(|entry| self.group_value(entry.id, group) == value)
                    .copied()
                    .collect()
            }
            None => live.clone(),
        };
        let level = self.level_of(subject);
        let relevant = compat::versions_to_check(level, &in_group);
        let problems = self.incompatibilities(operation, level, schema, relevant)?;
        if !problems.is_empty() {
            // 409 as the error code too: what the embedded server (and Karapace, and
            // Confluent before 8.x) answers, so both registries read the same.
            return Err(RegistryError::status(
                operation,
                409,
                codes::INCOMPATIBLE_LEGACY,
                format!(
                    "Schema being registered is incompatible with an earlier schema for \
                     subject \"{subject}\", details: [{}]",
                    problems.join("; ")
                ),
            ));
        }
        let id = match known_id {
            Some(id) => id,
            None => {
                let id = self.next_id;
                self.next_id = id.checked_add(1).ok_or_else(|| {
                    RegistryError::status(
                        operation,
                        500,
                        codes::STORE_ERROR,
                        "schema ids exhausted",
                    )
                })?;
                self.schemas.insert(
                    id,
                    Stored {
                        schema: schema.clone(),
                        identity: identity.clone(),
                    },
                );
                self.ids.insert(identity, id);
                id
            }
        };
        let state = self.subjects.entry(subject.to_string()).or_default();
        let version = state
            .entries
            .last()
            .map_or(1, |last| last.version.saturating_add(1));
        state.entries.push(Entry {
            version,
            id,
            deleted: false,
        });
        Ok(id)
    }

    pub(super) fn lookup(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<RegisteredSchema, RegistryError> {
        let operation = Operation::Lookup;
        self.live_subject(operation, subject)?;
        let schema = &without_empty_contract(schema);
        let as_sent = self.identity(operation, schema)?;
        // As `lookUpSchemaUnderSubject`: then as a registration would store it.
        let config = self.contract_in_scope(subject);
        let merged = self.identity(
            operation,
            &self.with_merged_contract(subject, &config, schema),
        )?;
        let entry = self
            .live_with(subject, &as_sent)
            .or_else(|| self.live_with(subject, &merged))
            .ok_or_else(|| {
                RegistryError::status(
                    operation,
                    404,
                    codes::SCHEMA_NOT_FOUND,
                    format!("Schema not found under subject '{subject}'"),
                )
            })?;
        self.registered(operation, subject, entry)
    }

    pub(super) fn schema_by_id(&self, id: i32) -> Result<Schema, RegistryError> {
        Ok(self.stored(Operation::GetSchemaById, id)?.schema.clone())
    }

    /// The schema with `id`, a Protobuf one as its base64 descriptor compiled with its
    /// references, as a registry answers `?format=serialized`.
    pub(super) fn schema_by_id_serialized(&self, id: i32) -> Result<Schema, RegistryError> {
        let operation = Operation::GetSchemaById;
        let mut schema = self.stored(operation, id)?.schema.clone();
        if schema.schema_type == SchemaFormat::Protobuf {
            let referenced = self.referenced(operation, &schema.references)?;
            let pairs: Vec<(&str, &str)> = referenced
                .iter()
                .map(|(name, text)| (name.as_str(), text.as_str()))
                .collect();
            schema.schema = serialized_proto_with_imports(&schema.schema, &pairs)
                .map_err(|error| invalid_schema(operation, error))?;
        }
        Ok(schema)
    }

    pub(super) fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
        version: Version,
    ) -> Result<CompatibilityCheck, RegistryError> {
        let operation = Operation::TestCompatibility;
        self.identity(operation, schema)?;
        let has_live = self
            .subjects
            .get(subject)
            .is_some_and(|state| state.live().next().is_some());
        if version == Version::Latest && !has_live {
            // Nothing to be incompatible with: a first registration always succeeds.
            return Ok(CompatibilityCheck {
                is_compatible: true,
                messages: Vec::new(),
            });
        }
        let entry = self.live_entry(operation, subject, version)?;
        let messages =
            self.incompatibilities(operation, self.level_of(subject), schema, &[entry])?;
        Ok(CompatibilityCheck {
            is_compatible: messages.is_empty(),
            messages,
        })
    }

    pub(super) fn get_version(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<RegisteredSchema, RegistryError> {
        let operation = Operation::GetVersion;
        let entry = self.live_entry(operation, subject, version)?;
        self.registered(operation, subject, entry)
    }

    pub(super) fn list_subjects(&self) -> Vec<String> {
        self.subjects
            .iter()
            .filter(|(_, state)| state.live().next().is_some())
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub(super) fn list_versions(&self, subject: &str) -> Result<Vec<i32>, RegistryError> {
        let state = self.live_subject(Operation::ListVersions, subject)?;
        Ok(state.live().map(|entry| entry.version).collect())
    }

    /// The config of `subject` (the global one when it has none of its own), or the global
    /// config; the level is always filled in.
    pub(super) fn get_config(&self, subject: Option<&str>) -> ServerConfig {
        let mut config = match subject {
            Some(subject) => self.contract_in_scope(subject),
            None => self.global_contract.clone(),
        };
        config.compatibility_level = Some(self.get_compatibility(subject));
        config
    }

    /// Sets the `Some` fields of `config` (42210 for an invalid rule set).
    pub(super) fn set_config(
        &mut self,
        subject: Option<&str>,
        config: &ServerConfig,
    ) -> Result<ServerConfig, RegistryError> {
        for rule_set in [&config.default_rule_set, &config.override_rule_set]
            .into_iter()
            .flatten()
        {
            rule_set.validate().map_err(|error| {
                RegistryError::status(
                    Operation::SetConfig,
                    422,
                    codes::INVALID_RULESET,
                    format!("Invalid rule set: {error}"),
                )
            })?;
        }
        if let Some(level) = config.compatibility_level {
            self.set_compatibility(subject, level);
        }
        let touches_contract = config.compatibility_group.is_some()
            || config.default_metadata.is_some()
            || config.override_metadata.is_some()
            || config.default_rule_set.is_some()
            || config.override_rule_set.is_some();
        if touches_contract {
            let stored = match subject {
                Some(subject) => self
                    .subjects
                    .entry(subject.to_string())
                    .or_default()
                    .contract
                    .get_or_insert_with(ServerConfig::default),
                None => &mut self.global_contract,
            };
            set_if_some(&mut stored.compatibility_group, &config.compatibility_group);
            set_if_some(&mut stored.default_metadata, &config.default_metadata);
            set_if_some(&mut stored.override_metadata, &config.override_metadata);
            set_if_some(&mut stored.default_rule_set, &config.default_rule_set);
            set_if_some(&mut stored.override_rule_set, &config.override_rule_set);
        }
        Ok(config.clone())
    }

    /// The mode of `subject` (its own, else the global one), or the global mode: what
    /// `GET /mode/{subject}?defaultToGlobal=true` answers.
    pub(super) fn get_mode(&self, subject: Option<&str>) -> Mode {
        subject
            .and_then(|subject| self.subjects.get(subject))
            .and_then(|state| state.mode)
            .unwrap_or(self.global_mode)
    }

    pub(super) fn set_mode(&mut self, subject: Option<&str>, mode: Mode) -> Mode {
        match subject {
            Some(subject) => {
                self.subjects.entry(subject.to_string()).or_default().mode = Some(mode)
            }
            None => self.global_mode = mode,
        }
        mode
    }

    /// 42205 when `subject` is read-only, as the server answers registrations and deletes.
    fn check_writable(&self, operation: Operation, subject: &str) -> Result<(), RegistryError> {
        // A global READONLY_OVERRIDE wins over the subject's own mode (Confluent's
        // `KafkaSchemaRegistry.getModeInScope`).
        let in_scope = match self.global_mode {
            Mode::ReadOnlyOverride => Mode::ReadOnlyOverride,
            _ => self.get_mode(Some(subject)),
        };
        if in_scope.is_read_only() {
            return Err(RegistryError::status(
                operation,
                422,
                codes::OPERATION_NOT_PERMITTED,
                format!("Subject {subject} is in read-only mode"),
            ));
        }
        Ok(())
    }

    pub(super) fn get_compatibility(&self, subject: Option<&str>) -> CompatibilityLevel {
        subject.map_or(self.global_level, |subject| self.level_of(subject))
    }

    pub(super) fn set_compatibility(
        &mut self,
        subject: Option<&str>,
        level: CompatibilityLevel,
    ) -> CompatibilityLevel {
        match subject {
            Some(subject) => {
                self.subjects.entry(subject.to_string()).or_default().level = Some(level)
            }
            None => self.global_level = level,
        }
        level
    }

    /// Fails with 42206 when a live schema still imports one of `versions` of `subject`.
    fn check_not_referenced(
        &self,
        operation: Operation,
        subject: &str,
        versions: &[i32],
    ) -> Result<(), RegistryError> {
        for (other_subject, state) in &self.subjects {
            for entry in state.live() {
                let Some(stored) = self.schemas.get(&entry.id) else {
                    continue;
                };
                let hit = stored.schema.references.iter().find(|reference| {
                    reference.subject == subject && versions.contains(&reference.version)
                });
                if let Some(reference) = hit {
                    return Err(RegistryError::status(
                        operation,
                        422,
                        codes::REFERENCE_EXISTS,
                        format!(
                            "One or more references exist to the schema {{subject={subject}, \
                             version={}}}: referenced by subject '{other_subject}' version {}",
                            reference.version, entry.version
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Forgets `id` when no version of any subject uses it any more.
    fn collect_garbage(&mut self, id: i32) {
        let used = self
            .subjects
            .values()
            .any(|state| state.entries.iter().any(|entry| entry.id == id));
        if !used {
            if let Some(stored) = self.schemas.remove(&id) {
                self.ids.remove(&stored.identity);
            }
        }
    }

    pub(super) fn delete_subject(
        &mut self,
        subject: &str,
        permanent: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let operation = Operation::DeleteSubject;
        self.check_writable(operation, subject)?;
        let Some(state) = self
            .subjects
            .get(subject)
            .filter(|state| !state.entries.is_empty())
        else {
            return Err(subject_not_found(operation, subject));
        };
        let live: Vec<i32> = state.live().map(|entry| entry.version).collect();
        if permanent {
            if !live.is_empty() {
                return Err(RegistryError::status(
                    operation,
                    404,
                    codes::SUBJECT_NOT_SOFT_DELETED,
                    format!(
                        "Subject '{subject}' was not deleted first before being permanently \
                         deleted"
                    ),
                ));
            }
            let removed = self.subjects.remove(subject).unwrap_or_default();
            for entry in &removed.entries {
                self.collect_garbage(entry.id);
            }
            return Ok(removed.entries.iter().map(|entry| entry.version).collect());
        }
        if live.is_empty() {
            return Err(RegistryError::status(
                operation,
                404,
                codes::SUBJECT_SOFT_DELETED,
                format!("Subject '{subject}' was soft deleted. Set permanent=true to delete permanently"),
            ));
        }
        self.check_not_referenced(operation, subject, &live)?;
        if let Some(state) = self.subjects.get_mut(subject) {
            state
                .entries
                .iter_mut()
                .for_each(|entry| entry.deleted = true);
        }
        Ok(live)
    }

    pub(super) fn delete_version(
        &mut self,
        subject: &str,
        version: Version,
        permanent: bool,
    ) -> Result<i32, RegistryError> {
        let operation = Operation::DeleteVersion;
        self.check_writable(operation, subject)?;
        let Some(state) = self
            .subjects
            .get(subject)
            .filter(|state| !state.entries.is_empty())
        else {
            return Err(subject_not_found(operation, subject));
        };
        let entry = match version {
            Version::Number(number) if number <= 0 => {
                return Err(invalid_version(operation, number))
            }
            Version::Number(number) => state.entries.iter().find(|entry| entry.version == number),
            Version::Latest if permanent => state.entries.last(),
            Version::Latest => state.live().next_back(),
        }
        .copied()
        .ok_or_else(|| match version {
            Version::Number(number) => version_not_found(operation, subject, number),
            Version::Latest => subject_not_found(operation, subject),
        })?;
        match (permanent, entry.deleted) {
            (false, true) => Err(RegistryError::status(
                operation,
                404,
                codes::VERSION_SOFT_DELETED,
                format!(
                    "Version {} of subject '{subject}' was soft deleted",
                    entry.version
                ),
            )),
            (true, false) => Err(RegistryError::status(
                operation,
                404,
                codes::VERSION_NOT_SOFT_DELETED,
                format!(
                    "Version {} of subject '{subject}' was not deleted first before being \
                     permanently deleted",
                    entry.version
                ),
            )),
            (false, false) => {
                self.check_not_referenced(operation, subject, &[entry.version])?;
                if let Some(state) = self.subjects.get_mut(subject) {
                    state
                        .entries
                        .iter_mut()
                        .filter(|candidate| candidate.version == entry.version)
                        .for_each(|candidate| candidate.deleted = true);
                }
                Ok(entry.version)
            }
            (true, true) => {
                if let Some(state) = self.subjects.get_mut(subject) {
                    state
                        .entries
                        .retain(|candidate| candidate.version != entry.version);
                }
                self.collect_garbage(entry.id);
                Ok(entry.version)
            }
        }
    }
}
