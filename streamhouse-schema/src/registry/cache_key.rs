//! The key of the (subject, schema) -> id cache, which can be looked up from borrowed
//! parts: a cache hit on the send path builds no `String` and clones no schema.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

use super::Schema;

/// A (subject, schema) pair, owned or borrowed.
pub(crate) trait SubjectSchema {
    fn subject(&self) -> &str;
    fn schema(&self) -> &Schema;
}

impl Hash for dyn SubjectSchema + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.subject().hash(state);
        self.schema().hash(state);
    }
}

impl PartialEq for dyn SubjectSchema + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.subject() == other.subject() && self.schema() == other.schema()
    }
}

impl Eq for dyn SubjectSchema + '_ {}

/// The owned key stored in the cache.
#[derive(Debug, Clone)]
pub(crate) struct OwnedKey {
    subject: String,
    schema: Schema,
}

impl OwnedKey {
    pub(crate) fn new(subject: &str, schema: &Schema) -> Self {
        Self {
            subject: subject.to_string(),
            schema: schema.clone(),
        }
    }
}

impl SubjectSchema for OwnedKey {
    fn subject(&self) -> &str {
        &self.subject
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
}

// Hash and Eq delegate to the trait object so owned and borrowed keys agree, as
// `Borrow` requires.
impl Hash for OwnedKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self as &dyn SubjectSchema).hash(state);
    }
}

impl PartialEq for OwnedKey {
    fn eq(&self, other: &Self) -> bool {
        (self as &dyn SubjectSchema) == (other as &dyn SubjectSchema)
    }
}

impl Eq for OwnedKey {}

impl<'a> Borrow<dyn SubjectSchema + 'a> for OwnedKey {
    fn borrow(&self) -> &(dyn SubjectSchema + 'a) {
        self
    }
}

/// A lookup key made of borrowed parts.
pub(crate) struct BorrowedKey<'a> {
    pub(crate) subject: &'a str,
    pub(crate) schema: &'a Schema,
}

impl SubjectSchema for BorrowedKey<'_> {
    fn subject(&self) -> &str {
        self.subject
    }
    fn schema(&self) -> &Schema {
        self.schema
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn borrowed_key_finds_owned_entry() {
        let schema = Schema::avro("\"long\"");
        let mut map = HashMap::new();
        map.insert(OwnedKey::new("s", &schema), 5);
        let hit = BorrowedKey {
            subject: "s",
            schema: &schema,
        };
        assert_eq!(map.get(&hit as &dyn SubjectSchema), Some(&5));
        let miss = BorrowedKey {
            subject: "t",
            schema: &schema,
        };
        assert_eq!(map.get(&miss as &dyn SubjectSchema), None);
    }
}
