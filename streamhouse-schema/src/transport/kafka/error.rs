//! Errors of the Kafka transport, and how librdkafka's errors become [`TransportError`]s.

use rdkafka::error::{KafkaError, RDKafkaErrorCode};

use crate::transport::TransportError;

/// Why a [`KafkaTransport`](super::KafkaTransport) (or its admin helper) could not be built.
#[derive(Debug, thiserror::Error)]
pub enum KafkaTransportError {
    /// `bootstrap.servers` was empty.
    #[error("no Kafka bootstrap servers given: pass \"host:port[,host:port...]\"")]
    NoBootstrapServers,
    /// A replication factor must be at least 1.
    #[error("invalid replication factor {0}: a topic needs at least one replica")]
    InvalidReplicationFactor(i32),
    /// librdkafka refused a setting or could not create its client.
    #[error("could not create the Kafka {role}: {source}")]
    Client {
        /// Which client failed: producer, consumer or admin client.
        role: &'static str,
        /// librdkafka's error (names the rejected setting for configuration errors).
        #[source]
        source: KafkaError,
    },
}

impl From<KafkaTransportError> for TransportError {
    fn from(err: KafkaTransportError) -> Self {
        TransportError::Backend(err.to_string())
    }
}

/// Whether librdkafka reports that a topic (or one of its partitions) does not exist.
pub(crate) fn is_unknown_topic(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::UnknownTopicOrPartition | RDKafkaErrorCode::UnknownTopic
    )
}

/// Turns a librdkafka error met while working on `topic` into a transport error: missing
/// topics become [`TransportError::UnknownTopic`], everything else keeps librdkafka's words
/// (which name the error code, e.g. `TopicAuthorizationFailed`) in
/// [`TransportError::Backend`].
pub(crate) fn transport_error(action: &str, topic: &str, err: &KafkaError) -> TransportError {
    match err.rdkafka_error_code() {
        Some(code) if is_unknown_topic(code) => TransportError::UnknownTopic(topic.to_string()),
        _ => TransportError::Backend(format!("{action} {topic:?} failed: {err}")),
    }
}

/// A failure of the blocking helper thread a librdkafka call ran on (it panicked or the
/// runtime is shutting down).
pub(crate) fn join_error(action: &str, err: &tokio::task::JoinError) -> TransportError {
    TransportError::Backend(format!("{action} was interrupted: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_topic_is_reported_as_unknown_topic() {
        let err = KafkaError::MetadataFetch(RDKafkaErrorCode::UnknownTopicOrPartition);
        assert_eq!(
            transport_error("reading metadata of", "orders", &err),
            TransportError::UnknownTopic("orders".to_string())
        );
    }

    #[test]
    fn other_errors_keep_the_librdkafka_code_in_the_message() {
        let err = KafkaError::MessageProduction(RDKafkaErrorCode::TopicAuthorizationFailed);
        let TransportError::Backend(message) = transport_error("delivery to", "orders", &err)
        else {
            panic!("expected a backend error");
        };
        assert!(
            message.starts_with("delivery to \"orders\" failed: "),
            "{message}"
        );
        assert!(message.contains("TopicAuthorizationFailed"), "{message}");
    }

    #[test]
    fn build_errors_convert_to_backend_errors_with_their_text() {
        let err: TransportError = KafkaTransportError::InvalidReplicationFactor(0).into();
        assert_eq!(
            err,
            TransportError::Backend(
                "invalid replication factor 0: a topic needs at least one replica".to_string()
            )
        );
    }
}
