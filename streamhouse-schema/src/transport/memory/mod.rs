//! The embedded transport: an in-process partitioned log.
//!
//! Topics are created explicitly or on first send, each with a fixed number of partitions.
//! Every partition hands out offsets from 0 and millisecond timestamps that never decrease.
//! Any number of cursors read independently; a cursor waiting for records sleeps on a
//! [`tokio::sync::Notify`] instead of spinning.

mod cursor;
mod partition;

use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;
use tokio::sync::Notify;

pub use cursor::MemoryCursor;
use partition::{Append, TopicLog};

use super::{
    validate_topic_name, Header, SendResult, StartOffset, Transport, TransportCursor,
    TransportError, TransportFuture, TransportRecord, Watermarks,
};

/// Kafka's broker default for `num.partitions`.
const DEFAULT_PARTITIONS: i32 = 1;

/// The embedded, in-process partitioned log (the default transport).
///
/// Cloning is cheap and every clone is the same log.
#[derive(Clone)]
pub struct MemoryLog {
    shared: Arc<Shared>,
}

/// State shared by the log handle and its cursors.
struct Shared {
    default_partitions: i32,
    auto_create_topics: bool,
    retain: Option<NonZeroUsize>,
    topics: RwLock<HashMap<Arc<str>, Arc<TopicLog>>>,
    /// Woken after every append that happens while some cursor waits.
    appended: Notify,
    /// How many cursors are between "registered for a wake-up" and "done waiting"; appends
    /// skip the notification (a lock) when it is zero.
    waiting: AtomicUsize,
}

impl Shared {
    fn topic(&self, name: &str) -> Option<Arc<TopicLog>> {
        self.topics
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    fn existing_topic(&self, name: &str) -> Result<Arc<TopicLog>, TransportError> {
        self.topic(name)
            .ok_or_else(|| TransportError::UnknownTopic(name.to_string()))
    }

    /// The topic to append to, created with the default partition count if allowed.
    fn topic_for_send(&self, name: &str) -> Result<Arc<TopicLog>, TransportError> {
        if let Some(topic) = self.topic(name) {
            return Ok(topic);
        }
        if !self.auto_create_topics {
            return Err(TransportError::UnknownTopic(name.to_string()));
        }
        self.create(name, self.default_partitions, true)
    }

    /// Creates a topic; with `reuse`, an existing topic (created concurrently) is returned
    /// instead of being an error.
    fn create(
        &self,
        name: &str,
        partitions: i32,
        reuse: bool,
    ) -> Result<Arc<TopicLog>, TransportError> {
        validate_topic_name(name)?;
        let count = usize::try_from(partitions)
            .ok()
            .filter(|count| *count > 0)
            .ok_or(TransportError::InvalidPartitionCount(partitions))?;
        let mut topics = self.topics.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = topics.get(name) {
            return if reuse {
                Ok(Arc::clone(existing))
            } else {
                Err(TransportError::TopicAlreadyExists {
                    topic: name.to_string(),
                    partitions: existing.partition_count(),
                })
            };
        }
        let name: Arc<str> = Arc::from(name);
        let topic = Arc::new(TopicLog::new(Arc::clone(&name), count));
        topics.insert(name, Arc::clone(&topic));
        Ok(topic)
    }

    fn append(
        &self,
        topic: &str,
        partition: Option<i32>,
        record: Append,
    ) -> Result<SendResult, TransportError> {
        let topic = self.topic_for_send(topic)?;
        let partition = match partition {
            Some(partition) => partition,
            None => topic.choose_partition(record.key.as_deref()),
        };
        let result = topic
            .lock(partition)?
            .append(&topic.name, partition, record, self.retain);
        // SeqCst pairs with the cursor's increment: either this load sees the waiter, or the
        // waiter's re-check (after its increment) sees the record just appended.
        if self.waiting.load(Ordering::SeqCst) > 0 {
            self.appended.notify_waiters();
        }
        Ok(result)
    }
}

impl MemoryLog {
    /// A log that creates topics on first use with one partition and keeps every record.
    pub fn new() -> Self {
        MemoryLog::builder().into_log()
    }

    /// Options for the log: default partition count, auto-creation, retention.
    pub fn builder() -> MemoryLogBuilder {
        MemoryLogBuilder {
            default_partitions: DEFAULT_PARTITIONS,
            auto_create_topics: true,
            retain: None,
        }
    }

