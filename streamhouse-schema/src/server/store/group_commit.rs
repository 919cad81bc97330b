//! Group commit of registrations on SQLite.
//!
//! SQLite has one writer, and each commit waits for its sync to disk (some milliseconds), so
//! registrations committed one by one cannot go faster than those syncs however many clients
//! send them. Here the registrations waiting for the writer are taken together: one `BEGIN
//! IMMEDIATE`, each registration's own statements and compatibility check inside a savepoint
//! of its own, one `COMMIT`, and only then each registration's answer. So 16 waiting
//! registrations cost one sync instead of 16; none is acknowledged before the commit that
//! holds it succeeded.
//!
//! One registration failing does not fail the others: a refusal (an incompatible schema, a
//! deleted reference, an exhausted id) rolls back to its savepoint only; a lost race (a
//! unique violation: another registry on the same file wrote first) too, and is retried by
//! the caller. Any other database error may have ended the whole transaction (SQLite does so
//! on a full disk), so the batch is rolled back: that registration gets the error and the
//! others are run again in the next batch. A failed `COMMIT` fails every registration of the
//! batch (none of them is acknowledged).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::super::error::ApiError;
use super::reference_guard::ensure_references_live;
use super::registration::{
    ensure_wire_id, existing_schema, registration_steps, Attempt, Check, LiveRow, NewSchema,
    Registered,
};
use super::{is_unique_violation, BeginWrite};

/// The most registrations committed together (bounds the time one batch holds the writer).
const MAX_BATCH: usize = 256;

/// One registration waiting for the writer.
struct Job {
    subject: String,
    schema: NewSchema,
    check: Check,
    answer: oneshot::Sender<Result<Registered, Attempt>>,
}

/// The queue to the task that commits registrations in groups; cloned with the store.
#[derive(Debug, Clone)]
pub(crate) struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
    counts: Arc<Counts>,
}

/// Committed groups and the registrations they stored or found (for `/metrics`).
#[derive(Debug, Default)]
struct Counts {
    commits: AtomicU64,
    registrations: AtomicU64,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl GroupCommit {
    /// Starts the committing task on `writer` (it ends when every clone of the queue is gone).
    pub(crate) fn start(writer: SqlitePool) -> GroupCommit {
        let (jobs, queue) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        tokio::spawn(run(writer, queue, Arc::clone(&counts)));
        GroupCommit { jobs, counts }
    }

    /// Groups committed so far, and the registrations they held.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.counts.commits.load(Ordering::Relaxed),
            self.counts.registrations.load(Ordering::Relaxed),
        )
    }

    /// Registers `schema` under `subject` in the next group; answers after its commit.
    pub(crate) async fn register(
        &self,
        subject: String,
        schema: NewSchema,
        check: Check,
    ) -> Result<Registered, Attempt> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            subject,
            schema,
            check,
            answer,
        };
        let stopped = || Attempt::Api(ApiError::store(&sqlx::Error::PoolClosed));
        self.jobs.send(job).map_err(|_| stopped())?;
        // No answer: the batch's task ended abnormally, and its transaction was rolled back.
        answered.await.map_err(|_| stopped())?
    }
}

/// Takes what is waiting, commits it as one group, and again, until the queue closes.
async fn run(writer: SqlitePool, mut queue: mpsc::UnboundedReceiver<Job>, counts: Arc<Counts>) {
    let mut waiting: VecDeque<Job> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match queue.recv().await {
                Some(job) => waiting.push_back(job),
                None => return,
            }
        }
        while waiting.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => waiting.push_back(job),
                Err(_) => break,
            }
        }
        let count = waiting.len().min(MAX_BATCH);
        let batch: Vec<Job> = waiting.drain(..count).collect();
        // A task per batch: should one panic, its registrations get no answer (an error to
        // their callers) and the next batches still run.
        if let Ok(again) =
            tokio::spawn(commit_group(writer.clone(), batch, Arc::clone(&counts))).await
        {
            for job in again.into_iter().rev() {
                waiting.push_front(job);
            }
        }
    }
}

/// Commits `batch` as one transaction; the registrations to run again (see the module's
/// comment), in their order.
async fn commit_group(writer: SqlitePool, batch: Vec<Job>, counts: Arc<Counts>) -> Vec<Job> {
    let mut tx = match writer.begin_write().await {
        Ok(tx) => tx,
        Err(error) => {
            let error = ApiError::store(&error);
            for job in batch {
                let _ = job.answer.send(Err(Attempt::Api(error.clone())));
            }
            return Vec::new();
        }
    };
    let mut done: Vec<(Job, Result<Registered, Attempt>)> = Vec::with_capacity(batch.len());
    let mut jobs: VecDeque<Job> = batch.into();
    while let Some(job) = jobs.pop_front() {
        match in_savepoint(&mut tx, &job).await {
            Ok(outcome) => done.push((job, outcome)),
            Err(error) => {
                // The transaction may be gone: roll back what is left of it; this one gets
                // the error, the others run again.
                drop(tx);
                let _ = job.answer.send(Err(Attempt::Database(error)));
                return done.into_iter().map(|(job, _)| job).chain(jobs).collect();
            }
        }
    }
    match tx.commit().await {
        Ok(()) => {
            counts.commits.fetch_add(1, Ordering::Relaxed);
            let registered = done.iter().filter(|(_, outcome)| outcome.is_ok()).count();
            counts
                .registrations
                .fetch_add(registered as u64, Ordering::Relaxed);
            for (job, outcome) in done {
                let _ = job.answer.send(outcome);
            }
        }
        Err(error) => {
            let error = ApiError::store(&error);
            for (job, _) in done {
                let _ = job.answer.send(Err(Attempt::Api(error.clone())));
            }
        }
    }
    Vec::new()
}

/// Runs `job` in a savepoint of `tx`: its outcome when the transaction is intact (a refusal
/// or a lost race rolled back to the savepoint), or the database error that ends the batch.
/// Plain `SAVEPOINT` statements rather than sqlx's nested transactions, so that sqlx counts
/// one transaction whatever happens inside it (see `sqlite_recovery`).
async fn in_savepoint(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    job: &Job,
) -> Result<Result<Registered, Attempt>, sqlx::Error> {
    sqlx::query("SAVEPOINT registration")
        .execute(&mut **tx)
        .await?;
    let connection: &mut sqlx::SqliteConnection = tx;
    let outcome = registration_steps!(connection, &job.subject, &job.schema, &job.check, false);
    match outcome {
        Ok(registered) => {
            release(tx).await?;
            Ok(Ok(registered))
        }
        Err(Attempt::Api(error)) => {
            roll_back(tx).await?;
            Ok(Err(Attempt::Api(error)))
        }
        Err(Attempt::Database(error)) if is_unique_violation(&error) => {
            roll_back(tx).await?;
            Ok(Err(Attempt::Database(error)))
        }
        Err(Attempt::Database(error)) => Err(error),
    }
}

async fn release(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<(), sqlx::Error> {
    sqlx::query("RELEASE registration")
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Undoes the savepoint's work and leaves it.
async fn roll_back(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<(), sqlx::Error> {
    sqlx::query("ROLLBACK TO registration")
        .execute(&mut **tx)
        .await?;
    release(tx).await
}
