//! Rendering stored schemas: the text in the requested `format` and the version body.

use axum::response::Response;

use crate::schema::SchemaFormat;

use super::super::error::ApiError;
use super::super::model::{schema_type_field, SchemaBody, VersionBody};
use super::super::references::serialized_stored;
use super::super::response::ok;
use super::super::store::{SchemaRecord, Store, VersionRecord};
use super::Params;

/// The schema text as `?format=` asks: `serialized` turns Protobuf into a base64
/// `FileDescriptorProto` (Confluent's Python client reads schemas that way); other formats
/// and values return the stored text.
/// Imports of registered references are compiled from the referenced schemas.
pub(crate) async fn schema_text(
    store: &Store,
    record: &SchemaRecord,
    params: &Params,
) -> Result<String, ApiError> {
    let serialized = params
        .get("format")
        .is_some_and(|f| f.eq_ignore_ascii_case("serialized"));
    if serialized && record.format == SchemaFormat::Protobuf {
        return serialized_stored(store, record).await;
    }
    Ok(record.text.clone())
}

/// `{"subject", "id", "version", "schema", "schemaType"?, "references"?, "metadata"?,
/// "ruleSet"?}`.
pub(crate) async fn version_response(
    store: &Store,
    version: &VersionRecord,
    params: &Params,
) -> Result<Response, ApiError> {
    let text = schema_text(store, &version.schema, params).await?;
    Ok(ok(&VersionBody {
        subject: &version.subject,
        id: version.schema.id,
        version: version.version,
        schema: SchemaBody {
            schema: &text,
            schema_type: schema_type_field(version.schema.format),
            references: &version.schema.references,
            metadata: version.schema.metadata.as_ref(),
            rule_set: version.schema.rule_set.as_ref(),
        },
    }))
}
