//! `GET /metrics` in Prometheus's text format, on SQLite and PostgreSQL: request counts and
//! latencies by route template and status, subjects and schemas stored, cache hits.
#![cfg(feature = "server")]

mod server_common;

use std::collections::HashMap;

use server_common::{order_schema, Backend, TestRegistry};

/// The samples of an exposition: `name{labels}` → value. Panics on a line that is not a
/// comment or a well-formed sample, so the format itself is checked too.
fn samples(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line:?}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name in {line:?}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "unclosed labels in {line:?}");
        }
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value in {line:?}"));
        assert!(
            samples.insert(series.to_string(), value).is_none(),
            "duplicate series {series}"
        );
    }
    samples
}

async fn metrics_count_requests_and_stored_schemas(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let id = r.register("orders-value", &order_schema(&[]), None).await;
    for _ in 0..3 {
        r.get(&format!("/schemas/ids/{id}")).await.ok();
    }
    r.get("/subjects/nope/versions")
        .await
        .assert_error(404, 40401);
    // The original design's prefix counts under the same route.
    r.get("/schemas/subjects").await.ok();
    r.get("/subjects").await.ok();

    let response = r
        .client
        .get(format!("{}/metrics", r.url))
        .send()
        .await
        .expect("GET /metrics");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = response.text().await.expect("body");
    assert!(
        text.contains("# TYPE streamhouse_registry_http_request_duration_seconds histogram"),
        "{text}"
    );
    let samples = samples(&text);
    let at = |series: &str| -> f64 {
        *samples
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
    };
    let requests = |method: &str, route: &str, status: u16| {
        format!(
            "streamhouse_registry_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}"
        )
    };
    assert_eq!(
        at(&requests("POST", "/subjects/{subject}/versions", 200)),
        1.0
    );
    assert_eq!(at(&requests("GET", "/schemas/ids/{id}", 200)), 3.0);
    assert_eq!(
        at(&requests("GET", "/subjects/{subject}/versions", 404)),
        1.0
    );
    assert_eq!(at(&requests("GET", "/subjects", 200)), 2.0);
    let labels = "method=\"GET\",route=\"/schemas/ids/{id}\",status=\"200\"";
    assert_eq!(
        at(&format!(
            "streamhouse_registry_http_request_duration_seconds_count{{{labels}}}"
        )),
        3.0
    );
    assert_eq!(
        at(&format!(
            "streamhouse_registry_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"
        )),
        3.0
    );
    // Buckets are cumulative: never decreasing towards +Inf.
    let mut last = 0.0;
    for bound in ["0.005", "0.05", "0.5", "5", "10"] {
        let count = at(&format!(
            "streamhouse_registry_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}}"
        ));
        assert!(count >= last && count <= 3.0, "{bound}: {count}");
        last = count;
    }
    assert_eq!(at("streamhouse_registry_subjects"), 1.0);
    assert_eq!(at("streamhouse_registry_schemas"), 1.0);
    // The first by-id read may go to the database (or find the schema the registration
    // cached); the later ones are cache hits.
    assert!(at("streamhouse_registry_schema_cache_hits_total") >= 2.0);
    assert!(at("streamhouse_registry_store_scrape_seconds") >= 0.0);
    // The store's own latencies: one registration, timed once (statements and retries
    // included), and its histogram's +Inf bucket equal to its count.
    assert!(
        text.contains("# TYPE streamhouse_registry_store_operation_duration_seconds histogram"),
        "{text}"
    );
    let register = "operation=\"register\",outcome=\"ok\"";
    assert_eq!(
        at(&format!(
            "streamhouse_registry_store_operation_duration_seconds_count{{{register}}}"
        )),
        1.0
    );
    assert_eq!(
        at(&format!(
            "streamhouse_registry_store_operation_duration_seconds_bucket{{{register},le=\"+Inf\"}}"
        )),
        1.0
    );
    assert!(
        at(&format!(
            "streamhouse_registry_store_operation_duration_seconds_sum{{{register}}}"
        )) > 0.0
    );
    r.finish().await;
}

on_both_backends!(metrics_count_requests_and_stored_schemas);

/// The schema browser's files are requests like any other: counted by route template and
/// status, with their latencies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_browser_requests_are_counted() {
    let r = TestRegistry::start(Backend::Sqlite).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    let status = |path: &'static str| {
        let request = http.get(format!("{}{path}", r.url));
        async move { request.send().await.expect(path).status().as_u16() }
    };
    assert_eq!(status("/ui").await, 308);
    assert_eq!(status("/ui/").await, 200);
    assert_eq!(status("/ui/app.js").await, 200);
    assert_eq!(status("/ui/style.css").await, 200);
    assert_eq!(status("/ui/missing.js").await, 404);

    let text = http
        .get(format!("{}/metrics", r.url))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("body");
    let samples = samples(&text);
    let at = |series: String| -> f64 {
        *samples
            .get(&series)
            .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
    };
    let requests = |route: &str, status: u16| {
        format!(
            "streamhouse_registry_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\"}}"
        )
    };
    assert_eq!(at(requests("/ui", 308)), 1.0);
    assert_eq!(at(requests("/ui/", 200)), 1.0);
    assert_eq!(at(requests("/ui/{file}", 200)), 2.0);
    assert_eq!(at(requests("/ui/{file}", 404)), 1.0);
    assert_eq!(
        at(
            "streamhouse_registry_http_request_duration_seconds_count{method=\"GET\",route=\"/ui/{file}\",status=\"200\"}"
                .to_string()
        ),
        2.0
    );
    // The per-route counter the tests read sees them too.
    assert_eq!(r.server.requests().count("GET", "/ui/{file}"), 3);
    r.finish().await;
}
