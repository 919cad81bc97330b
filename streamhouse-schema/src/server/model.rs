//! The JSON bodies of the Confluent REST API, as the server reads and writes them.
//! Unknown request fields are ignored (serde's default), as Confluent's clients send extras
//! such as `schemaTagsToAdd`.

use serde::{Deserialize, Serialize};

use crate::schema::contract::{Metadata, RuleSet};
use crate::schema::SchemaFormat;

/// A reference from one schema to another (`references` in the API) as the server reads and
/// stores it: the version is any JSON integer here, so that one outside `-1` or
/// 1..=2^31-1 is refused with Confluent's error rather than as a malformed body. (Clients
/// use [`SchemaReference`](crate::registry::SchemaReference).)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReferenceBody {
    /// The name the referring schema uses (a Protobuf import path, an Avro full name, a JSON `$ref`).
    pub(crate) name: String,
    /// The subject the referenced schema is registered under.
    pub(crate) subject: String,
    /// The referenced version of that subject.
    pub(crate) version: i64,
}

/// The body of `POST /subjects/{s}/versions`, `POST /subjects/{s}` and the compatibility checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SchemaRequest {
    pub(crate) schema: String,
    #[serde(default)]
    pub(crate) schema_type: Option<String>,
    #[serde(default)]
    pub(crate) references: Option<Vec<ReferenceBody>>,
    /// The id to register under (IMPORT mode only); `-1` means none, as Confluent's clients
    /// send it; other values outside 1..=2^31-1 are refused (42207).
    #[serde(default)]
    pub(crate) id: Option<i64>,
    /// The version to register as (IMPORT mode only); 0 or negative means none.
    #[serde(default)]
    pub(crate) version: Option<i64>,
    /// The schema's metadata (`null` or absent: none given).
    #[serde(default)]
    pub(crate) metadata: Option<Metadata>,
    /// The schema's rule set (`null` or absent: none given).
    #[serde(default)]
    pub(crate) rule_set: Option<RuleSet>,
}

impl SchemaRequest {
    /// The explicit id, when the request carries one.
    pub(crate) fn explicit_id(&self) -> Option<i64> {
        self.id.filter(|id| *id >= 0)
    }

    /// The `id` when it is neither Confluent's "none" (`-1`) nor a schema id the 4-byte
    /// wire header can carry (1..=2^31-1).
    pub(crate) fn out_of_range_id(&self) -> Option<i64> {
        self.id
            .filter(|id| *id != -1 && !(1..=i64::from(i32::MAX)).contains(id))
    }

    /// The explicit version, when the request carries one.
    pub(crate) fn explicit_version(&self) -> Option<i64> {
        self.version.filter(|version| *version > 0)
    }
}

/// `{"schema", "schemaType"?, "references"?, "metadata"?, "ruleSet"?}` (schemaType omitted
/// for Avro, the others when empty, as Confluent answers with `@JsonInclude(NON_EMPTY)`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SchemaBody<'a> {
    pub(crate) schema: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) schema_type: Option<SchemaFormat>,
    #[serde(skip_serializing_if = "<[ReferenceBody]>::is_empty")]
    pub(crate) references: &'a [ReferenceBody],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metadata: Option<&'a Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rule_set: Option<&'a RuleSet>,
}

/// A subject version: `{"subject", "id", "version", "schema", "schemaType"?, "references"?}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VersionBody<'a> {
    pub(crate) subject: &'a str,
    pub(crate) id: i64,
    pub(crate) version: i64,
    #[serde(flatten)]
    pub(crate) schema: SchemaBody<'a>,
}

/// A registration's answer when the schema has metadata or rules (Confluent's
/// `RegisterSchemaResponse`): `{"id", "version", "schema", "schemaType"?, "references"?,
/// "metadata"?, "ruleSet"?}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegisteredBody<'a> {
    pub(crate) id: i64,
    pub(crate) version: i64,
    #[serde(flatten)]
    pub(crate) schema: SchemaBody<'a>,
}

