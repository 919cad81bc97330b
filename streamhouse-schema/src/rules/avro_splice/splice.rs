//! Applying a [`SplicePlan`]: one walk over the frame, copying it with the new values in.

use apache_avro::types::Value as AvroValue;

use super::{Op, Rewrite, Step};
use crate::rules::cel::{FieldProgram, StaticField};
use crate::rules::field::{FieldType, FieldValue};
use crate::rules::walk::avro_from_field;

/// A walk over a frame, building the new one as it goes.
pub(super) struct Splice<'i> {
    pub(super) input: &'i [u8],
    /// Where the walk is.
    pub(super) pos: usize,
    /// How much of the input is in `out` already.
    pub(super) copied: usize,
    pub(super) out: Vec<u8>,
    pub(super) programs: &'i [FieldProgram],
}

impl Splice<'_> {
    pub(super) fn walk(&mut self, op: &Op) -> Option<()> {
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
            Op::Rewrite(rewrite) => self.rewrite(rewrite)?,
        }
        Some(())
    }

    /// Reads a field's value, runs its rules on it and, when one gave a value, writes the
    /// result in its place.
    fn rewrite(&mut self, rewrite: &Rewrite) -> Option<()> {
        let start = self.pos;
        let mut value = self.leaf_value(rewrite.leaf)?;
        let field = StaticField {
            name: &rewrite.name,
            full_name: &rewrite.full_name,
            field_type: rewrite.leaf,
            tags: &rewrite.tags,
        };
        let mut changed = false;
        for step in &rewrite.steps {
            let new = match step {
                Step::Set(new) => Some(new.clone()),
                Step::Run(index) => self.programs.get(*index)?.on_value(field, &value)?,
            };
            if let Some(new) = new {
                value = new;
                changed = true;
            }
        }
        if changed {
            let value = avro_from_field(&rewrite.schema, value).ok()?;
            self.out
                .extend_from_slice(self.input.get(self.copied..start)?);
            encode_primitive(&value, &mut self.out)?;
            self.copied = self.pos;
        }
        Some(())
    }

    /// A primitive value of type `leaf`, as the walk binds it (`walk::avro_field_value`).
    fn leaf_value(&mut self, leaf: FieldType) -> Option<FieldValue> {
        Some(match leaf {
            FieldType::Null => FieldValue::Null,
            FieldType::Boolean => {
                let byte = *self.input.get(self.pos)?;
                self.pos += 1;
                match byte {
                    0 => FieldValue::Bool(false),
                    1 => FieldValue::Bool(true),
                    _ => return None,
                }
            }
            FieldType::Int => FieldValue::Int(i64::from(i32::try_from(self.long()?).ok()?)),
            FieldType::Long => FieldValue::Int(self.long()?),
            FieldType::Float => {
                let bytes: [u8; 4] = self.take(4)?.try_into().ok()?;
                FieldValue::Double(f64::from(f32::from_le_bytes(bytes)))
            }
            FieldType::Double => {
                let bytes: [u8; 8] = self.take(8)?.try_into().ok()?;
                FieldValue::Double(f64::from_le_bytes(bytes))
            }
            FieldType::Bytes => {
                let len = self.len()?;
                FieldValue::Bytes(self.take(len)?.to_vec())
            }
            FieldType::String => {
                let len = self.len()?;
                FieldValue::String(std::str::from_utf8(self.take(len)?).ok()?.to_string())
            }
            _ => return None,
        })
    }

    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let start = self.pos;
        self.skip(n)?;
        self.input.get(start..self.pos)
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

/// Appends a primitive value's Avro encoding.
fn encode_primitive(value: &AvroValue, out: &mut Vec<u8>) -> Option<()> {
    let long = |out: &mut Vec<u8>, n: i64| {
        let mut zigzag = ((n << 1) ^ (n >> 63)) as u64;
        while zigzag >= 0x80 {
            out.push(zigzag as u8 | 0x80);
            zigzag >>= 7;
        }
        out.push(zigzag as u8);
    };
    match value {
        AvroValue::Null => {}
        AvroValue::Boolean(b) => out.push(u8::from(*b)),
        AvroValue::Int(n) | AvroValue::Date(n) | AvroValue::TimeMillis(n) => {
            long(out, i64::from(*n))
        }
        AvroValue::Long(n)
        | AvroValue::TimeMicros(n)
        | AvroValue::TimestampMillis(n)
        | AvroValue::TimestampMicros(n)
        | AvroValue::TimestampNanos(n)
        | AvroValue::LocalTimestampMillis(n)
        | AvroValue::LocalTimestampMicros(n)
        | AvroValue::LocalTimestampNanos(n) => long(out, *n),
        AvroValue::Float(x) => out.extend_from_slice(&x.to_le_bytes()),
        AvroValue::Double(x) => out.extend_from_slice(&x.to_le_bytes()),
        AvroValue::Bytes(bytes) => {
            long(out, i64::try_from(bytes.len()).ok()?);
            out.extend_from_slice(bytes);
        }
        AvroValue::String(text) => {
            long(out, i64::try_from(text.len()).ok()?);
            out.extend_from_slice(text.as_bytes());
        }
        _ => return None,
    }
    Some(())
}
