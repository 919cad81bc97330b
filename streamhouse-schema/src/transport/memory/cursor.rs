//! A subscription to topics of a [`MemoryLog`](super::MemoryLog) with its own positions.

use std::fmt;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::partition::TopicLog;
use super::Shared;
use crate::transport::{
    validate_topic_name, StartOffset, TransportCursor, TransportError, TransportFuture,
    TransportRecord,
};

/// How far in the future "wait forever" is (a `Duration::MAX` timeout would overflow
/// `Instant`).
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// A cursor over every partition of some topics of a [`MemoryLog`](super::MemoryLog).
///
/// Records of different partitions are served in turn (one from each partition that has
/// one), so a busy partition cannot starve the others.
pub struct MemoryCursor {
    shared: Arc<Shared>,
    /// Subscribed topic names, with `true` once their partitions are assigned.
    topics: Vec<(String, bool)>,
    assignments: Vec<Assignment>,
    /// Index of the assignment to look at first on the next scan.
    next: usize,
    /// How many times the cursor looked for records (lets tests prove waiting does not spin).
    scans: u64,
}

/// A partition the cursor reads and the next offset it will read there.
struct Assignment {
    topic: Arc<TopicLog>,
    partition: i32,
    position: i64,
}

impl MemoryCursor {
    pub(super) fn new(
        shared: Arc<Shared>,
        topics: &[&str],
        start: StartOffset,
    ) -> Result<Self, TransportError> {
        let mut unique: Vec<(String, bool)> = Vec::with_capacity(topics.len());
        for topic in topics {
            validate_topic_name(topic)?;
            // A topic named twice must not be read twice.
            if !unique.iter().any(|(name, _)| name == topic) {
                unique.push((topic.to_string(), false));
            }
        }
        let mut cursor = MemoryCursor {
            shared,
            topics: unique,
            assignments: Vec::new(),
            next: 0,
            scans: 0,
        };
        // Topics that exist now start where `start` says; topics created later are read from
        // their first record, since all of it was written after the subscription.
        cursor.assign_new_topics(start);
        Ok(cursor)
    }

    /// How many times this cursor has scanned its partitions for records.
    pub fn scans(&self) -> u64 {
        self.scans
    }

    fn assign_new_topics(&mut self, start: StartOffset) {
        for (name, assigned) in self.topics.iter_mut().filter(|(_, assigned)| !*assigned) {
            let Some(topic) = self.shared.topic(name) else {
                continue;
            };
            for partition in 0..topic.partition_count() {
                let Ok(log) = topic.lock(partition) else {
                    continue;
                };
                let marks = log.watermarks();
                drop(log);
                let position = match start {
                    StartOffset::Earliest => marks.low,
                    StartOffset::Latest => marks.high,
                };
                self.assignments.push(Assignment {
                    topic: Arc::clone(&topic),
                    partition,
                    position,
                });
            }
            *assigned = true;
        }
    }

    /// Takes the next available record, visiting partitions in turn.
    fn take_next(&mut self) -> Option<TransportRecord> {
        self.scans += 1;
        self.assign_new_topics(StartOffset::Earliest);
        let count = self.assignments.len();
        for step in 0..count {
            let index = (self.next + step) % count;
            let Some(assignment) = self.assignments.get_mut(index) else {
                continue;
            };
            let Ok(log) = assignment.topic.lock(assignment.partition) else {
                continue;
            };
            // Retention may have dropped records the cursor had not read yet: continue from
            // the oldest one still held.
            assignment.position = assignment.position.max(log.watermarks().low);
            if let Some(record) = log.get(assignment.position) {
                let record = record.clone();
                assignment.position += 1;
                self.next = (index + 1) % count;
                return Some(record);
            }
        }
        None
    }

    async fn wait_for_next(
        &mut self,
        deadline: Instant,
    ) -> Result<Option<TransportRecord>, TransportError> {
        let shared = Arc::clone(&self.shared);
        loop {
            // Register before looking, so an append between the look and the wait still wakes
            // us (see `Shared::append`).
            let _waiting = WaitingGuard::enter(&shared.waiting);
            let mut notified = pin!(shared.appended.notified());
            notified.as_mut().enable();
            if let Some(record) = self.take_next() {
                return Ok(Some(record));
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Ok(None);
            }
        }
    }

    fn assignment_mut(
        &mut self,
        topic: &str,
        partition: i32,
    ) -> Result<&mut Assignment, TransportError> {
        self.assign_new_topics(StartOffset::Earliest);
        let Some(topic_log) = self.shared.topic(topic) else {
            return Err(TransportError::UnknownTopic(topic.to_string()));
        };
        let partitions = topic_log.partition_count();
        self.assignments
            .iter_mut()
            .find(|a| &*a.topic.name == topic && a.partition == partition)
            .ok_or_else(|| TransportError::UnknownPartition {
                topic: topic.to_string(),
                partition,
                partitions,
            })
    }
}

