//! An in-process cache of schemas by id: a schema id's content never changes, so the only
//! invalidation needed is a permanent delete. (A permanent delete made by *another* instance
//! sharing the same PostgreSQL is not seen until restart; that id is then still served here.)
//!
//! The cache is bounded by the bytes it holds, not by a count of entries: schemas range from
//! a few hundred bytes to the request-body limit, so a count alone would let a client that
//! fetches many large schemas by id grow the server's memory without limit. The least
//! recently used schemas are evicted first; a schema larger than an eighth of the budget is
//! served without being cached, so one huge schema cannot flush the rest.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use lru::LruCache;

use super::store::SchemaRecord;

/// The bytes of schemas the cache holds by default (64 MiB).
pub const DEFAULT_SCHEMA_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// What an entry costs beyond its text and body (the map slot, the record's fields).
const ENTRY_OVERHEAD: usize = 256;

/// A cached schema and its ready-to-send `GET /schemas/ids/{id}` body.
#[derive(Debug, Clone)]
pub(crate) struct CachedSchema {
    pub(crate) record: Arc<SchemaRecord>,
    pub(crate) body: Bytes,
}

impl CachedSchema {
    /// The bytes this entry keeps alive.
    fn cost(&self) -> usize {
        self.record.text.len() + self.body.len() + ENTRY_OVERHEAD
    }
}

/// Schemas by id, least recently used evicted first once `budget` bytes are held.
#[derive(Debug, Clone)]
pub(crate) struct SchemaCache {
    inner: Arc<Mutex<Entries>>,
    /// Lookups answered from the cache, and not (for `/metrics`).
    hits: Arc<AtomicU64>,
    misses: Arc<AtomicU64>,
}

#[derive(Debug)]
struct Entries {
    by_id: LruCache<i64, CachedSchema>,
    bytes: usize,
    budget: usize,
}

impl Default for SchemaCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_SCHEMA_CACHE_BYTES)
    }
}

impl SchemaCache {
    /// An empty cache that holds at most `budget` bytes of schemas.
    pub(crate) fn with_budget(budget: usize) -> Self {
        SchemaCache {
            inner: Arc::new(Mutex::new(Entries {
                by_id: LruCache::unbounded(),
                bytes: 0,
                budget,
            })),
            hits: Arc::default(),
            misses: Arc::default(),
        }
    }

    /// Lookups answered from the cache so far, and lookups that were not.
    pub(crate) fn hits_and_misses(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        // Every critical section leaves the map and its byte count consistent.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, id: i64) -> Option<CachedSchema> {
        let found = self.entries().by_id.get(&id).cloned();
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub(crate) fn insert(&self, id: i64, entry: CachedSchema) {
        let cost = entry.cost();
        let mut e = self.entries();
        if cost > e.budget / 8 {
            return;
        }
        if let Some(old) = e.by_id.put(id, entry) {
            e.bytes -= old.cost();
        }
        e.bytes += cost;
        while e.bytes > e.budget {
            match e.by_id.pop_lru() {
                Some((_, evicted)) => e.bytes -= evicted.cost(),
                None => break,
            }
        }
    }

    pub(crate) fn remove(&self, ids: &[i64]) {
        if ids.is_empty() {
            return;
        }
        let mut e = self.entries();
        for id in ids {
            if let Some(old) = e.by_id.pop(id) {
                e.bytes -= old.cost();
            }
        }
    }

    /// The bytes held and the number of schemas cached.
    #[cfg(test)]
    fn usage(&self) -> (usize, usize) {
        let e = self.entries();
        (e.bytes, e.by_id.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::SchemaRecord;

    fn entry(id: i64, size: usize) -> CachedSchema {
        let text = "x".repeat(size);
        CachedSchema {
            record: Arc::new(SchemaRecord {
                id,
                format: crate::SchemaFormat::Avro,
                text: text.clone(),
                references: Vec::new(),
                metadata: None,
                rule_set: None,
            }),
            body: Bytes::from(text),
        }
    }

    #[test]
    fn holds_no_more_bytes_than_its_budget_and_evicts_the_least_recently_used() {
        let cache = SchemaCache::with_budget(64 * 1024);
        for id in 1..=1000 {
            cache.insert(id, entry(id, 3000));
            let (bytes, _) = cache.usage();
            assert!(bytes <= 64 * 1024, "{bytes} bytes after {id} inserts");
        }
        let (bytes, count) = cache.usage();
        assert_eq!(count, 64 * 1024 / (6000 + ENTRY_OVERHEAD));
        assert_eq!(bytes, count * (6000 + ENTRY_OVERHEAD));
        // The newest are kept, the oldest evicted.
        assert!(cache.get(1000).is_some());
        assert!(cache.get(1).is_none());
    }

    #[test]
    fn a_schema_above_an_eighth_of_the_budget_is_not_cached() {
        let cache = SchemaCache::with_budget(80 * 1024);
        cache.insert(1, entry(1, 2000));
        cache.insert(2, entry(2, 6000));
        assert!(cache.get(2).is_none());
        assert!(cache.get(1).is_some());
        cache.remove(&[1]);
        assert_eq!(cache.usage(), (0, 0));
    }
}
