//! The client-side error type shared by the registry client, producer and consumer.

pub use crate::registry::RegistryError;

/// Errors from the registry client, producer and consumer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The producer, consumer or registry client was built with an incomplete or invalid
    /// configuration.
    #[error("configuration error: {0}")]
    ConfigError(String),
    /// A configuration key (Confluent's `schema.registry.url`, `basic.auth.user.info`, ...)
    /// is unknown, missing or has a value that does not parse.
    #[error("configuration key {key:?}: {reason}")]
    InvalidProperty {
        /// The key (empty when a whole `.properties` text did not parse).
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The schema registry refused a request or could not be reached. Displays as the
    /// registry error itself, e.g. `Schema registration failed with status 409: ...`.
    #[error(transparent)]
    SchemaRegistryError(RegistryError),
    /// The transport (embedded log or Kafka) refused or failed the operation.
    #[error("transport error: {0}")]
    Transport(#[from] crate::transport::TransportError),
    /// A value could not be encoded with its schema.
    #[error("encode error: {0}")]
    Encode(#[from] crate::codec::avro::EncodeError),
    /// A value could not be written as JSON (a NaN, a date outside RFC 3339's years, ...).
    #[error("JSON encode error: {0}")]
    JsonEncode(#[from] crate::codec::json::JsonEncodeError),
    /// JSON validation is on and the payload does not match the JSON Schema it is sent with.
    #[error(transparent)]
    InvalidJson(Box<JsonValidationError>),
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
    InvalidRecord(#[from] Box<crate::client::InvalidRecord>),
    /// The schemas of a type sent or decoded cannot be built (two Rust types in it claim
    /// the same schema name, ...): a mistake in the type definitions, reported on the
    /// type's first typed send or decode.
    #[error("invalid stream schema for `{type_name}`: {source}")]
    InvalidSchema {
        /// The Rust type whose schemas failed.
        type_name: &'static str,
        /// Why.
        source: crate::schema::SchemaBuildError,
    },
    /// A data-contract rule of the schema failed and its action stopped the record
    /// (`ERROR`, `DLQ`): nothing was sent (producer) or returned (consumer). Names the
    /// rule, its type, mode and field.
    #[cfg(feature = "rules")]
    #[error(transparent)]
    Rule(Box<crate::rules::RuleFailure>),
}

/// The schemas of `T`, or [`ClientError::InvalidSchema`].
pub(crate) fn schemas_of<T: crate::StreamSchema>() -> Result<&'static crate::Schemas, ClientError> {
    T::try_schemas().map_err(|e| ClientError::InvalidSchema {
        type_name: std::any::type_name::<T>(),
        source: e.clone(),
    })
}

/// A JSON payload that does not match its JSON Schema (see
/// `ProducerBuilder::validate_json`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{type_name} does not match its JSON Schema: {}", errors.join("; "))]
pub struct JsonValidationError {
    /// The full name of the type (or the subject, for a raw JSON send).
    pub type_name: String,
    /// Each failed check, with the JSON Pointer of the value it failed at.
    pub errors: Vec<String>,
}

impl From<RegistryError> for ClientError {
    /// Registry errors stay [`ClientError::SchemaRegistryError`], except that a client made
    /// from invalid settings reports them as [`ClientError::ConfigError`] on every call, as
    /// `try_new` would have when it was made.
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::InvalidConfig { message, .. } => ClientError::ConfigError(message),
            error => ClientError::SchemaRegistryError(error),
        }
    }
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
