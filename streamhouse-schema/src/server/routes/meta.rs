//! `GET /`, `/health`, `/v1/metadata/id` and `/schemas/types`.

use axum::extract::State;
use axum::response::Response;

use super::super::error::ApiError;
use super::super::response::ok;
use super::super::state::AppState;

/// `GET /`: an empty object, as Confluent answers.
pub(crate) async fn root() -> Response {
    ok(&serde_json::json!({}))
}

/// `GET /health`: `{"status": "UP"}` when a write transaction can begin and the registry's
/// tables answer in it, 50001 otherwise.
pub(crate) async fn health(State(state): State<AppState>) -> Result<Response, ApiError> {
    state.store().ping().await?;
    Ok(ok(&serde_json::json!({
        "status": "UP",
        "backend": state.store().backend_name(),
    })))
}

/// `GET /v1/metadata/id`: the cluster ids Confluent's clients may ask for.
pub(crate) async fn metadata_id() -> Response {
    ok(&serde_json::json!({
        "scope": {
            "path": [],
            "clusters": {
                "kafka-cluster": "streamhouse",
                "schema-registry-cluster": "schema-registry"
            }
        }
    }))
}

/// `GET /schemas/types`.
pub(crate) async fn schema_types() -> Response {
    ok(&["JSON", "PROTOBUF", "AVRO"])
}
