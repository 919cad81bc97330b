//! What the registry acknowledged: every (subject, n) registration answered 200 with its id,
//! and the version a lookup reported for it. Any answer contradicting an earlier one (a pair
//! getting a second id, an id given to a second pair, a version changing) is a violation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use rand::Rng;

/// One acknowledged registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// The subject number.
    pub subject: u32,
    /// Which of the subject's schemas (see `schemas::schema_text`).
    pub n: u32,
    /// The id the registry answered.
    pub id: i64,
    /// The version a lookup reported, once one did.
    pub version: Option<i64>,
}

/// The acknowledged registrations of one load run, shared by its clients.
#[derive(Debug, Default)]
pub struct Ledger {
    inner: Mutex<Inner>,
    acknowledgements: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    entries: Vec<Ack>,
    by_pair: HashMap<(u32, u32), usize>,
    by_id: HashMap<i64, (u32, u32)>,
    violations: Vec<String>,
}

impl Ledger {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that registering schema `n` of `subject` answered `id`; a contradiction of an
    /// earlier answer is recorded and returned.
    pub fn acknowledge(&self, subject: u32, n: u32, id: i64) -> Result<(), String> {
        self.acknowledgements.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.lock();
        if let Some(&pair) = inner.by_id.get(&id) {
            if pair != (subject, n) {
                let problem = format!(
                    "id {id} answered for subject {subject} schema {n} and for subject {} schema {}",
                    pair.0, pair.1
                );
                inner.violations.push(problem.clone());
                return Err(problem);
            }
        }
        if let Some(&index) = inner.by_pair.get(&(subject, n)) {
            let known = inner.entries[index].id;
            if known != id {
                let problem =
                    format!("subject {subject} schema {n} answered id {known}, later id {id}");
                inner.violations.push(problem.clone());
                return Err(problem);
            }
            return Ok(());
        }
        let index = inner.entries.len();
        inner.entries.push(Ack {
            subject,
            n,
            id,
            version: None,
        });
        inner.by_pair.insert((subject, n), index);
        inner.by_id.insert(id, (subject, n));
        Ok(())
    }

    /// Records the version a lookup reported for an acknowledged pair; a change is a violation.
    pub fn record_version(&self, subject: u32, n: u32, version: i64) -> Result<(), String> {
        let mut inner = self.lock();
        let Some(&index) = inner.by_pair.get(&(subject, n)) else {
            return Ok(());
        };
        match inner.entries[index].version {
            None => {
                inner.entries[index].version = Some(version);
                Ok(())
            }
            Some(known) if known == version => Ok(()),
            Some(known) => {
                let problem = format!(
                    "subject {subject} schema {n} was version {known}, later version {version}"
                );
                inner.violations.push(problem.clone());
                Err(problem)
            }
        }
    }

    /// A random acknowledged registration, if there is one.
    pub fn pick(&self, rng: &mut impl Rng) -> Option<Ack> {
        let inner = self.lock();
        if inner.entries.is_empty() {
            return None;
        }
        let index = rng.random_range(0..inner.entries.len());
        Some(inner.entries[index])
    }

    /// How many registrations were answered with an id (repeats included).
    pub fn acknowledgements(&self) -> u64 {
        self.acknowledgements.load(Ordering::Relaxed)
    }

    /// Every distinct acknowledged registration.
    pub fn entries(&self) -> Vec<Ack> {
        self.lock().entries.clone()
    }

    /// The contradictions seen so far.
    pub fn violations(&self) -> Vec<String> {
        self.lock().violations.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contradictions_are_violations() {
        let ledger = Ledger::default();
        assert_eq!(ledger.acknowledge(1, 1, 10), Ok(()));
        assert_eq!(ledger.acknowledge(1, 1, 10), Ok(()));
        assert!(ledger.acknowledge(1, 1, 11).is_err());
        assert!(ledger.acknowledge(2, 1, 10).is_err());
        assert_eq!(ledger.record_version(1, 1, 3), Ok(()));
        assert!(ledger.record_version(1, 1, 4).is_err());
        assert_eq!(ledger.violations().len(), 3);
        assert_eq!(ledger.entries().len(), 1);
        assert_eq!(ledger.acknowledgements(), 4);
    }
}
