//! The REST routes, served at the root and again under `/schemas` (the original design's
//! paths, e.g. `GET /schemas/subjects`).

mod compatibility;
mod config;
mod dek;
mod meta;
mod mode;
mod prometheus;
mod render;
mod schemas;
mod subjects;
mod ui;

use std::collections::HashMap;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use tower_http::trace::TraceLayer;

use super::error::ApiError;
use super::json_errors::confluent_errors;
use super::metrics::count_requests;
use super::state::AppState;
use super::{auth, body_deadline};

/// Query parameters as sent; flags are parsed leniently because Confluent's Python client
/// sends `normalize=False` / `True`.
pub(crate) type Params = HashMap<String, String>;

/// Whether flag `name` is `true` (any case).
pub(crate) fn flag(params: &Params, name: &str) -> bool {
    params
        .get(name)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
}

/// The registry's HTTP routes for `state`, with the body limit and deadline, request
/// counting and (when configured) authentication applied, and the schema browser at `/ui/`
/// unless `ui` is off in the configuration. The connection-level protections
/// (header read timeout, connection cap, TLS) come with [`spawn`](super::spawn).
pub fn router(state: AppState) -> Router {
    let api = api_routes();
    let counted = || middleware::from_fn_with_state(state.requests(), count_requests);
    let app = Router::new()
        .merge(api.clone())
        .nest("/schemas", api)
        .merge(dek_routes())
        .route("/health", get(meta::health))
        .route("/metrics", get(prometheus::metrics))
        .route("/v1/metadata/id", get(meta::metadata_id))
        .route_layer(counted())
        .fallback(|| async { ApiError::no_route() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(state.max_body_bytes()))
        .layer(TraceLayer::new_for_http());
    // Authentication runs first, so unauthenticated bodies are never read.
    let app = body_deadline::layer(app, &state);
    let app = auth::layer(app, state.config());
    // After authentication: the browser's static files hold no data, and the calls the page
    // makes go through the API's authentication above. Its requests are counted in
    // `/metrics` like every other route's.
    let app = if state.config().ui {
        app.merge(ui::routes().route_layer(counted()))
    } else {
        app
    };
    // Outermost, so that every error answer, whoever produced it, is Confluent JSON.
    let app = app.layer(middleware::map_response(confluent_errors));
    app.with_state(state)
}

/// The DEK registry, at Confluent's `/dek-registry/v1/keks` paths.
fn dek_routes() -> Router<AppState> {
    const KEKS: &str = "/dek-registry/v1/keks";
    // `{dek_subject}`, not `{subject}`: the DEK registry checks its subjects itself, with
    // its own error code (42271, `DekRegistryResource.checkSubject`).
    Router::new()
        .route(KEKS, get(dek::list_keks).post(dek::create_kek))
        .route(
            &format!("{KEKS}/{{name}}"),
            get(dek::get_kek).put(dek::put_kek).delete(dek::delete_kek),
        )
        .route(
            &format!("{KEKS}/{{name}}/undelete"),
            post(dek::undelete_kek),
        )
        .route(
            &format!("{KEKS}/{{name}}/deks"),
            get(dek::list_dek_subjects).post(dek::create_dek_in_body),
        )
        .route(
            &format!("{KEKS}/{{name}}/deks/{{dek_subject}}"),
            get(dek::get_dek)
                .post(dek::create_dek)
                .delete(dek::delete_subject_deks),
        )
        .route(
            &format!("{KEKS}/{{name}}/deks/{{dek_subject}}/undelete"),
            post(dek::undelete_subject_deks),
        )
        .route(
            &format!("{KEKS}/{{name}}/deks/{{dek_subject}}/versions"),
            get(dek::list_dek_versions),
        )
        .route(
            &format!("{KEKS}/{{name}}/deks/{{dek_subject}}/versions/{{version}}"),
            get(dek::get_dek_version).delete(dek::delete_dek_version),
        )
        .route(
            &format!("{KEKS}/{{name}}/deks/{{dek_subject}}/versions/{{version}}/undelete"),
            post(dek::undelete_dek_version),
        )
}

fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(meta::root))
        .route("/subjects", get(subjects::list))
        .route(
            "/subjects/{subject}",
            post(subjects::lookup).delete(subjects::delete_subject),
        )
        .route(
            "/subjects/{subject}/versions",
            get(subjects::versions).post(subjects::register),
        )
        .route(
            "/subjects/{subject}/versions/{version}",
            get(subjects::version).delete(subjects::delete_version),
        )
        .route(
            "/subjects/{subject}/metadata",
            get(subjects::latest_with_metadata),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(subjects::version_schema_text),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(subjects::referenced_by),
        )
        .route("/schemas/types", get(meta::schema_types))
        .route("/schemas/ids/{id}", get(schemas::by_id))
        // The original design's path (`GET /schemas/schemas/{id}` under the `/schemas`
        // prefix) beside Confluent's `/schemas/ids/{id}`: the same answer.
        .route("/schemas/{id}", get(schemas::by_id))
        .route("/schemas/ids/{id}/schema", get(schemas::text_by_id))
        .route("/schemas/ids/{id}/versions", get(schemas::versions_by_id))
        .route("/schemas/ids/{id}/subjects", get(schemas::subjects_by_id))
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(compatibility::against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(compatibility::against_version),
        )
        .route(
            "/config",
            get(config::get_global)
                .put(config::put_global)
                .delete(config::delete_global),
        )
        .route(
            "/config/{subject}",
            get(config::get_subject)
                .put(config::put_subject)
                .delete(config::delete_subject),
        )
        .route("/mode", get(mode::get_global).put(mode::put_global))
        .route(
            "/mode/{subject}",
            get(mode::get_subject)
                .put(mode::put_subject)
                .delete(mode::delete_subject),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_accept_python_spellings() {
        let params: Params = [
            ("normalize".to_string(), "True".to_string()),
            ("deleted".to_string(), "False".to_string()),
        ]
        .into_iter()
        .collect();
        assert!(flag(&params, "normalize"));
        assert!(!flag(&params, "deleted"));
        assert!(!flag(&params, "permanent"));
    }
}
