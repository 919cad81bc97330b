//! The schema registry client: the Confluent REST API over HTTP, or an in-memory registry,
//! behind one cached, single-flight [`SchemaRegistryClient`].
//!
//! - [`SchemaRegistryClient::new`] takes `http://host:8081`, several comma-separated URLs
//!   (failover), a URL with a path prefix, or `mock://name` (the [`MemoryRegistry`] called
//!   `name`, shared within the process).
//! - [`SchemaRegistryClient::builder`] adds timeouts, basic auth, static bearer tokens or
//!   OAuth client-credentials tokens ([`OAuthClientCredentials`]), custom CAs and client
//!   certificates (mutual TLS) or a custom `reqwest::Client`, retries with exponential
//!   backoff and full jitter, cache sizes.
//! - Errors are [`RegistryError`]s inside [`ClientError::SchemaRegistryError`], carrying
//!   the HTTP status and Confluent error code.
//!
//! [`ClientError::SchemaRegistryError`]: crate::error::ClientError::SchemaRegistryError

mod backend;
mod builder;
mod cache;
mod cache_key;
mod client;
mod drift;
pub(crate) mod error;
mod http;
mod instrumented;
mod invalid;
mod keys;
mod memory;
mod properties;
mod types;

pub use backend::{BackendResult, BoxFuture, RegistryBackend};
pub use builder::{
    SchemaRegistryClientBuilder, DEFAULT_CACHE_CAPACITY, DEFAULT_TIMEOUT, MOCK_SCHEME,
};
pub use client::SchemaRegistryClient;
pub use drift::{check_against_latest, DriftReport, TypeCheck, TypeVerdict, Verdict};
pub use error::{codes, Operation, RegistryError};
pub use http::{OAuthClientCredentials, DEFAULT_OAUTH_EXPIRY_BUFFER};
pub use keys::{Dek, DekAlgorithm, Kek};
pub use memory::MemoryRegistry;
pub use properties::Properties;
pub(crate) use properties::{boolean as property_bool, is_registry_key};
pub use types::{
    CompatibilityCheck, IntoVersion, Mode, RegisteredSchema, Schema, SchemaReference, ServerConfig,
    Version,
};

pub use crate::compat::CompatibilityLevel;
pub use crate::schema::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};

/// The `reqwest` version the HTTP client uses, for
/// [`SchemaRegistryClientBuilder::http_client`].
pub use reqwest;
