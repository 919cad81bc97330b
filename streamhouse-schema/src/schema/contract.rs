//! Data contracts: the `metadata` and `ruleSet` a registered schema carries, with the JSON
//! names of Confluent's REST API (client module,
//! `io/confluent/kafka/schemaregistry/client/rest/entities/{Metadata,RuleSet,Rule,RuleKind,RuleMode}.java`).
//!
//! As Confluent serializes them (`@JsonInclude(NON_EMPTY)`), empty collections and absent
//! strings are left out; `kind`, `mode` and `disabled` are always written. Maps and sets are
//! sorted (Confluent keeps them in `TreeMap`/`TreeSet`), so equal contracts serialize to equal
//! bytes. JSON `null` reads as empty, as Confluent's constructors treat it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Reads `null` as the type's default (Confluent's constructors turn null into empty).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A schema's metadata: tags on fields (path → tags), free-form properties and the names of
/// sensitive properties (`Metadata.java`).
///
/// ```
/// use streamhouse_schema::schema::contract::Metadata;
///
/// let metadata = Metadata::default().with_property("owner", "team-a");
/// assert_eq!(
///     serde_json::to_string(&metadata).unwrap(),
///     r#"{"properties":{"owner":"team-a"}}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Metadata {
    /// Tags by field path (e.g. `"Order.card"` → `{"PII"}`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// Properties (e.g. `"application.major.version"` → `"2"`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub properties: BTreeMap<String, String>,
    /// The names of properties whose values are secrets.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub sensitive: BTreeSet<String>,
}

impl Metadata {
    /// Adds (or replaces) property `key`.
    pub fn with_property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(key.into(), value.into());
        self
    }

    /// Adds `tags` to the field at `path`.
    pub fn with_tags<I, S>(mut self, path: impl Into<String>, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags
            .entry(path.into())
            .or_default()
            .extend(tags.into_iter().map(Into::into));
        self
    }

    /// Marks property `key` as sensitive.
    pub fn with_sensitive(mut self, key: impl Into<String>) -> Self {
        self.sensitive.insert(key.into());
        self
    }

    /// Whether there are no tags, properties or sensitive names (Confluent hashes such
    /// metadata as if there were none, so it is stored as none).
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.properties.is_empty() && self.sensitive.is_empty()
    }

    /// `old` with `new` laid over it, as `Metadata.mergeMetadata`: each of tags, properties
    /// and sensitive is the union, `new`'s entries replacing `old`'s under the same key.
    pub fn merge(old: Option<&Metadata>, new: Option<&Metadata>) -> Option<Metadata> {
        match (old, new) {
            (None, new) => new.cloned(),
            (old, None) => old.cloned(),
            (Some(old), Some(new)) => {
                let mut merged = old.clone();
                merged
                    .tags
                    .extend(new.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
                merged
                    .properties
                    .extend(new.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                merged.sensitive.extend(new.sensitive.iter().cloned());
                Some(merged)
            }
        }
    }
}

/// Whether a rule checks a condition or transforms fields (`RuleKind.java`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleKind {
    /// Transforms data (Confluent's default when `kind` is absent).
    #[default]
    Transform,
    /// Checks a condition on the data.
    Condition,
}

/// When a rule runs (`RuleMode.java`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleMode {
    /// Migration from an older major version to a newer one.
    Upgrade,
    /// Migration from a newer major version to an older one.
    Downgrade,
    /// Both migrations.
    Updown,
    /// When writing (serializing).
    Write,
    /// When reading (deserializing).
    Read,
    /// Both when writing and reading (Confluent's default when `mode` is absent).
    #[default]
    Writeread,
}

impl RuleMode {
    /// The name Confluent's REST API uses (`WRITE`, `WRITEREAD`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleMode::Upgrade => "UPGRADE",
            RuleMode::Downgrade => "DOWNGRADE",
            RuleMode::Updown => "UPDOWN",
            RuleMode::Write => "WRITE",
            RuleMode::Read => "READ",
            RuleMode::Writeread => "WRITEREAD",
        }
    }

    /// UPGRADE, DOWNGRADE and UPDOWN: the modes of migration rules.
    pub fn is_migration(self) -> bool {
        matches!(
            self,
            RuleMode::Upgrade | RuleMode::Downgrade | RuleMode::Updown
        )
    }
}

/// One rule of a [`RuleSet`] (`Rule.java`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Unique within the rule set; a letter or `_`, then letters, digits, `_` or `-`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// CONDITION or TRANSFORM.
    #[serde(default, deserialize_with = "null_as_default")]
    pub kind: RuleKind,
    /// When it runs.
    #[serde(default, deserialize_with = "null_as_default")]
    pub mode: RuleMode,
    /// The executor (`CEL`, `CEL_FIELD`, `JSONATA`, `ENCRYPT`, ...).
    #[serde(
        rename = "type",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub rule_type: String,
    /// The field tags the rule applies to.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub tags: BTreeSet<String>,
    /// Executor parameters.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub params: BTreeMap<String, String>,
    /// The expression (CEL, JSONata, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// The action on success (`NONE`, `ERROR`, `DLQ`; `"w,r"` for WRITEREAD/UPDOWN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    /// The action on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    /// Whether the rule is switched off.
    #[serde(default, deserialize_with = "null_as_default")]
    pub disabled: bool,
}