/// `schemaType` is only written for non-Avro schemas.
pub(crate) fn schema_type_field(format: SchemaFormat) -> Option<SchemaFormat> {
    (format != SchemaFormat::Avro).then_some(format)
}

/// The body of `PUT /config` and `PUT /config/{s}` (Confluent's `ConfigUpdateRequest`): an
/// absent field keeps the stored value; a contract field sent as `null` removes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConfigRequest {
    #[serde(default)]
    pub(crate) compatibility: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) compatibility_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) default_metadata: Option<Option<Metadata>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) override_metadata: Option<Option<Metadata>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) default_rule_set: Option<Option<RuleSet>>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) override_rule_set: Option<Option<RuleSet>>,
}

/// A field that is present (`Some`), possibly as `null` (`Some(None)`); absent fields take
/// the `default` (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The body of `PUT /mode` and `PUT /mode/{s}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ModeRequest {
    pub(crate) mode: String,
}

/// `{"subject", "version"}` pairs of `GET /schemas/ids/{id}/versions`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SubjectVersion {
    pub(crate) subject: String,
    pub(crate) version: i64,
}

/// The answer of the compatibility checks.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompatibilityBody {
    pub(crate) is_compatible: bool,
    /// Left out when empty, as Confluent does (and always without `verbose=true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) messages: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_request_ignores_unknown_fields_and_defaults_type() {
        let request: SchemaRequest = serde_json::from_str(
            r#"{"schema":"\"string\"","metadata":{"x":1},"ruleSet":null,"extra":true}"#,
        )
        .unwrap();
        assert_eq!(request.schema, "\"string\"");
        assert_eq!(request.schema_type, None);
        assert_eq!(request.references, None);
        assert_eq!(
            (request.explicit_id(), request.explicit_version()),
            (None, None)
        );
    }

    #[test]
    fn explicit_id_and_version_follow_confluent_sentinels() {
        let request: SchemaRequest =
            serde_json::from_str(r#"{"schema":"\"int\"","id":-1,"version":0}"#).unwrap();
        assert_eq!(
            (request.explicit_id(), request.explicit_version()),
            (None, None)
        );
        let request: SchemaRequest =
            serde_json::from_str(r#"{"schema":"\"int\"","id":0,"version":3}"#).unwrap();
        assert_eq!(
            (request.explicit_id(), request.explicit_version()),
            (Some(0), Some(3))
        );
    }

    #[test]
    fn ids_outside_the_wire_header_are_out_of_range() {
        let with_id = |id: i64| SchemaRequest {
            schema: "\"int\"".into(),
            schema_type: None,
            references: None,
            id: Some(id),
            version: None,
            metadata: None,
            rule_set: None,
        };
        for id in [0, -2, i64::from(i32::MAX) + 1, i64::MAX, i64::MIN] {
            assert_eq!(with_id(id).out_of_range_id(), Some(id));
        }
        for id in [-1, 1, i64::from(i32::MAX)] {
            assert_eq!(with_id(id).out_of_range_id(), None);
        }
    }

    #[test]
    fn avro_bodies_omit_schema_type_and_empty_references() {
        let body = VersionBody {
            subject: "s",
            id: 7,
            version: 2,
            schema: SchemaBody {
                schema: "\"int\"",
                schema_type: schema_type_field(SchemaFormat::Avro),
                references: &[],
                metadata: None,
                rule_set: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"subject":"s","id":7,"version":2,"schema":"\"int\""}"#
        );
        let proto = SchemaBody {
            schema: "syntax = \"proto3\";",
            schema_type: schema_type_field(SchemaFormat::Protobuf),
            references: &[ReferenceBody {
                name: "a.proto".into(),
                subject: "a".into(),
                version: 1,
            }],
            metadata: None,
            rule_set: None,
        };
        assert_eq!(
            serde_json::to_string(&proto).unwrap(),
            r#"{"schema":"syntax = \"proto3\";","schemaType":"PROTOBUF","references":[{"name":"a.proto","subject":"a","version":1}]}"#
        );
    }
}
