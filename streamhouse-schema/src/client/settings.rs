//! The builder core: the settings a producer and a consumer builder both collect (where the
//! registry comes from, which transport to use, Kafka settings, per-type formats) and how
//! they become a connected registry and a transport.

use std::fmt;
use std::sync::Arc;

use super::format::TypeFormats;
use super::schema_ids::SchemaIds;
use crate::error::ClientError;
use crate::transport::Transport;

/// Where a producer's or consumer's registry comes from.
pub(crate) enum RegistrySetting {
    None,
    Url(String),
    Ready(Arc<dyn SchemaIds>),
}

impl RegistrySetting {
    /// The registry to use, connecting to a URL if one was given.
    pub(crate) fn connect(self) -> Result<Option<Arc<dyn SchemaIds>>, ClientError> {
        Ok(match self {
            RegistrySetting::None => None,
            RegistrySetting::Url(url) => Some(super::registry_glue::from_url(&url)?),
            RegistrySetting::Ready(registry) => Some(registry),
        })
    }
}

impl fmt::Debug for RegistrySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistrySetting::None => f.write_str("None"),
            RegistrySetting::Url(url) => write!(f, "Url({url:?})"),
            RegistrySetting::Ready(registry) => write!(f, "Ready({registry:?})"),
        }
    }
}

/// Which client a builder makes: Kafka properties go to that side only (librdkafka warns
/// about the other side's), and only a producer falls back to an embedded log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Producer,
    Consumer,
}

/// What both builders hold.
pub(crate) struct ClientSettings {
    pub(crate) registry: RegistrySetting,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    #[cfg(feature = "kafka")]
    pub(crate) kafka: super::kafka_settings::KafkaSettings,
    /// Formats (and Protobuf codecs) chosen per type.
    pub(crate) formats: TypeFormats,
}

/// The registry and transport a builder's settings resolve to.
pub(crate) struct Connected {
    pub(crate) registry: Option<Arc<dyn SchemaIds>>,
    /// `None` when neither `.transport(..)` nor `.kafka(..)` was called.
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) formats: TypeFormats,
}

impl ClientSettings {
    pub(crate) fn new(registry: RegistrySetting) -> Self {
        ClientSettings {
            registry,
            transport: None,
            #[cfg(feature = "kafka")]
            kafka: Default::default(),
            formats: TypeFormats::default(),
        }
    }

    /// Connects the registry and builds the Kafka transport if one was asked for.
    /// `.kafka(..)` settings without servers, or beside an explicit `.transport(..)`, are
    /// configuration errors rather than silently ignored.
    pub(crate) fn connect(self, side: Side) -> Result<Connected, ClientError> {
        #[cfg(feature = "kafka")]
        let kafka = self.kafka.build(side, self.transport.is_some())?;
        #[cfg(not(feature = "kafka"))]
        let kafka: Option<Arc<dyn Transport>> = {
            let _ = side;
            None
        };
        let registry = self.registry.connect()?;
        Ok(Connected {
            registry,
            transport: self.transport.or(kafka),
            formats: self.formats,
        })
    }
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ClientSettings");
        s.field("registry", &self.registry)
            .field("transport", &self.transport);
        #[cfg(feature = "kafka")]
        s.field("kafka", &self.kafka);
        s.field("formats", &self.formats).finish()
    }
}