impl Rule {
    /// A rule with this name, kind, mode and type; the rest empty.
    pub fn new(
        name: impl Into<String>,
        kind: RuleKind,
        mode: RuleMode,
        rule_type: impl Into<String>,
    ) -> Self {
        Rule {
            name: name.into(),
            kind,
            mode,
            rule_type: rule_type.into(),
            ..Rule::default()
        }
    }

    /// Sets the expression.
    pub fn with_expr(mut self, expr: impl Into<String>) -> Self {
        self.expr = Some(expr.into());
        self
    }

    /// `Rule.validate`: name, type and actions.
    fn validate(&self) -> Result<(), InvalidRuleSet> {
        let fail = |reason: &str| Err(InvalidRuleSet(format!("{reason} (rule '{}')", self.name)));
        let mut chars = self.name.chars();
        match chars.next() {
            None => return fail("Missing rule name"),
            Some(first) if !(first.is_alphabetic() || first == '_') => {
                return fail("Illegal initial character in rule name")
            }
            Some(_) => {}
        }
        if self.name.chars().count() > RULE_NAME_MAX_LENGTH {
            return fail("Rule name too long");
        }
        if !chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return fail("Illegal character in rule name");
        }
        if self.rule_type.is_empty() {
            return fail("Missing rule type");
        }
        let pair_allowed = matches!(self.mode, RuleMode::Writeread | RuleMode::Updown);
        for action in [&self.on_success, &self.on_failure].into_iter().flatten() {
            if !pair_allowed && action.contains(',') {
                return fail("Multiple actions only valid with WRITEREAD and UPDOWN");
            }
        }
        Ok(())
    }
}

/// `Rule.NAME_MAX_LENGTH`.
const RULE_NAME_MAX_LENGTH: usize = 256;

/// A schema's rules by phase (`RuleSet.java`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// Rules run between major versions (UPGRADE, DOWNGRADE, UPDOWN).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub migration_rules: Vec<Rule>,
    /// Rules run on the data (WRITE, READ, WRITEREAD).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub domain_rules: Vec<Rule>,
    /// Rules run on the encoded bytes (WRITE, READ, WRITEREAD).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub encoding_rules: Vec<Rule>,
    /// Where the rules are enabled (Confluent's `ExecutionEnvironment`), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_at: Option<String>,
}

/// A rule set Confluent would refuse (`RuleSet.validate`; error code 42210 on the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRuleSet(pub String);

impl fmt::Display for InvalidRuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidRuleSet {}

impl RuleSet {
    /// Whether there are no rules (`RuleSet.isEmpty`; `enableAt` does not count).
    pub fn is_empty(&self) -> bool {
        self.migration_rules.is_empty()
            && self.domain_rules.is_empty()
            && self.encoding_rules.is_empty()
    }

