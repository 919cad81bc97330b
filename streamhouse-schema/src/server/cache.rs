//! An in-process cache of schemas by id: a schema id's content never changes, so the only
//! invalidation needed is a permanent delete. (A permanent delete made by *another* instance
//! sharing the same PostgreSQL is not seen until restart; that id is then still served here.)

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::body::Bytes;

use super::store::SchemaRecord;

/// A cached schema and its ready-to-send `GET /schemas/ids/{id}` body.
#[derive(Debug, Clone)]
pub(crate) struct CachedSchema {
    pub(crate) record: Arc<SchemaRecord>,
    pub(crate) body: Bytes,
}

/// Schemas by id.
#[derive(Debug, Default, Clone)]
pub(crate) struct SchemaCache {
    by_id: Arc<RwLock<HashMap<i64, CachedSchema>>>,
}

impl SchemaCache {
    pub(crate) fn get(&self, id: i64) -> Option<CachedSchema> {
        self.by_id
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .cloned()
    }

    pub(crate) fn insert(&self, id: i64, entry: CachedSchema) {
        self.by_id
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, entry);
    }

    pub(crate) fn remove(&self, ids: &[i64]) {
        if ids.is_empty() {
            return;
        }
        let mut map = self.by_id.write().unwrap_or_else(PoisonError::into_inner);
        for id in ids {
            map.remove(id);
        }
    }
}
