//! Where framed records go and come back from: the [`Transport`] trait and the embedded
//! [`MemoryLog`].
//!
//! A transport knows nothing of schemas or frames: it moves opaque key/value bytes between
//! producers and consumers, partitions keyed records the way Kafka does
//! ([`partition_for_key`]) and hands out offsets and timestamps. The producer and consumer
//! hold an `Arc<dyn Transport>`, so a Kafka-backed implementation can replace the embedded log
//! without touching them.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use std::time::Duration;
//! use bytes::Bytes;
//! use streamhouse_schema::transport::{MemoryLog, StartOffset, Transport};
//!
//! let log = MemoryLog::new();
//! let sent = log
//!     .send("orders", None, Some(Bytes::from_static(b"k1")), Bytes::from_static(b"v1"), Vec::new())
//!     .await?;
//! assert_eq!((sent.partition, sent.offset), (0, 0));
//!
//! let mut cursor = log.subscribe(&["orders"], StartOffset::Earliest)?;
//! let record = cursor.poll(Duration::from_millis(10)).await?.expect("one record");
//! assert_eq!(record.value, Bytes::from_static(b"v1"));
//! # Ok::<(), streamhouse_schema::transport::TransportError>(())
//! # }).unwrap();
//! ```

mod error;
mod future;
#[cfg(feature = "kafka")]
pub mod kafka;
mod memory;
mod partitioner;
mod record;
mod topic_name;
mod traits;

pub use error::TransportError;
pub use future::TransportFuture;
pub use memory::{MemoryCursor, MemoryLog, MemoryLogBuilder};
pub use partitioner::{murmur2, partition_for_key, to_positive};
pub use record::{Header, SendResult, StartOffset, TransportRecord, Watermarks};
pub use topic_name::validate_topic_name;
pub use traits::{Transport, TransportCursor};
