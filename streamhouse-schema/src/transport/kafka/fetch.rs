//! Reading a range of one partition by offset, outside any consumer group
//! ([`Transport::fetch`](crate::transport::Transport::fetch) on Kafka).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use super::convert::to_record;
use super::error::{join_error, transport_error};
use crate::transport::{TransportError, TransportRecord};

/// A lazily created consumer that is assigned one partition per fetch.
///
/// Fetches are serialised: one assignment at a time keeps records of two fetches apart.
pub(crate) struct Fetcher {
    config: ClientConfig,
    timeout: Duration,
    consumer: Arc<Mutex<Option<BaseConsumer>>>,
}

impl Fetcher {
    pub(crate) fn new(config: ClientConfig, timeout: Duration) -> Self {
        Fetcher {
            config,
            timeout,
            consumer: Arc::new(Mutex::new(None)),
        }
    }

    /// Up to `want` records of `topic`/`partition` from `offset` on (the caller has checked
    /// that `offset` is below the high watermark, so records are there to read).
    pub(crate) async fn fetch(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
        want: usize,
    ) -> Result<Vec<TransportRecord>, TransportError> {
        let slot = Arc::clone(&self.consumer);
        let config = self.config.clone();
        let timeout = self.timeout;
        let topic = topic.to_string();
        tokio::task::spawn_blocking(move || {
            let mut guard = slot.lock().unwrap_or_else(PoisonError::into_inner);
            let consumer = match guard.take() {
                Some(consumer) => consumer,
                None => config
                    .create::<BaseConsumer>()
                    .map_err(|e| transport_error("creating the fetch consumer for", &topic, &e))?,
            };
            let result = read_range(&consumer, &topic, partition, offset, want, timeout);
            // Drop the assignment so the next fetch starts clean; a consumer that cannot
            // unassign is discarded and a new one is made next time.
            if consumer.unassign().is_ok() {
                *guard = Some(consumer);
            }
            result
        })
        .await
        .map_err(|e| join_error("fetching records", &e))?
    }
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Assigns `consumer` to the partition at `offset` and reads until `want` records, the end
/// of the partition or the timeout.
fn read_range(
    consumer: &BaseConsumer,
    topic: &str,
    partition: i32,
    offset: i64,
    want: usize,
    timeout: Duration,
) -> Result<Vec<TransportRecord>, TransportError> {
    let mut assignment = TopicPartitionList::with_capacity(1);
    assignment
        .add_partition_offset(topic, partition, Offset::Offset(offset))
        .and_then(|()| consumer.assign(&assignment))
        .map_err(|e| transport_error("assigning a partition of", topic, &e))?;

    let shared_topic: Arc<str> = Arc::from(topic);
    let mut records = Vec::with_capacity(want.min(1024));
    let deadline = Instant::now() + timeout;
    let mut next = offset;
    while records.len() < want {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            // Some records arrived: hand them out (the next fetch continues from there).
            if records.is_empty() {
                return Err(TransportError::Backend(format!(
                    "fetching {topic}/{partition} from offset {offset} returned nothing within {timeout:?}"
                )));
            }
            break;
        }
        match consumer.poll(remaining) {
            Some(Ok(message))
                if message.topic() == topic
                    && message.partition() == partition
                    && message.offset() >= next =>
            {
                next = message.offset() + 1;
                records.push(to_record(&message, Arc::clone(&shared_topic)));
            }
            // Nothing yet, or a record left over from an earlier assignment or read twice.
            None | Some(Ok(_)) => {}
            // The partition holds fewer records than the watermarks suggested (compaction,
            // transaction markers): what was read is all there is.
            Some(Err(KafkaError::PartitionEOF(p))) if p == partition => break,
            Some(Err(err)) => return Err(transport_error("fetching from", topic, &err)),
        }
    }
    Ok(records)
}
