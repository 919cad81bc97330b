//! The values the registry API speaks in: schemas, references, versions.
//!
//! Field names follow the Confluent REST JSON (`schemaType`, `references`), so the same
//! types serialize to and from a registry's request and response bodies.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::compat::CompatibilityLevel;
use crate::schema::contract::{Metadata, RuleSet};
use crate::schema::SchemaFormat;

/// A schema as the registry stores it: text, format, the schemas it imports and its data
/// contract (`metadata`, `ruleSet`). Two schemas with the same text but other metadata or
/// rules are different registrations (another id, another version), as in Confluent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// The schema text (Avro JSON, JSON Schema, `.proto` source or base64 descriptor).
    pub schema: String,
    /// The format; absent in registry JSON means Avro.
    #[serde(default, skip_serializing_if = "is_avro")]
    pub schema_type: SchemaFormat,
    /// Other registered schemas this one imports (Protobuf imports, Avro named types,
    /// JSON `$ref`s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// The schema's metadata: field tags, properties, sensitive property names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The schema's rules (domain, migration and encoding rules).
    #[serde(rename = "ruleSet", default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
}

fn is_avro(format: &SchemaFormat) -> bool {
    *format == SchemaFormat::Avro
}

impl Schema {
    /// A schema of `format` without references.
    pub fn new(schema: impl Into<String>, format: SchemaFormat) -> Self {
        Self {
            schema: schema.into(),
            schema_type: format,
            references: Vec::new(),
            metadata: None,
            rule_set: None,
        }
    }

    /// An Avro schema without references.
    pub fn avro(schema: impl Into<String>) -> Self {
        Self::new(schema, SchemaFormat::Avro)
    }

    /// A JSON Schema without references.
    pub fn json(schema: impl Into<String>) -> Self {
        Self::new(schema, SchemaFormat::Json)
    }

    /// A Protobuf schema without references.
    pub fn protobuf(schema: impl Into<String>) -> Self {
        Self::new(schema, SchemaFormat::Protobuf)
    }

    /// The same schema importing `references`.
    pub fn with_references(mut self, references: Vec<SchemaReference>) -> Self {
        self.references = references;
        self
    }

    /// The same schema with `metadata`.
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// The same schema with `rule_set`.
    pub fn with_rule_set(mut self, rule_set: RuleSet) -> Self {
        self.rule_set = Some(rule_set);
        self
    }
}

/// A reference from one schema to another registered schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    /// The name the referring schema uses (Protobuf import path, Avro full name, JSON `$ref`).
    pub name: String,
    /// The subject the referenced schema is registered under.
    pub subject: String,
    /// The referenced version.
    pub version: i32,
}

impl SchemaReference {
    /// A reference to `subject` at `version`, imported as `name`.
    pub fn new(name: impl Into<String>, subject: impl Into<String>, version: i32) -> Self {
        Self {
            name: name.into(),
            subject: subject.into(),
            version,
        }
    }
}

/// A schema registered under a subject: what `GET /subjects/{s}/versions/{v}` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredSchema {
    /// The subject.
    pub subject: String,
    /// The registry-wide schema id (the one in the frame header).
    pub id: i32,
    /// The version within the subject, from 1.
    pub version: i32,
    /// The schema itself.
    #[serde(flatten)]
    pub schema: Schema,
}

/// A registry config, global or for one subject (`GET /config[/{subject}]`): the
/// compatibility level and the data-contract settings. Confluent's `Config` JSON names;
/// `None` fields are left out, and in [`set_config`](super::SchemaRegistryClient::set_config)
/// leave the stored value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerConfig {
    /// The compatibility level (`compatibilityLevel` when read, `compatibility` when set).
    #[serde(
        default,
        alias = "compatibility",
        skip_serializing_if = "Option::is_none"
    )]
    pub compatibility_level: Option<CompatibilityLevel>,
    /// The metadata property whose value splits a subject's versions into compatibility
    /// groups (e.g. `application.major.version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    /// Metadata under a registration's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_metadata: Option<Metadata>,
    /// Metadata over a registration's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_metadata: Option<Metadata>,
    /// Rules under a registration's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rule_set: Option<RuleSet>,
    /// Rules over a registration's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_rule_set: Option<RuleSet>,
}

/// A subject version: a number from 1, or the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// The newest non-deleted version.
    Latest,
    /// A specific version number.
    Number(i32),
}

impl From<i32> for Version {
    /// `-1` is the registry's alias for the latest version; any other number is itself.
    fn from(version: i32) -> Self {
        if version == -1 {
            Version::Latest
        } else {
            Version::Number(version)
        }
    }
}

impl std::str::FromStr for Version {
    type Err = String;

    /// `latest` (any case) or a version number as the REST API writes it (`-1` is the
    /// latest too); anything else is refused with the text it was given.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("latest") {
            return Ok(Version::Latest);
        }
        match text.parse::<i32>() {
            Ok(number) if number >= 1 || number == -1 => Ok(Version::from(number)),
            _ => Err(format!(
                "invalid version {text:?}: write \"latest\" or a version number from 1"
            )),
        }
    }
}

