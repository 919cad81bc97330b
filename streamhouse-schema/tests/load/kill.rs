//! The kill -9 scenario: the registry binary serves the load, is SIGKILLed and restarted on
//! the same database again and again, and at the end everything it acknowledged is there.
//!
//! Time only decides *when* to kill (after some acknowledged progress, or a pause); what is
//! checked does not depend on it.

use std::path::Path;
use std::time::{Duration, Instant};

use super::child::ChildRegistry;
use super::verify::{verify, Verification};
use super::{start, LoadConfig, LoadReport, Targets};

/// Acknowledged registrations between two kills (when the load gets that far in time).
const PROGRESS_PER_ROUND: u64 = 40;
/// Longest wait for that progress before killing anyway.
const LONGEST_ROUND: Duration = Duration::from_secs(3);

/// What the kill scenario did and found.
pub struct KillReport {
    /// SIGKILLs sent while the load ran.
    pub kills: usize,
    /// Registrations answered with an id (repeats included), all rounds.
    pub acknowledgements: u64,
    /// The load's numbers (requests to a dead server count as unavailable).
    pub load: LoadReport,
    /// Contradictions between answers seen during the load.
    pub violations: Vec<String>,
    /// The final check, on the last instance.
    pub verification: Verification,
}

/// Runs `config` against `binary` on `database`, killing it `kills` times.
pub fn run(binary: &Path, database: &str, kills: usize, config: LoadConfig) -> KillReport {
    let subjects = config.subjects;
    let mut registry = ChildRegistry::start(binary, database);
    let targets = Targets::new(vec![registry.url.clone()]);
    let load = start(config, targets.clone());
    let mut done = 0;
    // One more round than kills: the last one runs against the final instance.
    for round in 0..=kills {
        let from = load.ledger().acknowledgements();
        let began = Instant::now();
        while load.ledger().acknowledgements() < from + PROGRESS_PER_ROUND
            && began.elapsed() < LONGEST_ROUND
            && !load.is_finished()
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        if round == kills || load.is_finished() {
            break;
        }
        registry.kill();
        done += 1;
        registry = ChildRegistry::start(binary, database);
        targets.set(vec![registry.url.clone()]);
    }
    load.stop();
    let (report, ledger) = load.join();
    let verification = verify(&[registry.url.clone()], &ledger, subjects);
    registry.kill();
    KillReport {
        kills: done,
        acknowledgements: ledger.acknowledgements(),
        load: report,
        violations: ledger.violations(),
        verification,
    }
}
