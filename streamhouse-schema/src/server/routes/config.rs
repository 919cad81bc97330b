//! `/config` and `/config/{subject}`. Confluent's asymmetry is kept on purpose: GET (and
//! DELETE) answer `{"compatibilityLevel": ...}`, PUT takes and answers `{"compatibility": ...}`.

use axum::extract::{Query, State};

use super::super::extract::ApiPath;
use axum::response::Response;

use super::super::error::ApiError;
use super::super::model::ConfigRequest;
use super::super::policy::{global_level, parse_level};
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::settings::{Setting, GLOBAL};
use super::{flag, Params};
use crate::compat::CompatibilityLevel;

fn level_body(level: CompatibilityLevel) -> Response {
    ok(&serde_json::json!({ "compatibilityLevel": level.to_string() }))
}

/// The level from a PUT body (42203 when missing or unknown).
fn requested_level(request: &ConfigRequest) -> Result<CompatibilityLevel, ApiError> {
    match &request.compatibility {
        Some(raw) => parse_level(raw),
        None => Err(ApiError::invalid_compatibility_level("")),
    }
}

/// `GET /config`.
pub(crate) async fn get_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(level_body(global_level(state.store()).await?))
}

/// `PUT /config`.
pub(crate) async fn put_global(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ConfigRequest>,
) -> Result<Response, ApiError> {
    let level = requested_level(&request)?;
    state
        .store()
        .put_setting(GLOBAL, Setting::Compatibility, level.as_str())
        .await?;
    Ok(ok(
        &serde_json::json!({ "compatibility": level.to_string() }),
    ))
}

/// `DELETE /config`: back to the default (BACKWARD), answering the previous level.
pub(crate) async fn delete_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    let previous = global_level(state.store()).await?;
    state
        .store()
        .delete_setting(GLOBAL, Setting::Compatibility)
        .await?;
    Ok(level_body(previous))
}

/// `GET /config/{subject}?defaultToGlobal=`: 40408 when the subject has no level of its own
/// (unless `defaultToGlobal=true`).
pub(crate) async fn get_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    match state
        .store()
        .setting(&subject, Setting::Compatibility)
        .await?
    {
        Some(raw) => Ok(level_body(parse_level(&raw)?)),
        None if flag(&params, "defaultToGlobal") => {
            Ok(level_body(global_level(state.store()).await?))
        }
        None => Err(ApiError::subject_config_not_found(&subject)),
    }
}

/// `PUT /config/{subject}`.
pub(crate) async fn put_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    JsonBody(request): JsonBody<ConfigRequest>,
) -> Result<Response, ApiError> {
    let level = requested_level(&request)?;
    state
        .store()
        .put_setting(&subject, Setting::Compatibility, level.as_str())
        .await?;
    Ok(ok(
        &serde_json::json!({ "compatibility": level.to_string() }),
    ))
}

/// `DELETE /config/{subject}`: the level it had (40401 / 40408 when there is nothing to delete).
pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
) -> Result<Response, ApiError> {
    match state
        .store()
        .delete_setting(&subject, Setting::Compatibility)
        .await?
    {
        Some(raw) => Ok(level_body(parse_level(&raw)?)),
        None if !state.store().subject_exists(&subject).await? => {
            Err(ApiError::subject_not_found(&subject))
        }
        None => Err(ApiError::subject_config_not_found(&subject)),
    }
}
