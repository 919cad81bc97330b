//! Per-route request counts (so tests can assert how many requests a client really sent,
//! e.g. "one registration under 100 concurrent first sends"), and per route and status the
//! counts and latencies `/metrics` reports.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Counts of the requests a server has received, by route.
///
/// Routes are named `"METHOD /route/template"` with the `/schemas` compatibility prefix
/// removed, e.g. `"POST /subjects/{subject}/versions"` or `"GET /schemas/ids/{id}"`.
/// Requests that match no route count under `"METHOD <unmatched>"`.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter {
    inner: Arc<CounterInner>,
}

#[derive(Debug, Default)]
struct CounterInner {
    total: AtomicU64,
    by_route: Mutex<HashMap<String, u64>>,
    /// Answered requests by (method, route, status), with their latencies.
    answered: Mutex<HashMap<(String, String, u16), Latencies>>,
}

/// Upper bounds (seconds) of the latency histogram's buckets, Prometheus's defaults.
pub(crate) const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A latency histogram: cumulative counts per bucket of [`LATENCY_BUCKETS`], the count and
/// the sum.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Latencies {
    pub(crate) buckets: [u64; LATENCY_BUCKETS.len()],
    pub(crate) count: u64,
    pub(crate) sum_seconds: f64,
}

impl Latencies {
    pub(crate) fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum_seconds += seconds;
    }
}

impl RequestCounter {
    /// All requests received so far.
    pub fn total(&self) -> u64 {
        self.inner.total.load(Ordering::Relaxed)
    }

    /// Requests received for one route, e.g. `count("POST", "/subjects/{subject}/versions")`.
    pub fn count(&self, method: &str, route: &str) -> u64 {
        let key = format!("{} {}", method.to_ascii_uppercase(), route);
        self.lock().get(&key).copied().unwrap_or(0)
    }

    /// Every route's count, sorted by route.
    pub fn snapshot(&self) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> =
            self.lock().iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort();
        all
    }

    /// Every answered request's (method, route, status) and latencies, sorted.
    pub(crate) fn answered(&self) -> Vec<((String, String, u16), Latencies)> {
        let answered = self
            .inner
            .answered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<_> = answered
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    fn record_answer(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let route = strip_compat_prefix(route).to_string();
        let mut answered = self
            .inner
            .answered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        answered
            .entry((method.to_string(), route, status))
            .or_default()
            .observe(seconds);
    }

    fn record(&self, method: &str, route: &str) {
        self.inner.total.fetch_add(1, Ordering::Relaxed);
        let route = strip_compat_prefix(route);
        let key = format!("{method} {route}");
        *self.lock().entry(key).or_insert(0) += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        // A panic while holding this lock cannot leave the map inconsistent.
        self.inner
            .by_route
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// `/schemas/subjects` and `/subjects` are one route; the root API's own `/schemas/ids/..`
/// and `/schemas/types` keep their names.
fn strip_compat_prefix(route: &str) -> &str {
    match route.strip_prefix("/schemas") {
        Some(rest) if rest.starts_with("/ids") || rest.starts_with("/types") => route,
        Some("") => "/",
        Some(rest) => rest,
        None => route,
    }
}

/// Middleware recording every request in the state's counter.
pub(crate) async fn count_requests(
    State(counter): State<RequestCounter>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "<unmatched>".to_string());
    let method = request.method().as_str().to_string();
    counter.record(&method, &route);
    let started = Instant::now();
    let response = next.run(request).await;
    counter.record_answer(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_route_without_the_compat_prefix() {
        let counter = RequestCounter::default();
        counter.record("GET", "/subjects");
        counter.record("GET", "/schemas/subjects");
        counter.record("GET", "/schemas/ids/{id}");
        counter.record("GET", "/schemas/schemas/ids/{id}");
        counter.record("POST", "/subjects/{subject}/versions");
        assert_eq!(counter.total(), 5);
        assert_eq!(counter.count("GET", "/subjects"), 2);
        assert_eq!(counter.count("get", "/schemas/ids/{id}"), 2);
        assert_eq!(counter.count("POST", "/subjects/{subject}/versions"), 1);
        assert_eq!(counter.count("DELETE", "/subjects/{subject}"), 0);
        assert_eq!(counter.snapshot().len(), 3);
    }

    #[test]
    fn answers_are_counted_by_route_and_status_with_cumulative_buckets() {
        let counter = RequestCounter::default();
        counter.record_answer("GET", "/schemas/subjects", 200, 0.003);
        counter.record_answer("GET", "/subjects", 200, 0.2);
        counter.record_answer("GET", "/subjects", 404, 20.0);
        let answered = counter.answered();
        assert_eq!(answered.len(), 2);
        let ((method, route, status), ok) = &answered[0];
        assert_eq!(
            (method.as_str(), route.as_str(), *status),
            ("GET", "/subjects", 200)
        );
        assert_eq!(ok.count, 2);
        assert!((ok.sum_seconds - 0.203).abs() < 1e-9);
        // 0.003 s falls in every bucket, 0.2 s from the 0.25 s bucket on.
        assert_eq!(ok.buckets, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
        // Slower than the largest bucket: only in the count (and +Inf).
        assert_eq!(answered[1].1.buckets, [0; 11]);
        assert_eq!(answered[1].1.count, 1);
    }
}
