//! The transport abstraction the producer and consumer are written against.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use super::{
    Header, SendResult, StartOffset, TransportError, TransportFuture, TransportRecord, Watermarks,
};

/// A partitioned log of byte records: the embedded [`MemoryLog`](super::MemoryLog), or a Kafka
/// cluster behind a client.
///
/// Object safe: producers and consumers hold an `Arc<dyn Transport>`.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Appends one record to `topic`.
    ///
    /// With `partition: None`, a keyed record goes to Kafka's default partition for its key
    /// ([`partition_for_key`](super::partition_for_key)) and a keyless one is spread over the
    /// partitions. An explicit partition must exist.
    fn send<'a>(
        &'a self,
        topic: &'a str,
        partition: Option<i32>,
        key: Option<Bytes>,
        value: Bytes,
        headers: Vec<Header>,
    ) -> TransportFuture<'a, SendResult>;

    /// Creates `topic` with `partitions` partitions; fails if it exists already.
    fn create_topic<'a>(&'a self, topic: &'a str, partitions: i32) -> TransportFuture<'a, ()>;

    /// How many partitions `topic` has.
    fn partition_count<'a>(&'a self, topic: &'a str) -> TransportFuture<'a, i32>;

    /// The offsets `partition` of `topic` currently holds.
    fn watermarks<'a>(&'a self, topic: &'a str, partition: i32) -> TransportFuture<'a, Watermarks>;

    /// Up to `max_records` records of one partition, starting at `offset`, without waiting.
    ///
    /// Fetching at the high watermark returns an empty list; an offset outside
    /// `[low, high]` is [`TransportError::OffsetOutOfRange`].
    fn fetch<'a>(
        &'a self,
        topic: &'a str,
        partition: i32,
        offset: i64,
        max_records: usize,
    ) -> TransportFuture<'a, Vec<TransportRecord>>;

    /// A cursor over every partition of `topics`, with its own positions (independent of any
    /// other cursor). Topics that do not exist yet are picked up once they appear.
    fn subscribe(
        &self,
        topics: &[&str],
        start: StartOffset,
    ) -> Result<Box<dyn TransportCursor>, TransportError>;
}

/// A subscription's read position over a set of topics.
pub trait TransportCursor: Send + fmt::Debug {
    /// The next record of any subscribed partition, waiting up to `timeout` for one to arrive;
    /// `Ok(None)` when none arrived in time.
    fn poll(&mut self, timeout: Duration) -> TransportFuture<'_, Option<TransportRecord>>;

    /// Moves the position of one partition; the next record read from it is `offset`.
    fn seek(&mut self, topic: &str, partition: i32, offset: i64) -> Result<(), TransportError>;

    /// The offset the cursor will read next from a partition, if it has a position there.
    fn position(&self, topic: &str, partition: i32) -> Option<i64>;

    /// Commits, for every partition read, the position after the last record handed out, so
    /// that the consumer group resumes there. The embedded log keeps no group offsets: its
    /// cursors have nothing to commit and return `Ok`.
    fn commit(&mut self) -> TransportFuture<'_, ()> {
        TransportFuture::ready(Ok(()))
    }
}
