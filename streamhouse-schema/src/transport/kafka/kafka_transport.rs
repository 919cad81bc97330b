//! [`KafkaTransport`]: the [`Transport`] trait on a Kafka cluster through librdkafka.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::Timestamp;

use super::admin::KafkaAdmin;
use super::config::Settings;
use super::convert::{now_millis, to_kafka_headers};
use super::cursor::KafkaCursor;
use super::error::{join_error, transport_error};
use super::fetch::Fetcher;
use super::{KafkaTransportBuilder, KafkaTransportError};
use crate::transport::{
    validate_topic_name, Header, SendResult, StartOffset, Transport, TransportCursor,
    TransportError, TransportFuture, TransportRecord, Watermarks,
};

/// A Kafka cluster as a [`Transport`]: a librdkafka producer for sends, group consumers for
/// subscriptions and an admin client for topics.
///
/// Sends are asynchronous and batched by librdkafka; each resolves to the partition and
/// offset of its delivery report, and every failed delivery is an error. Records still
/// queued when the transport is dropped are flushed first (up to the
/// [flush timeout](KafkaTransportBuilder::flush_timeout)).
pub struct KafkaTransport {
    settings: Settings,
    producer: FutureProducer,
    admin: KafkaAdmin,
    fetcher: Fetcher,
}

impl std::fmt::Debug for KafkaTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaTransport")
            .field("bootstrap_servers", &self.settings.bootstrap_servers)
            .field("group_id", &self.settings.group_id)
            .finish_non_exhaustive()
    }
}

impl KafkaTransport {
    /// Options for a transport on the cluster at `bootstrap_servers` (`host:port[,...]`).
    pub fn builder(bootstrap_servers: impl Into<String>) -> KafkaTransportBuilder {
        KafkaTransportBuilder::new(bootstrap_servers)
    }

    pub(crate) fn from_settings(settings: Settings) -> Result<Self, KafkaTransportError> {
        let producer = settings
            .producer_config()
            .create::<FutureProducer>()
            .map_err(|source| KafkaTransportError::Client {
                role: "producer",
                source,
            })?;
        let admin = KafkaAdmin::from_config(&settings.admin_config(), settings.operation_timeout)?;
        let fetcher = Fetcher::new(settings.fetch_config(), settings.operation_timeout);
        Ok(KafkaTransport {
            settings,
            producer,
            admin,
            fetcher,
        })
    }

    /// The `bootstrap.servers` the transport was built with.
    pub fn bootstrap_servers(&self) -> &str {
        &self.settings.bootstrap_servers
    }

    /// The topic admin helper of this cluster.
    pub fn admin(&self) -> &KafkaAdmin {
        &self.admin
    }

    /// How many records are queued or in flight, waiting for their delivery report.
    pub fn in_flight(&self) -> i32 {
        self.producer.in_flight_count()
    }

    /// Waits until every queued record has its delivery report, up to the flush timeout.
    pub async fn flush(&self) -> Result<(), TransportError> {
        let producer = self.producer.clone();
        let timeout = self.settings.flush_timeout;
        tokio::task::spawn_blocking(move || producer.flush(timeout))
            .await
            .map_err(|e| join_error("flushing the producer", &e))?
            .map_err(|e| {
                TransportError::Backend(format!("flush did not finish within {timeout:?}: {e}"))
            })
    }

    /// A group consumer over `topics`, with commits (the same cursor
    /// [`Transport::subscribe`] boxes).
    ///
    /// It joins the builder's [group](KafkaTransportBuilder::group_id) or, without one, a
    /// fresh group of its own. `start` applies where the group has no committed offset.
    pub fn cursor(
        &self,
        topics: &[&str],
        start: StartOffset,
    ) -> Result<KafkaCursor, TransportError> {
        for topic in topics {
            validate_topic_name(topic)?;
        }
        let group_id = match &self.settings.group_id {
            Some(group) => group.clone(),
            None => format!("streamhouse-cursor-{:016x}", rand::random::<u64>()),
        };
        let reset = match start {
            StartOffset::Earliest => "earliest",
            StartOffset::Latest => "latest",
        };
        let config = self.settings.consumer_config(&group_id, reset);
        KafkaCursor::subscribe(&config, group_id, topics, self.settings.operation_timeout)
    }

