//! `/schemas/ids/{id}...`: schemas by their global id.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use super::super::cache::CachedSchema;
use super::super::error::ApiError;
use super::super::extract::ApiPath;
use super::super::model::{schema_type_field, SchemaBody, SubjectVersion};
use super::super::response::{bytes_response, ok, CONTENT_TYPE};
use super::super::state::AppState;
use super::super::store::reads::Visibility;
use super::super::store::SchemaRecord;
use super::render::schema_text;
use super::{flag, Params};

/// Ids are numbers; anything else names no schema (40403).
fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::schema_not_found(format!("Schema {raw} not found")))
}

/// The schema with this id, from the cache or the store (which then fills the cache).
async fn cached(state: &AppState, id: i64) -> Result<CachedSchema, ApiError> {
    if let Some(hit) = state.cache().get(id) {
        return Ok(hit);
    }
    let record = state.store().schema_by_id(id).await?;
    let body = serde_json::to_vec(&schema_body(&record, &record.text))
        .map_err(|error| ApiError::internal(format!("cannot serialize schema {id}: {error}")))?;
    let entry = CachedSchema {
        record: Arc::new(record),
        body: Bytes::from(body),
    };
    state.cache().insert(id, entry.clone());
    Ok(entry)
}

fn schema_body<'a>(record: &'a SchemaRecord, text: &'a str) -> SchemaBody<'a> {
    SchemaBody {
        schema: text,
        schema_type: schema_type_field(record.format),
        references: &record.references,
        metadata: record.metadata.as_ref(),
        rule_set: record.rule_set.as_ref(),
    }
}

/// `GET /schemas/ids/{id}?format=`: `{"schema", "schemaType"?, "references"?}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let entry = cached(&state, parse_id(&id)?).await?;
    if params.contains_key("format") {
        let text = schema_text(state.store(), &entry.record, &params).await?;
        return Ok(ok(&schema_body(&entry.record, &text)));
    }
    Ok(bytes_response(StatusCode::OK, entry.body))
}

/// `GET /schemas/ids/{id}/schema`: the schema text itself.
pub(crate) async fn text_by_id(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let entry = cached(&state, parse_id(&id)?).await?;
    let text = schema_text(state.store(), &entry.record, &params).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response())
}

/// `GET /schemas/ids/{id}/versions?deleted=`: `[{"subject", "version"}]`.
pub(crate) async fn versions_by_id(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let pairs = state
        .store()
        .versions_of_schema(
            parse_id(&id)?,
            Visibility::from_flags(flag(&params, "deleted"), false),
        )
        .await?;
    let body: Vec<SubjectVersion> = pairs
        .into_iter()
        .map(|(subject, version)| SubjectVersion { subject, version })
        .collect();
    Ok(ok(&body))
}

/// `GET /schemas/ids/{id}/subjects?deleted=`: the subjects using the schema.
pub(crate) async fn subjects_by_id(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let pairs = state
        .store()
        .versions_of_schema(
            parse_id(&id)?,
            Visibility::from_flags(flag(&params, "deleted"), false),
        )
        .await?;
    let mut subjects: Vec<String> = pairs.into_iter().map(|(subject, _)| subject).collect();
    subjects.dedup();
    Ok(ok(&subjects))
}
