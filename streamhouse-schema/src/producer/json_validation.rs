//! Opt-in validation of JSON payloads against the type's JSON Schema before they are sent
//! (feature `json-validation`, [`ProducerBuilder::validate_json`](super::ProducerBuilder::validate_json)).
//!
//! The generated encoder already writes what the schema describes; validation catches what
//! types cannot say (an `f64` that is NaN is refused by the encoder, but a schema a user
//! tightened by hand, or a value outside a declared range, is caught here). Validators are
//! compiled once per type and cached by the producer.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, PoisonError, RwLock};

use crate::client::schema_ids::SchemaKey;
use crate::error::{ClientError, JsonValidationError};
use crate::schema::StreamSchema;

/// Compiled validators: per type for typed sends, per schema id for raw JSON sends.
#[derive(Default)]
pub(crate) struct JsonValidators {
    typed: Compiled<SchemaKey>,
    raw: Compiled<i32>,
}

type Compiled<K> = RwLock<HashMap<K, Arc<jsonschema::Validator>>>;

impl std::fmt::Debug for JsonValidators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonValidators")
            .field("typed", &count(&self.typed))
            .field("raw", &count(&self.raw))
            .finish()
    }
}

impl JsonValidators {
    /// Checks a JSON payload written for `T` against `T`'s JSON Schema.
    pub(crate) fn check_typed<T: StreamSchema>(&self, payload: &[u8]) -> Result<(), ClientError> {
        let validator = cached(&self.typed, SchemaKey::of::<T>(), || {
            Ok(T::json_schema().as_value().clone())
        })
        .map_err(|e| not_compiled(T::full_name(), &e))?;
        check(&validator, T::full_name(), payload)
    }

    /// Checks a raw JSON payload against the schema text registered as `schema_id`;
    /// `subject` names it in errors.
    pub(crate) fn check_raw(
        &self,
        schema_id: i32,
        schema: &str,
        subject: &str,
        payload: &[u8],
    ) -> Result<(), ClientError> {
        let validator = cached(&self.raw, schema_id, || {
            serde_json::from_str(schema).map_err(|e| format!("it is not JSON: {e}"))
        })
        .map_err(|e| not_compiled(subject, &e))?;
        check(&validator, subject, payload)
    }
}

fn count<K>(map: &Compiled<K>) -> usize {
    map.read().unwrap_or_else(PoisonError::into_inner).len()
}

/// The validator under `key`, compiling `schema()` on first use.
fn cached<K: Hash + Eq>(
    map: &Compiled<K>,
    key: K,
    schema: impl FnOnce() -> Result<serde_json::Value, String>,
) -> Result<Arc<jsonschema::Validator>, String> {
    if let Some(validator) = map.read().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return Ok(Arc::clone(validator));
    }
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema()?)
        .map_err(|e| e.to_string())?;
    let validator = Arc::new(validator);
    map.write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, Arc::clone(&validator));
    Ok(validator)
}

fn check(validator: &jsonschema::Validator, name: &str, payload: &[u8]) -> Result<(), ClientError> {
    let instance: serde_json::Value = serde_json::from_slice(payload)
        .map_err(|e| refused(name, vec![format!("the payload is not JSON: {e}")]))?;
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| {
            let path = error.instance_path().to_string();
            let at = if path.is_empty() { "/" } else { path.as_str() };
            format!("at {at}: {error}")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(refused(name, errors))
    }
}

fn not_compiled(name: &str, reason: &str) -> ClientError {
    ClientError::ConfigError(format!(
        "the JSON Schema of {name} cannot be used for validation: {reason}"
    ))
}

fn refused(name: &str, errors: Vec<String>) -> ClientError {
    ClientError::InvalidJson(Box::new(JsonValidationError {
        type_name: name.to_string(),
        errors,
    }))
}