    /// The names of the topics that exist, sorted.
    pub fn topic_names(&self) -> Vec<String> {
        let topics = self
            .shared
            .topics
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let mut names: Vec<String> = topics.keys().map(|name| name.to_string()).collect();
        names.sort();
        names
    }
}

impl Default for MemoryLog {
    fn default() -> Self {
        MemoryLog::new()
    }
}

impl fmt::Debug for MemoryLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryLog")
            .field("default_partitions", &self.shared.default_partitions)
            .field("auto_create_topics", &self.shared.auto_create_topics)
            .field("retain", &self.shared.retain)
            .field("topics", &self.topic_names())
            .finish()
    }
}

/// Builds a [`MemoryLog`].
#[derive(Debug, Clone)]
pub struct MemoryLogBuilder {
    default_partitions: i32,
    auto_create_topics: bool,
    retain: Option<NonZeroUsize>,
}

impl MemoryLogBuilder {
    /// Partitions of topics created on first send (default 1, like Kafka's `num.partitions`).
    pub fn default_partitions(mut self, partitions: i32) -> Self {
        self.default_partitions = partitions;
        self
    }

    /// Whether sending to an unknown topic creates it (default `true`); when `false` such a
    /// send fails with [`TransportError::UnknownTopic`].
    pub fn auto_create_topics(mut self, enabled: bool) -> Self {
        self.auto_create_topics = enabled;
        self
    }

    /// Keep at most `records` records per partition, dropping the oldest (default: keep all).
    /// Cursors positioned before the oldest record continue from it.
    pub fn retain_records(mut self, records: NonZeroUsize) -> Self {
        self.retain = Some(records);
        self
    }

    /// The log; fails if the default partition count is below 1.
    pub fn build(self) -> Result<MemoryLog, TransportError> {
        if self.default_partitions < 1 {
            return Err(TransportError::InvalidPartitionCount(
                self.default_partitions,
            ));
        }
        Ok(self.into_log())
    }

    fn into_log(self) -> MemoryLog {
        MemoryLog {
            shared: Arc::new(Shared {
                default_partitions: self.default_partitions,
                auto_create_topics: self.auto_create_topics,
                retain: self.retain,
                topics: RwLock::new(HashMap::default()),
                appended: Notify::new(),
                waiting: AtomicUsize::new(0),
            }),
        }
    }
}

impl Transport for MemoryLog {
    fn send<'a>(
        &'a self,
        topic: &'a str,
        partition: Option<i32>,
        key: Option<Bytes>,
        value: Bytes,
        headers: Vec<Header>,
    ) -> TransportFuture<'a, SendResult> {
        TransportFuture::ready(self.shared.append(
            topic,
            partition,
            Append {
                key,
                value,
                headers,
            },
        ))
    }

    fn create_topic<'a>(&'a self, topic: &'a str, partitions: i32) -> TransportFuture<'a, ()> {
        TransportFuture::ready(self.shared.create(topic, partitions, false).map(|_| ()))
    }

    fn partition_count<'a>(&'a self, topic: &'a str) -> TransportFuture<'a, i32> {
        TransportFuture::ready(
            self.shared
                .existing_topic(topic)
                .map(|t| t.partition_count()),
        )
    }

    fn watermarks<'a>(&'a self, topic: &'a str, partition: i32) -> TransportFuture<'a, Watermarks> {
        let result = self
            .shared
            .existing_topic(topic)
            .and_then(|t| t.lock(partition).map(|log| log.watermarks()));
        TransportFuture::ready(result)
    }

    fn fetch<'a>(
        &'a self,
        topic: &'a str,
        partition: i32,
        offset: i64,
        max_records: usize,
    ) -> TransportFuture<'a, Vec<TransportRecord>> {
        let result = self.shared.existing_topic(topic).and_then(|t| {
            t.lock(partition)?
                .read(offset, max_records)
                .map_err(|marks| TransportError::OffsetOutOfRange {
                    topic: topic.to_string(),
                    partition,
                    offset,
                    low: marks.low,
                    high: marks.high,
                })
        });
        TransportFuture::ready(result)
    }

    fn subscribe(
        &self,
        topics: &[&str],
        start: StartOffset,
    ) -> Result<Box<dyn TransportCursor>, TransportError> {
        Ok(Box::new(MemoryCursor::new(
            Arc::clone(&self.shared),
            topics,
            start,
        )?))
    }
}
