//! Answers to registrations of schemas already registered, kept in memory: what every
//! producer sends when it starts (`POST /subjects/{s}/versions` with a schema that is live
//! under the subject), answered without parsing the schema or touching the writer.
//!
//! An answer is keyed by a SHA-256 of the subject, the `normalize` flag and the request body
//! bytes as sent, and holds while the registry's generation (see `store::generation`) is the
//! one it was made under: deletes, imports, mode and config changes raise it, on any instance
//! sharing the database. A new registration does not, and needs not: it adds a version whose
//! schema was not live under its subject, which changes no earlier answer. Only answers that
//! depend on nothing else are kept (see `routes::subjects::register`).
//!
//! The memory is bounded by bytes, least recently used answers evicted first, as the schema
//! cache is.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use lru::LruCache;
use sha2::{Digest, Sha256};

/// The bytes of answers kept by default (16 MiB: some 50,000 `{"id":n}` answers).
pub const DEFAULT_REGISTRATION_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// What an entry costs beyond its body (the key, the map slot).
const ENTRY_OVERHEAD: usize = 128;

/// A registration request's identity: SHA-256 of subject, `normalize` and body bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey([u8; 32]);

impl RequestKey {
    /// The key of `body` POSTed to `subject`'s versions with this `normalize` flag.
    pub(crate) fn new(subject: &str, normalize: bool, body: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        // The subject's length first, so subject and body cannot trade bytes.
        hasher.update((subject.len() as u64).to_le_bytes());
        hasher.update(subject.as_bytes());
        hasher.update([u8::from(normalize)]);
        hasher.update(body);
        RequestKey(hasher.finalize().into())
    }
}

/// Registration answers by request, valid for one generation of the registry.
#[derive(Debug, Clone)]
pub(crate) struct RegistrationAnswers {
    inner: Arc<Mutex<Entries>>,
    /// Registrations answered from memory (for `/metrics`).
    hits: Arc<AtomicU64>,
}

#[derive(Debug)]
struct Entries {
    /// The generation every held answer was made under.
    generation: i64,
    by_request: LruCache<RequestKey, Bytes>,
    bytes: usize,
    budget: usize,
}

impl Entries {
    /// Forgets every answer when `generation` is newer than theirs; whether answers of
    /// `generation` may be held now.
    fn move_to(&mut self, generation: i64) -> bool {
        if generation > self.generation {
            self.by_request.clear();
            self.bytes = 0;
            self.generation = generation;
        }
        generation == self.generation
    }
}

fn cost(body: &Bytes) -> usize {
    body.len() + ENTRY_OVERHEAD
}

impl RegistrationAnswers {
    /// Holds at most `budget` bytes of answers; 0 keeps none.
    pub(crate) fn with_budget(budget: usize) -> Self {
        RegistrationAnswers {
            inner: Arc::new(Mutex::new(Entries {
                generation: i64::MIN,
                by_request: LruCache::unbounded(),
                bytes: 0,
                budget,
            })),
            hits: Arc::default(),
        }
    }

    /// Registrations answered from memory so far.
    pub(crate) fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Whether answers are kept at all.
    pub(crate) fn enabled(&self) -> bool {
        self.entries().budget > 0
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        // Every critical section leaves the map and its byte count consistent.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer to `key` made under `generation` (the registry's current one), if held.
    pub(crate) fn get(&self, key: &RequestKey, generation: i64) -> Option<Bytes> {
        let mut entries = self.entries();
        if !entries.move_to(generation) {
            return None;
        }
        let found = entries.by_request.get(key).cloned();
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Keeps `body` as the answer to `key`, made under `generation` (read before anything
    /// the answer depends on): dropped when the registry has moved past it since.
    pub(crate) fn insert(&self, key: RequestKey, generation: i64, body: Bytes) {
        let mut entries = self.entries();
        let cost = cost(&body);
        if cost > entries.budget / 8 || !entries.move_to(generation) {
            return;
        }
        if let Some(old) = entries.by_request.put(key, body) {
            entries.bytes -= self::cost(&old);
        }
        entries.bytes += cost;
        while entries.bytes > entries.budget {
            match entries.by_request.pop_lru() {
                Some((_, evicted)) => entries.bytes -= self::cost(&evicted),
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> RequestKey {
        RequestKey::new(
            "orders-value",
            false,
            format!("{{\"schema\":\"{n}\"}}").as_bytes(),
        )
    }

    #[test]
    fn keys_separate_subject_normalize_and_body() {
        let body = br#"{"schema":"\"int\""}"#;
        let a = RequestKey::new("a", false, body);
        assert_eq!(a, RequestKey::new("a", false, body));
        assert_ne!(a, RequestKey::new("a", true, body));
        assert_ne!(a, RequestKey::new("b", false, body));
        assert_ne!(a, RequestKey::new("a", false, br#"{"schema":"\"long\""}"#));
        // Bytes cannot move between the subject and the body.
        assert_ne!(
            RequestKey::new("ab", false, b"c"),
            RequestKey::new("a", false, b"bc")
        );
    }

    #[test]
    fn an_answer_holds_for_its_generation_only() {
        let answers = RegistrationAnswers::with_budget(1024 * 1024);
        answers.insert(key(1), 5, Bytes::from_static(b"{\"id\":1}"));
        assert_eq!(
            answers.get(&key(1), 5),
            Some(Bytes::from_static(b"{\"id\":1}"))
        );
        assert_eq!(answers.get(&key(2), 5), None);
        assert_eq!(answers.hits(), 1);
        // A newer generation forgets it, and an answer made under an older one is dropped.
        assert_eq!(answers.get(&key(1), 6), None);
        answers.insert(key(1), 5, Bytes::from_static(b"{\"id\":1}"));
        assert_eq!(answers.get(&key(1), 6), None);
        answers.insert(key(1), 6, Bytes::from_static(b"{\"id\":7}"));
        assert_eq!(
            answers.get(&key(1), 6),
            Some(Bytes::from_static(b"{\"id\":7}"))
        );
        // A reader that still sees the older generation gets nothing.
        assert_eq!(answers.get(&key(1), 5), None);
    }

    #[test]
    fn holds_no_more_bytes_than_its_budget() {
        let answers = RegistrationAnswers::with_budget(64 * 1024);
        let body = Bytes::from(vec![b'x'; 1000]);
        for n in 0..1000 {
            answers.insert(key(n), 1, body.clone());
            assert!(answers.entries().bytes <= 64 * 1024);
        }
        let held = answers.entries().by_request.len();
        assert_eq!(held, 64 * 1024 / (1000 + ENTRY_OVERHEAD));
        assert!(answers.get(&key(999), 1).is_some());
        assert!(answers.get(&key(0), 1).is_none());
        // Off: nothing is kept.
        let off = RegistrationAnswers::with_budget(0);
        assert!(!off.enabled());
        off.insert(key(1), 1, Bytes::from_static(b"{}"));
        assert_eq!(off.get(&key(1), 1), None);
    }
}
