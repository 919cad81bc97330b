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
