//! The resolving decoder: generated decoders read writer bytes straight into the reader
//! type, following the plan one value at a time ([`Step`]).
//!
//! A changed record is read field by field: in the reader's order when the writer has the
//! fields in that order too ([`InOrder`], see `layout`), else in the writer's order into
//! slots ([`RecordSteps::fields`]). Fields whose writer bytes are the reader's are decoded in
//! place by the ordinary decoder, fields the reader lacks are skipped, added fields are
//! decoded from their encoded defaults, promoted `float`/`double` values are converted in
//! place, changed arrays, maps and optional values are read item by item along the plan,
//! and any other changed value is rewritten into reader bytes first (on the stack for a
//! mapped enum symbol, see `scalar`; in a scratch buffer otherwise). So the usual evolutions (fields
//! added or removed, numbers widened) cost about what a same-schema decode costs, with no
//! second pass over the bytes and no copy.

use std::cell::RefCell;

use super::plan::{FieldSource, Plan, PlanId, RecordPlan};
use super::run::{block_count, skip, too_deep, ItemBudget, MAX_DEPTH};
use super::scalar;
use super::Resolution;
use crate::codec::avro::varint::{read_array, read_long};
use crate::codec::avro::{AvroDecode, DecodeError};

/// A scratch buffer kept across calls for rewritten values is dropped past this size, so
/// one huge record does not pin its memory for good.
const MAX_KEPT_SCRATCH: usize = 1 << 20;

/// Where one value is in a resolution plan: what generated decoders get in
/// `AvroDecode::decode_avro_resolved`. Not for use outside generated code.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Step<'a> {
    res: &'a Resolution,
    id: PlanId,
    depth: usize,
    /// The caller's buffer for rewritten values; `None`: this thread's own.
    scratch: Option<&'a RefCell<Vec<u8>>>,
}

thread_local! {
    /// Rewritten values of reads that brought no buffer of their own, reused by the thread.
    static THREAD_SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Step")
            .field("plan", &self.id)
            .field("depth", &self.depth)
            .finish()
    }
}

impl<'a> Step<'a> {
    /// The step of the whole value.
    pub(super) fn root(res: &'a Resolution, scratch: Option<&'a RefCell<Vec<u8>>>) -> Self {
        Step {
            res,
            id: res.root,
            depth: 0,
            scratch,
        }
    }

    fn child(self, id: PlanId) -> Self {
        Step {
            id,
            depth: self.depth + 1,
            ..self
        }
    }

