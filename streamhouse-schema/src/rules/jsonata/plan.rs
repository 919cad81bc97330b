//! Which migration rules run between a writer's and a reader's version of a subject
//! (`serde.py`, `BaseDeserializer._get_migrations` and `_get_schemas_between`).

use std::sync::Arc;

use crate::error::ClientError;
use crate::registry::{RegisteredSchema, SchemaRegistryClient, Version};
use crate::rules::has_rules;
use crate::schema::contract::RuleMode;

/// One step of a migration: the rules run from `source` to `target`, both adjacent
/// versions carrying rules (`serde.py` `Migration`). For UPGRADE the rules are the
/// target's; for DOWNGRADE the source's, in reverse (the engine's `rules_for`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// UPGRADE (reading newer) or DOWNGRADE (reading older).
    pub mode: RuleMode,
    /// The version migrated from.
    pub source: Arc<RegisteredSchema>,
    /// The version migrated to.
    pub target: Arc<RegisteredSchema>,
}

/// The migrations from version `writer` to version `reader` of `subject`, in the order
/// they run: none when the versions are equal; else, for every version after the lower
/// one up to the higher one that has migration rules for the direction (UPGRADE or
/// DOWNGRADE, UPDOWN counting for both), a step between it and the version before it;
/// reversed for DOWNGRADE. Versions in between are fetched from the registry.
pub async fn migrations(
    client: &SchemaRegistryClient,
    subject: &str,
    writer: &RegisteredSchema,
    reader: &RegisteredSchema,
) -> Result<Vec<Migration>, ClientError> {
    let (mode, first, last) = match writer.version.cmp(&reader.version) {
        std::cmp::Ordering::Less => (RuleMode::Upgrade, writer, reader),
        std::cmp::Ordering::Greater => (RuleMode::Downgrade, reader, writer),
        std::cmp::Ordering::Equal => return Ok(Vec::new()),
    };
    let mut versions = vec![Arc::new(first.clone())];
    for number in first.version + 1..last.version {
        versions.push(Arc::new(
            client.get_version(subject, Version::Number(number)).await?,
        ));
    }
    versions.push(Arc::new(last.clone()));
    let mut steps: Vec<Migration> = versions
        .windows(2)
        .filter(|pair| has_rules(&pair[1].schema, mode))
        .map(|pair| {
            let (previous, version) = (Arc::clone(&pair[0]), Arc::clone(&pair[1]));
            match mode {
                RuleMode::Upgrade => Migration {
                    mode,
                    source: previous,
                    target: version,
                },
                _ => Migration {
                    mode,
                    source: version,
                    target: previous,
                },
            }
        })
        .collect();
    if mode == RuleMode::Downgrade {
        steps.reverse();
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Schema;
    use crate::schema::contract::{Rule, RuleKind, RuleSet};

    fn record(fields: &[&str]) -> String {
        let fields: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if i == 0 {
                    format!(r#"{{"name":"{f}","type":"int"}}"#)
                } else {
                    format!(r#"{{"name":"{f}","type":"int","default":0}}"#)
                }
            })
            .collect();
        format!(
            r#"{{"type":"record","name":"R","fields":[{}]}}"#,
            fields.join(",")
        )
    }

    fn rules(mode: RuleMode) -> RuleSet {
        RuleSet {
            migration_rules: vec![
                Rule::new("m", RuleKind::Transform, mode, "JSONATA").with_expr("$")
            ],
            ..RuleSet::default()
        }
    }

    fn steps(plan: &[Migration]) -> Vec<(RuleMode, i32, i32)> {
        plan.iter()
            .map(|m| (m.mode, m.source.version, m.target.version))
            .collect()
    }

    /// v1; v2 with an UPDOWN rule; v3 with a DOWNGRADE rule; v4 with an UPGRADE rule.
    #[tokio::test]
    async fn steps_between_versions_follow_get_migrations() {
        let client = SchemaRegistryClient::new("mock://jsonata-plan");
        let subject = "plan-value";
        let versions = [
            Schema::avro(record(&["a"])),
            Schema::avro(record(&["a", "b"])).with_rule_set(rules(RuleMode::Updown)),
            // A version registered without a rule set inherits its predecessor's
            // (Confluent's registry, as this one), so v3 names its own.
            Schema::avro(record(&["a", "b", "c"])).with_rule_set(rules(RuleMode::Downgrade)),
            Schema::avro(record(&["a", "b", "c", "d"])).with_rule_set(rules(RuleMode::Upgrade)),
        ];
        for schema in &versions {
            client.register(subject, schema).await.unwrap();
        }
        let v = |n| client.get_version(subject, Version::Number(n));
        let (v1, v2, v4) = (
            v(1).await.unwrap(),
            v(2).await.unwrap(),
            v(4).await.unwrap(),
        );
        // Reading newer: each version with UPGRADE (or UPDOWN) rules, from its predecessor.
        let up = migrations(&client, subject, &v1, &v4).await.unwrap();
        assert_eq!(
            steps(&up),
            vec![(RuleMode::Upgrade, 1, 2), (RuleMode::Upgrade, 3, 4)]
        );
        // Reading older: v4 has no DOWNGRADE rule; v3's runs first (from v3 to v2), then
        // v2's UPDOWN (from v2 to v1).
        let down = migrations(&client, subject, &v4, &v1).await.unwrap();
        assert_eq!(
            steps(&down),
            vec![(RuleMode::Downgrade, 3, 2), (RuleMode::Downgrade, 2, 1)]
        );
        let down = migrations(&client, subject, &v2, &v1).await.unwrap();
        assert_eq!(steps(&down), vec![(RuleMode::Downgrade, 2, 1)]);
        assert!(migrations(&client, subject, &v2, &v2)
            .await
            .unwrap()
            .is_empty());
    }
}
