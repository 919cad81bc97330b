//! The client-side error type shared by the registry client, producer and consumer.
//! (Extended by the registry-client / producer work.)

/// Errors from the registry client, producer and consumer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The producer or consumer was built with an incomplete or invalid configuration.
    #[error("configuration error: {0}")]
    ConfigError(String),
    /// The schema registry refused a request or could not be reached.
    #[error("schema registry error: {0}")]
    SchemaRegistryError(String),
}
