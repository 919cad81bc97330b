//! Data-contract configuration and how it shapes a registration, as Confluent's
//! `AbstractSchemaRegistry` does it (core module,
//! `io/confluent/kafka/schemaregistry/storage/AbstractSchemaRegistry.java`):
//!
//! - `getConfigInScope` + `Config.mergeConfigs`: a subject with a config of its own takes its
//!   defaults and overrides from it alone; its compatibility group falls back to the global
//!   one. A subject without any config uses the global config whole.
//! - `maybeSetMetadataRuleSet`: the schema's own metadata (else the previous version's) is
//!   laid over the default and under the override; the same for the rule set.
//! - `isCompatibleWithPrevious`: with a compatibility group, only versions whose metadata
//!   property of that name has the candidate's value (both possibly absent) are checked.

use std::collections::HashMap;

use serde::Serialize;

use crate::schema::contract::{Metadata, RuleSet};

use super::error::ApiError;
use super::store::decode_json;
use super::store::settings::{Setting, GLOBAL};
use super::store::Store;

/// The contract part of one scope's config (global or one subject).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContractConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compatibility_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) default_metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) override_metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) default_rule_set: Option<RuleSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) override_rule_set: Option<RuleSet>,
}

impl ContractConfig {
    /// From a scope's stored settings.
    pub(crate) fn from_settings(settings: &HashMap<String, String>) -> Result<Self, ApiError> {
        let json =
            |setting: Setting| -> Option<&str> { settings.get(setting.name()).map(String::as_str) };
        Ok(ContractConfig {
            compatibility_group: json(Setting::CompatibilityGroup).map(str::to_string),
            default_metadata: json(Setting::DefaultMetadata)
                .map(decode_json)
                .transpose()?,
            override_metadata: json(Setting::OverrideMetadata)
                .map(decode_json)
                .transpose()?,
            default_rule_set: json(Setting::DefaultRuleSet).map(decode_json).transpose()?,
            override_rule_set: json(Setting::OverrideRuleSet)
                .map(decode_json)
                .transpose()?,
        })
    }

    /// `Config.hasDefaultsOrOverrides`.
    pub(crate) fn has_defaults_or_overrides(&self) -> bool {
        self.default_metadata.is_some()
            || self.override_metadata.is_some()
            || self.default_rule_set.is_some()
            || self.override_rule_set.is_some()
    }

    /// The config that applies to `subject` (`getConfigInScope`).
    pub(crate) async fn in_scope(store: &Store, subject: &str) -> Result<Self, ApiError> {
        let global = store.settings_of(GLOBAL).await?;
        let own = store.settings_of(subject).await?;
        Self::from_scopes(&global, &own)
    }

    /// The config that applies to a subject with `own` settings under `global` ones.
    pub(crate) fn from_scopes(
        global: &HashMap<String, String>,
        own: &HashMap<String, String>,
    ) -> Result<Self, ApiError> {
        let global = ContractConfig::from_settings(global)?;
        let has_config = Setting::CONFIG
            .iter()
            .any(|setting| own.contains_key(setting.name()));
        if !has_config {
            return Ok(global);
        }
        let mut config = ContractConfig::from_settings(own)?;
        if config.compatibility_group.is_none() {
            config.compatibility_group = global.compatibility_group;
        }
        Ok(config)
    }

    /// The metadata and rule set a schema is stored with (`maybeSetMetadataRuleSet`): its
    /// own (else `previous`'s, the subject's latest live version) between the defaults and
    /// the overrides.
    pub(crate) fn merge(
        &self,
        metadata: Option<&Metadata>,
        rule_set: Option<&RuleSet>,
        previous: Option<(Option<&Metadata>, Option<&RuleSet>)>,
    ) -> (Option<Metadata>, Option<RuleSet>) {
        let (previous_metadata, previous_rule_set) = previous.unwrap_or((None, None));
        let specific_metadata = metadata.or(previous_metadata);
        let specific_rule_set = rule_set.or(previous_rule_set);
        let metadata = Metadata::merge(
            Metadata::merge(self.default_metadata.as_ref(), specific_metadata).as_ref(),
            self.override_metadata.as_ref(),
        );
        let rule_set = RuleSet::merge(
            RuleSet::merge(self.default_rule_set.as_ref(), specific_rule_set).as_ref(),
            self.override_rule_set.as_ref(),
        );
        (metadata, rule_set)
    }
}

/// The value of the compatibility-group property in `metadata`
/// (`getCompatibilityGroupValue`).
pub(crate) fn group_value<'a>(metadata: Option<&'a Metadata>, group: &str) -> Option<&'a str> {
    metadata
        .and_then(|metadata| metadata.properties.get(group))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_metadata_else_previous_between_default_and_override() {
        let config = ContractConfig {
            default_metadata: Some(
                Metadata::default()
                    .with_property("owner", "default")
                    .with_property("tier", "gold"),
            ),
            override_metadata: Some(Metadata::default().with_property("tier", "forced")),
            ..ContractConfig::default()
        };
        let own = Metadata::default().with_property("owner", "me");
        let (merged, rules) = config.merge(Some(&own), None, None);
        assert_eq!(
            merged.unwrap().properties,
            [("owner", "me"), ("tier", "forced")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        );
        assert_eq!(rules, None);

        let previous = Metadata::default().with_property("owner", "before");
        let (merged, _) =
            ContractConfig::default().merge(None, None, Some((Some(&previous), None)));
        assert_eq!(merged, Some(previous.clone()));
        // The schema's own metadata wins over the previous version's.
        let (merged, _) =
            ContractConfig::default().merge(Some(&own), None, Some((Some(&previous), None)));
        assert_eq!(merged, Some(own));
    }

    #[test]
    fn group_values_come_from_properties() {
        let metadata = Metadata::default().with_property("application.major.version", "2");
        assert_eq!(
            group_value(Some(&metadata), "application.major.version"),
            Some("2")
        );
        assert_eq!(group_value(Some(&metadata), "other"), None);
        assert_eq!(group_value(None, "application.major.version"), None);
    }
}
