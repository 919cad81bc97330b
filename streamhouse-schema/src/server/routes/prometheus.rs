//! `GET /metrics`: the registry's metrics in Prometheus's text exposition format (0.0.4).
//!
//! - `streamhouse_registry_http_requests_total{method,route,status}` (counter) and
//!   `streamhouse_registry_http_request_duration_seconds{method,route,status}` (histogram):
//!   every answered request, by route template (`/subjects/{subject}/versions`, the
//!   `/schemas` prefix folded in), so label values stay few whatever the subjects are;
//! - `streamhouse_registry_subjects` and `streamhouse_registry_schemas` (gauges): live
//!   subjects and stored schemas, read from the database at scrape time;
//! - `streamhouse_registry_schema_cache_hits_total` / `_misses_total` (counters): schema
//!   lookups by id answered from the in-memory cache, and not;
//! - `streamhouse_registry_registrations_answered_from_memory_total` (counter):
//!   re-registrations of a live schema answered without the store (see `answers`);
//! - `streamhouse_registry_group_commits_total` / `_group_committed_registrations_total`
//!   (counters, SQLite with group commit): transactions committing registrations together,
//!   and the registrations they held;
//! - `streamhouse_registry_store_operation_duration_seconds{operation,outcome}` (histogram):
//!   how long each store operation (`register`, `schema_by_id`, `lookup`, ...) took in the
//!   database, all its statements and retries included, `outcome` `ok` or `error`;
//! - `streamhouse_registry_store_scrape_seconds` (gauge): how long this scrape's database
//!   reads took, a cheap probe of database latency.
//!
//! Served with the same authentication as the API.

use std::fmt::Write;
use std::time::Instant;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use super::super::error::ApiError;
use super::super::metrics::{Latencies, LATENCY_BUCKETS};
use super::super::state::AppState;
use super::super::store::reads::Visibility;

const PREFIX: &str = "streamhouse_registry";

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let started = Instant::now();
    let subjects = state.store().subjects(Visibility::Live).await?.len();
    let schemas = state.store().schema_count().await?;
    let store_seconds = started.elapsed().as_secs_f64();
    let (hits, misses) = state.cache().hits_and_misses();
    let (commits, grouped) = state.store().group_commits();
    let mut out = String::with_capacity(4096);
    render_requests(&mut out, &state);
    render_store(&mut out, &state);
    let gauges = [
        (
            "subjects",
            "Subjects with at least one live version.",
            subjects as f64,
        ),
        ("schemas", "Schemas stored (distinct ids).", schemas as f64),
        (
            "store_scrape_seconds",
            "Time the database reads of this scrape took.",
            store_seconds,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(out, "# HELP {PREFIX}_{name} {help}");
        let _ = writeln!(out, "# TYPE {PREFIX}_{name} gauge");
        let _ = writeln!(out, "{PREFIX}_{name} {value}");
    }
    for (name, help, value) in [
        (
            "schema_cache_hits_total",
            "Schema lookups by id answered from the in-memory cache.",
            hits,
        ),
        (
            "schema_cache_misses_total",
            "Schema lookups by id that went to the database.",
            misses,
        ),
        (
            "registrations_answered_from_memory_total",
            "Re-registrations of a live schema answered without the store.",
            state.answers().hits(),
        ),
        (
            "group_commits_total",
            "Transactions that committed registrations together (SQLite).",
            commits,
        ),
        (
            "group_committed_registrations_total",
            "Registrations committed by those transactions.",
            grouped,
        ),
    ] {
        let _ = writeln!(out, "# HELP {PREFIX}_{name} {help}");
        let _ = writeln!(out, "# TYPE {PREFIX}_{name} counter");
        let _ = writeln!(out, "{PREFIX}_{name} {value}");
    }
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    )
        .into_response())
}

/// The request counter and latency histogram.
fn render_requests(out: &mut String, state: &AppState) {
    let answered = state.requests().answered();
    let _ = writeln!(
        out,
        "# HELP {PREFIX}_http_requests_total HTTP requests answered, by method, route template and status."
    );
    let _ = writeln!(out, "# TYPE {PREFIX}_http_requests_total counter");
    for ((method, route, status), latencies) in &answered {
        let labels = labels(method, route, *status);
        let _ = writeln!(
            out,
            "{PREFIX}_http_requests_total{{{labels}}} {}",
            latencies.count
        );
    }
    render_histogram(
        out,
        "http_request_duration_seconds",
        "Time to answer HTTP requests, by method, route template and status.",
        answered.iter().map(|((method, route, status), latencies)| {
            (labels(method, route, *status), latencies)
        }),
    );
}

/// The store's per-operation latency histogram.
fn render_store(out: &mut String, state: &AppState) {
    let timings = state.store().timings().snapshot();
    render_histogram(
        out,
        "store_operation_duration_seconds",
        "Time the database took per store operation (all its statements and retries), by operation and outcome.",
        timings.iter().map(|((operation, outcome), latencies)| {
            (
                format!(
                    "operation=\"{}\",outcome=\"{}\"",
                    escape(operation),
                    escape(outcome)
                ),
                latencies,
            )
        }),
    );
}

/// One histogram family: its HELP and TYPE lines, then buckets, sum and count per series.
fn render_histogram<'a>(
    out: &mut String,
    name: &str,
    help: &str,
    series: impl Iterator<Item = (String, &'a Latencies)>,
) {
    let _ = writeln!(out, "# HELP {PREFIX}_{name} {help}");
    let _ = writeln!(out, "# TYPE {PREFIX}_{name} histogram");
    for (labels, latencies) in series {
        for (bound, count) in LATENCY_BUCKETS.iter().zip(latencies.buckets) {
            let _ = writeln!(
                out,
                "{PREFIX}_{name}_bucket{{{labels},le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "{PREFIX}_{name}_bucket{{{labels},le=\"+Inf\"}} {}",
            latencies.count
        );
        let _ = writeln!(
            out,
            "{PREFIX}_{name}_sum{{{labels}}} {}",
            latencies.sum_seconds
        );
        let _ = writeln!(out, "{PREFIX}_{name}_count{{{labels}}} {}", latencies.count);
    }
}

fn labels(method: &str, route: &str, status: u16) -> String {
    format!(
        "method=\"{}\",route=\"{}\",status=\"{status}\"",
        escape(method),
        escape(route)
    )
}

/// A label value as the text format writes it: `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels("GET", "/a\"b\\c\nd", 200),
            "method=\"GET\",route=\"/a\\\"b\\\\c\\nd\",status=\"200\""
        );
    }
}
