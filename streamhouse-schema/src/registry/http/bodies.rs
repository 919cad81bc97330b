//! The JSON bodies of the Confluent REST API that are not plain registry types.

use serde::{Deserialize, Serialize};

use crate::compat::CompatibilityLevel;

/// `POST /subjects/{s}/versions` answer; newer registries add fields, which are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct RegisterResponse {
    pub(crate) id: i32,
    /// The stored schema's fields, in answers that carry them.
    #[serde(default)]
    schema: Option<serde_json::Value>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
    #[serde(default, rename = "ruleSet")]
    rule_set: Option<serde_json::Value>,
}

impl RegisterResponse {
    /// Whether the answer is `{"id": N}` alone.
    pub(crate) fn is_id_only(&self) -> bool {
        self.schema.is_none() && self.metadata.is_none() && self.rule_set.is_none()
    }
}

/// `GET /config` answers `compatibilityLevel`, `PUT /config` answers `compatibility`.
#[derive(Debug, Deserialize)]
pub(crate) struct ConfigResponse {
    #[serde(rename = "compatibilityLevel", alias = "compatibility")]
    pub(crate) level: CompatibilityLevel,
}

/// `PUT /config[/{s}]` body.
#[derive(Debug, Serialize)]
pub(crate) struct ConfigUpdate {
    pub(crate) compatibility: CompatibilityLevel,
}

/// `PUT /config[/{s}]` body with the data-contract settings (Confluent's
/// `ConfigUpdateRequest`: the level is `compatibility` here).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConfigUpdateFull<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compatibility: Option<CompatibilityLevel>,
    #[serde(flatten)]
    pub(crate) rest: &'a crate::registry::ServerConfig,
}

/// A Confluent error body: `{"error_code": 40401, "message": "Subject not found."}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub(crate) error_code: Option<i32>,
    pub(crate) message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reads_both_spellings() {
        let get: ConfigResponse =
            serde_json::from_str(r#"{"compatibilityLevel":"FULL_TRANSITIVE"}"#).unwrap();
        assert_eq!(get.level, CompatibilityLevel::FullTransitive);
        let put: ConfigResponse = serde_json::from_str(r#"{"compatibility":"NONE"}"#).unwrap();
        assert_eq!(put.level, CompatibilityLevel::None);
    }

    #[test]
    fn config_update_writes_compatibility() {
        let body = serde_json::to_string(&ConfigUpdate {
            compatibility: CompatibilityLevel::Forward,
        })
        .unwrap();
        assert_eq!(body, r#"{"compatibility":"FORWARD"}"#);
    }
}

/// `GET /mode[/{s}]` answer and `PUT /mode[/{s}]` body.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ModeBody {
    pub(crate) mode: crate::registry::Mode,
}
