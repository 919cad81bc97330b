//! A group consumer over Kafka topics: the transport's [`TransportCursor`] with commits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rdkafka::client::ClientContext;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use super::convert::to_record;
use super::error::{is_unknown_topic, join_error};
use super::KafkaTransportError;
use crate::transport::{TransportCursor, TransportError, TransportFuture, TransportRecord};

/// Remembers partitions taken away by a rebalance, so the cursor forgets its positions there
/// (another member owns them now; committing them from here would move that member back).
#[derive(Debug, Default)]
pub(crate) struct CursorContext {
    revoked: Mutex<Vec<(String, i32)>>,
}

impl ClientContext for CursorContext {}

impl ConsumerContext for CursorContext {
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(partitions) = rebalance {
            let mut revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
            revoked.extend(
                partitions
                    .elements()
                    .iter()
                    .map(|p| (p.topic().to_string(), p.partition())),
            );
        }
    }
}

/// A member of a Kafka consumer group reading the subscribed topics.
///
/// [`poll`](TransportCursor::poll) returns the same [`TransportRecord`] as the embedded log's
/// cursor. Offsets are committed automatically when the transport was built with
/// [`auto_commit(true)`](super::KafkaTransportBuilder::auto_commit), and otherwise by
/// [`commit`](Self::commit), which commits everything polled so far (at-least-once: commit
/// after processing). On a rebalance the cursor forgets the positions of partitions it lost.
pub struct KafkaCursor {
    consumer: Arc<StreamConsumer<CursorContext>>,
    group_id: String,
    timeout: Duration,
    /// The next offset to read per topic and partition (one past the last record handed
    /// out, or a seek target).
    positions: HashMap<Arc<str>, HashMap<i32, i64>>,
    /// Topic names shared by the records of one topic, so a record costs no name copy.
    topic_names: HashMap<Box<str>, Arc<str>>,
}

impl std::fmt::Debug for KafkaCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaCursor")
            .field("group_id", &self.group_id)
            .field("positions", &self.positions)
            .finish_non_exhaustive()
    }
}

impl KafkaCursor {
    /// Creates the consumer and subscribes it to `topics`.
    pub(crate) fn subscribe(
        config: &ClientConfig,
        group_id: String,
        topics: &[&str],
        timeout: Duration,
    ) -> Result<Self, TransportError> {
        let consumer = config
            .create_with_context::<_, StreamConsumer<CursorContext>>(CursorContext::default())
            .map_err(|source| KafkaTransportError::Client {
                role: "consumer",
                source,
            })?;
        consumer.subscribe(topics).map_err(|e| {
            TransportError::Backend(format!("subscribing to {topics:?} failed: {e}"))
        })?;
        Ok(KafkaCursor {
            consumer: Arc::new(consumer),
            group_id,
            timeout,
            positions: HashMap::new(),
            topic_names: HashMap::new(),
        })
    }

    /// The consumer group this cursor is a member of.
    pub fn group_id(&self) -> &str {
        &self.group_id
    }

    /// Commits, for every partition polled from, the offset after the last record handed
    /// out (or the last seek target), and waits for the group coordinator to confirm.
    pub async fn commit(&mut self) -> Result<(), TransportError> {
        self.forget_revoked();
        let mut offsets = TopicPartitionList::new();
        for (topic, partitions) in &self.positions {
            for (partition, offset) in partitions {
                offsets
                    .add_partition_offset(topic, *partition, Offset::Offset(*offset))
                    .map_err(|e| {
                        TransportError::Backend(format!("commit of {topic}/{partition}: {e}"))
                    })?;
            }
        }
        if offsets.count() == 0 {
            return Ok(());
        }
        let consumer = Arc::clone(&self.consumer);
        let group = self.group_id.clone();
        tokio::task::spawn_blocking(move || consumer.commit(&offsets, CommitMode::Sync))
            .await
            .map_err(|e| join_error("committing offsets", &e))?
            .map_err(|e| TransportError::Backend(format!("commit for group {group:?} failed: {e}")))
    }

