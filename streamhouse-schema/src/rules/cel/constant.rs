//! `CEL_FIELD` expressions whose result on a field depends only on what the schema says of
//! the field (`name`, `fullName`, `typeName`, `tags`), not on its `value` or the record it
//! is in (`message`): a masking rule such as `'XXX'` or `name == 'ssn' ; 'XXX'`. Such a
//! result is the same for every message of the schema, so a WRITE run can be planned once
//! per schema (`avro_splice`) instead of evaluated per field of every message.
//!
//! An expression is evaluated with only those four variables bound: one that reads `value`
//! or `message` fails to evaluate (an undeclared reference) and is not constant. CEL's
//! `&&`, `||` and `?:` absorb an error only when the other operand decides the result, so
//! an expression that evaluates without them gives the same result with any value bound.

use std::collections::BTreeSet;

use cel::common::types::CelString;
use cel::common::value::CowVal;
use cel::context::VariableResolver;

use super::value::cel_to_field;
use super::{compile, tags_value, Cel, Compiled};
use crate::rules::field::{FieldType, FieldValue};

/// What the schema says of one field: the variables a constant expression may read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StaticField<'a> {
    /// `name`.
    pub(crate) name: &'a str,
    /// `fullName`.
    pub(crate) full_name: &'a str,
    /// `typeName`'s type.
    pub(crate) field_type: FieldType,
    /// `tags`.
    pub(crate) tags: &'a BTreeSet<String>,
}

/// One `CEL_FIELD` rule's expression, compiled on the built-in executor's environment, to
/// be evaluated on fields without their values.
#[derive(Debug)]
pub(crate) struct ConstantFieldRule {
    cel: Cel,
    compiled: Compiled,
}

impl ConstantFieldRule {
    /// `expr` compiled (`None` when it does not compile: the interpreter reports that).
    pub(crate) fn compile(expr: &str) -> Option<Self> {
        let cel = Cel::new();
        let compiled = compile(&cel.env, expr).ok()?;
        Some(ConstantFieldRule { cel, compiled })
    }

    /// The rule's TRANSFORM result on `field` whatever its value: `Some(None)` when its guard
    /// does not hold (the value stays), `Some(Some(new))` the value it is replaced with,
    /// `None` when the result depends on the value or the record, or is an error (the
    /// interpreter runs the rule on each message then, and reports the error).
    pub(crate) fn result(&self, field: StaticField<'_>) -> Option<Option<FieldValue>> {
        let vars = StaticVars(field);
        match self.cel.evaluate(&self.compiled, &vars).ok()? {
            None => Some(None),
            Some(result) => cel_to_field(&result).ok().map(Some),
        }
    }
}

/// The variables of a [`ConstantFieldRule`] evaluation: no `value`, no `message`.
struct StaticVars<'a>(StaticField<'a>);

impl VariableResolver for StaticVars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let field = &self.0;
        Some(CowVal::Owned(match variable {
            "fullName" => Box::new(CelString::from(field.full_name)),
            "name" => Box::new(CelString::from(field.name)),
            "typeName" => Box::new(CelString::from(field.field_type.name())),
            "tags" => Box::new(tags_value(field.tags)),
            _ => return None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(name: &'a str, tags: &'a BTreeSet<String>) -> StaticField<'a> {
        StaticField {
            name,
            full_name: "shop.Order.x",
            field_type: FieldType::String,
            tags,
        }
    }

    #[test]
    fn results_that_do_not_read_the_value_are_constant() {
        let tags = BTreeSet::from(["PII".to_string()]);
        let f = field("ssn", &tags);
        let rule = |expr: &str| ConstantFieldRule::compile(expr).and_then(|r| r.result(f));
        assert_eq!(rule("'XXX'"), Some(Some(FieldValue::String("XXX".into()))));
        assert_eq!(
            rule("name == 'ssn' ; 'XXX'"),
            Some(Some(FieldValue::String("XXX".into())))
        );
        assert_eq!(rule("name == 'other' ; 'XXX'"), Some(None));
        assert_eq!(
            rule("'PII' in tags && typeName == 'STRING' ; name + '!'"),
            Some(Some(FieldValue::String("ssn!".into())))
        );
        // `value || true` is true whatever the value: CEL's `||` absorbs the error.
        assert_eq!(
            rule("value == 'a' || true"),
            Some(Some(FieldValue::Bool(true)))
        );
    }

    #[test]
    fn results_that_read_the_value_or_the_record_are_not() {
        let tags = BTreeSet::new();
        let f = field("ssn", &tags);
        let rule = |expr: &str| ConstantFieldRule::compile(expr).and_then(|r| r.result(f));
        assert_eq!(rule("value + 'x'"), None);
        assert_eq!(rule("value.substring(0, 1)"), None);
        assert_eq!(rule("message.id"), None);
        assert_eq!(rule("value == 'a' ; 'XXX'"), None);
        assert_eq!(rule("1 / 0"), None);
        assert!(ConstantFieldRule::compile("'unterminated").is_none());
    }
}
