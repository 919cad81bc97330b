//! One topic of the embedded log: its partitions, each an append-only run of records.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::transport::{
    partition_for_key, Header, SendResult, TransportError, TransportRecord, Watermarks,
};

/// A topic: a fixed set of partitions plus the round-robin counter for keyless records.
#[derive(Debug)]
pub(super) struct TopicLog {
    pub(super) name: Arc<str>,
    partitions: Box<[Mutex<PartitionLog>]>,
    next_keyless: AtomicU32,
}

impl TopicLog {
    pub(super) fn new(name: Arc<str>, partitions: usize) -> Self {
        TopicLog {
            name,
            partitions: (0..partitions)
                .map(|_| Mutex::new(PartitionLog::default()))
                .collect(),
            next_keyless: AtomicU32::new(0),
        }
    }

    /// The partition count as Kafka's `int` (topics are created with an `i32` count, so this
    /// never saturates in practice).
    pub(super) fn partition_count(&self) -> i32 {
        i32::try_from(self.partitions.len()).unwrap_or(i32::MAX)
    }

    /// Locks one partition, or says which partitions exist.
    pub(super) fn lock(
        &self,
        partition: i32,
    ) -> Result<MutexGuard<'_, PartitionLog>, TransportError> {
        usize::try_from(partition)
            .ok()
            .and_then(|index| self.partitions.get(index))
            // A panic while holding the lock cannot leave a partition half-written (appends are
            // a single push), so a poisoned lock is safe to keep using.
            .map(|mutex| mutex.lock().unwrap_or_else(PoisonError::into_inner))
            .ok_or_else(|| TransportError::UnknownPartition {
                topic: self.name.to_string(),
                partition,
                partitions: self.partition_count(),
            })
    }

    /// The partition a record goes to when the sender did not choose one: Kafka's murmur2
    /// partition for keyed records, round-robin for keyless ones.
    pub(super) fn choose_partition(&self, key: Option<&[u8]>) -> i32 {
        let count = self.partition_count();
        match key.and_then(|key| partition_for_key(key, count)) {
            Some(partition) => partition,
            None => {
                let turn = self.next_keyless.fetch_add(1, Ordering::Relaxed);
                // `count` is at least 1 (checked when the topic is created), so the remainder
                // is a valid partition.
                i32::try_from(turn % count.unsigned_abs().max(1)).unwrap_or(0)
            }
        }
    }
}

/// One partition: the records still held and the offset of the first of them.
#[derive(Debug, Default)]
pub(super) struct PartitionLog {
    /// Offset of `records[0]` (grows when retention drops old records).
    base_offset: i64,
    records: VecDeque<TransportRecord>,
    /// Timestamp of the newest record, so timestamps never go backwards when the wall clock
    /// does.
    last_timestamp: i64,
}

/// What one append needs to know.
pub(super) struct Append {
    pub(super) key: Option<Bytes>,
    pub(super) value: Bytes,
    pub(super) headers: Vec<Header>,
}

impl PartitionLog {
    pub(super) fn watermarks(&self) -> Watermarks {
        Watermarks {
            low: self.base_offset,
            high: self.high(),
        }
    }

    fn high(&self) -> i64 {
        self.base_offset
            .saturating_add(i64::try_from(self.records.len()).unwrap_or(i64::MAX))
    }

    /// Appends a record, stamping it with the next offset and a non-decreasing timestamp, and
    /// drops the oldest records beyond `retain`.
    pub(super) fn append(
        &mut self,
        topic: &Arc<str>,
        partition: i32,
        record: Append,
        retain: Option<NonZeroUsize>,
    ) -> SendResult {
        let offset = self.high();
        let timestamp = now_millis().max(self.last_timestamp);
        self.last_timestamp = timestamp;
        self.records.push_back(TransportRecord {
            topic: Arc::clone(topic),
            partition,
            offset,
            timestamp,
            key: record.key,
            value: record.value,
            headers: record.headers,
        });
        if let Some(retain) = retain {
            while self.records.len() > retain.get() {
                self.records.pop_front();
                self.base_offset += 1;
            }
        }
        SendResult {
            topic: Arc::clone(topic),
            partition,
            offset,
            timestamp,
        }
    }

    /// The record at `offset`, if it is still held.
    pub(super) fn get(&self, offset: i64) -> Option<&TransportRecord> {
        let index = usize::try_from(offset.checked_sub(self.base_offset)?).ok()?;
        self.records.get(index)
    }

