//! The errors a transport reports.

/// Why a transport refused or failed an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The topic does not exist and the transport does not create topics on first use.
    #[error("unknown topic {0:?}")]
    UnknownTopic(String),
    /// The partition is negative or not below the topic's partition count.
    #[error("topic {topic:?} has no partition {partition} (it has {partitions} partitions)")]
    UnknownPartition {
        /// The topic that was addressed.
        topic: String,
        /// The partition that was asked for.
        partition: i32,
        /// How many partitions the topic has.
        partitions: i32,
    },
    /// The topic name breaks Kafka's naming rules.
    #[error("invalid topic name {name:?}: {reason}")]
    InvalidTopicName {
        /// The rejected name.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A topic must have at least one partition.
    #[error("invalid partition count {0}: a topic needs at least one partition")]
    InvalidPartitionCount(i32),
    /// `create_topic` was called for a topic that already exists.
    #[error("topic {topic:?} already exists with {partitions} partitions")]
    TopicAlreadyExists {
        /// The existing topic.
        topic: String,
        /// Its partition count.
        partitions: i32,
    },
    /// A fetch asked for an offset outside `[low, high]` of the partition.
    #[error("offset {offset} is out of range for {topic}/{partition} (valid: {low}..={high})")]
    OffsetOutOfRange {
        /// The topic fetched from.
        topic: String,
        /// The partition fetched from.
        partition: i32,
        /// The requested offset.
        offset: i64,
        /// The earliest offset still held.
        low: i64,
        /// The next offset to be written (fetching it returns nothing yet).
        high: i64,
    },
    /// A transport-specific failure (network, broker) described in words.
    #[error("transport failure: {0}")]
    Backend(String),
    /// A [`TransportFuture`](super::TransportFuture) was polled again after it completed.
    #[error("transport future polled after completion")]
    PolledAfterCompletion,
}
