//! `/subjects/...`: listing, registration, lookup, versions and deletes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::super::answers::RequestKey;
use super::super::contracts::{group_value, ContractConfig};
use super::super::error::ApiError;
use super::super::extract::ApiPath;
use super::super::model::{schema_type_field, RegisteredBody, SchemaBody, SchemaRequest};
use super::super::policy::{ensure_writable, Mode, ScopeSettings};
use super::super::prepare::{prepare, Candidate, ParsedVersions};
use super::super::response::{
    bytes_response, from_json, json_response, ok, BodyBytes, CONTENT_TYPE,
};
use super::super::state::AppState;
use super::super::store::reads::Visibility;
use super::super::store::{Check, ExistingSchema, NewSchema, Store};
use super::super::verdict::{incompatibility_messages, CheckedVersion};
use super::super::version::VersionSpec;
use super::render::version_response;
use super::{flag, Params};
use crate::schema::contract::{Metadata, RuleSet};
use crate::server::response::JsonBody;

/// How often a registration reloads the subject's referencing versions before giving up.
const MAX_REFERENCE_RELOADS: usize = 3;

fn visibility(params: &Params) -> Visibility {
    Visibility::from_flags(flag(params, "deleted"), flag(params, "deletedOnly"))
}

/// `GET /subjects?subjectPrefix=&deleted=&deletedOnly=`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let mut subjects = state.store().subjects(visibility(&params)).await?;
    if let Some(prefix) = params.get("subjectPrefix").filter(|p| !p.is_empty()) {
        subjects.retain(|subject| subject.starts_with(prefix.as_str()));
    }
    Ok(ok(&subjects))
}

/// `GET /subjects/{subject}/versions`: the version numbers (40401 without any).
pub(crate) async fn versions(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let versions: Vec<i64> = state
        .store()
        .visible_versions(&subject, visibility(&params))
        .await?
        .into_iter()
        .map(|v| v.version)
        .collect();
    Ok(ok(&versions))
}

