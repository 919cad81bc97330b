//! The state every handler shares: the store, the schema cache, counters and limits.

use std::sync::Arc;

use super::answers::RegistrationAnswers;
use super::cache::SchemaCache;
use super::config::RegistryConfig;
use super::error::ServerError;
use super::metrics::RequestCounter;
use super::store::Store;

/// A connected registry: pass it to [`router`](super::router) to serve it yourself, or use
/// [`spawn`](super::spawn), which does both.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    cache: SchemaCache,
    answers: RegistrationAnswers,
    requests: RequestCounter,
    config: RegistryConfig,
}

impl AppState {
    /// Connects to `config.database_url` and creates or upgrades the registry's tables.
    ///
    /// # Errors
    /// [`ServerError::UnsupportedDatabase`], [`ServerError::Connect`] or [`ServerError::Migrate`].
    pub async fn connect(config: RegistryConfig) -> Result<AppState, ServerError> {
        let store = Store::connect(&config).await?;
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                cache: SchemaCache::with_budget(config.schema_cache_bytes),
                answers: RegistrationAnswers::with_budget(config.registration_cache_bytes),
                requests: RequestCounter::default(),
                config,
            }),
        })
    }

    /// The per-route request counts of this registry.
    pub fn requests(&self) -> RequestCounter {
        self.inner.requests.clone()
    }

    /// The configuration this registry was started with.
    pub fn config(&self) -> &RegistryConfig {
        &self.inner.config
    }

    /// Closes the database connections.
    pub async fn close(&self) {
        self.inner.store.close().await;
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn cache(&self) -> &SchemaCache {
        &self.inner.cache
    }

    pub(crate) fn answers(&self) -> &RegistrationAnswers {
        &self.inner.answers
    }

    pub(crate) fn max_body_bytes(&self) -> usize {
        self.inner.config.max_body_bytes
    }
}
