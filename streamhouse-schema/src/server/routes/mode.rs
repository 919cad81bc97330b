//! `/mode` and `/mode/{subject}`: READWRITE or READONLY (writes then fail with 42205).

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::super::error::ApiError;
use super::super::model::ModeRequest;
use super::super::policy::{global_mode, Mode};
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::settings::{Setting, GLOBAL};
use super::{flag, Params};

fn mode_body(mode: Mode) -> Response {
    ok(&serde_json::json!({ "mode": mode.as_str() }))
}

/// `GET /mode`.
pub(crate) async fn get_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(mode_body(global_mode(state.store()).await?))
}

/// `PUT /mode` (`force` is accepted and ignored: no mode here needs it).
pub(crate) async fn put_global(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ModeRequest>,
) -> Result<Response, ApiError> {
    let mode: Mode = request.mode.parse()?;
    state
        .store()
        .put_setting(GLOBAL, Setting::Mode, mode.as_str())
        .await?;
    Ok(mode_body(mode))
}

/// `GET /mode/{subject}?defaultToGlobal=`: 40409 when the subject has no mode of its own.
pub(crate) async fn get_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    match state.store().setting(&subject, Setting::Mode).await? {
        Some(raw) => Ok(mode_body(raw.parse()?)),
        None if flag(&params, "defaultToGlobal") => {
            Ok(mode_body(global_mode(state.store()).await?))
        }
        None => Err(ApiError::subject_mode_not_found(&subject)),
    }
}

/// `PUT /mode/{subject}`.
pub(crate) async fn put_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    JsonBody(request): JsonBody<ModeRequest>,
) -> Result<Response, ApiError> {
    let mode: Mode = request.mode.parse()?;
    state
        .store()
        .put_setting(&subject, Setting::Mode, mode.as_str())
        .await?;
    Ok(mode_body(mode))
}

/// `DELETE /mode/{subject}`: the mode it had (40409 when none).
pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
) -> Result<Response, ApiError> {
    match state
        .store()
        .delete_setting(&subject, Setting::Mode)
        .await?
    {
        Some(raw) => Ok(mode_body(raw.parse()?)),
        None => Err(ApiError::subject_mode_not_found(&subject)),
    }
}
