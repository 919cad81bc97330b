//! A walk of an Avro payload against its schema before apache-avro decodes it for rules,
//! refusing what would make that decode overflow the stack or allocate far more than the
//! payload holds.
//!
//! apache-avro's generic decoder recurses once per record, union, array and map with no
//! limit (a recursive schema and a few kilobytes of input abort the process with a stack
//! overflow), and it reserves a collection's or a string's length before reading it, up to
//! 512 MiB whatever the input's size. The walk refuses, with a typed error:
//! - nesting past [`limits::max_nesting_depth`] containers (records, unions, arrays, maps);
//! - a string or bytes length past the bytes left;
//! - a block count past the bytes left (every item takes a byte at least), except for items
//!   that take none (nulls, empty records), of which a message may hold
//!   [`MAX_ZERO_WIDTH_ITEMS`];
//! - a union branch or an enum index out of range, a varint of more than ten bytes.
//!
//! What it lets through, apache-avro decodes as it always did (and may still refuse).

use std::collections::HashMap;

use apache_avro::schema::InnerDecimalSchema;
use apache_avro::Schema;

use super::error::RuleError;
use crate::codec::limits;

/// How many items taking no bytes (nulls, empty records) one message may hold: each becomes
/// a value of several words in apache-avro's model, and the input cannot bound their count.
pub(crate) const MAX_ZERO_WIDTH_ITEMS: usize = 1 << 16;

/// Checks `payload` against `schema` (its named types in `names`), as described above;
/// the payload's nesting depth (in containers) when it passes.
pub(crate) fn check(
    schema: &Schema,
    names: &HashMap<String, Schema>,
    payload: &[u8],
) -> Result<usize, RuleError> {
    let mut walk = Walk {
        input: payload,
        names,
        zero_width_items: 0,
        limit: limits::max_nesting_depth(),
        deepest: 0,
    };
    walk.value(schema, 0).map_err(|reason| {
        RuleError::execution(format!("the Avro payload does not decode: {reason}"))
    })?;
    Ok(walk.deepest)
}

struct Walk<'a> {
    input: &'a [u8],
    names: &'a HashMap<String, Schema>,
    zero_width_items: usize,
    limit: usize,
    deepest: usize,
}

impl<'a> Walk<'a> {
    fn resolve(&self, schema: &'a Schema) -> &'a Schema {
        match schema {
            Schema::Ref { name } => self.names.get(&name.fullname(None)).unwrap_or(schema),
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
mod tests {
    use std::sync::Arc;

    use crate::registry::Schema as Registered;
    use crate::rules::message::RuleSchema;

    fn target(schema: &str) -> RuleSchema {
        RuleSchema::parse(Arc::new(Registered::avro(schema))).unwrap()
    }

    /// `RuleSchema::decode` on a thread with tokio's 2 MiB worker stack.
    fn decodes(target: RuleSchema, payload: Vec<u8>) -> Result<(), String> {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                target
                    .decode(&payload)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .unwrap()
            .join()
            .unwrap()
    }

    const LIST: &str = r#"{"type": "record", "name": "Node", "fields": [
        {"name": "next", "type": ["null", "Node"]}]}"#;

    /// A list of `n` nodes: each but the last takes branch 1 (zig-zag 2), the last null.
    fn list(n: usize) -> Vec<u8> {
        let mut payload = vec![2u8; n - 1];
        payload.push(0);
        payload
    }

    #[test]
    fn a_deep_recursive_payload_is_an_error_not_a_stack_overflow() {
        // 100 000 nodes in 100 KB: apache-avro alone aborts the process here.
        let error = decodes(target(LIST), list(100_000)).unwrap_err();
        assert!(error.contains("nested deeper than 128 levels"), "{error}");
        // A node is a record and a union: 64 nodes are 128 levels, the limit.
        // apache-avro's decoder takes about 50 KiB of stack per level in a debug build:
        // these run on a stack of their own (`avro_datum::on_deep_stack`).
        for n in [1, 6, 7, 20, 64] {
            decodes(target(LIST), list(n)).unwrap();
        }
        assert!(decodes(target(LIST), list(65)).is_err());
    }

    #[test]
    fn lengths_and_counts_past_the_input_are_errors_before_any_allocation() {
        let strings = target(r#"{"type": "array", "items": "string"}"#);
        // A string of 2^62 bytes, an array of 2^62 strings, in a few bytes each.
        for payload in [
            vec![2, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0],
            // count -2^62 (sized block) then a size.
            vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 2, 0],
        ] {
            let error = strings.decode(&payload).unwrap_err().to_string();
            assert!(error.contains("bytes left"), "{error}");
        }
        // A map of 88 million entries in 26 bytes (found by the `avro_splice` fuzz target:
        // apache-avro reserved 679 MB for it).
        let map = target(r#"{"type": "map", "values": "long"}"#);
        let error = map
            .decode(&[0xa0, 0xa0, 0xa0, 0x04, 0])
            .unwrap_err()
            .to_string();
        assert!(error.contains("a block of"), "{error}");
        // What fits decodes.
        assert!(strings.decode(&[4, 2, b'a', 0, 0]).is_ok());
        assert!(map.decode(&[2, 2, b'k', 6, 0]).is_ok());
    }

    #[test]
    fn items_that_take_no_bytes_are_bounded_by_count() {
        let nulls = target(r#"{"type": "array", "items": "null"}"#);
        // 1 000 nulls in three bytes: valid Avro.
        assert!(nulls.decode(&[0xd0, 0x0f, 0]).is_ok());
        // 2^20 of them: refused.
        let error = nulls
            .decode(&[0x80, 0x80, 0x80, 0x01, 0])
            .unwrap_err()
            .to_string();
        assert!(error.contains("take no bytes"), "{error}");
        // Nor can blocks add up past the limit.
        let block = [0x80, 0x80, 0x04]; // 2^15
        let mut payload = Vec::new();
        for _ in 0..3 {
            payload.extend(block);
        }
        payload.push(0);
        assert!(nulls.decode(&payload).is_err());
        assert!(nulls
            .decode(&[0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0])
            .is_ok());
    }
}