    /// Decodes one value with `decode`, the reader type's own decoder: straight from
    /// `input` when the writer's bytes are the reader's, else after rewriting the value
    /// into reader bytes.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn decode_with<T>(
        self,
        input: &mut &[u8],
        decode: impl FnOnce(&mut &[u8]) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.res.is_verbatim(self.id) {
            return decode(input);
        }
        self.rewrite_then(input, decode)
    }

    /// Rewrites one value into a scratch buffer and decodes it from there; the decoder
    /// must read the rewritten value exactly.
    #[inline(never)]
    fn rewrite_then<T>(
        self,
        input: &mut &[u8],
        decode: impl FnOnce(&mut &[u8]) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if let Some(small) = scalar::rewrite(self.res.plans.get(self.id), input)? {
            let mut rewritten = small.bytes();
            let value = decode(&mut rewritten)?;
            return if rewritten.is_empty() {
                Ok(value)
            } else {
                Err(mismatch())
            };
        }
        match self.scratch {
            Some(scratch) => self.rewrite_into(scratch, input, decode),
            None => THREAD_SCRATCH.with(|scratch| self.rewrite_into(scratch, input, decode)),
        }
    }

    fn rewrite_into<T>(
        self,
        scratch: &RefCell<Vec<u8>>,
        input: &mut &[u8],
        decode: impl FnOnce(&mut &[u8]) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let mut own = Vec::new();
        let mut borrowed = scratch.try_borrow_mut();
        // The scratch is free unless a decoder reading from it asked for another rewrite,
        // which generated decoders never do; a fresh buffer keeps that case correct anyway.
        let buf: &mut Vec<u8> = match &mut borrowed {
            Ok(scratch) => scratch,
            Err(_) => &mut own,
        };
        buf.clear();
        let result = self
            .res
            .run(self.id, input, buf, self.depth)
            .and_then(|()| {
                let mut rewritten = buf.as_slice();
                let value = decode(&mut rewritten)?;
                if rewritten.is_empty() {
                    Ok(value)
                } else {
                    Err(mismatch())
                }
            });
        if buf.capacity() > MAX_KEPT_SCRATCH {
            *buf = Vec::new();
        }
        result
    }

    /// For a reader `float`: the writer's `int` or `long`, read and converted, when this
    /// step promotes one; `None` (reading nothing) otherwise.
    #[inline]
    pub fn promoted_f32(self, input: &mut &[u8]) -> Result<Option<f32>, DecodeError> {
        match self.res.plans.get(self.id) {
            Some(Plan::IntToFloat | Plan::LongToFloat) => Ok(Some(read_long(input)? as f32)),
            _ => Ok(None),
        }
    }

    /// For a reader `double`: the writer's `int`, `long` or `float`, read and converted,
    /// when this step promotes one; `None` (reading nothing) otherwise.
    #[inline]
    pub fn promoted_f64(self, input: &mut &[u8]) -> Result<Option<f64>, DecodeError> {
        match self.res.plans.get(self.id) {
            Some(Plan::IntToDouble | Plan::LongToDouble) => Ok(Some(read_long(input)? as f64)),
            Some(Plan::FloatToDouble) => {
                Ok(Some(f64::from(f32::from_le_bytes(read_array(input)?))))
            }
            _ => Ok(None),
        }
    }

    /// Consumes one writer value the reader does not keep.
    pub fn skip(self, input: &mut &[u8]) -> Result<(), DecodeError> {
        match self.res.plans.get(self.id) {
            Some(Plan::Skip(node)) => skip(&self.res.writer, *node, input, self.depth),
            // Not reached for fields the reader lacks (their plans are `Skip`); any other
            // plan's output is dropped.
            _ => self.res.run(self.id, input, &mut Vec::new(), self.depth),
        }
    }

    /// The fields of a changed record read as a reader record of `fields` fields, or
    /// `None` when this value is read otherwise (through [`decode_with`](Self::decode_with)):
    /// its bytes are unchanged, or it is not a record in the writer (a union branch...).
    #[inline]
    pub fn record(self, fields: usize) -> Result<Option<RecordSteps<'a>>, DecodeError> {
        if self.depth > MAX_DEPTH {
            return Err(too_deep());
        }
        match self.res.plans.get(self.id) {
            Some(Plan::Record(plan))
                if plan.defaults.len() == fields && !self.res.is_verbatim(self.id) =>
            {
                Ok(Some(RecordSteps { step: self, plan }))
            }
            _ => Ok(None),
        }
    }

    /// The items' step of a changed array, or `None` when this value is read otherwise
    /// (through [`decode_with`](Self::decode_with)).
    #[inline]
    pub fn array(self) -> Option<Step<'a>> {
        match self.res.plans.get(self.id) {
            Some(Plan::Array(items)) if !self.res.is_verbatim(self.id) => Some(self.child(*items)),
            _ => None,
        }
    }

    /// The values' step of a changed map, or `None` when this value is read otherwise
    /// (through [`decode_with`](Self::decode_with)).
    #[inline]
    pub fn map(self) -> Result<Option<Step<'a>>, DecodeError> {
        if self.depth > MAX_DEPTH {
            return Err(too_deep());
        }
        match self.res.plans.get(self.id) {
            Some(Plan::Map(values)) if !self.res.is_verbatim(self.id) => {
                Ok(Some(self.child(*values)))
            }
            _ => Ok(None),
        }
    }

    /// For a reader union `["null", T]` (an `Option` of a non-union type) whose writer
    /// bytes change: reads the writer's branch and says whether the value is null or a `T`
    /// to read along the returned step. [`Optional::Other`] (reading nothing) when the
    /// bytes are unchanged or the plan is another.
    #[inline]
    pub fn optional(self, input: &mut &[u8]) -> Result<Optional<'a>, DecodeError> {
        if self.res.is_verbatim(self.id) {
            return Ok(Optional::Other);
        }
        let (branch, id) = match self.res.plans.get(self.id) {
            Some(Plan::SingleToUnion(branch, id)) => (*branch, *id),
            Some(Plan::UnionToUnion(branches)) => {
                let b = read_long(input)?;
                match usize::try_from(b).ok().and_then(|i| branches.get(i)) {
                    Some(Ok((branch, id))) => (*branch, *id),
                    Some(Err(why)) => return Err(DecodeError::Incompatible(why.clone())),
                    None => {
                        return Err(DecodeError::UnionBranch {
                            index: b,
                            branches: branches.len(),
                        })
                    }
                }
            }
            _ => return Ok(Optional::Other),
        };
        let value = self.child(id);
        match branch {
            0 => {
                // The writer's value read as the reader's null (a null: nothing to read).
                value.skip(input)?;
                Ok(Optional::Null)
            }
            1 => Ok(Optional::Value(value)),
            _ => Err(mismatch()),
        }
    }

    /// Reads the blocks of an array whose items are read with `item` (called once per
    /// item, with the step [`array`](Self::array) returned).
    pub fn decode_array<T>(
        self,
        input: &mut &[u8],
        mut item: impl FnMut(&mut &[u8]) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        if self.depth > MAX_DEPTH {
            return Err(too_deep());
        }
        // Items of a recursive type recurse through here: count the level like the
        // same-schema decoder does, so both refuse the same depth.
        let _level = crate::codec::avro::depth::Level::enter()?;
        let mut out = Vec::new();
        let mut budget = ItemBudget::new(input);
        while let Some(n) = block_count(input, &mut budget)? {
            // The budget bounds the count; what is reserved up front is also bounded by
            // the input (items of no bytes grow the vector as they come).
            out.reserve(usize::try_from(n).unwrap_or(usize::MAX).min(input.len()));
            for _ in 0..n {
                out.push(item(input)?);
            }
        }
        Ok(out)
    }
}

