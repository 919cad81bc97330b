//! `/mode` and `/mode/{subject}`: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT.
//! Switching to IMPORT needs a registry (or subject) without live versions, unless
//! `?force=true` (42205 "Cannot import since found existing subjects", as Confluent).

use axum::extract::{Query, State};

use super::super::extract::ApiPath;
use axum::response::Response;

use super::super::error::ApiError;
use super::super::model::ModeRequest;
use super::super::policy::{effective_mode, global_mode, Mode};
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::reads::Visibility;
use super::super::store::settings::{Setting, GLOBAL};
use super::{flag, Params};

fn mode_body(mode: Mode) -> Response {
    ok(&serde_json::json!({ "mode": mode.as_str() }))
}

/// `GET /mode`.
pub(crate) async fn get_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(mode_body(global_mode(state.store()).await?))
}

/// 42205 when switching `scope` to IMPORT would mix imported ids with existing versions.
async fn check_import_switch(
    state: &AppState,
    scope: Option<&str>,
    mode: Mode,
    params: &Params,
) -> Result<(), ApiError> {
    if mode != Mode::Import || flag(params, "force") {
        return Ok(());
    }
    let store = state.store();
    let current = match scope {
        Some(subject) => effective_mode(store, subject).await?,
        None => global_mode(store).await?,
    };
    if current == Mode::Import {
        return Ok(());
    }
    let has_subjects = match scope {
        None => !store.subjects(Visibility::Live).await?.is_empty(),
        Some(subject) => match store.visible_versions(subject, Visibility::Live).await {
            Ok(versions) => !versions.is_empty(),
            Err(error) if error.error_code == 40401 => false,
            Err(error) => return Err(error),
        },
    };
    if has_subjects {
        return Err(ApiError::operation_not_permitted(
            "Cannot import since found existing subjects",
        ));
    }
    Ok(())
}

/// `PUT /mode?force=`.
pub(crate) async fn put_global(
    State(state): State<AppState>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<ModeRequest>,
) -> Result<Response, ApiError> {
    let mode: Mode = request.mode.parse()?;
    check_import_switch(&state, None, mode, &params).await?;
    state
        .store()
        .put_setting(GLOBAL, Setting::Mode, mode.as_str())
        .await?;
    Ok(mode_body(mode))
}

/// `GET /mode/{subject}?defaultToGlobal=`: 40409 when the subject has no mode of its own.
pub(crate) async fn get_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
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

/// `PUT /mode/{subject}?force=`.
pub(crate) async fn put_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
    JsonBody(request): JsonBody<ModeRequest>,
) -> Result<Response, ApiError> {
    let mode: Mode = request.mode.parse()?;
    check_import_switch(&state, Some(&subject), mode, &params).await?;
    state
        .store()
        .put_setting(&subject, Setting::Mode, mode.as_str())
        .await?;
    Ok(mode_body(mode))
}

/// `DELETE /mode/{subject}`: the mode it had (40409 when none).
pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
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
