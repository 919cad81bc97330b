//! The JSON Schema view of a [`TypeModel`]: what the JSON codec writes, as a
//! `schemars::Schema`, in draft 2020-12 (the default) or draft-07.
//!
//! The emitter is `streamhouse_schema_core::json_schema` (shared with the derive, whose
//! `pin = "....json"` checks the same document at compile time); its module docs give the
//! mapping.

use super::model::TypeModel;

pub use streamhouse_schema_core::json_schema::{
    absent_field_default, field_default, JsonSchemaDraft,
};

/// Emits the JSON Schema of `model` in `draft`.
pub fn to_json_schema(model: &TypeModel, draft: JsonSchemaDraft) -> schemars::Schema {
    schemars::Schema::from(streamhouse_schema_core::json_schema::to_json_schema_object(
        model, draft,
    ))
}

/// [`to_json_schema`], with `title` for a root that is not a named type (a derived
/// newtype's name); a named root is titled with its own name.
pub fn to_json_schema_titled(
    model: &TypeModel,
    draft: JsonSchemaDraft,
    title: Option<&str>,
) -> schemars::Schema {
    schemars::Schema::from(streamhouse_schema_core::json_schema::to_json_schema_titled(
        model, draft, title,
    ))
}