impl TransportCursor for MemoryCursor {
    fn poll(&mut self, timeout: Duration) -> TransportFuture<'_, Option<TransportRecord>> {
        // Records already waiting are returned without boxing a future.
        if let Some(record) = self.take_next() {
            return TransportFuture::ready(Ok(Some(record)));
        }
        if timeout.is_zero() {
            return TransportFuture::ready(Ok(None));
        }
        let now = Instant::now();
        let deadline = now.checked_add(timeout).unwrap_or_else(|| now + FOREVER);
        TransportFuture::boxed(self.wait_for_next(deadline))
    }

    fn seek(&mut self, topic: &str, partition: i32, offset: i64) -> Result<(), TransportError> {
        let assignment = self.assignment_mut(topic, partition)?;
        let marks = assignment.topic.lock(partition)?.watermarks();
        if offset < marks.low || offset > marks.high {
            return Err(TransportError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition,
                offset,
                low: marks.low,
                high: marks.high,
            });
        }
        assignment.position = offset;
        Ok(())
    }

    fn position(&self, topic: &str, partition: i32) -> Option<i64> {
        self.assignments
            .iter()
            .find(|a| &*a.topic.name == topic && a.partition == partition)
            .map(|a| a.position)
    }
}

impl fmt::Debug for MemoryCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let positions: Vec<(String, i32, i64)> = self
            .assignments
            .iter()
            .map(|a| (a.topic.name.to_string(), a.partition, a.position))
            .collect();
        f.debug_struct("MemoryCursor")
            .field("topics", &self.topics)
            .field("positions", &positions)
            .finish()
    }
}

/// Counts a cursor as waiting for as long as it lives.
struct WaitingGuard<'a>(&'a AtomicUsize);

