//! A `CEL_FIELD` rule's expression evaluated on one field alone, without the record it is in:
//! what `avro_splice` plans a WRITE run with.
//!
//! - [`FieldProgram::constant`]: the result when it depends only on what the schema says of
//!   the field (`name`, `fullName`, `typeName`, `tags`), not on its `value`: a mask such as
//!   `'XXX'` or `name == 'ssn' ; 'XXX'`, the same for every message of the schema. The
//!   expression is evaluated with only those four variables bound: one that reads `value`
//!   fails to evaluate (an undeclared reference) and is not constant. CEL's `&&`, `||` and
//!   `?:` absorb an error only when the other operand decides the result, so an expression
//!   that evaluates without `value` gives the same result with any value bound.
//! - [`FieldProgram::on_value`]: the result on a field's value, for an expression that does
//!   not read `message` ([`FieldProgram::reads_message`]), such as
//!   `typeName == 'STRING' ; 'XXX-XX-' + value.substring(7)`.

use std::collections::BTreeSet;

use cel::common::types::CelString;
use cel::common::value::CowVal;
use cel::context::VariableResolver;

use super::value::{cel_to_field, field_to_val};
use super::{compile, member_reads, tags_value, Cel, Compiled};
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
/// be evaluated on one field at a time.
#[derive(Debug)]
pub(crate) struct FieldProgram {
    cel: Cel,
    compiled: Compiled,
    reads_message: bool,
}

impl FieldProgram {
    /// `expr` compiled (`None` when it does not compile: the interpreter reports that).
    pub(crate) fn compile(expr: &str) -> Option<Self> {
        let cel = Cel::new();
        let compiled = compile(&cel.env, expr).ok()?;
        // A scan of the text: `message` inside a string literal counts too, which only
        // leaves the rule to the interpreter.
        let reads_message = member_reads(expr, "message").is_none_or(|read| !read.is_empty());
        Some(FieldProgram {
            cel,
            compiled,
            reads_message,
        })
    }

    /// Whether the expression may read `message` (the record the field is in): then it
    /// cannot run on a field alone.
    pub(crate) fn reads_message(&self) -> bool {
        self.reads_message
    }

    /// The rule's TRANSFORM result on `field` whatever its value: `Some(None)` when its guard
    /// does not hold (the value stays), `Some(Some(new))` the value it is replaced with,
    /// `None` when the result depends on the value or the record, or is an error (the
    /// interpreter runs the rule on each message then, and reports the error).
    pub(crate) fn constant(&self, field: StaticField<'_>) -> Option<Option<FieldValue>> {
        self.run(&FieldVars { field, value: None })
    }

    /// The rule's TRANSFORM result on `field` holding `value`, as [`constant`](Self::constant)
    /// answers (`None`: an error, which the interpreter's run of the rule reports). Only for
    /// a rule that does not [`read the record`](Self::reads_message).
    pub(crate) fn on_value(
        &self,
        field: StaticField<'_>,
        value: &FieldValue,
    ) -> Option<Option<FieldValue>> {
        self.run(&FieldVars {
            field,
            value: Some(value),
        })
    }

    fn run(&self, vars: &FieldVars<'_>) -> Option<Option<FieldValue>> {
        match self.cel.evaluate(&self.compiled, vars).ok()? {
            None => Some(None),
            Some(result) => cel_to_field(&result).ok().map(Some),
        }
    }
}

/// The variables of a [`FieldProgram`] evaluation: the field's static ones, its value when
/// given, never `message`.
struct FieldVars<'a> {
    field: StaticField<'a>,
    value: Option<&'a FieldValue>,
}

impl VariableResolver for FieldVars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let field = &self.field;
        Some(CowVal::Owned(match variable {
            "value" => field_to_val(self.value?).ok()?,
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
        let rule = |expr: &str| FieldProgram::compile(expr).and_then(|r| r.constant(f));
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
    fn on_a_value_the_result_reads_it_and_the_record_is_never_bound() {
        let tags = BTreeSet::new();
        let f = field("ssn", &tags);
        let ssn = FieldValue::String("123-45-6789".into());
        let on = |expr: &str| FieldProgram::compile(expr).and_then(|r| r.on_value(f, &ssn));
        assert_eq!(
            on("typeName == 'STRING' ; 'XXX-XX-' + value.substring(7)"),
            Some(Some(FieldValue::String("XXX-XX-6789".into())))
        );
        assert_eq!(on("value == 'x' ; 'XXX'"), Some(None));
        assert_eq!(on("value.substring(40)"), None);
        assert_eq!(on("message.id"), None);
        let reads = |expr: &str| FieldProgram::compile(expr).unwrap().reads_message();
        assert!(reads("message.id + value"));
        assert!(reads("size(message) > 0 ; 'x'"));
        assert!(reads("'message'"));
        assert!(!reads("value + 'messages'"));
        assert!(!reads("'XXX'"));
    }

    #[test]
    fn results_that_read_the_value_or_the_record_are_not() {
        let tags = BTreeSet::new();
        let f = field("ssn", &tags);
        let rule = |expr: &str| FieldProgram::compile(expr).and_then(|r| r.constant(f));
        assert_eq!(rule("value + 'x'"), None);
        assert_eq!(rule("value.substring(0, 1)"), None);
        assert_eq!(rule("message.id"), None);
        assert_eq!(rule("value == 'a' ; 'XXX'"), None);
        assert_eq!(rule("1 / 0"), None);
        assert!(FieldProgram::compile("'unterminated").is_none());
    }
}
