//! Per-route request counts, so tests can assert how many requests a client really sent
//! (e.g. "one registration under 100 concurrent first sends").

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

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
    counter.record(request.method().as_str(), &route);
    next.run(request).await
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
}
