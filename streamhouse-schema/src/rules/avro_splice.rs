//! A producer's WRITE run of constant `CEL_FIELD` transforms on Avro, planned once per
//! schema and applied to the frame's bytes: the masking rule (`'XXX'` on every field tagged
//! `PII`) without decoding the message, walking it with the interpreter and encoding it again.
//!
//! The plan is the schema with each field the rules replace marked with the bytes of its
//! new value (`ConstantFieldRule`: a result that depends only on the field's name, type and
//! tags). Applying it walks the payload once, copying what it passes and writing the new
//! values where the marked fields are. What the walk does not accept (truncated input, an
//! index out of range, invalid UTF-8, trailing bytes, a block with a byte size around a
//! replaced value) is left to the interpreter's path, which reports it as it always has.
//!
//! A schema gets no plan (the interpreter runs) when any WRITE rule it runs is something
//! else, when a rule's result depends on the value, when a replaced field sits in a union,
//! when its types are recursive or nested past [`MAX_DEPTH`], or when it has a `uuid`.

use std::collections::{BTreeSet, HashMap};

use apache_avro::schema::{InnerDecimalSchema, Name};
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema as AvroSchema;

use super::cel::{ConstantFieldRule, StaticField};
use super::field::{FieldType, FieldValue};
use super::message::{AvroFieldInfo, ParsedSchema, RuleSchema};
use super::walk::{avro_from_field, avro_leaf_type};
use crate::schema::contract::Rule;

/// How deep a planned schema may nest (the interpreter's walk refuses deeper messages).
const MAX_DEPTH: usize = 64;

/// The WRITE run of a schema's constant `CEL_FIELD` transforms, as the byte edits it makes.
#[derive(Debug)]
pub(crate) struct SplicePlan {
    root: Op,
}

/// How one value of the schema is read, and what replaces it.
#[derive(Debug)]
enum Op {
    /// Nothing (null).
    Null,
    /// One byte, 0 or 1.
    Bool,
    /// A zig-zag varint within `i32`.
    Int,
    /// A zig-zag varint.
    Long,
    /// `n` bytes (float, double, fixed, duration).
    Fixed(usize),
    /// A length and that many bytes.
    Bytes,
    /// A length and that many bytes of UTF-8.
    Str,
    /// An index below `symbols`.
    Enum { symbols: usize },
    /// The fields in order.
    Record(Box<[Op]>),
    /// Blocks of items.
    Array(Box<Op>),
    /// Blocks of string keys and values.
    Map(Box<Op>),
    /// A branch index and the branch.
    Union(Box<[Op]>),
    /// A value read as `read`, replaced by `with` (its new value's encoding).
    Replace { read: Box<Op>, with: Box<[u8]> },
}

impl Op {
    /// Whether anything in it is replaced.
    fn replaces(&self) -> bool {
        match self {
            Op::Replace { .. } => true,
            Op::Record(ops) | Op::Union(ops) => ops.iter().any(Op::replaces),
            Op::Array(op) | Op::Map(op) => op.replaces(),
            _ => false,
        }
    }
}

/// The field a value belongs to (kept down through arrays and maps, as the walk keeps
/// Confluent's `current_field`).
#[derive(Clone, Copy)]
struct Current<'a> {
    name: &'a str,
    info: &'a AvroFieldInfo,
}

/// The rules of a plan, in the order they run.
struct Planner<'a> {
    rules: &'a [(&'a Rule, ConstantFieldRule)],
    names: &'a HashMap<String, AvroSchema>,
    fields: &'a rustc_hash::FxHashMap<Name, Vec<AvroFieldInfo>>,
    /// The records being planned (a record inside itself is recursive: no plan).
    open: Vec<&'a Name>,
}

impl SplicePlan {
    /// The plan of `rules` (the schema's WRITE rules this client runs, each a `CEL_FIELD`
    /// TRANSFORM on the built-in executor with its expression compiled) on `target`;
    /// `None` when the interpreter must run them (see the module's notes), or when they
    /// replace nothing.
    pub(crate) fn new(
        target: &RuleSchema,
        rules: &[(&Rule, ConstantFieldRule)],
    ) -> Option<SplicePlan> {
        let ParsedSchema::Avro { schema, names } = &target.parsed else {
            return None;
        };
        let mut planner = Planner {
            rules,
            names,
            fields: &target.avro_fields,
            open: Vec::new(),
        };
        let root = planner.op(schema, None, false, 0)?;
        root.replaces().then_some(SplicePlan { root })
    }

    /// `frame` (a header of `header` bytes, then the Avro payload) with the planned fields
    /// replaced; `None` when the payload is not one the walk accepts whole.
    pub(crate) fn apply(&self, frame: &[u8], header: usize) -> Option<Vec<u8>> {
        let mut splice = Splice {
            input: frame,
            pos: header,
            copied: 0,
            out: Vec::with_capacity(frame.len() + 16),
        };
        splice.walk(&self.root)?;
        if splice.pos != frame.len() {
            return None;
        }
        splice.out.extend_from_slice(frame.get(splice.copied..)?);
        Some(splice.out)
    }
}

