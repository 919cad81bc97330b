//! The `Order` the Avro benchmarks measure, and the same encoding written by hand for it:
//! shared by `benches/avro.rs` (criterion) and `examples/codec_instructions.rs` (instruction
//! counts under callgrind), so both measure exactly the same code.

use serde::{Deserialize, Serialize};
use streamhouse_schema::StreamSchema;

/// Timestamps go through serde as their `timestamp-micros` number, as Avro stores them.
mod micros {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(t.timestamp_micros())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let v = i64::deserialize(d)?;
        DateTime::from_timestamp_micros(v)
            .ok_or_else(|| serde::de::Error::custom("timestamp out of range"))
    }
}

#[derive(StreamSchema, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench")]
pub struct LineItem {
    pub sku: String,
    pub quantity: i32,
    /// Minor currency units.
    pub unit_price: i64,
}

#[derive(StreamSchema, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench", topic = "orders")]
pub struct Order {
    pub id: i64,
    pub customer_id: String,
    /// Minor currency units.
    pub amount: i64,
    pub currency: String,
    #[serde(with = "micros")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    pub items: Vec<LineItem>,
}

/// The same order borrowing its strings from the input (zero-copy decode): the same
/// schema, read through `AvroBorrowDecode` instead of allocating a `String` per string.
pub mod borrowed {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "LineItem", namespace = "bench")]
    pub struct LineItem<'a> {
        pub sku: &'a str,
        pub quantity: i32,
        /// Minor currency units.
        pub unit_price: i64,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "bench")]
    pub struct Order<'a> {
        pub id: i64,
        pub customer_id: &'a str,
        /// Minor currency units.
        pub amount: i64,
        pub currency: &'a str,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub note: Option<&'a str>,
        pub items: Vec<LineItem<'a>>,
    }

    /// Whether `b` holds the values of `o`.
    pub fn same(b: &Order<'_>, o: &super::Order) -> bool {
        b.id == o.id
            && b.customer_id == o.customer_id
            && b.amount == o.amount
            && b.currency == o.currency
            && b.created_at == o.created_at
            && b.note == o.note.as_deref()
            && b.items.len() == o.items.len()
            && b.items.iter().zip(&o.items).all(|(b, o)| {
                b.sku == o.sku && b.quantity == o.quantity && b.unit_price == o.unit_price
            })
    }
}

/// A realistic order: 108 bytes of Avro.
pub fn sample() -> Order {
    sample_with_items(3)
}

/// The sample order with `n` line items (the first three of [`sample`], repeated).
pub fn sample_with_items(n: usize) -> Order {
    Order {
        id: 1_234_567_890,
        customer_id: "cust-0042-eu-west".to_string(),
        amount: 12_999,
        currency: "EUR".to_string(),
        created_at: chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456)
            .expect("valid timestamp"),
        note: Some("leave at the door".to_string()),
        items: [
            LineItem {
                sku: "SKU-RED-MUG".to_string(),
                quantity: 2,
                unit_price: 1_499,
            },
            LineItem {
                sku: "SKU-BLUE-PLATE".to_string(),
                quantity: 1,
                unit_price: 4_999,
            },
            LineItem {
                sku: "SKU-TEA-250G".to_string(),
                quantity: 3,
                unit_price: 1_667,
            },
        ]
        .into_iter()
        .cycle()
        .take(n)
        .collect(),
    }
}

/// The same encoding written by hand for `Order`, with the same bounds checks as the
/// generated decoder: the floor any generic approach is measured against.
pub mod hand {
    use super::{LineItem, Order};

    #[inline]
    fn long(buf: &mut Vec<u8>, v: i64) {
        let mut z = ((v << 1) ^ (v >> 63)) as u64;
        while z >= 0x80 {
            buf.push((z as u8) | 0x80);
            z >>= 7;
        }
        buf.push(z as u8);
    }

    #[inline]
    fn string(buf: &mut Vec<u8>, s: &str) {
        long(buf, s.len() as i64);
        buf.extend_from_slice(s.as_bytes());
    }

