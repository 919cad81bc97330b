//! The client-side error type shared by the registry client, producer and consumer.

pub use crate::registry::RegistryError;

/// Errors from the registry client, producer and consumer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The producer, consumer or registry client was built with an incomplete or invalid
    /// configuration.
    #[error("configuration error: {0}")]
    ConfigError(String),
    /// The schema registry refused a request or could not be reached. Displays as the
    /// registry error itself, e.g. `Schema registration failed with status 409: ...`.
    #[error(transparent)]
    SchemaRegistryError(#[from] RegistryError),
    /// The transport (embedded log or Kafka) refused or failed the operation.
    #[error("transport error: {0}")]
    Transport(#[from] crate::transport::TransportError),
    /// A value could not be encoded with its schema.
    #[error("encode error: {0}")]
    Encode(#[from] crate::codec::avro::EncodeError),
    /// The producer does not register schemas and found none to use under the subject.
    #[error("schema not registered under subject {subject:?}: {detail}")]
    SchemaNotRegistered {
        /// The subject that was searched.
        subject: String,
        /// What was found instead.
        detail: String,
    },
    /// The registry has no schema with this id.
    #[error("schema id {0} is not known to the registry")]
    UnknownSchemaId(i32),
    /// A consumed record could not be read (not a frame, unknown schema id, undecodable);
    /// the consumer has moved past it.
    #[error(transparent)]
    InvalidRecord(#[from] Box<crate::consumer::InvalidRecord>),
}

impl ClientError {
    /// The registry error, if this is one.
    pub fn registry_error(&self) -> Option<&RegistryError> {
        match self {
            ClientError::SchemaRegistryError(error) => Some(error),
            _ => None,
        }
    }

    /// True when the registry rejected a schema as incompatible (HTTP 409 / code 40901).
    pub fn is_incompatible(&self) -> bool {
        self.registry_error()
            .is_some_and(RegistryError::is_incompatible)
    }

    /// True when the registry answered 404 (subject, version or schema not found).
    pub fn is_not_found(&self) -> bool {
        self.registry_error()
            .is_some_and(RegistryError::is_not_found)
    }
}