    /// `RuleSet.validate`: every rule valid, names unique across the phases, migration
    /// rules UPGRADE/DOWNGRADE/UPDOWN, domain and encoding rules WRITE/READ/WRITEREAD.
    pub fn validate(&self) -> Result<(), InvalidRuleSet> {
        let mut names = BTreeSet::new();
        let phases = [
            (
                &self.migration_rules,
                true,
                "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN",
            ),
            (
                &self.domain_rules,
                false,
                "Domain rules can only be WRITE, READ, WRITEREAD",
            ),
            (
                &self.encoding_rules,
                false,
                "Encoding rules can only be WRITE, READ, WRITEREAD",
            ),
        ];
        for (rules, migration, wrong_mode) in phases {
            for rule in rules {
                if !names.insert(rule.name.as_str()) {
                    return Err(InvalidRuleSet(format!(
                        "Found rule with duplicate name '{}'",
                        rule.name
                    )));
                }
                rule.validate()?;
                if rule.mode.is_migration() != migration {
                    return Err(InvalidRuleSet(format!(
                        "{wrong_mode} (rule '{}')",
                        rule.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// `old` with `new` laid over it, as `RuleSet.mergeRuleSets`: per phase, `old`'s rules
    /// not named in `new`, then `new`'s; `enableAt` from `new` when it has one.
    pub fn merge(old: Option<&RuleSet>, new: Option<&RuleSet>) -> Option<RuleSet> {
        fn rules(old: &[Rule], new: &[Rule]) -> Vec<Rule> {
            if old.is_empty() {
                return new.to_vec();
            }
            let mut merged: Vec<Rule> = old
                .iter()
                .filter(|rule| !new.iter().any(|n| n.name == rule.name))
                .cloned()
                .collect();
            merged.extend(new.iter().cloned());
            merged
        }
        match (old, new) {
            (None, new) => new.cloned(),
            (old, None) => old.cloned(),
            (Some(old), Some(new)) => Some(RuleSet {
                migration_rules: rules(&old.migration_rules, &new.migration_rules),
                domain_rules: rules(&old.domain_rules, &new.domain_rules),
                encoding_rules: rules(&old.encoding_rules, &new.encoding_rules),
                enable_at: new.enable_at.clone().or_else(|| old.enable_at.clone()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confluent_json_round_trips_with_defaults_and_nulls() {
        let rule: Rule = serde_json::from_str(
            r#"{"name":"checkLen","kind":"CONDITION","mode":"WRITE","type":"CEL",
                "expr":"size(message.name) < 10","tags":null,"params":null,"doc":null}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&rule).unwrap(),
            r#"{"name":"checkLen","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"size(message.name) < 10","disabled":false}"#
        );
        // Absent kind and mode are TRANSFORM and WRITEREAD (Rule's constructor).
        let rule: Rule = serde_json::from_str(r#"{"name":"r","type":"ENCRYPT"}"#).unwrap();
        assert_eq!(
            (rule.kind, rule.mode),
            (RuleKind::Transform, RuleMode::Writeread)
        );
        let metadata: Metadata = serde_json::from_str(
            r#"{"tags":{"a.b":["Z","PII"]},"properties":{"y":"1","x":"2"},"sensitive":null}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&metadata).unwrap(),
            r#"{"tags":{"a.b":["PII","Z"]},"properties":{"x":"2","y":"1"}}"#
        );
        assert!(serde_json::from_str::<Rule>(r#"{"name":"r","kind":"MAYBE"}"#).is_err());
    }

    #[test]
    fn merges_as_confluent() {
        let old = Metadata::default()
            .with_property("owner", "a")
            .with_property("keep", "1");
        let new = Metadata::default().with_property("owner", "b");
        let merged = Metadata::merge(Some(&old), Some(&new)).unwrap();
        assert_eq!(
            merged.properties,
            BTreeMap::from([("keep".into(), "1".into()), ("owner".into(), "b".into())])
        );
        assert_eq!(Metadata::merge(None, Some(&new)), Some(new.clone()));
        assert_eq!(Metadata::merge(Some(&old), None), Some(old));

        let a = Rule::new("a", RuleKind::Condition, RuleMode::Write, "CEL").with_expr("1");
        let b = Rule::new("b", RuleKind::Condition, RuleMode::Write, "CEL");
        let a2 = Rule::new("a", RuleKind::Condition, RuleMode::Read, "CEL").with_expr("2");
        let old = RuleSet {
            domain_rules: vec![a, b.clone()],
            ..RuleSet::default()
        };
        let new = RuleSet {
            domain_rules: vec![a2.clone()],
            ..RuleSet::default()
        };
        let merged = RuleSet::merge(Some(&old), Some(&new)).unwrap();
        assert_eq!(merged.domain_rules, vec![b, a2]);
    }

    #[test]
    fn validation_follows_rule_set_validate() {
        let rule = |name: &str, mode| Rule::new(name, RuleKind::Condition, mode, "CEL");
        let ok = RuleSet {
            migration_rules: vec![rule("up", RuleMode::Upgrade)],
            domain_rules: vec![rule("_x-1", RuleMode::Write)],
            ..RuleSet::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let cases = [
            (
                RuleSet {
                    domain_rules: vec![rule("up", RuleMode::Upgrade)],
                    ..RuleSet::default()
                },
                "Domain rules can only be WRITE, READ, WRITEREAD",
            ),
            (
                RuleSet {
                    domain_rules: vec![rule("a", RuleMode::Write), rule("a", RuleMode::Read)],
                    ..RuleSet::default()
                },
                "duplicate name",
            ),
            (
                RuleSet {
                    domain_rules: vec![rule("1a", RuleMode::Write)],
                    ..RuleSet::default()
                },
                "Illegal initial character",
            ),
            (
                RuleSet {
                    domain_rules: vec![Rule::new("a", RuleKind::Condition, RuleMode::Write, "")],
                    ..RuleSet::default()
                },
                "Missing rule type",
            ),
            (
                RuleSet {
                    domain_rules: vec![Rule {
                        on_failure: Some("NONE,ERROR".into()),
                        ..rule("a", RuleMode::Write)
                    }],
                    ..RuleSet::default()
                },
                "Multiple actions",
            ),
        ];
        for (set, expected) in cases {
            let error = set.validate().unwrap_err();
            assert!(error.0.contains(expected), "{error} lacks {expected}");
        }
    }
}
