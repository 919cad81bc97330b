//! Connects the producer and consumer to the crate's [`SchemaRegistryClient`].
//!
//! The client brings the caches and single-flight (concurrent first sends of a type share
//! one registration request); this adapter only maps "not found" answers to `None` so the
//! producer and consumer can turn them into their own, more specific errors.

use std::sync::Arc;

use super::schema_ids::{BoxFuture, Latest, SchemaIds};
use crate::error::ClientError;
use crate::registry::{Schema, SchemaReference, SchemaRegistryClient, Version};
use crate::schema::type_contract::TypeContract;
use crate::schema::SchemaFormat;

/// The registry client for `url` (`http(s)://...`, comma-separated failover URLs, or
/// `mock://name`), as the producer and consumer use it.
pub(crate) fn from_url(url: &str) -> Result<Arc<dyn SchemaIds>, ClientError> {
    Ok(Arc::new(SchemaRegistryClient::try_new(url)?))
}

/// `Ok(None)` for a 404 answer, the value or the error otherwise.
fn found<T>(result: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

impl SchemaIds for SchemaRegistryClient {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        references: &'a [SchemaReference],
    ) -> BoxFuture<'a, Result<i32, ClientError>> {
        Box::pin(async move {
            let schema = Schema::new(schema, format).with_references(references.to_vec());
            self.register(subject, &schema).await
        })
    }

    fn register_with_contract<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        references: &'a [SchemaReference],
        contract: &'a TypeContract,
    ) -> BoxFuture<'a, Result<i32, ClientError>> {
        Box::pin(async move {
            let mut schema = Schema::new(schema, format).with_references(references.to_vec());
            schema.metadata.clone_from(&contract.metadata);
            schema.rule_set.clone_from(&contract.rule_set);
            self.register(subject, &schema).await
        })
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        references: &'a [SchemaReference],
    ) -> BoxFuture<'a, Result<Option<i32>, ClientError>> {
        Box::pin(async move {
            let schema = Schema::new(schema, format).with_references(references.to_vec());
            found(self.lookup_schema_id(subject, &schema).await)
        })
    }

    fn reference_version<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
        register: bool,
    ) -> BoxFuture<'a, Result<Option<i32>, ClientError>> {
        Box::pin(async move {
            if register {
                self.register(subject, schema).await?;
            }
            Ok(found(self.lookup_schema(subject, schema).await)?.map(|found| found.version))
        })
    }

    fn latest<'a>(
        &'a self,
        subject: &'a str,
    ) -> BoxFuture<'a, Result<Option<Latest>, ClientError>> {
        Box::pin(async move {
            let latest = found(self.get_latest(subject).await)?;
            Ok(latest.map(|registered| Latest {
                id: registered.id,
                schema: Arc::new(registered.schema),
            }))
        })
    }

    fn latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a std::collections::BTreeMap<String, String>,
    ) -> BoxFuture<'a, Result<Option<Latest>, ClientError>> {
        Box::pin(async move {
            let found = found(
                self.get_latest_with_metadata(subject, metadata, false)
                    .await,
            )?;
            Ok(found.map(|registered| Latest {
                id: registered.id,
                schema: Arc::new(registered.schema),
            }))
        })
    }

    fn by_id(&self, id: i32) -> BoxFuture<'_, Result<Option<Arc<Schema>>, ClientError>> {
        Box::pin(async move { found(self.get_schema_by_id(id).await) })
    }

    fn version<'a>(
        &'a self,
        subject: &'a str,
        version: i32,
    ) -> BoxFuture<'a, Result<Option<Arc<Schema>>, ClientError>> {
        Box::pin(async move {
            let found = found(self.get_version(subject, Version::Number(version)).await)?;
            Ok(found.map(|found| Arc::new(found.schema)))
        })
    }

    fn by_id_serialized(&self, id: i32) -> BoxFuture<'_, Result<Option<Arc<Schema>>, ClientError>> {
        Box::pin(async move { found(self.get_schema_by_id_serialized(id).await) })
    }
}