    /// The offset the group has committed for `topic`/`partition` (`None` if nothing was
    /// committed yet).
    pub async fn committed(
        &self,
        topic: &str,
        partition: i32,
    ) -> Result<Option<i64>, TransportError> {
        let mut query = TopicPartitionList::with_capacity(1);
        query.add_partition(topic, partition);
        let consumer = Arc::clone(&self.consumer);
        let timeout = self.timeout;
        let topic = topic.to_string();
        let answer =
            tokio::task::spawn_blocking(move || consumer.committed_offsets(query, timeout))
                .await
                .map_err(|e| join_error("reading committed offsets", &e))?
                .map_err(|e| {
                    TransportError::Backend(format!("reading committed offsets failed: {e}"))
                })?;
        Ok(answer
            .find_partition(&topic, partition)
            .and_then(|p| match p.offset() {
                Offset::Offset(offset) => Some(offset),
                _ => None,
            }))
    }

    /// Drops the positions of partitions a rebalance took away.
    fn forget_revoked(&mut self) {
        let revoked = std::mem::take(
            &mut *self
                .consumer
                .context()
                .revoked
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for (topic, partition) in revoked {
            if let Some(partitions) = self.positions.get_mut(topic.as_str()) {
                partitions.remove(&partition);
            }
        }
    }

    /// The shared name of `topic`.
    fn topic_name(&mut self, topic: &str) -> Arc<str> {
        if let Some(name) = self.topic_names.get(topic) {
            return Arc::clone(name);
        }
        let name: Arc<str> = Arc::from(topic);
        self.topic_names.insert(topic.into(), Arc::clone(&name));
        name
    }

    /// Waits for the next record; errors that only say a subscribed topic does not exist
    /// yet are skipped (the subscription picks the topic up once it is created).
    async fn next_record(
        &mut self,
        timeout: Duration,
    ) -> Result<Option<TransportRecord>, TransportError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let consumer = Arc::clone(&self.consumer);
        loop {
            let received = tokio::time::timeout_at(deadline, consumer.recv()).await;
            self.forget_revoked();
            match received {
                Err(_elapsed) => return Ok(None),
                Ok(Ok(message)) => {
                    let topic = self.topic_name(message.topic());
                    let record = to_record(&message, Arc::clone(&topic));
                    // Offered to automatic commits only now that the caller has it. A
                    // partition revoked meanwhile refuses the store; the record is still
                    // handed out (the partition's new owner reads it again: at least once).
                    if let Err(err) = consumer.store_offset_from_message(&message) {
                        tracing::warn!(
                            error = %err,
                            topic = %record.topic,
                            partition = record.partition,
                            "kafka consumer: offset not stored for auto-commit"
                        );
                    }
                    drop(message);
                    self.positions
                        .entry(topic)
                        .or_default()
                        .insert(record.partition, record.offset.saturating_add(1));
                    return Ok(Some(record));
                }
                Ok(Err(err)) if is_transient(&err) => {
                    tracing::debug!(error = %err, "kafka consumer: waiting for subscribed topic");
                }
                Ok(Err(err)) => {
                    return Err(TransportError::Backend(format!(
                        "consuming for group {:?} failed: {err}",
                        self.group_id
                    )))
                }
            }
        }
    }
}

/// Errors a waiting subscription can sit out.
fn is_transient(err: &KafkaError) -> bool {
    matches!(err, KafkaError::PartitionEOF(_))
        || err.rdkafka_error_code().is_some_and(is_unknown_topic)
}

impl TransportCursor for KafkaCursor {
    fn poll(&mut self, timeout: Duration) -> TransportFuture<'_, Option<TransportRecord>> {
        TransportFuture::boxed(self.next_record(timeout))
    }

    /// Moves the position of an assigned partition (the group hands partitions out after
    /// the first poll). An offset past the partition's end is handled by the consumer's
    /// `auto.offset.reset` policy.
    fn seek(&mut self, topic: &str, partition: i32, offset: i64) -> Result<(), TransportError> {
        if offset < 0 {
            return Err(TransportError::Backend(format!(
                "cannot seek {topic}/{partition} to negative offset {offset}"
            )));
        }
        self.consumer
            .seek(topic, partition, Offset::Offset(offset), Duration::ZERO)
            .map_err(|e| {
                TransportError::Backend(format!(
                    "seeking {topic}/{partition} to {offset} failed (is the partition assigned to this member?): {e}"
                ))
            })?;
        let topic = self.topic_name(topic);
        self.positions
            .entry(topic)
            .or_default()
            .insert(partition, offset);
        Ok(())
    }

    fn position(&self, topic: &str, partition: i32) -> Option<i64> {
        self.positions.get(topic)?.get(&partition).copied()
    }

    fn commit(&mut self) -> TransportFuture<'_, ()> {
        TransportFuture::boxed(KafkaCursor::commit(self))
    }
}
