//! apache-avro's generic decoder (`types::Value`) made safe for untrusted payloads: a walk
//! of the payload against its schema first, then the decode on a stack that fits it.
//!
//! apache-avro's generic decoder recurses once per record, union, array and map with no
//! limit (a recursive schema and a few kilobytes of input abort the process with a stack
//! overflow), and it reserves a collection's or a string's length before reading it, up to
//! 512 MiB whatever the input's size. [`check`] refuses, before it runs:
//! - nesting past [`limits::max_nesting_depth`] containers (records, unions, arrays, maps);
//! - a string or bytes length past the bytes left;
//! - a block count past the bytes left (every item takes a byte at least), except for items
//!   that take none (nulls, empty records), of which a payload may hold
//!   [`MAX_ZERO_WIDTH_ITEMS`];
//! - a union branch or an enum index out of range, a varint of more than ten bytes.
//!
//! What it lets through, apache-avro decodes as it always did (and may still refuse), on
//! the caller's stack when the payload is shallow, else on a thread of its own
//! ([`on_stack_for`]): its decoder and encoder take about 50 KiB of stack per level in a
//! debug build. The rules' generic messages, `Consumer::deserialize_avro` and the
//! producer's rewrite into a registry version all read through here.

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema::{InnerDecimalSchema, Name, ResolvedSchema};
use apache_avro::types::Value;
use apache_avro::Schema;

use crate::codec::limits;

/// How many items taking no bytes (nulls, empty records) one message may hold: each becomes
/// a value of several words in apache-avro's model, and the input cannot bound their count.
pub(crate) const MAX_ZERO_WIDTH_ITEMS: usize = 1 << 16;

/// Decodes `payload`, written with `writer`, into a generic value (resolved into `reader`
/// when given): [`check`]ed first, then read on a stack that fits its depth.
pub(crate) fn read(
    writer: &Schema,
    reader: Option<&Schema>,
    payload: &[u8],
) -> Result<Value, String> {
    let resolved = ResolvedSchema::try_from(writer).map_err(|e| e.to_string())?;
    let names = resolved.get_names();
    let depth = check(writer, &|name| names.get(name).copied(), payload)?;
    on_stack_for(depth, || {
        let mut input = payload;
        GenericDatumReader::builder(writer)
            .resolved_writer_schemata(resolved)
            .maybe_reader_schema(reader)
            .build()
            .and_then(|datum| datum.read_value(&mut input))
            .map_err(|e| e.to_string())
    })?
}

/// A schema's named types by name, for the references in it.
pub(crate) type Names<'a> = &'a dyn Fn(&Name) -> Option<&'a Schema>;

/// Checks `payload` against `schema` (its named types found with `names`), as described
/// above; the payload's nesting depth (in containers) when it passes, else why not.
pub(crate) fn check<'a>(
    schema: &'a Schema,
    names: Names<'a>,
    payload: &[u8],
) -> Result<usize, String> {
    let mut walk = Walk {
        input: payload,
        names,
        zero_width_items: 0,
        limit: limits::max_nesting_depth(),
        deepest: 0,
    };
    walk.value(schema, 0)?;
    Ok(walk.deepest)
}

/// How many containers deep apache-avro may read or write a value on the caller's stack.
/// Its decoder and encoder take about 50 KiB of stack per level in a debug build (2-4 KiB
/// in release): twelve levels stay within a third of a tokio worker's 2 MiB in either.
pub(crate) const SHALLOW: usize = 12;

/// The stack deeper values are read and written on: room for
/// [`limits::max_nesting_depth`]'s default of 128 levels at 64 KiB each, and more.
const DEEP_STACK_BYTES: usize = 16 << 20;

/// Runs `f` (apache-avro reading or writing a value `depth` containers deep) on the
/// caller's stack up to [`SHALLOW`], else on a thread of its own with a
/// [`DEEP_STACK_BYTES`] stack: only for the rare deep value, so the thread's cost is not
/// paid per message. `Err` when no thread could be started or `f` panicked.
pub(crate) fn on_stack_for<T: Send>(
    depth: usize,
    f: impl FnOnce() -> T + Send,
) -> Result<T, String> {
    if depth <= SHALLOW {
        return Ok(f());
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("avro-deep".into())
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, f)
            .map_err(|e| format!("no thread to read a deep value on: {e}"))?
            .join()
            .map_err(|_| "apache-avro panicked".to_string())
    })
}

/// The containers `value` nests, counted up to just past [`SHALLOW`] (the most that
/// matters to [`on_stack_for`]); its own recursion is bounded by that.
pub(crate) fn depth(value: &Value) -> usize {
    depth_from(value, 0)
}

fn depth_from(value: &Value, level: usize) -> usize {
    if level > SHALLOW {
        return level;
    }
    let inner = |values: &mut dyn Iterator<Item = &Value>| {
        values
            .map(|v| depth_from(v, level + 1))
            .max()
            .unwrap_or(level + 1)
    };
    match value {
        Value::Record(fields) => inner(&mut fields.iter().map(|(_, v)| v)),
        Value::Array(items) => inner(&mut items.iter()),
        Value::Map(entries) => inner(&mut entries.values()),
        Value::Union(_, inner_value) => depth_from(inner_value, level + 1),
        _ => level,
    }
}

struct Walk<'a, 'i> {
    input: &'i [u8],
    names: Names<'a>,
    zero_width_items: usize,
    limit: usize,
    deepest: usize,
}

