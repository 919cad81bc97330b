//! Requests, failures and latencies per operation, and their summary.

use std::fmt;
use std::time::Duration;

/// The operations a load client performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `POST /subjects/{subject}/versions`.
    Register,
    /// `GET /schemas/ids/{id}`.
    GetById,
    /// `GET /subjects/{subject}/versions`.
    Versions,
    /// `POST /subjects/{subject}` (lookup).
    Lookup,
}

impl Op {
    /// Every operation, in report order.
    pub const ALL: [Op; 4] = [Op::Register, Op::GetById, Op::Versions, Op::Lookup];

    fn index(self) -> usize {
        self as usize
    }

    fn label(self) -> &'static str {
        match self {
            Op::Register => "register",
            Op::GetById => "get-by-id",
            Op::Versions => "versions",
            Op::Lookup => "lookup",
        }
    }
}

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 200 whose content agrees with what was acknowledged before.
    Ok,
    /// No HTTP answer (connection refused or reset, timeout): the server is down.
    Unavailable(String),
    /// An HTTP answer other than the expected one, or contradicting earlier answers.
    Failed(String),
}

/// The numbers of one operation.
#[derive(Debug, Default, Clone)]
pub struct OpStats {
    /// Requests sent.
    pub requests: u64,
    /// Requests answered wrongly ([`Outcome::Failed`]).
    pub failed: u64,
    /// Requests without an answer ([`Outcome::Unavailable`]).
    pub unavailable: u64,
    latencies_us: Vec<u32>,
}

impl OpStats {
    /// The `p`-th percentile (0..=100) of the latency of answered requests.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies_us.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        Duration::from_micros(u64::from(sorted[rank.min(sorted.len() - 1)]))
    }
}

/// What one load run did.
#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    ops: [OpStats; 4],
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The first few failure messages.
    pub failure_samples: Vec<String>,
}

/// Failure messages kept per report.
const SAMPLES: usize = 10;

impl LoadReport {
    /// Counts one request.
    pub fn record(&mut self, op: Op, outcome: Outcome, latency: Duration) {
        let stats = &mut self.ops[op.index()];
        stats.requests += 1;
        match outcome {
            Outcome::Ok => stats
                .latencies_us
                .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX)),
            Outcome::Unavailable(_) => stats.unavailable += 1,
            Outcome::Failed(message) => {
                stats.failed += 1;
                if self.failure_samples.len() < SAMPLES {
                    self.failure_samples
                        .push(format!("{}: {message}", op.label()));
                }
            }
        }
    }

    /// Adds another client's numbers.
    pub fn merge(&mut self, other: LoadReport) {
        for (mine, theirs) in self.ops.iter_mut().zip(other.ops) {
            mine.requests += theirs.requests;
            mine.failed += theirs.failed;
            mine.unavailable += theirs.unavailable;
            mine.latencies_us.extend(theirs.latencies_us);
        }
        for sample in other.failure_samples {
            if self.failure_samples.len() < SAMPLES {
                self.failure_samples.push(sample);
            }
        }
    }

    /// The numbers of `op`.
    pub fn op(&self, op: Op) -> &OpStats {
        &self.ops[op.index()]
    }

    /// Requests sent, all operations.
    pub fn requests(&self) -> u64 {
        self.ops.iter().map(|s| s.requests).sum()
    }

    /// Wrong answers, all operations.
    pub fn failed(&self) -> u64 {
        self.ops.iter().map(|s| s.failed).sum()
    }

    /// Requests without an answer, all operations.
    pub fn unavailable(&self) -> u64 {
        self.ops.iter().map(|s| s.unavailable).sum()
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64().max(f64::EPSILON);
        writeln!(
            f,
            "{:<10} {:>9} {:>9} {:>7} {:>11} {:>9} {:>9}",
            "operation", "requests", "per s", "failed", "unavailable", "p50 ms", "p99 ms"
        )?;
        for op in Op::ALL {
            let s = self.op(op);
            writeln!(
                f,
                "{:<10} {:>9} {:>9.0} {:>7} {:>11} {:>9.2} {:>9.2}",
                op.label(),
                s.requests,
                s.requests as f64 / seconds,
                s.failed,
                s.unavailable,
                s.percentile(50.0).as_secs_f64() * 1000.0,
                s.percentile(99.0).as_secs_f64() * 1000.0,
            )?;
        }
        write!(
            f,
            "{:<10} {:>9} {:>9.0} {:>7} {:>11}   in {:.1} s",
            "all",
            self.requests(),
            self.requests() as f64 / seconds,
            self.failed(),
            self.unavailable(),
            seconds
        )
    }
}
