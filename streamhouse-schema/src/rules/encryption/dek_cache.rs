//! The unwrapped DEKs an executor has resolved, looked up without allocating (the cached
//! send path asks it once per message).

use std::sync::{Arc, Mutex};

// FxHash: a cached DEK is looked up for every message an ENCRYPT rule runs on.
use rustc_hash::FxHashMap as HashMap;

use super::cipher::DataCipher;
use crate::registry::DekAlgorithm;

/// An unwrapped DEK: one version of a subject's key under a KEK.
#[derive(Debug)]
pub struct ResolvedDek {
    pub(crate) version: i32,
    pub(crate) ts: Option<i64>,
    pub(crate) cipher: DataCipher,
}

impl ResolvedDek {
    /// Its version under the subject.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// When the registry stored it (milliseconds since the epoch), if it said.
    pub fn ts(&self) -> Option<i64> {
        self.ts
    }

    /// Its cipher.
    pub fn cipher(&self) -> &DataCipher {
        &self.cipher
    }
}

/// Which DEK of a (KEK, subject) a cache entry answers for, as Confluent's `DekId` less the
/// names: the version asked for (`-1`: the latest), the algorithm, and whether soft-deleted
/// DEKs were included (readers include them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DekSlot {
    pub(crate) version: i32,
    pub(crate) algorithm: DekAlgorithm,
    pub(crate) deleted: bool,
}

type BySubject = HashMap<String, Vec<(DekSlot, Arc<ResolvedDek>)>>;

/// KEK name → subject → the slots resolved for them. Nested maps so that a lookup by
/// `&str`s allocates nothing; a subject has a handful of slots, scanned in order.
#[derive(Default)]
pub(crate) struct DekCache {
    by_kek: Mutex<HashMap<String, BySubject>>,
}

impl DekCache {
    pub(crate) fn get(&self, kek: &str, subject: &str, slot: DekSlot) -> Option<Arc<ResolvedDek>> {
        let by_kek = self.by_kek.lock().unwrap_or_else(|e| e.into_inner());
        by_kek
            .get(kek)?
            .get(subject)?
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, dek)| dek.clone())
    }

    /// Stores `dek` for `slot`, replacing what the slot held.
    pub(crate) fn insert(&self, kek: &str, subject: &str, slot: DekSlot, dek: Arc<ResolvedDek>) {
        let mut by_kek = self.by_kek.lock().unwrap_or_else(|e| e.into_inner());
        let slots = by_kek
            .entry(kek.to_owned())
            .or_default()
            .entry(subject.to_owned())
            .or_default();
        match slots.iter_mut().find(|(s, _)| *s == slot) {
            Some(entry) => entry.1 = dek,
            None => slots.push((slot, dek)),
        }
    }
}
