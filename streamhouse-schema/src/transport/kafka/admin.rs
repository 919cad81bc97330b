//! Topic administration: create topics with partitions and replicas, wait until the cluster
//! serves them, and read their partition counts.
//!
//! Some brokers never auto-create topics, and a freshly created topic is not served until
//! every partition has a leader, so tests and applications create topics explicitly and wait.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;

use super::error::{is_unknown_topic, join_error, transport_error};
use super::KafkaTransportError;
use crate::transport::{validate_topic_name, TransportError};

/// How long to wait between two metadata checks while a new topic propagates.
const PROPAGATION_POLL: Duration = Duration::from_millis(50);

/// Creates and inspects topics of one cluster. Cheap to clone.
#[derive(Clone)]
pub struct KafkaAdmin {
    client: Arc<AdminClient<DefaultClientContext>>,
    timeout: Duration,
}

impl std::fmt::Debug for KafkaAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaAdmin")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What the cluster's metadata says about one topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopicState {
    /// The cluster does not know the topic.
    Missing,
    /// The topic exists with this many partitions; `ready` once every one has a leader.
    Present { partitions: i32, ready: bool },
}

impl KafkaAdmin {
    pub(crate) fn from_config(
        config: &rdkafka::ClientConfig,
        timeout: Duration,
    ) -> Result<Self, KafkaTransportError> {
        let client = config
            .create::<AdminClient<DefaultClientContext>>()
            .map_err(|source| KafkaTransportError::Client {
                role: "admin client",
                source,
            })?;
        Ok(KafkaAdmin {
            client: Arc::new(client),
            timeout,
        })
    }

    /// Creates `topic` with `partitions` partitions of `replication_factor` replicas each, and
    /// waits until every partition has a leader.
    ///
    /// Fails with [`TransportError::TopicAlreadyExists`] if the topic exists, and with a
    /// backend error naming librdkafka's reason if the cluster refuses (for example a
    /// replication factor above the number of brokers) or does not answer in time.
    pub async fn create_topic(
        &self,
        topic: &str,
        partitions: i32,
        replication_factor: i32,
    ) -> Result<(), TransportError> {
        validate_topic_name(topic)?;
        if partitions < 1 {
            return Err(TransportError::InvalidPartitionCount(partitions));
        }
        if replication_factor < 1 {
            return Err(TransportError::Backend(
                KafkaTransportError::InvalidReplicationFactor(replication_factor).to_string(),
            ));
        }
        let new_topic = NewTopic::new(
            topic,
            partitions,
            TopicReplication::Fixed(replication_factor),
        );
        let options = AdminOptions::new()
            .operation_timeout(Some(self.timeout))
            .request_timeout(Some(self.timeout));
        let results = self
            .client
            .create_topics([&new_topic], &options)
            .await
            .map_err(|e| transport_error("creating topic", topic, &e))?;
        for result in results {
            match result {
                Ok(_) => {}
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {
                    let partitions = self.partition_count(topic).await.unwrap_or(-1);
                    return Err(TransportError::TopicAlreadyExists {
                        topic: topic.to_string(),
                        partitions,
                    });
                }
                Err((name, code)) => {
                    return Err(TransportError::Backend(format!(
                        "creating topic {name:?} failed: {code:?} ({code})"
                    )))
                }
            }
        }
        self.wait_for_topic(topic, partitions).await
    }

    /// Creates `topic` unless it exists; `true` if this call created it.
    ///
    /// An existing topic is accepted whatever its partition count.
    pub async fn ensure_topic(
        &self,
        topic: &str,
        partitions: i32,
        replication_factor: i32,
    ) -> Result<bool, TransportError> {
        match self
            .create_topic(topic, partitions, replication_factor)
            .await
        {
            Ok(()) => Ok(true),
            Err(TransportError::TopicAlreadyExists { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Waits until the cluster serves `topic` with at least `partitions` partitions, each
    /// with a leader; fails once the admin timeout has passed.
    pub async fn wait_for_topic(&self, topic: &str, partitions: i32) -> Result<(), TransportError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let state = self.topic_state(topic).await;
            match state {
                Ok(TopicState::Present {
                    partitions: seen,
                    ready: true,
                }) if seen >= partitions => return Ok(()),
                Ok(_) | Err(TransportError::UnknownTopic(_)) => {}
                Err(err) => return Err(err),
            }
            if Instant::now() >= deadline {
                return Err(TransportError::Backend(format!(
                    "topic {topic:?} was not served with {partitions} led partitions within {:?} (last seen: {state:?})",
                    self.timeout
                )));
            }
            tokio::time::sleep(PROPAGATION_POLL).await;
        }
    }

    /// How many partitions `topic` has; [`TransportError::UnknownTopic`] if it does not exist.
    pub async fn partition_count(&self, topic: &str) -> Result<i32, TransportError> {
        match self.topic_state(topic).await? {
            TopicState::Present { partitions, .. } => Ok(partitions),
            TopicState::Missing => Err(TransportError::UnknownTopic(topic.to_string())),
        }
    }

    /// Asks the cluster for `topic`'s metadata (on a blocking thread: librdkafka waits).
    async fn topic_state(&self, topic: &str) -> Result<TopicState, TransportError> {
        validate_topic_name(topic)?;
        let client = Arc::clone(&self.client);
        let timeout = self.timeout;
        let name = topic.to_string();
        tokio::task::spawn_blocking(move || {
            let metadata = client
                .inner()
                .fetch_metadata(Some(&name), timeout)
                .map_err(|e| transport_error("reading metadata of", &name, &e))?;
            let Some(found) = metadata.topics().iter().find(|t| t.name() == name) else {
                return Ok(TopicState::Missing);
            };
            if let Some(err) = found.error() {
                let code = RDKafkaErrorCode::from(err);
                if is_unknown_topic(code) {
                    return Ok(TopicState::Missing);
                }
                // A topic still being created reports LeaderNotAvailable: not ready yet.
                if code == RDKafkaErrorCode::LeaderNotAvailable {
                    return Ok(TopicState::Present {
                        partitions: 0,
                        ready: false,
                    });
                }
                return Err(TransportError::Backend(format!(
                    "metadata of topic {name:?} reports {code:?} ({code})"
                )));
            }
            let led = found.partitions().iter().all(|p| p.leader() >= 0);
            let partitions = i32::try_from(found.partitions().len()).unwrap_or(i32::MAX);
            Ok(TopicState::Present {
                partitions,
                ready: led && partitions > 0,
            })
        })
        .await
        .map_err(|e| join_error("reading topic metadata", &e))?
    }
}
