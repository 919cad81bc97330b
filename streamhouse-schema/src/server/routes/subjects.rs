//! `/subjects/...`: listing, registration, lookup, versions and deletes.

use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Query, State};

use super::super::extract::ApiPath;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::super::error::ApiError;
use super::super::model::SchemaRequest;
use super::super::policy::{effective_level, ensure_writable, registration_mode, Mode};
use super::super::prepare::{prepare, ParsedVersions};
use super::super::response::{json_response, ok, CONTENT_TYPE};
use super::super::state::AppState;
use super::super::store::reads::Visibility;
use super::super::store::Store;
use super::super::verdict::{incompatibility_messages, CheckedVersion};
use super::super::version::VersionSpec;
use super::render::version_response;
use super::{flag, Params};
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
pub(crate) async fn register(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Result<Response, ApiError> {
    let store = state.store();
    if let Some(id) = request.out_of_range_id() {
        return Err(ApiError::invalid_id(id));
    }
    let (id, version) = (request.explicit_id(), request.explicit_version());
    if let Some(version) = version.filter(|v| *v > i64::from(i32::MAX)) {
        return Err(ApiError::invalid_version(&version.to_string()));
    }
    let mode = registration_mode(store, &subject, id.is_some() || version.is_some()).await?;
    let candidate = prepare(store, request, flag(&params, "normalize")).await?;
    if mode == Mode::Import {
        let registered = store.import(&subject, &candidate.new, id, version).await?;
        if registered.created {
            tracing::info!(
                subject,
                id = registered.id,
                version = registered.version,
                "imported schema"
            );
        }
        return Ok(ok(&serde_json::json!({ "id": registered.id })));
    }
    let level = effective_level(store, &subject).await?;
    // Versions with references are parsed before the transaction. The first attempt assumes
    // there are none (the common case costs nothing); when the transaction meets one, or one
    // registered in between, it ends and the next attempt loads them.
    let mut known = ParsedVersions::default();
    let mut attempts_left = MAX_REFERENCE_RELOADS;
    let registered = loop {
        let needs_references = AtomicBool::new(false);
        let result = store
            .register(&subject, &candidate.new, |existing| {
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
                    incompatibility_messages(level, &candidate.parsed, &parsed, &versions);
                if messages.is_empty() {
                    Ok(())
                } else {
                    Err(ApiError::incompatible(&subject, &messages))
                }
            })
            .await;
        if needs_references.load(Ordering::Relaxed) && attempts_left > 0 {
            attempts_left -= 1;
            known = ParsedVersions::load(store, &subject).await?;
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
    Ok(ok(&serde_json::json!({ "id": registered.id })))
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
    let found = store
        .lookup(&subject, &candidate.new.fingerprint, visibility(&params))
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
