//! The data contract a type declares on itself (`#[stream_schema(rule(..))]`,
//! `encrypt(..)`, `metadata(..)`): the metadata and rule set `send_typed` registers with the
//! type's schema (see [`StreamSchema::contract`](super::StreamSchema::contract)).

use super::contract::{Metadata, Rule, RuleKind, RuleMode, RuleSet};

/// The metadata and rules a type declares, as the registry stores them.
///
/// ```
/// use streamhouse_schema::schema::contract::{RuleKind, RuleMode};
/// use streamhouse_schema::StreamSchema;
///
/// #[derive(StreamSchema)]
/// #[stream_schema(rule(name = "positive_amount", expr = "message.amount > 0.0"))]
/// #[stream_schema(metadata(owner = "billing", major_version = 2))]
/// struct Order {
///     id: String,
///     amount: f64,
/// }
///
/// let contract = Order::contract().unwrap();
/// let metadata = contract.metadata.as_ref().unwrap();
/// assert_eq!(metadata.properties["application.major.version"], "2");
/// assert_eq!(metadata.properties["owner"], "billing");
/// let rule = &contract.rule_set.as_ref().unwrap().domain_rules[0];
/// assert_eq!((rule.kind, rule.mode), (RuleKind::Condition, RuleMode::Write));
/// assert_eq!(rule.expr.as_deref(), Some("message.amount > 0.0"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeContract {
    /// The declared metadata (`None` when the type declares none).
    pub metadata: Option<Metadata>,
    /// The declared rules (`None` when the type declares none).
    pub rule_set: Option<RuleSet>,
}

impl TypeContract {
    /// A contract from declared properties and rules; migration rules (UPGRADE, DOWNGRADE,
    /// UPDOWN) go to `migrationRules`, the others to `domainRules`, in declaration order.
    pub fn new(properties: &[(&str, &str)], rules: Vec<Rule>) -> Self {
        let metadata = (!properties.is_empty()).then(|| {
            properties
                .iter()
                .fold(Metadata::default(), |m, (k, v)| m.with_property(*k, *v))
        });
        let rule_set = (!rules.is_empty()).then(|| {
            let (migration_rules, domain_rules) =
                rules.into_iter().partition(|r| r.mode.is_migration());
            RuleSet {
                migration_rules,
                domain_rules,
                ..RuleSet::default()
            }
        });
        TypeContract { metadata, rule_set }
    }
}

/// One declared rule, as the derive writes it (the attribute's values, already checked).
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn declared_rule(
    name: &str,
    kind: RuleKind,
    mode: RuleMode,
    rule_type: &str,
    expr: Option<&str>,
    tags: &[&str],
    params: &[(&str, &str)],
    on_success: Option<&str>,
    on_failure: Option<&str>,
    doc: Option<&str>,
    disabled: bool,
) -> Rule {
    Rule {
        name: name.to_string(),
        doc: doc.map(str::to_string),
        kind,
        mode,
        rule_type: rule_type.to_string(),
        tags: tags.iter().map(|t| (*t).to_string()).collect(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        expr: expr.map(str::to_string),
        on_success: on_success.map(str::to_string),
        on_failure: on_failure.map(str::to_string),
        disabled,
    }
}