impl<'a> Walk<'a, '_> {
    fn resolve(&self, schema: &'a Schema) -> &'a Schema {
        match schema {
            Schema::Ref { name } => (self.names)(name).unwrap_or(schema),
            other => other,
        }
    }

    fn value(&mut self, schema: &'a Schema, depth: usize) -> Result<(), String> {
        match self.resolve(schema) {
            Schema::Null => {}
            Schema::Boolean => self.skip(1)?,
            Schema::Int
            | Schema::Long
            | Schema::Date
            | Schema::TimeMillis
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => {
                self.long()?;
            }
            Schema::Float => self.skip(4)?,
            Schema::Double => self.skip(8)?,
            Schema::Bytes | Schema::String | Schema::BigDecimal | Schema::Uuid(_) => {
                let len = self.len()?;
                self.skip(len)?;
            }
            Schema::Fixed(fixed) | Schema::Duration(fixed) => self.skip(fixed.size)?,
            Schema::Decimal(decimal) => match &decimal.inner {
                InnerDecimalSchema::Fixed(fixed) => self.skip(fixed.size)?,
                InnerDecimalSchema::Bytes => {
                    let len = self.len()?;
                    self.skip(len)?;
                }
            },
            Schema::Enum(schema) => {
                let index = self.long()?;
                if usize::try_from(index).map_or(true, |i| i >= schema.symbols.len()) {
                    return Err(format!("enum index {index} out of range"));
                }
            }
            Schema::Record(record) => {
                let depth = self.enter(depth)?;
                for field in &record.fields {
                    self.value(&field.schema, depth)?;
                }
            }
            Schema::Union(union) => {
                let depth = self.enter(depth)?;
                let index = self.long()?;
                let branch = usize::try_from(index)
                    .ok()
                    .and_then(|i| union.variants().get(i))
                    .ok_or_else(|| format!("union branch {index} out of range"))?;
                self.value(branch, depth)?;
            }
            Schema::Array(array) => {
                let depth = self.enter(depth)?;
                self.blocks(
                    depth,
                    |walk, depth| walk.value(&array.items, depth),
                    &array.items,
                )?;
            }
            Schema::Map(map) => {
                let depth = self.enter(depth)?;
                self.blocks(
                    depth,
                    |walk, depth| {
                        let len = walk.len()?;
                        walk.skip(len)?;
                        walk.value(&map.types, depth)
                    },
                    // A map entry has a key: a byte at least.
                    &Schema::String,
                )?;
            }
            Schema::Ref { name } => return Err(format!("the type {name} is not defined")),
        }
        Ok(())
    }

    fn enter(&mut self, depth: usize) -> Result<usize, String> {
        if depth >= self.limit {
            return Err(format!("nested deeper than {} levels", self.limit));
        }
        self.deepest = self.deepest.max(depth + 1);
        Ok(depth + 1)
    }

    /// An array's or map's blocks; `item` is the schema each entry starts with (to know
    /// whether entries take bytes).
    fn blocks(
        &mut self,
        depth: usize,
        mut entry: impl FnMut(&mut Self, usize) -> Result<(), String>,
        item: &'a Schema,
    ) -> Result<(), String> {
        let zero_width = self.zero_width(item, 0);
        loop {
            let count = self.long()?;
            if count == 0 {
                return Ok(());
            }
            if count < 0 {
                // The block's size in bytes, which apache-avro reads and ignores.
                self.len()?;
            }
            let count = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
            if zero_width {
                self.zero_width_items = self.zero_width_items.saturating_add(count);
                if self.zero_width_items > MAX_ZERO_WIDTH_ITEMS {
                    return Err(format!(
                        "more than {MAX_ZERO_WIDTH_ITEMS} items that take no bytes"
                    ));
                }
            } else if count > self.input.len() {
                return Err(format!(
                    "a block of {count} items with {} bytes left",
                    self.input.len()
                ));
            }
            for _ in 0..count {
                entry(self, depth)?;
            }
        }
    }

    /// Whether a value of `schema` takes no bytes (a null, a record of such values, an empty
    /// fixed).
    fn zero_width(&self, schema: &'a Schema, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match self.resolve(schema) {
            Schema::Null => true,
            Schema::Fixed(fixed) => fixed.size == 0,
            Schema::Decimal(decimal) => {
                matches!(&decimal.inner, InnerDecimalSchema::Fixed(fixed) if fixed.size == 0)
            }
            Schema::Record(record) => record
                .fields
                .iter()
                .all(|field| self.zero_width(&field.schema, depth + 1)),
            _ => false,
        }
    }

    fn skip(&mut self, n: usize) -> Result<(), String> {
        match self.input.get(n..) {
            Some(rest) => {
                self.input = rest;
                Ok(())
            }
            None => Err(format!("{n} bytes expected, {} left", self.input.len())),
        }
    }

    /// A length: a non-negative long no greater than the bytes left.
    fn len(&mut self) -> Result<usize, String> {
        let len = self.long()?;
        match usize::try_from(len) {
            Ok(n) if n <= self.input.len() => Ok(n),
            _ => Err(format!(
                "a length of {len} with {} bytes left",
                self.input.len()
            )),
        }
    }

    /// A zig-zag varint of at most ten bytes.
    fn long(&mut self) -> Result<i64, String> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let Some((&byte, rest)) = self.input.split_first() else {
                return Err("the payload ends inside a number".into());
            };
            self.input = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok((value >> 1) as i64 ^ -((value & 1) as i64));
            }
        }
        Err("a number of more than ten bytes".into())
    }
}

#[cfg(test)]
mod tests;
