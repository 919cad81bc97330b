//! `POST /compatibility/subjects/{subject}/versions[/{version}]`: would this schema be accepted?

use axum::extract::{Query, State};
use axum::response::Response;

use super::super::contracts::{group_value, ContractConfig};
use super::super::error::ApiError;
use super::super::extract::ApiPath;
use super::super::model::{CompatibilityBody, SchemaRequest};
use super::super::policy::effective_level;
use super::super::prepare::{parse_versions, prepare, Candidate};
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::reads::{pick_version, Visibility};
use super::super::store::{Store, VersionRecord};
use super::super::verdict::{incompatibility_messages, CheckedVersion};
use super::super::version::VersionSpec;
use super::{flag, Params};
use crate::compat::{CompatibilityLevel, ParsedSchema};

/// Checks `candidate` against `versions` (oldest first) and answers as Confluent does:
/// `{"is_compatible": bool}`, plus `messages` with `verbose=true` when there are any.
/// With a compatibility group configured for `subject`, only versions whose group property
/// equals the candidate's (its metadata as sent) count, as in `isCompatibleWithPrevious`.
async fn answer(
    store: &Store,
    subject: &str,
    level: CompatibilityLevel,
    candidate: &Candidate,
    versions: &[VersionRecord],
    params: &Params,
) -> Result<Response, ApiError> {
    let contract = ContractConfig::in_scope(store, subject).await?;
    let in_group: Vec<VersionRecord>;
    let versions = match contract.compatibility_group.as_deref() {
        Some(group) => {
            let value = group_value(candidate.metadata.as_ref(), group);
            in_group = versions
                .iter()
                .filter(|v| group_value(v.schema.metadata.as_ref(), group) == value)
                .cloned()
                .collect();
            in_group.as_slice()
        }
        None => versions,
    };
    let candidate: &ParsedSchema = &candidate.parsed;
    let existing = parse_versions(store, versions).await?;
    let checked: Vec<CheckedVersion<'_>> = versions
        .iter()
        .map(|v| CheckedVersion {
            version: v.version,
            text: &v.schema.text,
        })
        .collect();
    let messages = incompatibility_messages(level, candidate, &existing, &checked);
    let is_compatible = messages.is_empty();
    Ok(ok(&CompatibilityBody {
        is_compatible,
        messages: if flag(params, "verbose") {
            messages
        } else {
            Vec::new()
        },
    }))
}

/// Against the versions the subject's level selects (compatible when the subject is new).
pub(crate) async fn against_all(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let candidate = prepare(store, request, flag(&params, "normalize")).await?;
    let level = effective_level(store, &subject).await?;
    let versions = match store.visible_versions(&subject, Visibility::Live).await {
        Ok(versions) => versions,
        Err(error) if error.error_code == 40401 => Vec::new(),
        Err(error) => return Err(error),
    };
    answer(store, &subject, level, &candidate, &versions, &params).await
}

/// Against one version (`latest` included): 40401 / 40402 when it does not exist.
pub(crate) async fn against_version(
    State(state): State<AppState>,
    ApiPath((subject, version)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let spec = VersionSpec::parse(&version)?;
    let candidate = prepare(store, request, flag(&params, "normalize")).await?;
    let level = effective_level(store, &subject).await?;
    let versions = store.visible_versions(&subject, Visibility::Live).await?;
    let target = pick_version(versions, spec)?;
    answer(
        store,
        &subject,
        level,
        &candidate,
        std::slice::from_ref(&target),
        &params,
    )
    .await
}
