//! Runs a plan: rewrites writer-schema bytes as reader-schema bytes in one pass.

use bytes::BufMut;

use super::plan::{Plan, PlanId};
use super::tree::{Node, NodeId, Tree};
use super::Resolution;
use crate::codec::avro::varint::{read_array, read_exact, read_len, read_long, write_long};
use crate::codec::avro::DecodeError;

/// Recursion guard: a hostile payload cannot nest deeper than any sane schema.
pub(super) const MAX_DEPTH: usize = 256;

pub(super) fn too_deep() -> DecodeError {
    DecodeError::TooDeep { limit: MAX_DEPTH }
}

/// Reads a union branch index and returns that branch.
fn union_branch<'a, B>(input: &mut &[u8], branches: &'a [B]) -> Result<&'a B, DecodeError> {
    let b = read_long(input)?;
    usize::try_from(b)
        .ok()
        .and_then(|i| branches.get(i))
        .ok_or(DecodeError::UnionBranch {
            index: b,
            branches: branches.len(),
        })
}

/// Items one array or map may hold beyond one per byte of input: writer items can take no
/// bytes at all (nulls, empty records), and their count must still be bounded before a
/// reader allocates for them.
const MAX_EMPTY_ITEMS: u64 = 1 << 20;

/// How many more items the blocks of one array or map may declare.
pub(super) struct ItemBudget(u64);

impl ItemBudget {
    /// The budget of an array or map starting at `input`.
    pub(super) fn new(input: &[u8]) -> Self {
        ItemBudget((input.len() as u64).saturating_add(MAX_EMPTY_ITEMS))
    }
}

/// Reads the count of the next block; `None` at the terminating zero block. A negative
/// count is followed by the block's byte size, which is read and ignored. Counts past the
/// array's `budget` are refused before anything loops or allocates for them.
pub(super) fn block_count(
    input: &mut &[u8],
    budget: &mut ItemBudget,
) -> Result<Option<u64>, DecodeError> {
    let raw = read_long(input)?;
    if raw == 0 {
        return Ok(None);
    }
    if raw < 0 {
        let size = read_long(input)?;
        if size < 0 {
            return Err(DecodeError::InvalidLength {
                len: size,
                remaining: input.len(),
            });
        }
    }
    let n = raw.unsigned_abs();
    match budget.0.checked_sub(n) {
        Some(left) => {
            budget.0 = left;
            Ok(Some(n))
        }
        None => Err(DecodeError::InvalidCount { count: raw }),
    }
}

impl Resolution {
    pub(super) fn run(
        &self,
        id: PlanId,
        input: &mut &[u8],
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), DecodeError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        if self.is_verbatim(id) {
            return self.copy_verbatim(id, input, out, depth);
        }
        let Some(plan) = self.plans.get(id) else {
            return Err(DecodeError::Incompatible("internal: missing plan".into()));
        };
        match plan {
            Plan::CopyNull | Plan::Pending => Ok(()),
            Plan::CopyBoolean => {
                out.put_slice(read_exact(input, 1)?);
                Ok(())
            }
            Plan::CopyVarint => {
                write_long(out, read_long(input)?);
                Ok(())
            }
            Plan::CopyFloat => {
                out.put_slice(read_exact(input, 4)?);
                Ok(())
            }
            Plan::CopyDouble => {
                out.put_slice(read_exact(input, 8)?);
                Ok(())
            }
            Plan::CopyLengthPrefixed => {
                let n = read_len(input)?;
                write_long(out, n as i64);
                out.put_slice(read_exact(input, n)?);
                Ok(())
            }
            Plan::CopyFixed(n) => {
                out.put_slice(read_exact(input, *n)?);
                Ok(())
            }
            Plan::IntToFloat | Plan::LongToFloat => {
                out.put_f32_le(read_long(input)? as f32);
                Ok(())
            }
            Plan::IntToDouble | Plan::LongToDouble => {
                out.put_f64_le(read_long(input)? as f64);
                Ok(())
            }
            Plan::FloatToDouble => {
                out.put_f64_le(f64::from(f32::from_le_bytes(read_array(input)?)));
                Ok(())
            }
            Plan::Enum(map) => {
                write_long(out, map_enum(map, input)?);
                Ok(())
            }
            Plan::Array(items) => {
                let mut budget = ItemBudget::new(input);
                while let Some(n) = block_count(input, &mut budget)? {
                    write_long(out, n as i64);
                    for _ in 0..n {
                        self.run(*items, input, out, depth + 1)?;
                    }
                }
                out.put_u8(0);
                Ok(())
            }
            Plan::Map(values) => {
                let mut budget = ItemBudget::new(input);
                while let Some(n) = block_count(input, &mut budget)? {
                    write_long(out, n as i64);
                    for _ in 0..n {
                        let k = read_len(input)?;
                        write_long(out, k as i64);
                        out.put_slice(read_exact(input, k)?);
                        self.run(*values, input, out, depth + 1)?;
                    }
                }
                out.put_u8(0);
                Ok(())
            }
            Plan::Record(rec) => {
                if rec.in_order {
                    // Runs of consecutive verbatim fields are copied as one span.
                    let mut span = *input;
                    let mut next = 0usize;
                    for (pos, plan) in &rec.writer_fields {
                        match pos {
                            Some(p) if *p == next && self.is_verbatim(*plan) => {
                                next = p + 1;
                                self.consume_child(*plan, input, depth)?;
                            }
                            Some(p) => {
                                flush_span(span, input, out);
                                for d in rec.defaults.get(next..*p).into_iter().flatten().flatten()
                                {
                                    out.put_slice(d);
                                }
                                next = p + 1;
                                self.run(*plan, input, out, depth + 1)?;
                                span = *input;
                            }
                            None => {
                                flush_span(span, input, out);
                                self.run(*plan, input, &mut Vec::new(), depth + 1)?;
                                span = *input;
                            }
                        }
                    }
                    flush_span(span, input, out);
                    for d in rec.defaults.get(next..).into_iter().flatten().flatten() {
                        out.put_slice(d);
                    }
                    return Ok(());
                }
                // Reordered fields: transcode each into its own buffer, then emit in order.
                let mut parts: Vec<Vec<u8>> = vec![Vec::new(); rec.defaults.len()];
                for (pos, plan) in &rec.writer_fields {
                    match pos.and_then(|p| parts.get_mut(p)) {
                        Some(buf) => self.run(*plan, input, buf, depth + 1)?,
                        None => self.run(*plan, input, &mut Vec::new(), depth + 1)?,
                    }
                }
                for (part, default) in parts.iter().zip(&rec.defaults) {
                    match default {
                        Some(d) => out.put_slice(d),
                        None => out.put_slice(part),
                    }
                }
                Ok(())
            }
            Plan::UnionToUnion(branches) => {
                let entry = union_branch(input, branches)?;
                match entry {
                    Ok((r, plan)) => {
                        write_long(out, *r);
                        self.run(*plan, input, out, depth + 1)
                    }
                    Err(why) => Err(DecodeError::Incompatible(why.clone())),
                }
            }
            Plan::UnionToSingle(branches) => {
                let entry = union_branch(input, branches)?;
                match entry {
                    Ok(plan) => self.run(*plan, input, out, depth + 1),
                    Err(why) => Err(DecodeError::Incompatible(why.clone())),
                }
            }
            Plan::SingleToUnion(branch, plan) => {
                write_long(out, *branch);
                self.run(*plan, input, out, depth + 1)
            }
            Plan::Skip(node) => skip(&self.writer, *node, input, depth),
        }
    }
}

