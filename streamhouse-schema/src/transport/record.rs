//! The records and results a transport moves around.

use std::sync::Arc;

use bytes::Bytes;

/// A record header: a named byte string carried next to the key and value (as in Kafka).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The header's name.
    pub key: String,
    /// The header's bytes.
    pub value: Bytes,
}

impl Header {
    /// A header named `key` holding `value`.
    pub fn new(key: impl Into<String>, value: impl Into<Bytes>) -> Self {
        Header {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Where a sent record was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    /// The topic written to (shared, so returning it does not allocate).
    pub topic: Arc<str>,
    /// The partition the record landed on.
    pub partition: i32,
    /// The record's offset within that partition. On Kafka this is `-1` when the broker
    /// acknowledged the record without naming its offset: librdkafka reports that for a
    /// retried send the broker had already persisted from an earlier attempt (the record is
    /// written once; only its offset is unknown), as Java's `RecordMetadata` does.
    pub offset: i64,
    /// The record's timestamp in milliseconds since the Unix epoch.
    pub timestamp: i64,
}

/// A record read back from a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportRecord {
    /// The topic it was read from.
    pub topic: Arc<str>,
    /// Its partition.
    pub partition: i32,
    /// Its offset within the partition.
    pub offset: i64,
    /// Its timestamp in milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// The key bytes, if the record had a key.
    pub key: Option<Bytes>,
    /// The value bytes.
    pub value: Bytes,
    /// The record's headers, in the order they were sent.
    pub headers: Vec<Header>,
}

/// Where a new subscription starts reading partitions it has no position for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartOffset {
    /// From the oldest record still held (Kafka's `auto.offset.reset=earliest`).
    #[default]
    Earliest,
    /// Only records written after the subscription saw the partition (`latest`).
    Latest,
}

/// The range of offsets a partition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watermarks {
    /// The oldest offset still held.
    pub low: i64,
    /// The offset the next record will get (so `high - low` records are held).
    pub high: i64,
}
