//! The registry's generation (table `registry_generation`): a counter raised in the same
//! transaction as every change that can alter the answer to a registration of a schema
//! already registered — soft and permanent deletes, imports, mode and config changes. A new
//! registration does not raise it: it only adds a version whose schema was not live under
//! its subject, which changes no earlier answer.
//!
//! [`Store::generation`] reads it for answers kept in memory (`registration_cache`): such an
//! answer holds while the generation is the one it was made under. Every caller waits for a
//! read that *started after it asked*, so a change acknowledged (by any instance on the
//! database) before a request began is always seen; callers that ask while a read is under
//! way share the next one, so under load one read serves many requests.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

use super::super::error::ApiError;
use super::{with_reader, Store};

/// The statement that raises the generation, run inside the changing transaction.
pub(crate) const RAISE_GENERATION: &str =
    "UPDATE registry_generation SET value = value + 1 WHERE id = 1";

/// Callers waiting for the next read, and whether a reading task is running.
#[derive(Debug, Default)]
pub(crate) struct GenerationReads {
    state: Mutex<Waiting>,
}

#[derive(Debug, Default)]
struct Waiting {
    callers: Vec<oneshot::Sender<Result<i64, ApiError>>>,
    reading: bool,
}

impl GenerationReads {
    fn waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        // Every critical section leaves the list and the flag consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store {
    /// The generation as of a read that began after this call: see the module's comment.
    pub(crate) async fn generation(&self) -> Result<i64, ApiError> {
        let (sender, answer) = oneshot::channel();
        let start_reader = {
            let mut waiting = self.generation_reads.waiting();
            waiting.callers.push(sender);
            !std::mem::replace(&mut waiting.reading, true)
        };
        if start_reader {
            // A task of its own, so that a caller that goes away (its client hung up) does
            // not strand the others waiting on its read.
            let store = self.clone();
            tokio::spawn(async move { store.read_generations().await });
        }
        answer.await.map_err(|_| {
            ApiError::internal("the registry generation's reader stopped before answering")
        })?
    }

    /// Reads the generation for every caller that asked before the read began, until none
    /// is waiting.
    async fn read_generations(&self) {
        loop {
            let callers = {
                let mut waiting = self.generation_reads.waiting();
                if waiting.callers.is_empty() {
                    waiting.reading = false;
                    return;
                }
                std::mem::take(&mut waiting.callers)
            };
            let read = self.read_generation().await;
            for caller in callers {
                // A caller that went away no longer needs its answer.
                let _ = caller.send(read.clone());
            }
        }
    }

    async fn read_generation(&self) -> Result<i64, ApiError> {
        Ok(with_reader!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM registry_generation WHERE id = 1")
                .fetch_one(pool)
                .await?
        }))
    }
}

/// Shared between the clones of one [`Store`].
pub(crate) type SharedGenerationReads = Arc<GenerationReads>;
