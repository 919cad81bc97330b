//! When and how long to wait before trying a failed request again: exponential backoff
//! with full jitter (AWS's "full jitter": a uniform wait between zero and the cap), as
//! Confluent's Java and Python clients do.

use std::time::Duration;

use rand::Rng;

/// Retry settings; defaults match Confluent's clients (3 retries, 1 s, 20 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub(crate) max_retries: u32,
    /// The cap for the first retry; it doubles with each further retry.
    pub(crate) initial_backoff: Duration,
    /// The largest cap.
    pub(crate) max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The longest wait before retry number `retry` (0-based): `initial * 2^retry`,
    /// capped at `max_backoff`.
    pub(crate) fn cap(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// A random wait in `[0, cap(retry)]`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let cap = u64::try_from(self.cap(retry).as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_doubles_then_saturates() {
        let policy = RetryPolicy::default();
        let caps: Vec<u64> = (0..7).map(|retry| policy.cap(retry).as_secs()).collect();
        assert_eq!(caps, [1, 2, 4, 8, 16, 20, 20]);
        assert_eq!(policy.cap(200), Duration::from_secs(20));
    }

    #[test]
    fn backoff_stays_within_cap() {
        let policy = RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(25),
        };
        for retry in 0..6 {
            for _ in 0..100 {
                assert!(policy.backoff(retry) <= policy.cap(retry));
            }
        }
    }

    #[test]
    fn zero_backoff_is_zero() {
        let policy = RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        };
        assert_eq!(policy.backoff(0), Duration::ZERO);
    }
}
