//! What `Producer::builder().kafka(..)` and `Consumer::builder().kafka(..)` collect until
//! `build()`, where it becomes a [`KafkaTransport`]. Producer settings go to the producer
//! only and consumer settings to consumers only: librdkafka warns about the other side's.

use std::sync::Arc;

use super::settings::Side;
use crate::error::ClientError;
use crate::transport::kafka::KafkaTransport;
use crate::transport::Transport;

/// Kafka settings gathered by a producer or consumer builder.
#[derive(Debug, Clone, Default)]
pub(crate) struct KafkaSettings {
    bootstrap_servers: Option<String>,
    settings: Vec<(String, String)>,
    group_id: Option<String>,
    auto_commit: Option<bool>,
}

impl KafkaSettings {
    pub(crate) fn bootstrap_servers(&mut self, servers: String) {
        self.bootstrap_servers = Some(servers);
    }

    pub(crate) fn set(&mut self, key: String, value: String) {
        self.settings.push((key, value));
    }

    pub(crate) fn group_id(&mut self, group_id: String) {
        self.group_id = Some(group_id);
    }

    pub(crate) fn auto_commit(&mut self, enabled: bool) {
        self.auto_commit = Some(enabled);
    }

    fn is_empty(&self) -> bool {
        self.bootstrap_servers.is_none()
            && self.settings.is_empty()
            && self.group_id.is_none()
            && self.auto_commit.is_none()
    }

    /// The Kafka transport to use, or `None` when `.kafka(..)` was not called. Settings
    /// without `.kafka(..)`, or `.kafka(..)` next to an explicit `.transport(..)`, are
    /// configuration errors rather than silently ignored.
    pub(crate) fn build(
        self,
        side: Side,
        has_transport: bool,
    ) -> Result<Option<Arc<dyn Transport>>, ClientError> {
        if self.is_empty() {
            return Ok(None);
        }
        let Some(servers) = self.bootstrap_servers else {
            return Err(ClientError::ConfigError(
                "Kafka settings given without bootstrap servers. Call .kafka(\"host:9092\") on builder"
                    .to_string(),
            ));
        };
        if has_transport {
            return Err(ClientError::ConfigError(
                "both .transport(..) and .kafka(..) were called on builder: keep one".to_string(),
            ));
        }
        let mut builder = KafkaTransport::builder(servers);
        for (key, value) in self.settings {
            builder = match side {
                Side::Producer => builder.producer_config(key, value),
                Side::Consumer => builder.consumer_config(key, value),
            };
        }
        if let Some(group_id) = self.group_id {
            builder = builder.group_id(group_id);
        }
        if let Some(enabled) = self.auto_commit {
            builder = builder.auto_commit(enabled);
        }
        let transport = builder
            .build()
            .map_err(|e| ClientError::ConfigError(e.to_string()))?;
        Ok(Some(transport))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_set_means_no_kafka() {
        assert!(matches!(
            KafkaSettings::default().build(Side::Producer, false),
            Ok(None)
        ));
    }

    #[test]
    fn settings_without_servers_are_a_config_error() {
        let mut hook = KafkaSettings::default();
        hook.set("acks".into(), "all".into());
        let Err(ClientError::ConfigError(message)) = hook.build(Side::Producer, false) else {
            panic!("expected a config error");
        };
        assert!(message.contains(".kafka("), "{message}");
    }

    #[test]
    fn kafka_next_to_an_explicit_transport_is_a_config_error() {
        let mut hook = KafkaSettings::default();
        hook.bootstrap_servers("127.0.0.1:9092".into());
        let Err(ClientError::ConfigError(message)) = hook.build(Side::Consumer, true) else {
            panic!("expected a config error");
        };
        assert!(message.contains("keep one"), "{message}");
    }

    #[test]
    fn an_invalid_setting_is_a_config_error_naming_it() {
        let mut hook = KafkaSettings::default();
        hook.bootstrap_servers("127.0.0.1:9092".into());
        hook.set("no.such.property".into(), "1".into());
        let Err(ClientError::ConfigError(message)) = hook.build(Side::Producer, false) else {
            panic!("expected a config error");
        };
        assert!(message.contains("no.such.property"), "{message}");
    }

    #[test]
    fn servers_and_settings_build_a_transport() {
        let mut hook = KafkaSettings::default();
        hook.bootstrap_servers("127.0.0.1:9092".into());
        hook.set("linger.ms".into(), "5".into());
        hook.group_id("billing".into());
        hook.auto_commit(false);
        assert!(matches!(hook.build(Side::Consumer, false), Ok(Some(_))));
    }
}