/// `GET /subjects/{subject}/versions/{version}`.
pub(crate) async fn version(
    State(state): State<AppState>,
    ApiPath((subject, version)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    let record = state
        .store()
        .version(&subject, spec, visibility(&params))
        .await?;
    version_response(state.store(), &record, &params).await
}

/// `GET /subjects/{subject}/metadata?key=K&value=V&...&deleted=&format=`: the newest version
/// whose metadata properties hold every `key`/`value` pair (paired in order, extra keys or
/// values ignored), as Confluent's `getLatestWithMetadata`: 40401 when the subject has no
/// (visible) version, 40403 when none matches.
pub(crate) async fn latest_with_metadata(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let keys = pairs
        .iter()
        .filter(|(name, _)| name == "key")
        .map(|(_, v)| v);
    let values = pairs
        .iter()
        .filter(|(name, _)| name == "value")
        .map(|(_, v)| v);
    let wanted: Vec<(&String, &String)> = keys.zip(values).collect();
    let params: Params = pairs
        .iter()
        .filter(|(name, _)| name != "key" && name != "value")
        .cloned()
        .collect();
    let versions = state
        .store()
        .visible_versions(
            &subject,
            Visibility::from_flags(flag(&params, "deleted"), false),
        )
        .await?;
    let found = versions.iter().rev().find(|version| {
        version.schema.metadata.as_ref().is_some_and(|metadata| {
            wanted
                .iter()
                .all(|(key, value)| metadata.properties.get(*key) == Some(*value))
        })
    });
    match found {
        Some(version) => version_response(state.store(), version, &params).await,
        None => Err(ApiError::schema_not_found("Schema not found")),
    }
}

/// `GET /subjects/{subject}/versions/{version}/schema`: the schema text itself.
pub(crate) async fn version_schema_text(
    State(state): State<AppState>,
    ApiPath((subject, version)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    let record = state
        .store()
        .version(&subject, spec, visibility(&params))
        .await?;
    let text = super::render::schema_text(state.store(), &record.schema, &params).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response())
}

/// `GET /subjects/{subject}/versions/{version}/referencedby`: ids of schemas referencing it.
pub(crate) async fn referenced_by(
    State(state): State<AppState>,
    ApiPath((subject, version)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    let record = state
        .store()
        .version(&subject, spec, Visibility::Live)
        .await?;
    let ids = state
        .store()
        .referenced_by(&record.subject, record.version)
        .await?;
    Ok(ok(&ids))
}

/// `POST /subjects/{subject}/versions?normalize=`: registers, answering `{"id": n}`. In
/// IMPORT mode the body's `id` and `version` say where (see `Store::import`).
///
/// A schema already live under the subject, sent again with the same bytes (every producer
/// at start-up), is answered from memory while the registry's generation has not moved
/// since the answer was made (see `answers`): no parse, no settings read, no writer.
pub(crate) async fn register(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
    BodyBytes(body): BodyBytes,
) -> Result<Response, ApiError> {
    let normalize = flag(&params, "normalize");
    let remembered = if state.answers().enabled() {
        let key = RequestKey::new(&subject, normalize, &body);
        // Read before anything the answer depends on, so that a change committed meanwhile
        // makes the answer stale rather than wrongly current.
        let generation = state.store().generation().await?;
        if let Some(answer) = state.answers().get(&key, generation) {
            return Ok(bytes_response(StatusCode::OK, answer));
        }
        Some((key, generation))
    } else {
        None
    };
    let request: SchemaRequest = from_json(&body)?;
    let (answer, lasting) = register_in_store(state.store(), &subject, normalize, request).await?;
    if let (Some((key, generation)), true) = (remembered, lasting) {
        state.answers().insert(key, generation, answer.clone());
    }
    Ok(bytes_response(StatusCode::OK, answer))
}

/// A registration through the store: the answer's body, and whether it lasts until the
/// registry's generation moves, i.e. the same request would get it again whatever else is
/// registered meanwhile. That holds when the subject is writable and not in IMPORT mode, no
/// config default or override merges anything in, no reference means "latest", and the
/// version answered holds the schema exactly as sent (its own metadata and rules): a later
/// registration cannot add another live version with that schema, so `registerOrForward`
/// finds this one.
async fn register_in_store(
    store: &Store,
    subject: &str,
    normalize: bool,
    request: SchemaRequest,
) -> Result<(Bytes, bool), ApiError> {
    if let Some(id) = request.out_of_range_id() {
        return Err(ApiError::invalid_id(id));
    }
    let (id, version) = (request.explicit_id(), request.explicit_version());
    if let Some(version) = version.filter(|v| *v > i64::from(i32::MAX)) {
        return Err(ApiError::invalid_version(&version.to_string()));
    }
    // Mode, contract config and level, read together.
    let settings = ScopeSettings::load(store, subject).await?;
    let mode = settings.registration_mode(subject, id.is_some() || version.is_some())?;
    let names_latest = request
        .references
        .iter()
        .flatten()
        .any(|reference| reference.version == -1);
    let candidate = prepare(store, request, normalize).await?;
    if mode == Mode::Import {
        // IMPORT stores the schema as sent (Confluent skips `maybePopulateFromPrevious`).
        let registered = store.import(subject, &candidate.new, id, version).await?;
        if registered.created {
            tracing::info!(
                subject,
                id = registered.id,
                version = registered.version,
                "imported schema"
            );
        }
        let answer = registered_body(store, registered.id, registered.version).await?;
        return Ok((answer, false));
    }
    let contract = ContractConfig::from_scopes(&settings.global, &settings.own)?;
    let lasting = !contract.has_defaults_or_overrides() && !names_latest;
    let view = store
        .registration_view(subject, &candidate.new.fingerprint)
        .await?;
    if !contract.has_defaults_or_overrides() {
        // `registerOrForward`: the schema as sent (its own metadata and rules, if any)
        // already live under the subject is the answer.
        if let Some((version, id)) = view.live_match {
            let answer = answer_for(store, &candidate.new, id, version).await?;
            return Ok((answer, lasting));
        }
    }
    let sent_fingerprint = candidate.new.fingerprint.clone();
    // The latest version was read with the match, before the registering transaction, as
    // the references are: a version registered in between by a concurrent request may
    // leave the merge with the one before it.
    let candidate = merged_contract(&contract, &candidate, view.latest_contract.as_ref())?;
    let lasting = lasting && candidate.new.fingerprint == sent_fingerprint;
    // Owned by the check, which a group commit runs on the writer's task.
    let group: Option<(String, Option<String>)> =
        contract.compatibility_group.clone().map(|group| {
            let value = group_value(candidate.metadata.as_ref(), &group).map(str::to_string);
            (group, value)
        });
    let level = settings.level()?;
    let parsed_candidate = Arc::new(candidate.parsed.clone());
    // Versions with references are parsed before the transaction. The first attempt assumes
    // there are none (the common case costs nothing); when the transaction meets one, or one
    // registered in between, it ends and the next attempt loads them.
    let mut known = Arc::new(ParsedVersions::default());
    let mut attempts_left = MAX_REFERENCE_RELOADS;
    let registered = loop {
        let needs_references = Arc::new(AtomicBool::new(false));
        let check: Check = {
            let (subject, group, known, parsed_candidate, needs_references) = (
                subject.to_string(),
                group.clone(),
                Arc::clone(&known),
                Arc::clone(&parsed_candidate),
                Arc::clone(&needs_references),
            );
            Arc::new(move |existing: &[ExistingSchema]| {
                // Only versions in the candidate's compatibility group count.
                let in_group: Vec<ExistingSchema>;
                let existing = match &group {
                    Some((group, value)) => {
                        in_group = existing
                            .iter()
                            .filter(|old| {
                                group_value(old.metadata.as_ref(), group) == value.as_deref()
                            })
                            .cloned()
                            .collect();
                        in_group.as_slice()
                    }
                    None => existing,
                };
                let Some(parsed) = known.parse_all(existing)? else {
                    needs_references.store(true, Ordering::Relaxed);
                    return Err(ApiError::retry_signal(format!(
                        "the versions of subject '{subject}' changed during the registration"
                    )));
                };
                let versions: Vec<CheckedVersion<'_>> = existing
                    .iter()
                    .map(|old| CheckedVersion {
                        version: old.version,
                        text: &old.text,
                    })
                    .collect();
                let messages =
                    incompatibility_messages(level, &parsed_candidate, &parsed, &versions);
                if messages.is_empty() {
                    Ok(())
                } else {
                    Err(ApiError::incompatible(&subject, &messages))
                }
            })
        };
        let result = store.register(subject, &candidate.new, check).await;
        if needs_references.load(Ordering::Relaxed) && attempts_left > 0 {
            attempts_left -= 1;
            known = Arc::new(ParsedVersions::load(store, subject).await?);
            continue;
        }
        break result?;
    };
    if registered.created {
        tracing::info!(
            subject,
            id = registered.id,
            version = registered.version,
            "registered schema"
        );
    }
    let answer = answer_for(store, &candidate.new, registered.id, registered.version).await?;
    Ok((answer, lasting))
}

/// `candidate` with the metadata and rule set a registration would store it with (see
/// [`merged_contract`]), the latest version read now: what a lookup also looks for.
async fn with_merged_contract(
    store: &Store,
    subject: &str,
    contract: &ContractConfig,
    candidate: &Candidate,
) -> Result<Candidate, ApiError> {
    let previous = match store
        .version(subject, VersionSpec::Latest, Visibility::Live)
        .await
    {
        Ok(previous) => Some((previous.schema.metadata, previous.schema.rule_set)),
        Err(error) if matches!(error.error_code, 40401 | 40402) => None,
        Err(error) => return Err(error),
    };
    merged_contract(contract, candidate, previous.as_ref())
}

/// `candidate` with its own (else `previous`'s: the latest live version's metadata and rule
/// set) between the config's defaults and overrides.
fn merged_contract(
    contract: &ContractConfig,
    candidate: &Candidate,
    previous: Option<&(Option<Metadata>, Option<RuleSet>)>,
) -> Result<Candidate, ApiError> {
    let (metadata, rule_set) = contract.merge(
        candidate.metadata.as_ref(),
        candidate.rule_set.as_ref(),
        previous.map(|(metadata, rule_set)| (metadata.as_ref(), rule_set.as_ref())),
    );
    candidate.with_contract(metadata, rule_set)
}

/// The answer to a registration of `stored` as schema `id`: [`registered_body`], without
/// reading the schema back when it has no metadata and no rules. Schema `id` has `stored`'s
/// fingerprint, which covers both, so it has none either and the answer is `{"id"}`.
async fn answer_for(
    store: &Store,
    stored: &NewSchema,
    id: i64,
    version: i64,
) -> Result<Bytes, ApiError> {
    if stored.metadata_json.is_none() && stored.rule_set_json.is_none() {
        return id_body(id);
    }
    registered_body(store, id, version).await
}

/// `{"id": id}`, the answer to a registration of a schema without metadata and rules.
fn id_body(id: i64) -> Result<Bytes, ApiError> {
    serialized(serde_json::to_vec(&serde_json::json!({ "id": id })))
}

/// A serialized answer as the response's bytes.
fn serialized(body: serde_json::Result<Vec<u8>>) -> Result<Bytes, ApiError> {
    body.map(Bytes::from)
        .map_err(|error| ApiError::internal(format!("cannot serialize the answer: {error}")))
}

/// The answer to a registration: `{"id"}` as before data contracts when the schema has no
/// metadata and no rules (what every client reads), else Confluent's `RegisterSchemaResponse`
/// (`id`, `version`, the schema, its metadata and rule set, no subject), so a client learns
/// what the config's defaults and overrides made of its registration.
async fn registered_body(store: &Store, id: i64, version: i64) -> Result<Bytes, ApiError> {
    let record = store.schema_by_id(id).await?;
    if record.metadata.is_none() && record.rule_set.is_none() {
        return id_body(id);
    }
    serialized(serde_json::to_vec(&RegisteredBody {
        id,
        version,
        schema: SchemaBody {
            schema: &record.text,
            schema_type: schema_type_field(record.format),
            references: &record.references,
            metadata: record.metadata.as_ref(),
            rule_set: record.rule_set.as_ref(),
        },
    }))
}

/// `POST /subjects/{subject}?normalize=&deleted=`: finds the schema under the subject
/// (40401 no subject, 40403 not under it).
pub(crate) async fn lookup(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let candidate = prepare(store, request, flag(&params, "normalize")).await?;
    let visibility = visibility(&params);
    let error = match store
        .lookup(&subject, &candidate.new.fingerprint, visibility)
        .await
    {
        Ok(found) => return version_response(store, &found, &params).await,
        Err(error) if error.error_code == 40403 => error,
        Err(error) => return Err(error),
    };
    // As `lookUpSchemaUnderSubject`: the schema as a registration would store it (the
    // config's defaults and overrides, the latest version's metadata and rules when it has
    // none) is looked up too.
    let contract = ContractConfig::in_scope(store, &subject).await?;
    let merged = with_merged_contract(store, &subject, &contract, &candidate).await?;
    if merged.new.fingerprint == candidate.new.fingerprint {
        return Err(error);
    }
    let found = store
        .lookup(&subject, &merged.new.fingerprint, visibility)
        .await?;
    version_response(store, &found, &params).await
}

/// 42206 when another schema references one of `versions` of `subject`: as Confluent, a
/// referenced version stays (deleting it would leave the referring schema unresolvable).
async fn ensure_unreferenced(
    store: &Store,
    subject: &str,
    versions: &[i64],
) -> Result<(), ApiError> {
    for version in versions {
        if !store.referenced_by(subject, *version).await?.is_empty() {
            return Err(ApiError::reference_exists(subject, *version));
        }
    }
    Ok(())
}

/// `DELETE /subjects/{subject}?permanent=`: the affected versions.
pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let store = state.store();
    ensure_writable(store, &subject).await?;
    let versions: Vec<i64> = store
        .all_versions(&subject)
        .await?
        .iter()
        .map(|v| v.version)
        .collect();
    ensure_unreferenced(store, &subject, &versions).await?;
    let deleted = store
        .delete_subject(&subject, flag(&params, "permanent"))
        .await?;
    state.cache().remove(&deleted.removed_schema_ids);
    Ok(json_response(StatusCode::OK, &deleted.versions))
}

/// `DELETE /subjects/{subject}/versions/{version}?permanent=`: the affected version.
pub(crate) async fn delete_version(
    State(state): State<AppState>,
    ApiPath((subject, version)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    ensure_writable(state.store(), &subject).await?;
    let permanent = flag(&params, "permanent");
    let number = match spec {
        VersionSpec::Number(number) => Some(number),
        // `latest` is what the delete will pick: the newest live version for a soft delete,
        // the newest one for a permanent delete; when there is none the delete reports it.
        VersionSpec::Latest => {
            let visibility = if permanent {
                Visibility::IncludeDeleted
            } else {
                Visibility::Live
            };
            state
                .store()
                .version(&subject, spec, visibility)
                .await
                .ok()
                .map(|v| v.version)
        }
    };
    ensure_unreferenced(state.store(), &subject, number.as_slice()).await?;
    let deleted = state
        .store()
        .delete_version(&subject, spec, permanent)
        .await?;
    state.cache().remove(&deleted.removed_schema_ids);
    let version = deleted.versions.first().copied().unwrap_or_default();
    Ok(ok(&version))
}
