//! Bounded LRU caches with single-flight loading: however many callers miss the same
//! key at once, one of them fetches and the others wait for its answer (value or error).
//! Errors are shared with the waiters but never cached.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};

use lru::LruCache;
use tokio::sync::OnceCell;

use super::RegistryError;
use crate::telemetry::{REGISTRY_CACHE_HITS, REGISTRY_CACHE_MISSES};

/// Which kind of request is in flight for a key: a register and a lookup of the same
/// (subject, schema) must not share an answer (a lookup may legitimately 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Flight {
    /// Fetch by id, or register.
    Load,
    /// Lookup only (never registers).
    Lookup,
}

type Slot<V> = Arc<OnceCell<Result<V, RegistryError>>>;

/// An LRU map plus the requests currently loading missing keys.
#[derive(Debug)]
pub(crate) struct SingleFlightCache<K: Hash + Eq, V> {
    /// The `cache` label of its hit and miss counters.
    name: &'static str,
    entries: Mutex<LruCache<K, V>>,
    in_flight: Mutex<HashMap<(Flight, K), Slot<V>>>,
}

/// Locks a mutex, ignoring poisoning: the guarded maps stay consistent even if a holder
/// panicked, because every critical section is a single map operation.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<K: Hash + Eq + Clone, V: Clone> SingleFlightCache<K, V> {
    /// An empty cache holding at most `capacity` entries.
    pub(crate) fn new(name: &'static str, capacity: NonZeroUsize) -> Self {
        Self {
            name,
            entries: Mutex::new(LruCache::new(capacity)),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value for `key`, marking it most recently used.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        lock(&self.entries).get(key).cloned()
    }

    /// Caches `value` for `key`, evicting the least recently used entry when full.
    pub(crate) fn insert(&self, key: K, value: V) {
        lock(&self.entries).put(key, value);
    }

    /// Drops the entry for `key`, if any.
    pub(crate) fn remove<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        lock(&self.entries).pop(key);
    }

    /// Drops every entry whose key matches `predicate`.
    pub(crate) fn remove_where(&self, predicate: impl Fn(&K) -> bool) {
        let mut entries = lock(&self.entries);
        let doomed: Vec<K> = entries
            .iter()
            .filter(|(key, _)| predicate(key))
            .map(|(key, _)| key.clone())
            .collect();
        for key in doomed {
            entries.pop(&key);
        }
    }

    /// Number of cached entries.
    pub(crate) fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// The cached value for `key`, or the result of `fetch`, run at most once for all
    /// concurrent callers of the same `(flight, key)`. Successful results are cached.
    pub(crate) async fn get_or_fetch<F, Fut>(
        &self,
        flight: Flight,
        key: K,
        fetch: F,
    ) -> Result<V, RegistryError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, RegistryError>>,
    {
        if let Some(value) = self.get(&key) {
            metrics::counter!(REGISTRY_CACHE_HITS, "cache" => self.name).increment(1);
            return Ok(value);
        }
        metrics::counter!(REGISTRY_CACHE_MISSES, "cache" => self.name).increment(1);
        let slot_key = (flight, key);
        let slot = lock(&self.in_flight)
            .entry(slot_key.clone())
            .or_default()
            .clone();
        let result = slot
            .get_or_init(|| async {
                // A flight that finished between our miss and taking the slot has
                // already filled the cache: do not ask the registry again.
                if let Some(value) = self.get(&slot_key.1) {
                    return Ok(value);
                }
                let result = fetch().await;
                if let Ok(value) = &result {
                    self.insert(slot_key.1.clone(), value.clone());
                }
                result
            })
            .await
            .clone();
        // Retire the finished flight so a later miss (after an error or an eviction)
        // starts afresh; only our own slot, never a newer one.
        let mut in_flight = lock(&self.in_flight);
        if in_flight
            .get(&slot_key)
            .is_some_and(|current| Arc::ptr_eq(current, &slot))
        {
            in_flight.remove(&slot_key);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::registry::{Operation, RegistryError};

    fn cache(capacity: usize) -> SingleFlightCache<i32, String> {
        SingleFlightCache::new("test", NonZeroUsize::new(capacity).unwrap())
    }

    #[test]
    fn evicts_least_recently_used() {
        let cache = cache(2);
        cache.insert(1, "one".into());
        cache.insert(2, "two".into());
        assert_eq!(cache.get(&1).as_deref(), Some("one")); // 2 is now the oldest
        cache.insert(3, "three".into());
        assert_eq!(cache.get(&2), None);
        assert_eq!(cache.get(&1).as_deref(), Some("one"));
        assert_eq!(cache.get(&3).as_deref(), Some("three"));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn remove_where_drops_matching_keys_only() {
        let cache = cache(10);
        for key in 0..6 {
            cache.insert(key, key.to_string());
        }
        cache.remove_where(|key| key % 2 == 0);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(&1).as_deref(), Some("1"));
        assert_eq!(cache.get(&2), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_fetch_once() {
        let cache = Arc::new(cache(10));
        let fetches = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(tokio::sync::Notify::new());
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, fetches, release) = (cache.clone(), fetches.clone(), release.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_fetch(Flight::Load, 7, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        release.notified().await;
                        Ok("seven".to_string())
                    })
                    .await
            }));
        }
        // Hold the fetch until all 50 callers wait on the same slot (map + 50 clones), so
        // the test proves sharing rather than a lucky ordering.
        loop {
            let waiting = lock(&cache.in_flight)
                .get(&(Flight::Load, 7))
                .map_or(0, Arc::strong_count);
            if waiting == 51 {
                break;
            }
            tokio::task::yield_now().await;
        }
        release.notify_one();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), "seven");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(lock(&cache.in_flight).is_empty());
    }

    #[tokio::test]
    async fn errors_are_returned_but_not_cached() {
        let cache = cache(10);
        let failed = cache
            .get_or_fetch(Flight::Load, 1, || async {
                Err(RegistryError::status(
                    Operation::GetSchemaById,
                    503,
                    50001,
                    "down",
                ))
            })
            .await;
        assert_eq!(failed.unwrap_err().http_status(), Some(503));
        let recovered = cache
            .get_or_fetch(Flight::Load, 1, || async { Ok("one".to_string()) })
            .await;
        assert_eq!(recovered.unwrap(), "one");
    }

    #[tokio::test]
    async fn register_and_lookup_flights_are_separate() {
        let cache = cache(10);
        let lookup = cache
            .get_or_fetch(Flight::Lookup, 1, || async {
                Err(RegistryError::status(
                    Operation::Lookup,
                    404,
                    40403,
                    "absent",
                ))
            })
            .await;
        assert!(lookup.unwrap_err().is_not_found());
        let loaded = cache
            .get_or_fetch(Flight::Load, 1, || async { Ok("registered".to_string()) })
            .await;
        assert_eq!(loaded.unwrap(), "registered");
    }
}