/// Reads a writer enum symbol index and returns the reader's.
pub(super) fn map_enum(map: &[Option<i64>], input: &mut &[u8]) -> Result<i64, DecodeError> {
    let i = read_long(input)?;
    let mapped =
        usize::try_from(i)
            .ok()
            .and_then(|i| map.get(i))
            .ok_or(DecodeError::EnumSymbol {
                index: i,
                symbols: map.len(),
            })?;
    mapped.ok_or_else(|| {
        DecodeError::Incompatible(format!(
            "enum symbol {i} of the writer is unknown to the reader, which has no default"
        ))
    })
}

/// Copies the bytes between `start` and where `input` now is.
#[inline]
fn flush_span(start: &[u8], input: &[u8], out: &mut Vec<u8>) {
    let used = start.len().saturating_sub(input.len());
    out.put_slice(start.get(..used).unwrap_or_default());
}

impl Resolution {
    /// Copies one verbatim value: found by walking the plan, then copied in one piece.
    fn copy_verbatim(
        &self,
        id: PlanId,
        input: &mut &[u8],
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), DecodeError> {
        let start = *input;
        self.consume(id, input, depth)?;
        flush_span(start, input, out);
        Ok(())
    }
}

/// Consumes one value of writer type `node`.
pub(super) fn skip(
    t: &Tree,
    node: NodeId,
    input: &mut &[u8],
    depth: usize,
) -> Result<(), DecodeError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    match t.get(node) {
        Node::Null => Ok(()),
        Node::Boolean => read_exact(input, 1).map(drop),
        Node::Int | Node::Long | Node::Enum { .. } => read_long(input).map(drop),
        Node::Float => read_exact(input, 4).map(drop),
        Node::Double => read_exact(input, 8).map(drop),
        Node::Bytes | Node::String => {
            let n = read_len(input)?;
            read_exact(input, n).map(drop)
        }
        Node::Fixed { size, .. } => read_exact(input, *size).map(drop),
        Node::Array(items) => {
            let mut budget = ItemBudget::new(input);
            while let Some(n) = block_count(input, &mut budget)? {
                for _ in 0..n {
                    skip(t, *items, input, depth + 1)?;
                }
            }
            Ok(())
        }
        Node::Map(values) => {
            let mut budget = ItemBudget::new(input);
            while let Some(n) = block_count(input, &mut budget)? {
                for _ in 0..n {
                    let k = read_len(input)?;
                    read_exact(input, k)?;
                    skip(t, *values, input, depth + 1)?;
                }
            }
            Ok(())
        }
        Node::Union(branches) => {
            let branch = union_branch(input, branches)?;
            skip(t, *branch, input, depth + 1)
        }
        Node::Record { fields, .. } => {
            for f in fields {
                skip(t, f.ty, input, depth + 1)?;
            }
            Ok(())
        }
        Node::Ref(name) => Err(DecodeError::Incompatible(format!(
            "writer schema refers to undefined type {name}"
        ))),
    }
}