impl<'a> WaitingGuard<'a> {
    fn enter(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::SeqCst);
        WaitingGuard(waiting)
    }
}

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::transport::{MemoryLog, Transport};

    async fn send(log: &MemoryLog, topic: &str, partition: Option<i32>, value: &'static [u8]) {
        let sent = log
            .send(
                topic,
                partition,
                None,
                Bytes::from_static(value),
                Vec::new(),
            )
            .await;
        assert!(sent.is_ok(), "send failed: {sent:?}");
    }

    fn cursor(log: &MemoryLog, topics: &[&str], start: StartOffset) -> MemoryCursor {
        match MemoryCursor::new(Arc::clone(&log.shared), topics, start) {
            Ok(cursor) => cursor,
            Err(error) => unreachable!("valid subscription refused: {error}"),
        }
    }

    fn value(record: Result<Option<TransportRecord>, TransportError>) -> Option<Bytes> {
        record.ok().flatten().map(|r| r.value)
    }

    #[tokio::test(start_paused = true)]
    async fn poll_timeout_returns_none_after_a_single_wait_without_spinning() {
        let log = MemoryLog::new();
        let mut cursor = cursor(&log, &["quiet"], StartOffset::Earliest);
        let started = Instant::now();
        let polled = cursor.poll(Duration::from_secs(5)).await;
        assert_eq!(polled, Ok(None));
        // One look before waiting, one after registering for wake-ups; the timeout then ends
        // the wait. A busy loop would have scanned many times.
        assert_eq!(cursor.scans(), 2);
        // The (paused, virtual) clock moved by the whole timeout.
        assert!(started.elapsed() >= Duration::from_secs(5));
        assert_eq!(
            log.shared.waiting.load(Ordering::SeqCst),
            0,
            "waiter count restored"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn zero_timeout_poll_only_looks_once() {
        let log = MemoryLog::new();
        let mut cursor = cursor(&log, &["quiet"], StartOffset::Earliest);
        assert_eq!(cursor.poll(Duration::ZERO).await, Ok(None));
        assert_eq!(cursor.scans(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_poll_wakes_when_a_record_arrives() {
        let log = MemoryLog::new();
        let mut cursor = cursor(&log, &["orders"], StartOffset::Earliest);
        let writer = log.clone();
        let sender = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            send(&writer, "orders", None, b"late").await;
        });
        let polled = cursor.poll(Duration::from_secs(60)).await;
        assert_eq!(value(polled), Some(Bytes::from_static(b"late")));
        // Before waiting, after registering, and once after the wake-up.
        assert_eq!(cursor.scans(), 3);
        assert!(sender.await.is_ok());
    }

    #[tokio::test]
    async fn independent_cursors_each_read_every_record() {
        let log = MemoryLog::new();
        let mut first = cursor(&log, &["t"], StartOffset::Earliest);
        let mut second = cursor(&log, &["t"], StartOffset::Earliest);
        for v in [b"a", b"b"] {
            send(&log, "t", None, v).await;
        }
        for cursor in [&mut first, &mut second] {
            assert_eq!(
                value(cursor.poll(Duration::ZERO).await),
                Some(Bytes::from_static(b"a"))
            );
            assert_eq!(
                value(cursor.poll(Duration::ZERO).await),
                Some(Bytes::from_static(b"b"))
            );
            assert_eq!(cursor.poll(Duration::ZERO).await, Ok(None));
        }
    }

    #[tokio::test]
    async fn latest_start_skips_records_written_before_the_subscription() {
        let log = MemoryLog::new();
        send(&log, "t", None, b"old").await;
        let mut latest = cursor(&log, &["t"], StartOffset::Latest);
        assert_eq!(latest.position("t", 0), Some(1));
        send(&log, "t", None, b"new").await;
        assert_eq!(
            value(latest.poll(Duration::ZERO).await),
            Some(Bytes::from_static(b"new"))
        );
        assert_eq!(latest.poll(Duration::ZERO).await, Ok(None));
    }

    #[tokio::test]
    async fn topic_created_after_subscribing_is_read_from_its_first_record() {
        let log = MemoryLog::new();
        let mut cursor = cursor(&log, &["later"], StartOffset::Latest);
        assert_eq!(cursor.position("later", 0), None);
        send(&log, "later", None, b"first").await;
        assert_eq!(
            value(cursor.poll(Duration::ZERO).await),
            Some(Bytes::from_static(b"first"))
        );
    }

    #[tokio::test]
    async fn partitions_are_served_in_turn() {
        let log = MemoryLog::new();
        assert_eq!(log.create_topic("t", 2).await, Ok(()));
        for v in [b"p0-a", b"p0-b"] {
            send(&log, "t", Some(0), v).await;
        }
        send(&log, "t", Some(1), b"p1-a").await;
        let mut cursor = cursor(&log, &["t"], StartOffset::Earliest);
        let mut order = Vec::new();
        while let Some(record) = value(cursor.poll(Duration::ZERO).await) {
            order.push(record);
        }
        let expected: Vec<Bytes> = [&b"p0-a"[..], b"p1-a", b"p0-b"]
            .into_iter()
            .map(Bytes::copy_from_slice)
            .collect();
        assert_eq!(order, expected);
    }

    #[tokio::test]
    async fn seek_moves_the_position_within_the_watermarks_only() {
        let log = MemoryLog::new();
        for v in [b"a", b"b", b"c"] {
            send(&log, "t", None, v).await;
        }
        let mut cursor = cursor(&log, &["t"], StartOffset::Earliest);
        assert_eq!(cursor.seek("t", 0, 2), Ok(()));
        assert_eq!(cursor.position("t", 0), Some(2));
        assert_eq!(
            value(cursor.poll(Duration::ZERO).await),
            Some(Bytes::from_static(b"c"))
        );
        assert_eq!(
            cursor.seek("t", 0, 4),
            Err(TransportError::OffsetOutOfRange {
                topic: "t".into(),
                partition: 0,
                offset: 4,
                low: 0,
                high: 3
            })
        );
        assert_eq!(
            cursor.seek("t", 1, 0),
            Err(TransportError::UnknownPartition {
                topic: "t".into(),
                partition: 1,
                partitions: 1
            })
        );
        assert_eq!(
            cursor.seek("nope", 0, 0),
            Err(TransportError::UnknownTopic("nope".into()))
        );
    }

    #[tokio::test]
    async fn cursor_behind_retention_continues_from_the_oldest_record_held() {
        let retain = std::num::NonZeroUsize::new(2).unwrap_or(std::num::NonZeroUsize::MIN);
        let log = match MemoryLog::builder().retain_records(retain).build() {
            Ok(log) => log,
            Err(error) => unreachable!("{error}"),
        };
        let mut cursor = cursor(&log, &["t"], StartOffset::Earliest);
        send(&log, "t", None, b"a").await;
        for v in [b"b", b"c", b"d"] {
            send(&log, "t", None, v).await;
        }
        let record = cursor.poll(Duration::ZERO).await.ok().flatten();
        assert_eq!(
            record.map(|r| (r.offset, r.value)),
            Some((2, Bytes::from_static(b"c")))
        );
    }

    #[tokio::test]
    async fn a_topic_named_twice_is_read_once() {
        let log = MemoryLog::new();
        send(&log, "t", None, b"once").await;
        let mut cursor = cursor(&log, &["t", "t"], StartOffset::Earliest);
        assert_eq!(
            value(cursor.poll(Duration::ZERO).await),
            Some(Bytes::from_static(b"once"))
        );
        assert_eq!(cursor.poll(Duration::ZERO).await, Ok(None));
    }

    #[test]
    fn subscribing_to_an_invalid_topic_name_fails() {
        let log = MemoryLog::new();
        let result = MemoryCursor::new(
            Arc::clone(&log.shared),
            &["bad name"],
            StartOffset::Earliest,
        );
        assert!(matches!(
            result,
            Err(TransportError::InvalidTopicName { .. })
        ));
    }
}
