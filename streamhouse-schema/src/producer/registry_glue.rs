//! Connects the producer to the crate's registry client.

use std::sync::Arc;

use super::schema_ids::SchemaIds;
use crate::error::ClientError;

/// The registry client for `url`, as the producer uses it.
pub(crate) fn from_url(url: &str) -> Result<Arc<dyn SchemaIds>, ClientError> {
    // Placeholder until the registry client lands.
    Err(ClientError::ConfigError(format!(
        "no registry client for {url} yet"
    )))
}
