//! Avro encode/decode of a realistic `Order` (3 line items), in one run:
//! - `streamhouse` — the code `#[derive(StreamSchema)]` generates, into a reused `Vec`;
//! - `hand_written` — an encoder and decoder written here for this one struct (the floor);
//! - `serde_avro_fast` — serde with a schema-driven serializer;
//! - `apache_avro` — `GenericDatumWriter::write_ser` (the serde path) and, for decoding,
//!   `GenericDatumReader::read_deser` and `read_value` + `from_value`.
//!
//! Run: `cargo bench --bench avro -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use criterion::{criterion_group, criterion_main, Criterion};
use serde::{Deserialize, Serialize};
use streamhouse_schema::{AvroDecode, AvroEncode, StreamSchema};

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
struct LineItem {
    sku: String,
    quantity: i32,
    /// Minor currency units.
    unit_price: i64,
}

#[derive(StreamSchema, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench")]
struct Order {
    id: i64,
    customer_id: String,
    /// Minor currency units.
    amount: i64,
    currency: String,
    #[serde(with = "micros")]
    created_at: chrono::DateTime<chrono::Utc>,
    note: Option<String>,
    items: Vec<LineItem>,
}

fn sample() -> Order {
    Order {
        id: 1_234_567_890,
        customer_id: "cust-0042-eu-west".to_string(),
        amount: 12_999,
        currency: "EUR".to_string(),
        created_at: chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456)
            .expect("valid timestamp"),
        note: Some("leave at the door".to_string()),
        items: vec![
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
        ],
    }
}

/// The same encoding written by hand for `Order`, with the same bounds checks as the
/// generated decoder: the floor any generic approach is measured against.
mod hand {
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

    #[inline]
    fn read_long(input: &mut &[u8]) -> Result<i64, Bad> {
        let mut z = 0u64;
        let mut shift = 0;
        loop {
            let (&b, rest) = input.split_first().ok_or(Bad)?;
            *input = rest;
            if shift > 63 {
                return Err(Bad);
            }
            z |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(((z >> 1) as i64) ^ -((z & 1) as i64));
            }
            shift += 7;
        }
    }

    #[inline]
    fn read_string(input: &mut &[u8]) -> Result<String, Bad> {
        let n = usize::try_from(read_long(input)?).map_err(|_| Bad)?;
        if n > input.len() {
            return Err(Bad);
        }
        let (s, rest) = input.split_at(n);
        *input = rest;
        std::str::from_utf8(s).map(str::to_owned).map_err(|_| Bad)
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

fn bench(c: &mut Criterion) {
    let order = sample();
    let schema = Order::avro_schema();
    let fast_schema: serde_avro_fast::Schema = Order::avro_schema_json()
        .parse()
        .expect("serde_avro_fast parses our schema");
    let apache_writer = GenericDatumWriter::builder(schema)
        .build()
        .expect("apache writer");
    let apache_reader = GenericDatumReader::builder(schema)
        .build()
        .expect("apache reader");

    // Every contender writes and reads the same bytes.
    let mut ours = Vec::new();
    order.encode_avro(&mut ours).expect("encodes");
    let mut by_hand = Vec::new();
    hand::encode(&order, &mut by_hand);
    assert_eq!(ours, by_hand, "hand-written encoder differs");
    let mut fast_config = serde_avro_fast::ser::SerializerConfig::new(&fast_schema);
    let fast = serde_avro_fast::to_datum(&order, Vec::new(), &mut fast_config).expect("fast");
    assert_eq!(ours, fast, "serde_avro_fast differs");
    let mut apache = Vec::new();
    apache_writer
        .write_ser(&mut apache, &order)
        .expect("apache write_ser");
    assert_eq!(ours, apache, "apache-avro differs");
    assert!(hand::decode(&ours).ok() == Some(order.clone()));
    println!("Order payload: {} bytes", ours.len());

    let mut g = c.benchmark_group("encode");
    let mut buf = Vec::with_capacity(256);
    g.bench_function("streamhouse", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&order).encode_avro(&mut buf).expect("encodes");
            black_box(buf.len())
        })
    });
    g.bench_function("hand_written", |b| {
        b.iter(|| {
            buf.clear();
            hand::encode(black_box(&order), &mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("serde_avro_fast", |b| {
        b.iter(|| {
            buf.clear();
            serde_avro_fast::to_datum(black_box(&order), &mut buf, &mut fast_config)
                .expect("encodes");
            black_box(buf.len())
        })
    });
    g.bench_function("apache_avro_write_ser", |b| {
        b.iter(|| {
            buf.clear();
            apache_writer
                .write_ser(&mut buf, black_box(&order))
                .expect("encodes");
            black_box(buf.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("decode");
    g.bench_function("streamhouse", |b| {
        b.iter(|| Order::decode_avro(&mut black_box(ours.as_slice())).expect("decodes"))
    });
    g.bench_function("hand_written", |b| {
        b.iter(|| {
            hand::decode(black_box(&ours))
                .ok()
                .expect("hand-written decodes")
        })
    });
    g.bench_function("serde_avro_fast", |b| {
        b.iter(|| {
            serde_avro_fast::from_datum_slice::<Order>(black_box(&ours), &fast_schema)
                .expect("decodes")
        })
    });
    g.bench_function("apache_avro_read_deser", |b| {
        b.iter(|| {
            apache_reader
                .read_deser::<Order>(&mut black_box(ours.as_slice()))
                .expect("decodes")
        })
    });
    g.bench_function("apache_avro_read_value_from_value", |b| {
        b.iter(|| {
            let v = apache_reader
                .read_value(&mut black_box(ours.as_slice()))
                .expect("reads");
            apache_avro::from_value::<Order>(&v).expect("decodes")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