    /// Up to `max` records from `offset`; `Err(watermarks)` when `offset` is outside them.
    pub(super) fn read(&self, offset: i64, max: usize) -> Result<Vec<TransportRecord>, Watermarks> {
        let marks = self.watermarks();
        if offset < marks.low || offset > marks.high {
            return Err(marks);
        }
        let start = usize::try_from(offset - marks.low).map_err(|_| marks)?;
        Ok(self.records.iter().skip(start).take(max).cloned().collect())
    }
}

/// Wall-clock milliseconds since the Unix epoch (0 for a clock set before 1970).
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn append(
        log: &mut PartitionLog,
        value: &'static [u8],
        retain: Option<NonZeroUsize>,
    ) -> SendResult {
        let topic: Arc<str> = Arc::from("t");
        let record = Append {
            key: None,
            value: Bytes::from_static(value),
            headers: Vec::new(),
        };
        log.append(&topic, 0, record, retain)
    }

    #[test]
    fn offsets_count_up_from_zero_and_timestamps_never_decrease() {
        let mut log = PartitionLog::default();
        let results: Vec<SendResult> = (0..5).map(|_| append(&mut log, b"v", None)).collect();
        let offsets: Vec<i64> = results.iter().map(|r| r.offset).collect();
        assert_eq!(offsets, vec![0, 1, 2, 3, 4]);
        assert!(results.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        assert!(
            results[0].timestamp > 1_600_000_000_000,
            "timestamps are epoch milliseconds"
        );
    }

    #[test]
    fn timestamp_does_not_go_back_when_the_clock_does() {
        let mut log = PartitionLog {
            last_timestamp: i64::MAX - 1,
            ..PartitionLog::default()
        };
        assert_eq!(append(&mut log, b"v", None).timestamp, i64::MAX - 1);
    }

    #[test]
    fn retention_drops_oldest_records_and_moves_the_low_watermark() {
        let mut log = PartitionLog::default();
        let retain = NonZeroUsize::new(2);
        for value in [b"a", b"b", b"c"] {
            append(&mut log, value, retain);
        }
        assert_eq!(log.watermarks(), Watermarks { low: 1, high: 3 });
        assert!(log.get(0).is_none());
        assert_eq!(
            log.get(1).map(|r| r.value.clone()),
            Some(Bytes::from_static(b"b"))
        );
        assert_eq!(log.read(0, 10), Err(Watermarks { low: 1, high: 3 }));
        let values: Vec<Bytes> = log
            .read(1, 10)
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.value)
            .collect();
        assert_eq!(
            values,
            vec![Bytes::from_static(b"b"), Bytes::from_static(b"c")]
        );
    }

    #[test]
    fn read_at_high_watermark_is_empty_and_past_it_is_out_of_range() {
        let mut log = PartitionLog::default();
        append(&mut log, b"a", None);
        assert_eq!(log.read(1, 10), Ok(Vec::new()));
        assert_eq!(log.read(2, 10), Err(Watermarks { low: 0, high: 1 }));
        assert_eq!(log.read(-1, 10), Err(Watermarks { low: 0, high: 1 }));
        assert_eq!(log.read(0, 0), Ok(Vec::new()));
    }

    #[test]
    fn keyless_records_go_round_robin() {
        let topic = TopicLog::new(Arc::from("t"), 3);
        let chosen: Vec<i32> = (0..7).map(|_| topic.choose_partition(None)).collect();
        assert_eq!(chosen, vec![0, 1, 2, 0, 1, 2, 0]);
    }

    #[test]
    fn keyed_records_use_kafka_murmur2_partition() {
        let topic = TopicLog::new(Arc::from("t"), 4);
        // toPositive(murmur2("foobar")) = 1357151166; % 4 = 2.
        assert_eq!(topic.choose_partition(Some(b"foobar")), 2);
        assert_eq!(topic.choose_partition(Some(b"foobar")), 2);
    }

    #[test]
    fn locking_a_missing_partition_names_the_valid_range() {
        let topic = TopicLog::new(Arc::from("t"), 2);
        assert!(topic.lock(1).is_ok());
        for partition in [2, -1] {
            assert_eq!(
                topic.lock(partition).map(|_| ()),
                Err(TransportError::UnknownPartition {
                    topic: "t".into(),
                    partition,
                    partitions: 2
                })
            );
        }
    }
}
