//! `POST /compatibility/subjects/{subject}/versions[/{version}]`: would this schema be accepted?

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::super::error::ApiError;
use super::super::model::{CompatibilityBody, SchemaRequest};
use super::super::policy::effective_level;
use super::super::prepare::{check, parse_versions, prepare};
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::reads::{pick_version, Visibility};
use super::super::version::VersionSpec;
use super::{flag, Params};

fn answer(report: crate::compat::CompatibilityReport, params: &Params) -> Response {
    let is_compatible = report.is_compatible();
    // Reasons are always computed; Confluent only returns them with `verbose=true`.
    let messages = if flag(params, "verbose") {
        report.messages
    } else {
        Vec::new()
    };
    ok(&CompatibilityBody {
        is_compatible,
        messages,
    })
}

/// Against the versions the subject's level selects (compatible when the subject is new).
pub(crate) async fn against_all(
    State(state): State<AppState>,
    Path(subject): Path<String>,
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
    let existing = parse_versions(store, &versions).await?;
    let report = check(level, &candidate.parsed, &existing);
    Ok(answer(report, &params))
}

/// Against one version (`latest` included): 40401 / 40402 when it does not exist.
pub(crate) async fn against_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let spec = VersionSpec::parse(&version)?;
    let candidate = prepare(store, request, flag(&params, "normalize")).await?;
    let level = effective_level(store, &subject).await?;
    let versions = store.visible_versions(&subject, Visibility::Live).await?;
    let target = pick_version(versions, spec)?;
    let existing = parse_versions(store, std::slice::from_ref(&target)).await?;
    let report = check(level, &candidate.parsed, &existing);
    Ok(answer(report, &params))
}
