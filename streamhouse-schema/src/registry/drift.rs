//! Checks types against the latest registered version of their subjects on a live registry,
//! like the `test-compatibility` goal of Confluent's Maven plugin: call it from a test or a
//! CI step before deploying, next to the compile-time pins (which check against committed
//! files, not against what the registry holds).
//!
//! ```no_run
//! # async fn demo(client: &streamhouse_schema::registry::SchemaRegistryClient) {
//! use streamhouse_schema::registry::{check_against_latest, TypeCheck};
//! # #[derive(streamhouse_schema::StreamSchema)]
//! # struct Order { id: i64 }
//! let report = check_against_latest(client, &[TypeCheck::avro::<Order>("orders-value")])
//!     .await
//!     .unwrap();
//! assert!(report.is_compatible(), "{report}");
//! # }
//! ```

use std::fmt;

use super::{Schema, SchemaRegistryClient, Version};
use crate::error::ClientError;
use crate::schema::StreamSchema;

/// One type to check: its schema and the subject it is registered under.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeCheck {
    /// The type's name, for the report.
    pub type_name: String,
    /// The subject whose latest version the schema must be compatible with.
    pub subject: String,
    /// The type's schema as it would be registered.
    pub schema: Schema,
}

impl TypeCheck {
    /// `T`'s Avro schema (with docs, defaults and aliases: what a producer registers)
    /// against `subject`.
    pub fn avro<T: StreamSchema>(subject: impl Into<String>) -> Self {
        TypeCheck {
            type_name: std::any::type_name::<T>().to_string(),
            subject: subject.into(),
            schema: Schema::avro(T::avro_schema_json()),
        }
    }
}

/// What the registry said about one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Compatible with the latest version under the subject's compatibility level.
    Compatible,
    /// Not compatible; the registry's reasons (may be empty if it gives none).
    Incompatible(Vec<String>),
    /// The subject has no versions yet: nothing to break.
    NotRegistered,
}

/// The verdict for one [`TypeCheck`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeVerdict {
    /// The checked type's name.
    pub type_name: String,
    /// Its subject.
    pub subject: String,
    /// What the registry said.
    pub verdict: Verdict,
}

/// The verdicts of [`check_against_latest`], in the order of the checks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriftReport {
    /// One verdict per checked type.
    pub types: Vec<TypeVerdict>,
}

impl DriftReport {
    /// True when no type is incompatible (unregistered subjects count as compatible).
    pub fn is_compatible(&self) -> bool {
        !self
            .types
            .iter()
            .any(|t| matches!(t.verdict, Verdict::Incompatible(_)))
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.types {
            match &t.verdict {
                Verdict::Compatible => writeln!(f, "ok: {} ({})", t.type_name, t.subject)?,
                Verdict::NotRegistered => writeln!(
                    f,
                    "not registered: {} ({} has no versions)",
                    t.type_name, t.subject
                )?,
                Verdict::Incompatible(messages) => {
                    writeln!(f, "INCOMPATIBLE: {} ({})", t.type_name, t.subject)?;
                    for m in messages {
                        writeln!(f, "  - {m}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Checks every type against the latest registered version of its subject, under the
/// subject's compatibility level as the registry applies it.
///
/// # Errors
/// The first registry error other than "subject not found" (unreachable registry, auth,
/// an invalid schema...).
pub async fn check_against_latest(
    client: &SchemaRegistryClient,
    checks: &[TypeCheck],
) -> Result<DriftReport, ClientError> {
    let mut report = DriftReport::default();
    for check in checks {
        let verdict = match client
            .check_compatibility(&check.subject, &check.schema, Version::Latest)
            .await
        {
            Ok(answer) if answer.is_compatible => Verdict::Compatible,
            Ok(answer) => Verdict::Incompatible(answer.messages),
            Err(e) if e.registry_error().is_some_and(|r| r.is_not_found()) => {
                Verdict::NotRegistered
            }
            Err(e) => return Err(e),
        };
        report.types.push(TypeVerdict {
            type_name: check.type_name.clone(),
            subject: check.subject.clone(),
            verdict,
        });
    }
    Ok(report)
}
