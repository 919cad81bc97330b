//! A producer's WRITE run of `CEL_FIELD` transforms on Avro, planned once per schema and
//! applied to the frame's bytes: a mask (`'XXX'`, or `'XXX-XX-' + value.substring(7)` on
//! every field tagged `PII`) without decoding the message, walking it with the interpreter
//! and encoding it again.
//!
//! The plan is the schema with each field the rules select marked: with the bytes of its new
//! value when every rule's result on it is constant (it depends only on the field's name,
//! type and tags, `FieldProgram::constant`), else with the rules to run on its value alone
//! (`FieldProgram::on_value`; none of them reads `message`). Applying it walks the payload
//! once, copying what it passes and writing the new values where the marked fields are.
//! Rules run field by field here and rule by rule in the interpreter; the results are the
//! same because no rule reads anything but its own field. What the walk does not accept
//! (truncated input, an index out of range, invalid UTF-8, trailing bytes, a block with a
//! byte size around a replaced value) or a rule that fails on a value is left to the
//! interpreter's path, which reports it as it always has.
//!
//! A schema gets no plan (the interpreter runs) when any WRITE rule it runs is something
//! else, when a rule reads `message`, when a replaced field sits in a union, when its types
//! are recursive or nested past [`MAX_DEPTH`], or when it has a `uuid`.

mod plan;
mod splice;

use std::collections::BTreeSet;

use apache_avro::Schema as AvroSchema;

use self::plan::Planner;
use self::splice::Splice;
use super::cel::FieldProgram;
use super::field::{FieldType, FieldValue};
use super::message::{ParsedSchema, RuleSchema};
use crate::schema::contract::Rule;

/// How deep a planned schema may nest (the interpreter's walk refuses deeper messages).
const MAX_DEPTH: usize = 64;

/// The WRITE run of a schema's constant `CEL_FIELD` transforms, as the byte edits it makes.
#[derive(Debug)]
pub(crate) struct SplicePlan {
    root: Op,
    /// The rules' programs, in the order they run ([`Step::Run`] indexes them).
    programs: Vec<FieldProgram>,
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
    /// A primitive value the rules run on.
    Rewrite(Box<Rewrite>),
}

/// A primitive field's value and the rules that run on it, in order.
#[derive(Debug)]
struct Rewrite {
    /// Its schema (a primitive or a logical type on one).
    schema: AvroSchema,
    /// Its type as rules see it.
    leaf: FieldType,
    name: String,
    full_name: String,
    tags: BTreeSet<String>,
    steps: Vec<Step>,
}

/// One rule on a field.
#[derive(Debug)]
enum Step {
    /// A constant result.
    Set(FieldValue),
    /// The program at this index run on the value.
    Run(usize),
}

impl Op {
    /// Whether anything in it is replaced.
    fn replaces(&self) -> bool {
        match self {
            Op::Replace { .. } | Op::Rewrite(_) => true,
            Op::Record(ops) | Op::Union(ops) => ops.iter().any(Op::replaces),
            Op::Array(op) | Op::Map(op) => op.replaces(),
            _ => false,
        }
    }
}
impl SplicePlan {
    /// The plan of `rules` (the schema's WRITE rules this client runs, each a `CEL_FIELD`
    /// TRANSFORM on the built-in executor with its expression compiled) on `target`;
    /// `None` when the interpreter must run them (see the module's notes), or when they
    /// replace nothing.
    pub(crate) fn new(
        target: &RuleSchema,
        rules: Vec<(&Rule, FieldProgram)>,
    ) -> Option<SplicePlan> {
        let ParsedSchema::Avro { schema, names } = &target.parsed else {
            return None;
        };
        let mut planner = Planner {
            rules: &rules,
            names,
            fields: &target.avro_fields,
            open: Vec::new(),
        };
        let root = planner.root(schema)?;
        let programs = rules.into_iter().map(|(_, program)| program).collect();
        root.replaces().then_some(SplicePlan { root, programs })
    }

    /// `frame` (a header of `header` bytes, then the Avro payload) with the planned fields
    /// replaced; `None` when the payload is not one the walk accepts whole.
    pub(crate) fn apply(&self, frame: &[u8], header: usize) -> Option<Vec<u8>> {
        let mut splice = Splice {
            input: frame,
            pos: header,
            copied: 0,
            out: Vec::with_capacity(frame.len() + 16),
            programs: &self.programs,
        };
        splice.walk(&self.root)?;
        if splice.pos != frame.len() {
            return None;
        }
        splice.out.extend_from_slice(frame.get(splice.copied..)?);
        Some(splice.out)
    }
}
#[cfg(test)]
mod tests;
