//! How long the store's operations take: one latency histogram per operation and outcome,
//! which `/metrics` reports as `streamhouse_registry_store_operation_duration_seconds`.
//!
//! Timed per store operation (a registration is one operation, however many statements and
//! retries it takes), so the label values are the operations' names: a fixed, small set.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::Store;
use crate::server::error::ApiError;
use crate::server::metrics::Latencies;

/// Latencies by (operation, outcome `"ok"` or `"error"`).
#[derive(Debug, Default)]
pub(crate) struct StoreTimings {
    by_operation: Mutex<BTreeMap<(&'static str, &'static str), Latencies>>,
}

impl StoreTimings {
    fn observe(&self, operation: &'static str, ok: bool, seconds: f64) {
        let outcome = if ok { "ok" } else { "error" };
        self.by_operation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((operation, outcome))
            .or_default()
            .observe(seconds);
    }

    /// A copy of every histogram, ordered by operation then outcome.
    pub(crate) fn snapshot(&self) -> Vec<((&'static str, &'static str), Latencies)> {
        self.by_operation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(key, latencies)| (*key, latencies.clone()))
            .collect()
    }
}

impl Store {
    /// Runs `operation`'s future, recording how long it took and whether it failed.
    pub(crate) async fn timed<T>(
        &self,
        operation: &'static str,
        run: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let started = Instant::now();
        let result = run.await;
        self.timings
            .observe(operation, result.is_ok(), started.elapsed().as_secs_f64());
        result
    }

    /// The operations' latency histograms.
    pub(crate) fn timings(&self) -> &StoreTimings {
        &self.timings
    }
}
