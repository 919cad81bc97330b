//! Building a [`SplicePlan`]'s ops from the schema and the rules.

use std::collections::{BTreeSet, HashMap};

use apache_avro::schema::{InnerDecimalSchema, Name};
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema as AvroSchema;

use super::{Op, Rewrite, Step, MAX_DEPTH};
use crate::rules::cel::{FieldProgram, StaticField};
use crate::rules::field::FieldType;
use crate::rules::message::AvroFieldInfo;
use crate::rules::walk::{avro_from_field, avro_leaf_type};
use crate::schema::contract::Rule;

/// The field a value belongs to (kept down through arrays and maps, as the walk keeps
/// Confluent's `current_field`).
#[derive(Clone, Copy)]
struct Current<'a> {
    name: &'a str,
    info: &'a AvroFieldInfo,
}

/// The rules of a plan, in the order they run.
pub(super) struct Planner<'a> {
    pub(super) rules: &'a [(&'a Rule, FieldProgram)],
    pub(super) names: &'a HashMap<String, AvroSchema>,
    pub(super) fields: &'a rustc_hash::FxHashMap<Name, Vec<AvroFieldInfo>>,
    /// The records being planned (a record inside itself is recursive: no plan).
    pub(super) open: Vec<&'a Name>,
}

impl<'a> Planner<'a> {
    fn resolve(&self, schema: &'a AvroSchema) -> &'a AvroSchema {
        match schema {
            AvroSchema::Ref { name } => self.names.get(&name.fullname(None)).unwrap_or(schema),
            other => other,
        }
    }

    /// The ops of a value of `schema` at the root of the payload.
    pub(super) fn root(&mut self, schema: &'a AvroSchema) -> Option<Op> {
        self.op(schema, None, false, 0)
    }

    fn op(
        &mut self,
        schema: &'a AvroSchema,
        field: Option<Current<'a>>,
        in_union: bool,
        depth: usize,
    ) -> Option<Op> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = self.resolve(schema);
        if let Some(leaf) = avro_leaf_type(schema) {
            return self.leaf(schema, leaf, field, in_union);
        }
        Some(match schema {
            AvroSchema::Record(record) => {
                if self.open.contains(&&record.name) {
                    return None;
                }
                let infos = self.fields.get(&record.name)?;
                self.open.push(&record.name);
                let mut ops = Vec::with_capacity(record.fields.len());
                for (field_schema, info) in record.fields.iter().zip(infos) {
                    let current = Current {
                        name: &field_schema.name,
                        info,
                    };
                    ops.push(self.op(&field_schema.schema, Some(current), false, depth + 1)?);
                }
                self.open.pop();
                if ops.len() != record.fields.len() {
                    return None;
                }
                Op::Record(ops.into())
            }
            AvroSchema::Array(array) => Op::Array(Box::new(self.op(
                &array.items,
                field,
                in_union,
                depth + 1,
            )?)),
            AvroSchema::Map(map) => {
                Op::Map(Box::new(self.op(&map.types, field, in_union, depth + 1)?))
            }
            AvroSchema::Union(union) => {
                let mut ops = Vec::with_capacity(union.variants().len());
                for branch in union.variants() {
                    ops.push(self.op(branch, field, true, depth + 1)?);
                }
                Op::Union(ops.into())
            }
            AvroSchema::Enum(schema) => Op::Enum {
                symbols: schema.symbols.len(),
            },
            AvroSchema::Fixed(fixed) | AvroSchema::Duration(fixed) => Op::Fixed(fixed.size),
            AvroSchema::Decimal(decimal) => match &decimal.inner {
                InnerDecimalSchema::Fixed(fixed) => Op::Fixed(fixed.size),
                InnerDecimalSchema::Bytes => Op::Bytes,
            },
            AvroSchema::BigDecimal => Op::Bytes,
            // A uuid's text is checked as a uuid when it is read: left to the interpreter.
            _ => return None,
        })
    }

    /// A primitive value of `field`: the rules that select it, in turn; a constant
    /// replacement when none of them reads the value.
    fn leaf(
        &self,
        schema: &AvroSchema,
        leaf: FieldType,
        field: Option<Current<'a>>,
        in_union: bool,
    ) -> Option<Op> {
        let read = leaf_op(schema, leaf)?;
        let Some(field) = field else {
            return Some(read);
        };
        let mut steps = Vec::new();
        if leaf.is_primitive() {
            let static_field = StaticField {
                name: field.name,
                full_name: &field.info.full_name,
                field_type: leaf,
                tags: &field.info.tags,
            };
            for (index, (rule, program)) in self.rules.iter().enumerate() {
                if !selects(&rule.tags, &field.info.tags) {
                    continue;
                }
                match program.constant(static_field) {
                    Some(Some(value)) => steps.push(Step::Set(value)),
                    // A guard that holds for no value.
                    Some(None) => {}
                    None if program.reads_message() => return None,
                    None => steps.push(Step::Run(index)),
                }
            }
        }
        if steps.is_empty() {
            return Some(read);
        }
        // A union's branch would be chosen again for the new value: left to the interpreter.
        if in_union {
            return None;
        }
        if let [.., Step::Set(last)] = &steps[..] {
            if steps.iter().all(|step| matches!(step, Step::Set(_))) {
                let value = avro_from_field(schema, last.clone()).ok()?;
                let writer = GenericDatumWriter::builder(schema).build().ok()?;
                let with = writer.write_value_to_vec(value).ok()?;
                return Some(Op::Replace {
                    read: Box::new(read),
                    with: with.into(),
                });
            }
        }
        Some(Op::Rewrite(Box::new(Rewrite {
            schema: schema.clone(),
            leaf,
            name: field.name.to_string(),
            full_name: field.info.full_name.clone(),
            tags: field.info.tags.clone(),
            steps,
        })))
    }
}

/// How a primitive value of type `leaf` (`avro_leaf_type` of `schema`) is read; `None` for a
/// uuid, whose text apache-avro checks as a uuid when it reads it.
fn leaf_op(schema: &AvroSchema, leaf: FieldType) -> Option<Op> {
    if matches!(schema, AvroSchema::Uuid(_)) {
        return None;
    }
    Some(match leaf {
        FieldType::Null => Op::Null,
        FieldType::Boolean => Op::Bool,
        FieldType::Int => Op::Int,
        FieldType::Long => Op::Long,
        FieldType::Float => Op::Fixed(4),
        FieldType::Double => Op::Fixed(8),
        FieldType::Bytes => Op::Bytes,
        FieldType::String => Op::Str,
        _ => return None,
    })
}

/// Whether a rule with `rule_tags` selects a field with `tags` (every field when it has
/// none), as the walk decides.
fn selects(rule_tags: &BTreeSet<String>, tags: &BTreeSet<String>) -> bool {
    rule_tags.is_empty() || rule_tags.iter().any(|tag| tags.contains(tag))
}
