//! A load generator for the registry server, shared by the load and kill tests and the
//! `registry_load` example. It runs on its own thread with its own tokio runtime, so the
//! server it measures (in-process or a child process) never shares threads with it; it talks
//! to loopback addresses only and stops by itself after a bounded count and time.
#![allow(dead_code)] // each user takes a different subset

pub mod child;
mod client;
pub mod kill;
pub mod ledger;
pub mod schemas;
pub mod stats;
pub mod verify;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

pub use ledger::Ledger;
#[allow(unused_imports)] // the tests name operations, the example does not
pub use stats::{LoadReport, Op};

/// What the clients send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// A quarter each: registrations (of one of `versions_per_subject` schemas of a random
    /// subject), reads by id, version lists and lookups of acknowledged registrations.
    Mixed,
    /// Registrations only, each of a schema never sent before (each one is a write).
    RegisterOnly,
}

/// The shape and bounds of a load run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Concurrent clients (each sends its next request when the previous one is answered).
    pub clients: usize,
    /// Subjects the load spreads over.
    pub subjects: u32,
    /// Distinct schemas per subject in [`Mix::Mixed`].
    pub versions_per_subject: u32,
    /// Each client stops after this many requests...
    pub requests_per_client: u64,
    /// ...or after this long, whichever comes first.
    pub duration: Duration,
    /// What to send.
    pub mix: Mix,
    /// Seeds the clients' random choices (client `i` uses `seed + i`).
    pub seed: u64,
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig {
            clients: 64,
            subjects: 1000,
            versions_per_subject: 5,
            requests_per_client: 100,
            duration: Duration::from_secs(60),
            mix: Mix::Mixed,
            seed: 1,
        }
    }
}

/// The base URLs (`http://127.0.0.1:PORT`) of the registry instances under load; replaced
/// when a killed instance comes back on another port. Requests rotate over them.
#[derive(Debug, Default)]
pub struct Targets {
    urls: RwLock<Vec<String>>,
}

impl Targets {
    /// Targets these URLs.
    pub fn new(urls: Vec<String>) -> Arc<Targets> {
        Arc::new(Targets {
            urls: RwLock::new(urls),
        })
    }

    /// Replaces the URLs.
    pub fn set(&self, urls: Vec<String>) {
        *self.urls.write().unwrap_or_else(PoisonError::into_inner) = urls;
    }

    /// The URL for request number `turn`.
    pub fn pick(&self, turn: u64) -> Option<String> {
        let urls = self.urls.read().unwrap_or_else(PoisonError::into_inner);
        if urls.is_empty() {
            return None;
        }
        let index = usize::try_from(turn % urls.len() as u64).unwrap_or(0);
        Some(urls[index].clone())
    }

    /// Every URL.
    pub fn all(&self) -> Vec<String> {
        self.urls
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// State the clients share with whoever drives the run.
#[derive(Debug)]
pub struct Shared {
    /// Where to send requests.
    pub targets: Arc<Targets>,
    /// What was acknowledged.
    pub ledger: Arc<Ledger>,
    /// Set to make every client stop after its current request.
    pub stop: AtomicBool,
    /// Hands out fresh (subject, n) pairs in [`Mix::RegisterOnly`].
    pub fresh: AtomicU64,
}

/// A load run in progress.
pub struct LoadHandle {
    shared: Arc<Shared>,
    thread: JoinHandle<LoadReport>,
}

/// Starts `config` against `targets` on a thread and runtime of its own.
pub fn start(config: LoadConfig, targets: Arc<Targets>) -> LoadHandle {
    let shared = Arc::new(Shared {
        targets,
        ledger: Arc::new(Ledger::default()),
        stop: AtomicBool::new(false),
        fresh: AtomicU64::new(0),
    });
    let for_thread = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("registry-load".into())
        .spawn(move || {
            let runtime = load_runtime();
            runtime.block_on(client::run_clients(config, for_thread))
        })
        .expect("spawn the load thread");
    LoadHandle { shared, thread }
}

/// The load side's runtime: two workers, apart from the server's.
pub fn load_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("registry-load-worker")
        .enable_all()
        .build()
        .expect("build the load runtime")
}

impl LoadHandle {
    /// What was acknowledged so far.
    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.shared.ledger
    }

    /// Whether every client has stopped.
    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }

    /// Asks every client to stop after its current request.
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }

    /// Waits for the clients to stop; their combined numbers.
    pub fn join(self) -> (LoadReport, Arc<Ledger>) {
        let report = self.thread.join().expect("the load thread panicked");
        (report, Arc::clone(&self.shared.ledger))
    }
}