impl<'a> Planner<'a> {
    fn resolve(&self, schema: &'a AvroSchema) -> &'a AvroSchema {
        match schema {
            AvroSchema::Ref { name } => self.names.get(&name.fullname(None)).unwrap_or(schema),
            other => other,
        }
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

    /// A primitive value of `field`: replaced by the last rule that selects the field and
    /// gives it a value, as the rules would run in turn.
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
        let mut new: Option<FieldValue> = None;
        if leaf.is_primitive() {
            for (rule, constant) in self.rules {
                if !selects(&rule.tags, &field.info.tags) {
                    continue;
                }
                let static_field = StaticField {
                    name: field.name,
                    full_name: &field.info.full_name,
                    field_type: leaf,
                    tags: &field.info.tags,
                };
                if let Some(value) = constant.result(static_field)? {
                    new = Some(value);
                }
            }
        }
        let Some(new) = new else {
            return Some(read);
        };
        // A union's branch would be chosen again for the new value: left to the interpreter.
        if in_union {
            return None;
        }
        let value = avro_from_field(schema, new).ok()?;
        let writer = GenericDatumWriter::builder(schema).build().ok()?;
        let with = writer.write_value_to_vec(value).ok()?;
        Some(Op::Replace {
            read: Box::new(read),
            with: with.into(),
        })
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

/// A walk over a frame, building the new one as it goes.
struct Splice<'i> {
    input: &'i [u8],
    /// Where the walk is.
    pos: usize,
    /// How much of the input is in `out` already.
    copied: usize,
    out: Vec<u8>,
}

impl Splice<'_> {
    fn walk(&mut self, op: &Op) -> Option<()> {
        match op {
            Op::Null => {}
            Op::Bool => {
                let byte = *self.input.get(self.pos)?;
                if byte > 1 {
                    return None;
                }
                self.pos += 1;
            }
            Op::Int => {
                i32::try_from(self.long()?).ok()?;
            }
            Op::Long => {
                self.long()?;
            }
            Op::Fixed(n) => self.skip(*n)?,
            Op::Bytes => {
                let len = self.len()?;
                self.skip(len)?;
            }
            Op::Str => {
                let len = self.len()?;
                let text = self.input.get(self.pos..self.pos.checked_add(len)?)?;
                // Most strings are ASCII, checked word by word; `from_utf8` costs more on
                // short ones.
                if !text.is_ascii() {
                    std::str::from_utf8(text).ok()?;
                }
                self.pos += len;
            }
            Op::Enum { symbols } => {
                let index = usize::try_from(self.long()?).ok()?;
                if index >= *symbols {
                    return None;
                }
            }
            Op::Record(fields) => {
                for field in fields.iter() {
                    self.walk(field)?;
                }
            }
            Op::Array(item) => self.blocks(item, false)?,
            Op::Map(value) => self.blocks(value, true)?,
            Op::Union(branches) => {
                let index = usize::try_from(self.long()?).ok()?;
                self.walk(branches.get(index)?)?;
            }
            Op::Replace { read, with } => {
                let start = self.pos;
                self.walk(read)?;
                self.out
                    .extend_from_slice(self.input.get(self.copied..start)?);
                self.out.extend_from_slice(with);
                self.copied = self.pos;
            }
        }
        Some(())
    }

    /// An array's or map's blocks, each a count (negative: followed by the block's size in
    /// bytes) and that many items, up to a zero count.
    fn blocks(&mut self, item: &Op, keyed: bool) -> Option<()> {
        loop {
            let count = self.long()?;
            if count == 0 {
                return Some(());
            }
            let sized = count < 0;
            let count = usize::try_from(count.checked_abs()?).ok()?;
            let size = if sized {
                // A replaced value changes the block's size: left to the interpreter.
                if item.replaces() {
                    return None;
                }
                Some(self.len()?)
            } else {
                None
            };
            // A count past the bytes left is not walked (only nulls and empty records take
            // no byte each; such a count is the interpreter's to judge).
            if count > self.input.len() - self.pos {
                return None;
            }
            let start = self.pos;
            for _ in 0..count {
                if keyed {
                    self.walk(&Op::Str)?;
                }
                self.walk(item)?;
            }
            if size.is_some_and(|size| self.pos - start != size) {
                return None;
            }
        }
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        let end = self.pos.checked_add(n)?;
        if end > self.input.len() {
            return None;
        }
        self.pos = end;
        Some(())
    }

    /// A length (a non-negative long).
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.long()?).ok()
    }

    /// A zig-zag varint of at most ten bytes.
    fn long(&mut self) -> Option<i64> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let byte = *self.input.get(self.pos)?;
            self.pos += 1;
            // The tenth byte holds the last bit: more would not fit in 64.
            if shift == 63 && byte > 1 {
                return None;
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some((value >> 1) as i64 ^ -((value & 1) as i64));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