    async fn deliver(
        &self,
        topic: &str,
        partition: Option<i32>,
        key: Option<Bytes>,
        value: Bytes,
        headers: Vec<Header>,
    ) -> Result<SendResult, TransportError> {
        validate_topic_name(topic)?;
        if let Some(p) = partition.filter(|p| *p < 0) {
            return Err(self.unknown_partition(topic, p).await);
        }
        let timestamp = now_millis();
        let mut record = FutureRecord::<[u8], [u8]>::to(topic)
            .payload(&value[..])
            .timestamp(timestamp);
        if let Some(key) = &key {
            record = record.key(&key[..]);
        }
        if let Some(partition) = partition {
            record = record.partition(partition);
        }
        if let Some(headers) = to_kafka_headers(&headers) {
            record = record.headers(headers);
        }
        match self
            .producer
            .send(record, self.settings.operation_timeout)
            .await
        {
            Ok(delivery) => Ok(SendResult {
                topic: Arc::from(topic),
                partition: delivery.partition,
                offset: delivery.offset,
                // Brokers report a time only for log-append-time topics (which store
                // that time); otherwise the record keeps the create time sent with it.
                timestamp: match delivery.timestamp {
                    Timestamp::LogAppendTime(time) => time,
                    _ => timestamp,
                },
            }),
            Err((err, _message)) => match (err.rdkafka_error_code(), partition) {
                (Some(RDKafkaErrorCode::UnknownPartition), Some(p)) => {
                    Err(self.unknown_partition(topic, p).await)
                }
                _ => Err(transport_error("delivery to", topic, &err)),
            },
        }
    }

    /// The error for a send to a partition the topic does not have.
    async fn unknown_partition(&self, topic: &str, partition: i32) -> TransportError {
        match self.admin.partition_count(topic).await {
            Ok(partitions) => TransportError::UnknownPartition {
                topic: topic.to_string(),
                partition,
                partitions,
            },
            Err(err) => err,
        }
    }

    async fn read_watermarks(
        &self,
        topic: &str,
        partition: i32,
    ) -> Result<Watermarks, TransportError> {
        let partitions = self.admin.partition_count(topic).await?;
        if !(0..partitions).contains(&partition) {
            return Err(TransportError::UnknownPartition {
                topic: topic.to_string(),
                partition,
                partitions,
            });
        }
        let producer = self.producer.clone();
        let timeout = self.settings.operation_timeout;
        let name = topic.to_string();
        let (low, high) = tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_watermarks(&name, partition, timeout)
                .map_err(|e| transport_error("reading watermarks of", &name, &e))
        })
        .await
        .map_err(|e| join_error("reading watermarks", &e))??;
        Ok(Watermarks { low, high })
    }

    async fn read_range(
        &self,
        topic: &str,
        partition: i32,
        offset: i64,
        max_records: usize,
    ) -> Result<Vec<TransportRecord>, TransportError> {
        let marks = self.read_watermarks(topic, partition).await?;
        if offset < marks.low || offset > marks.high {
            return Err(TransportError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition,
                offset,
                low: marks.low,
                high: marks.high,
            });
        }
        let available = usize::try_from(marks.high - offset).unwrap_or(usize::MAX);
        let want = max_records.min(available);
        if want == 0 {
            return Ok(Vec::new());
        }
        self.fetcher.fetch(topic, partition, offset, want).await
    }
}

impl Transport for KafkaTransport {
    fn send<'a>(
        &'a self,
        topic: &'a str,
        partition: Option<i32>,
        key: Option<Bytes>,
        value: Bytes,
        headers: Vec<Header>,
    ) -> TransportFuture<'a, SendResult> {
        TransportFuture::boxed(self.deliver(topic, partition, key, value, headers))
    }

    /// Creates the topic with the builder's replication factor and waits until it is served.
    fn create_topic<'a>(&'a self, topic: &'a str, partitions: i32) -> TransportFuture<'a, ()> {
        TransportFuture::boxed(self.admin.create_topic(
            topic,
            partitions,
            self.settings.replication_factor,
        ))
    }

    fn partition_count<'a>(&'a self, topic: &'a str) -> TransportFuture<'a, i32> {
        TransportFuture::boxed(self.admin.partition_count(topic))
    }

    fn watermarks<'a>(&'a self, topic: &'a str, partition: i32) -> TransportFuture<'a, Watermarks> {
        TransportFuture::boxed(self.read_watermarks(topic, partition))
    }

    fn fetch<'a>(
        &'a self,
        topic: &'a str,
        partition: i32,
        offset: i64,
        max_records: usize,
    ) -> TransportFuture<'a, Vec<TransportRecord>> {
        TransportFuture::boxed(self.read_range(topic, partition, offset, max_records))
    }

    fn subscribe(
        &self,
        topics: &[&str],
        start: StartOffset,
    ) -> Result<Box<dyn TransportCursor>, TransportError> {
        Ok(Box::new(self.cursor(topics, start)?))
    }
}

impl Drop for KafkaTransport {
    /// Flushes what is still queued (librdkafka would otherwise purge it), waiting up to the
    /// flush timeout; records still undelivered then fail their pending sends.
    fn drop(&mut self) {
        if self.producer.in_flight_count() == 0 {
            return;
        }
        let timeout: Duration = self.settings.flush_timeout;
        if let Err(err) = self.producer.flush(timeout) {
            tracing::warn!(
                error = %err,
                undelivered = self.producer.in_flight_count(),
                "kafka transport dropped before every record was delivered"
            );
        }
    }
}
