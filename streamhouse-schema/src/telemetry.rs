//! The clients' metrics, through the [`metrics`](https://docs.rs/metrics) facade: install any
//! exporter (Prometheus, StatsD, ...) and these appear; without one every update is a no-op
//! costing a few nanoseconds. Names follow Prometheus's conventions.
//!
//! | Name | Kind | Labels |
//! |---|---|---|
//! | `streamhouse_registry_client_requests_total` | counter | `operation`, `outcome` (`ok`, `error`) |
//! | `streamhouse_registry_client_request_duration_seconds` | histogram | `operation` |
//! | `streamhouse_registry_client_cache_hits_total` / `_misses_total` | counter | `cache` (`ids`, `schemas`, `latest`) |
//! | `streamhouse_producer_sends_total` / `streamhouse_producer_send_errors_total` | counter | |
//! | `streamhouse_consumer_records_total` | counter | |
//! | `streamhouse_consumer_invalid_records_total` | counter | |
//! | `streamhouse_rules_total` (feature `rules`) | counter | `type` (`CEL`, `ENCRYPT`, ...), `mode` (`WRITE`, `READ`, ...), `outcome` (`success`, `failure`) |
//!
//! Registry requests also run in a `registry_request` span (`tracing`, DEBUG level, field
//! `operation`), and a type's first send (the one that registers) in a `first_send` span
//! (DEBUG, field `topic`); cached sends open no span, to keep them within nanoseconds.

/// Registry requests made (cache misses that reached the registry), by operation and outcome.
pub const REGISTRY_REQUESTS: &str = "streamhouse_registry_client_requests_total";
/// Time registry requests took, by operation.
pub const REGISTRY_REQUEST_DURATION: &str = "streamhouse_registry_client_request_duration_seconds";
/// Registry client cache lookups answered from the cache, by cache.
pub const REGISTRY_CACHE_HITS: &str = "streamhouse_registry_client_cache_hits_total";
/// Registry client cache lookups that had to ask the registry, by cache.
pub const REGISTRY_CACHE_MISSES: &str = "streamhouse_registry_client_cache_misses_total";
/// Records the producer sent.
pub const PRODUCER_SENDS: &str = "streamhouse_producer_sends_total";
/// Sends that failed (registry, encoding or transport).
pub const PRODUCER_SEND_ERRORS: &str = "streamhouse_producer_send_errors_total";
/// Records the consumer returned.
pub const CONSUMER_RECORDS: &str = "streamhouse_consumer_records_total";
/// Records the consumer could not read (not a frame, unknown schema, undecodable).
pub const CONSUMER_INVALID_RECORDS: &str = "streamhouse_consumer_invalid_records_total";

/// Data-contract rules run by the producer and consumer, by rule type, mode and outcome
/// (`success`: the condition held or the transform ran; `failure`: it did not, whatever the
/// rule's `onFailure` action then did).
pub const RULES: &str = "streamhouse_rules_total";