/// What [`Step::optional`] found.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Optional<'a> {
    /// Not a changed `["null", T]`: read the value as usual.
    Other,
    /// The writer's value is null.
    Null,
    /// The writer's value, to read as `T` along this step.
    Value(Step<'a>),
}

/// The writer's fields of a changed record, in the writer's order.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct RecordSteps<'a> {
    step: Step<'a>,
    plan: &'a RecordPlan,
}

impl std::fmt::Debug for RecordSteps<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordSteps")
            .field("step", &self.step)
            .finish()
    }
}

/// The position [`RecordSteps::fields`] gives a writer field the reader does not have.
#[doc(hidden)]
pub const SKIPPED: usize = usize::MAX;

impl<'a> RecordSteps<'a> {
    /// Each writer field in order: the reader field it is read into (its position among
    /// the reader's fields, or [`SKIPPED`]) and how to read it.
    #[inline]
    pub fn fields(self) -> impl Iterator<Item = (usize, Step<'a>)> + 'a {
        let step = self.step;
        self.plan
            .writer_fields
            .iter()
            .map(move |(pos, id)| (pos.unwrap_or(SKIPPED), step.child(*id)))
    }

    /// The record's fields in the reader's order, when the writer has them in that order
    /// too (most evolutions): then each field is read in turn with
    /// [`InOrder::field`], with no buffering.
    #[inline]
    pub fn in_order(self) -> Option<InOrder<'a>> {
        (self.plan.in_order && self.plan.layout.len() == self.plan.defaults.len()).then_some(
            InOrder {
                step: self.step,
                plan: self.plan,
            },
        )
    }