/// What names a subject version in calls such as
/// [`SchemaRegistryClient::test_compatibility`](super::SchemaRegistryClient::test_compatibility):
/// a [`Version`], a number, or text (`"latest"`, `"3"`) as the original design writes it.
pub trait IntoVersion {
    /// The version, or why the text does not name one.
    fn into_version(self) -> Result<Version, String>;
}

impl IntoVersion for Version {
    fn into_version(self) -> Result<Version, String> {
        Ok(self)
    }
}

impl IntoVersion for i32 {
    fn into_version(self) -> Result<Version, String> {
        Ok(Version::from(self))
    }
}

impl IntoVersion for &str {
    fn into_version(self) -> Result<Version, String> {
        self.parse()
    }
}

impl IntoVersion for &String {
    fn into_version(self) -> Result<Version, String> {
        self.parse()
    }
}

impl IntoVersion for String {
    fn into_version(self) -> Result<Version, String> {
        self.parse()
    }
}

impl fmt::Display for Version {
    /// `latest` or the number, as used in registry URLs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::Number(version) => write!(f, "{version}"),
        }
    }
}

/// The answer to a compatibility test, with the checker's reasons when incompatible.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompatibilityCheck {
    /// Whether the candidate may be registered.
    pub is_compatible: bool,
    /// Why not (empty when compatible, or when the registry gives no reasons).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_schema_json_omits_type_and_empty_references() {
        let json = serde_json::to_string(&Schema::avro("\"string\"")).unwrap();
        assert_eq!(json, r#"{"schema":"\"string\""}"#);
    }

    #[test]
    fn protobuf_schema_json_names_type_and_references() {
        let schema = Schema::protobuf("syntax = \"proto3\";")
            .with_references(vec![SchemaReference::new("dep.proto", "dep", 2)]);
        let json = serde_json::to_value(&schema).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "schema": "syntax = \"proto3\";",
                "schemaType": "PROTOBUF",
                "references": [{"name": "dep.proto", "subject": "dep", "version": 2}]
            })
        );
    }

    #[test]
    fn registered_schema_reads_flat_registry_json_and_ignores_unknown_fields() {
        let body = r#"{"subject":"orders-value","version":3,"id":7,"schemaType":"JSON",
                       "schema":"{}","guid":"x","ts":1}"#;
        let parsed: RegisteredSchema = serde_json::from_str(body).unwrap();
        assert_eq!(
            parsed,
            RegisteredSchema {
                subject: "orders-value".into(),
                id: 7,
                version: 3,
                schema: Schema::json("{}"),
            }
        );
    }

    #[test]
    fn version_display_and_from() {
        assert_eq!(Version::Latest.to_string(), "latest");
        assert_eq!(Version::from(3).to_string(), "3");
        assert_eq!(Version::from(-1), Version::Latest);
    }

    #[test]
    fn versions_parse_from_the_original_designs_text() {
        assert_eq!("latest".into_version(), Ok(Version::Latest));
        assert_eq!("LATEST".into_version(), Ok(Version::Latest));
        assert_eq!("3".into_version(), Ok(Version::Number(3)));
        assert_eq!(String::from("-1").into_version(), Ok(Version::Latest));
        assert_eq!(7.into_version(), Ok(Version::Number(7)));
        for bad in ["", "0", "-2", "first", "1.5", "99999999999"] {
            let error = bad.into_version();
            assert!(
                matches!(&error, Err(m) if m.contains("write \"latest\" or a version number")),
                "{bad}: {error:?}"
            );
        }
    }
}

/// A registry's (or subject's) mode, as Confluent names it (`GET/PUT /mode[/{subject}]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// Reads and writes (the default).
    #[serde(rename = "READWRITE")]
    ReadWrite,
    /// Reads only: registrations and deletes are refused (42205).
    #[serde(rename = "READONLY")]
    ReadOnly,
    /// READONLY that, set globally, also overrides subjects' own modes.
    #[serde(rename = "READONLY_OVERRIDE")]
    ReadOnlyOverride,
    /// Registrations carry their own ids and versions (migrating another registry).
    #[serde(rename = "IMPORT")]
    Import,
}

impl Mode {
    /// The name the REST API uses (`READWRITE`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
        }
    }

    /// Whether registrations and deletes are refused.
    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = String;

    /// Parses a mode name, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "READWRITE" => Ok(Mode::ReadWrite),
            "READONLY" => Ok(Mode::ReadOnly),
            "READONLY_OVERRIDE" => Ok(Mode::ReadOnlyOverride),
            "IMPORT" => Ok(Mode::Import),
            _ => Err(format!(
                "{s:?} is not a mode: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT"
            )),
        }
    }
}
