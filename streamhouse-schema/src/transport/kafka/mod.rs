//! The Apache Kafka transport (cargo feature `kafka`): the [`Transport`](crate::transport::Transport)
//! trait on a real cluster through librdkafka.
//!
//! - [`KafkaTransport`] sends with a librdkafka producer (idempotent, keys partitioned with
//!   `murmur2_random` exactly like Java clients and the embedded
//!   [`MemoryLog`](crate::transport::MemoryLog)); every send resolves to the partition and
//!   offset of its delivery report, and every failed delivery is an error.
//! - [`KafkaCursor`] is a consumer group member with manual or automatic commits.
//! - [`KafkaAdmin`] creates topics (some brokers never auto-create them) and waits until
//!   the cluster serves them.
//!
//! Any librdkafka setting passes through the [builder](KafkaTransportBuilder). The transport
//! plugs into the producer and consumer as an `Arc<dyn Transport>`:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use bytes::Bytes;
//! use streamhouse_schema::transport::kafka::KafkaTransport;
//! use streamhouse_schema::transport::{StartOffset, Transport, TransportCursor};
//!
//! let kafka = KafkaTransport::builder("broker-1:9092,broker-2:9092")
//!     .config("security.protocol", "sasl_ssl")
//!     .config("sasl.mechanisms", "PLAIN")
//!     .producer_config("acks", "all")
//!     .group_id("billing")
//!     .build()?;
//! kafka.admin().ensure_topic("orders", 6, 3).await?;
//!
//! let sent = kafka
//!     .send("orders", None, Some(Bytes::from_static(b"customer-7")), Bytes::from_static(b"{}"), Vec::new())
//!     .await?;
//! println!("stored at {}/{}", sent.partition, sent.offset);
//!
//! let mut cursor = kafka.cursor(&["orders"], StartOffset::Earliest)?;
//! if let Some(record) = cursor.poll(Duration::from_secs(5)).await? {
//!     println!("read {:?}", record.value);
//!     cursor.commit().await?;
//! }
//! # Ok(())
//! # }
//! ```

mod admin;
mod config;
mod convert;
mod cursor;
mod error;
mod fetch;
mod kafka_transport;

pub use admin::KafkaAdmin;
pub use config::{KafkaTransportBuilder, DEFAULT_FLUSH_TIMEOUT, DEFAULT_OPERATION_TIMEOUT};
pub use cursor::KafkaCursor;
pub use error::KafkaTransportError;
pub use kafka_transport::KafkaTransport;