    /// The value read into reader field `field`'s slot or, for a field the writer does not
    /// have, its default decoded.
    #[inline]
    pub fn or_default<T: AvroDecode>(
        self,
        slot: Option<T>,
        field: usize,
    ) -> Result<T, DecodeError> {
        match slot {
            Some(value) => Ok(value),
            None => {
                let mut bytes = self.default(field)?;
                T::decode_avro(&mut bytes)
            }
        }
    }

    /// The reader-schema bytes of reader field `field`'s default, for a field the writer
    /// does not have.
    pub fn default(self, field: usize) -> Result<&'a [u8], DecodeError> {
        match self.plan.defaults.get(field) {
            Some(Some(bytes)) => Ok(bytes),
            // The plan gives every reader field the writer lacks a default; reaching this
            // means the reader type is not the one the plan was built for.
            _ => Err(mismatch()),
        }
    }
}

/// A record whose writer fields come in the reader's order, read one reader field after
/// the other.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct InOrder<'a> {
    step: Step<'a>,
    plan: &'a RecordPlan,
}

impl std::fmt::Debug for InOrder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InOrder").field("step", &self.step).finish()
    }
}

/// Where the value of one reader field comes from.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The writer's field is next in the input, in the reader's bytes: decode it as is.
    Unchanged,
    /// The writer's field is next in the input, read along this step.
    Changed(Step<'a>),
    /// The writer does not have the field: decode the reader's default from these bytes.
    Default(&'a [u8]),
}

impl<'a> InOrder<'a> {
    /// Where reader field `pos` comes from, after skipping the writer fields before it
    /// that the reader does not have.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn field(self, pos: usize, input: &mut &[u8]) -> Result<Source<'a>, DecodeError> {
        let Some(field) = self.plan.layout.get(pos) else {
            return Err(mismatch());
        };
        if !field.skip_before.is_empty() {
            *input = self.skip(field.skip_before.clone(), std::mem::take(input))?;
        }
        match &field.source {
            FieldSource::Unchanged => Ok(Source::Unchanged),
            FieldSource::Changed(id) => Ok(Source::Changed(self.step.child(*id))),
            FieldSource::Default(bytes) => Ok(Source::Default(bytes)),
            FieldSource::Missing => Err(mismatch()),
        }
    }

    /// Reads reader field `pos` of type `T`: as the same-schema decoder does when unchanged,
    /// along the plan when changed, from the default when the writer lacks it. One generic
    /// function, so that generated code holds one call per field rather than the match.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn read<T: AvroDecode>(self, pos: usize, input: &mut &[u8]) -> Result<T, DecodeError> {
        match self.field(pos, input)? {
            Source::Unchanged => T::decode_avro(input),
            Source::Changed(step) => T::decode_avro_resolved(input, step),
            Source::Default(mut bytes) => T::decode_avro(&mut bytes),
        }
    }

    /// Skips the writer fields after the last one the reader reads.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn finish(self, input: &mut &[u8]) -> Result<(), DecodeError> {
        if self.plan.trailing.is_empty() {
            return Ok(());
        }
        *input = self.skip(self.plan.trailing.clone(), std::mem::take(input))?;
        Ok(())
    }

    /// Skips writer fields out of line; the input goes in and comes back by value, so the
    /// caller's cursor never has its address taken and can stay in a register.
    #[inline(never)]
    fn skip(
        self,
        writer_fields: std::ops::Range<usize>,
        mut input: &[u8],
    ) -> Result<&[u8], DecodeError> {
        let Some(skipped) = self.plan.writer_fields.get(writer_fields) else {
            return Err(mismatch());
        };
        for (_, id) in skipped {
            self.step.child(*id).skip(&mut input)?;
        }
        Ok(input)
    }
}

fn mismatch() -> DecodeError {
    DecodeError::Incompatible(
        "the reader type does not match the schema the resolution plan was built for".into(),
    )
}
