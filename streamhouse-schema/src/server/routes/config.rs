//! `/config` and `/config/{subject}`. Confluent's asymmetry is kept on purpose: GET (and
//! DELETE) answer `{"compatibilityLevel": ...}`, PUT takes and answers `{"compatibility": ...}`.
//! Beside the level a config holds the data-contract settings (`compatibilityGroup`,
//! `defaultMetadata`, `overrideMetadata`, `defaultRuleSet`, `overrideRuleSet`), written with
//! the same names in both directions, left out when unset (Confluent's `Config` is
//! `@JsonInclude(NON_EMPTY)`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;

use super::super::contracts::ContractConfig;
use super::super::error::ApiError;
use super::super::extract::ApiPath;
use super::super::model::ConfigRequest;
use super::super::policy::{global_level, parse_level};
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::settings::{Setting, GLOBAL};
use super::super::store::Store;
use super::{flag, Params};
use crate::compat::CompatibilityLevel;

/// A config as GET and DELETE answer it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    compatibility_level: Option<String>,
    #[serde(flatten)]
    contract: ContractConfig,
}

/// The config stored for `scope`, `None` when it has no config setting at all. The global
/// scope always has one (its level defaults to BACKWARD).
async fn stored_config(store: &Store, scope: &str) -> Result<Option<ConfigBody>, ApiError> {
    let settings: HashMap<String, String> = store.settings_of(scope).await?;
    let has_config = Setting::CONFIG
        .iter()
        .any(|setting| settings.contains_key(setting.name()));
    let level = match settings.get(Setting::Compatibility.name()) {
        Some(raw) => Some(parse_level(raw)?),
        None if scope == GLOBAL => Some(CompatibilityLevel::default()),
        None => None,
    };
    if !has_config && scope != GLOBAL {
        return Ok(None);
    }
    Ok(Some(ConfigBody {
        compatibility_level: level.map(|level| level.to_string()),
        contract: ContractConfig::from_settings(&settings)?,
    }))
}

/// Applies a PUT to `scope`: 42203 for a bad level or a body with no config field at all,
/// 42210 for an invalid rule set. Answers the fields that were set.
async fn update(store: &Store, scope: &str, request: ConfigRequest) -> Result<Response, ApiError> {
    let level = request
        .compatibility
        .as_deref()
        .map(parse_level)
        .transpose()?;
    let nothing = level.is_none()
        && request.compatibility_group.is_none()
        && request.default_metadata.is_none()
        && request.override_metadata.is_none()
        && request.default_rule_set.is_none()
        && request.override_rule_set.is_none();
    if nothing {
        return Err(ApiError::invalid_compatibility_level(""));
    }
    for rule_set in [&request.default_rule_set, &request.override_rule_set]
        .into_iter()
        .flatten()
        .flatten()
    {
        rule_set.validate().map_err(ApiError::invalid_rule_set)?;
    }
    let changes: [(Setting, Option<Option<String>>); 5] = [
        (
            Setting::CompatibilityGroup,
            request.compatibility_group.clone(),
        ),
        (Setting::DefaultMetadata, stored(&request.default_metadata)?),
        (
            Setting::OverrideMetadata,
            stored(&request.override_metadata)?,
        ),
        (Setting::DefaultRuleSet, stored(&request.default_rule_set)?),
        (
            Setting::OverrideRuleSet,
            stored(&request.override_rule_set)?,
        ),
    ];
    if let Some(level) = level {
        store
            .put_setting(scope, Setting::Compatibility, level.as_str())
            .await?;
    }
    for (setting, change) in changes {
        match change {
            None => {}
            Some(Some(value)) => store.put_setting(scope, setting, &value).await?,
            Some(None) => {
                store.delete_setting(scope, setting).await?;
            }
        }
    }
    let mut answer = serde_json::Map::new();
    if let Some(level) = level {
        answer.insert("compatibility".into(), level.to_string().into());
    }
    let contract = ContractConfig {
        compatibility_group: request.compatibility_group.flatten(),
        default_metadata: request.default_metadata.flatten(),
        override_metadata: request.override_metadata.flatten(),
        default_rule_set: request.default_rule_set.flatten(),
        override_rule_set: request.override_rule_set.flatten(),
    };
    if let serde_json::Value::Object(fields) =
        serde_json::to_value(&contract).map_err(ApiError::bad_request)?
    {
        answer.extend(fields);
    }
    Ok(ok(&answer))
}

/// A PUT field as the settings table stores it: absent, removed (`null`), or JSON.
fn stored<T: Serialize>(field: &Option<Option<T>>) -> Result<Option<Option<String>>, ApiError> {
    field
        .as_ref()
        .map(|value| {
            value
                .as_ref()
                .map(|value| serde_json::to_string(value).map_err(ApiError::bad_request))
                .transpose()
        })
        .transpose()
}

/// Removes every config setting of `scope`, answering what it was (`None` when nothing).
async fn remove(store: &Store, scope: &str) -> Result<Option<ConfigBody>, ApiError> {
    let previous = stored_config(store, scope).await?;
    for setting in Setting::CONFIG {
        store.delete_setting(scope, setting).await?;
    }
    Ok(previous)
}

/// `GET /config`.
pub(crate) async fn get_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    let config = stored_config(state.store(), GLOBAL).await?;
    Ok(ok(&config))
}

/// `PUT /config`.
pub(crate) async fn put_global(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ConfigRequest>,
) -> Result<Response, ApiError> {
    update(state.store(), GLOBAL, request).await
}

/// `DELETE /config`: back to the defaults, answering the previous config.
pub(crate) async fn delete_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    let previous = remove(state.store(), GLOBAL).await?;
    Ok(ok(&previous))
}

/// `GET /config/{subject}?defaultToGlobal=`: 40408 when the subject has no config of its own
/// (unless `defaultToGlobal=true`).
pub(crate) async fn get_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let default_to_global = flag(&params, "defaultToGlobal");
    match stored_config(state.store(), &subject).await? {
        // A subject config without a level of its own (only contract settings) takes the
        // global level when asked to, the level registrations under it are checked with.
        Some(mut config) if default_to_global && config.compatibility_level.is_none() => {
            config.compatibility_level = Some(global_level(state.store()).await?.to_string());
            Ok(ok(&config))
        }
        Some(config) => Ok(ok(&config)),
        None if default_to_global => Ok(ok(&stored_config(state.store(), GLOBAL).await?)),
        None => Err(ApiError::subject_config_not_found(&subject)),
    }
}

/// `PUT /config/{subject}`.
pub(crate) async fn put_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
    JsonBody(request): JsonBody<ConfigRequest>,
) -> Result<Response, ApiError> {
    update(state.store(), &subject, request).await
}

/// `DELETE /config/{subject}`: the config it had (40401 / 40408 when there is nothing to
/// delete).
pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    ApiPath(subject): ApiPath<String>,
) -> Result<Response, ApiError> {
    match remove(state.store(), &subject).await? {
        Some(previous) => Ok(ok(&previous)),
        None if !state.store().subject_exists(&subject).await? => {
            Err(ApiError::subject_not_found(&subject))
        }
        None => Err(ApiError::subject_config_not_found(&subject)),
    }
}