    pub fn encode(o: &Order, buf: &mut Vec<u8>) {
        long(buf, o.id);
        string(buf, &o.customer_id);
        long(buf, o.amount);
        string(buf, &o.currency);
        long(buf, o.created_at.timestamp_micros());
        match &o.note {
            None => buf.push(0),
            Some(n) => {
                buf.push(2);
                string(buf, n);
            }
        }
        if !o.items.is_empty() {
            long(buf, o.items.len() as i64);
            for i in &o.items {
                string(buf, &i.sku);
                long(buf, i64::from(i.quantity));
                long(buf, i.unit_price);
            }
        }
        buf.push(0);
    }

    pub struct Bad;

    /// A zigzag `long`, inlined at every call site with the one-byte case first: lengths,
    /// counts, branch indexes and small numbers are one byte. The cursor is the caller's
    /// local, so it stays in registers.
    #[inline(always)]
    fn read_long(input: &mut &[u8]) -> Result<i64, Bad> {
        let z = match input.first() {
            Some(&b) if b < 0x80 => {
                *input = &input[1..];
                u64::from(b)
            }
            _ => read_long_bytes(input)?,
        };
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    /// The bytes of a varint of any length (at most 10, the last at most `0x01`).
    #[inline(always)]
    fn read_long_bytes(input: &mut &[u8]) -> Result<u64, Bad> {
        let mut z = 0u64;
        for (i, &b) in input.iter().enumerate().take(10) {
            z |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if i == 9 && b > 1 {
                    return Err(Bad);
                }
                *input = &input[i + 1..];
                return Ok(z);
            }
        }
        Err(Bad)
    }

    #[inline(always)]
    fn read_string(input: &mut &[u8]) -> Result<String, Bad> {
        let n = usize::try_from(read_long(input)?).map_err(|_| Bad)?;
        if n > input.len() {
            return Err(Bad);
        }
        let (s, rest) = input.split_at(n);
        *input = rest;
        Ok(String::from(std::str::from_utf8(s).map_err(|_| Bad)?))
    }

    pub fn decode(mut input: &[u8]) -> Result<Order, Bad> {
        let input = &mut input;
        let id = read_long(input)?;
        let customer_id = read_string(input)?;
        let amount = read_long(input)?;
        let currency = read_string(input)?;
        let created_at = chrono::DateTime::from_timestamp_micros(read_long(input)?).ok_or(Bad)?;
        let note = match read_long(input)? {
            0 => None,
            1 => Some(read_string(input)?),
            _ => return Err(Bad),
        };
        let mut items = Vec::new();
        loop {
            let n = read_long(input)?;
            if n == 0 {
                break;
            }
            let n = usize::try_from(n).map_err(|_| Bad)?;
            if n > input.len() {
                return Err(Bad);
            }
            items.reserve(n);
            for _ in 0..n {
                items.push(LineItem {
                    sku: read_string(input)?,
                    quantity: i32::try_from(read_long(input)?).map_err(|_| Bad)?,
                    unit_price: read_long(input)?,
                });
            }
        }
        Ok(Order {
            id,
            customer_id,
            amount,
            currency,
            created_at,
            note,
            items,
        })
    }
}

/// The next version of the order, for reading v1 bytes through schema resolution: a field
/// added with a default and `quantity` widened from `int` to `long`.
pub mod v2 {
    use streamhouse_schema::StreamSchema;

    /// An order line, v2.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "LineItem", namespace = "bench")]
    pub struct LineItem {
        pub sku: String,
        pub quantity: i64,
        pub unit_price: i64,
    }

    /// An order, v2.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "bench")]
    pub struct Order {
        pub id: i64,
        pub customer_id: String,
        pub amount: i64,
        pub currency: String,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub note: Option<String>,
        pub items: Vec<LineItem>,
        #[stream_schema(default = "\"web\"")]
        pub channel: String,
    }
}
