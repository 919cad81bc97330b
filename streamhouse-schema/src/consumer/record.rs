//! What a poll returns.

use std::sync::Arc;

use bytes::Bytes;

use crate::registry::Schema;
use crate::transport::Header;

/// A record read by the [`Consumer`](super::Consumer), with its writer schema resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumedRecord {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset within the partition.
    pub offset: i64,
    /// The timestamp, milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// The key bytes as sent (a framed key stays framed; see
    /// [`Consumer::decode_key`](super::Consumer::decode_key)).
    pub key: Option<Bytes>,
    /// The payload: the value after the frame header (and, for Protobuf, after the
    /// message indexes), or the whole value when the consumer has no registry.
    pub value: Bytes,
    /// The writer schema id from the frame header.
    pub schema_id: Option<i32>,
    /// The writer schema, fetched by id and cached.
    pub schema: Option<Arc<Schema>>,
    /// The Protobuf message-index path (empty for other formats).
    pub message_indexes: Vec<i32>,
    /// The record's headers.
    pub headers: Vec<Header>,
}

/// A record decoded into `T`, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedRecord<T> {
    /// The decoded value.
    pub value: T,
    /// The record it was decoded from.
    pub record: ConsumedRecord,
}
