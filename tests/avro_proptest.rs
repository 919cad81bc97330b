//! Property tests of the generated Avro codec against `apache-avro`, on a wide derived type
//! that covers every row of the type mapping.
//!
//! For random values: our bytes equal what `apache-avro` writes for the same value and
//! schema, `apache-avro` reads our bytes back to that value, and our decoder round-trips.
//! Malformed input (random, truncated, lying length prefixes) is an error, never a panic.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use streamhouse_schema::{AvroDecode, AvroEncode, DecodeError, EncodeError, StreamSchema};

// ---------------------------------------------------------------------------------------
// The types
// ---------------------------------------------------------------------------------------

#[derive(StreamSchema, Debug, Clone, PartialEq)]
struct Inner {
    name: String,
    count: i32,
}

/// A recursive type through `Box`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
struct Node {
    value: i32,
    next: Option<Box<Node>>,
}

#[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
enum Status {
    New,
    #[stream_schema(default)]
    Unknown,
    Shipped,
}

/// A data enum with a unit variant: `["null", Circle, Square, Label]`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
enum Shape {
    Empty,
    Circle { radius: f64 },
    Square { side: i64, label: Option<String> },
    Label(String),
}

/// A data enum without a unit variant, so that `Option<Event>` is `["null", A, B]`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
enum Event {
    Created { id: i64 },
    Deleted { id: i64, reason: String },
}

/// A bare union of its variants' types.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(untagged)]
enum Scalar {
    Int(i32),
    Text(String),
    Raw(Vec<u8>),
}

/// A newtype is its inner type.
#[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
struct Meters(i64);

#[derive(StreamSchema, Debug, Clone, PartialEq)]
struct Envelope<T> {
    seq: i64,
    payload: T,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "prop.wide")]
struct Wide {
    flag: bool,
    tiny: i8,
    small: i16,
    int: i32,
    byte: u8,
    ushort: u16,
    long: i64,
    uint: u32,
    #[stream_schema(repr = "long")]
    u64_long: u64,
    #[stream_schema(repr = "fixed")]
    u64_fixed: u64,
    #[stream_schema(repr = "fixed")]
    u128_fixed: u128,
    #[stream_schema(repr = "fixed")]
    i128_fixed: i128,
    float: f32,
    double: f64,
    text: String,
    boxed_text: Box<str>,
    cow_text: Cow<'static, str>,
    blob: Vec<u8>,
    shared_blob: bytes::Bytes,
    digest: [u8; 16],
    maybe_int: Option<i32>,
    maybe_text: Option<String>,
    #[stream_schema(default = "\"none\"")]
    text_or_null: Option<String>,
    longs: Vec<i64>,
    queue: VecDeque<String>,
    set: BTreeSet<i32>,
    hash_map: HashMap<String, i64>,
    tree_map: BTreeMap<String, Inner>,
    inner: Inner,
    list: Node,
    status: Status,
    shape: Shape,
    maybe_event: Option<Event>,
    scalar: Scalar,
    maybe_scalar: Option<Scalar>,
    distance: Meters,
    envelope: Envelope<Inner>,
    id: uuid::Uuid,
    #[stream_schema(unit = "millis")]
    at_millis: DateTime<Utc>,
    at_micros: DateTime<Utc>,
    #[stream_schema(unit = "millis")]
    maybe_at: Option<DateTime<Utc>>,
    local: NaiveDateTime,
    day: NaiveDate,
    time_micros: NaiveTime,
    #[stream_schema(unit = "millis")]
    time_millis: NaiveTime,
    odt: time::OffsetDateTime,
    #[stream_schema(unit = "millis")]
    odt_millis: time::OffsetDateTime,
    pdt: time::PrimitiveDateTime,
    tdate: time::Date,
    ttime: time::Time,
    #[stream_schema(decimal(precision = 20, scale = 4))]
    amount: Decimal,
    #[stream_schema(decimal(precision = 18, scale = 2, fixed = "Dec9", size = 9))]
    fixed_amount: Decimal,
    #[stream_schema(repr = "long")]
    counters: Vec<u64>,
}

// ---------------------------------------------------------------------------------------
// The same values as apache-avro `Value`s, built independently of our encoder
// ---------------------------------------------------------------------------------------

fn record(fields: Vec<(&str, Value)>) -> Value {
    Value::Record(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn opt<T>(v: &Option<T>, f: impl Fn(&T) -> Value) -> Value {
    match v {
        None => Value::Union(0, Box::new(Value::Null)),
        Some(x) => Value::Union(1, Box::new(f(x))),
    }
}

fn inner_value(i: &Inner) -> Value {
    record(vec![
        ("name", Value::String(i.name.clone())),
        ("count", Value::Int(i.count)),
    ])
}

fn node_value(n: &Node) -> Value {
    record(vec![
        ("value", Value::Int(n.value)),
        ("next", opt(&n.next, |b| node_value(b))),
    ])
}

fn shape_value(s: &Shape) -> Value {
    let (i, v) = match s {
        Shape::Empty => (0, Value::Null),
        Shape::Circle { radius } => (1, record(vec![("radius", Value::Double(*radius))])),
        Shape::Square { side, label } => (
            2,
            record(vec![
                ("side", Value::Long(*side)),
                ("label", opt(label, |l| Value::String(l.clone()))),
            ]),
        ),
        Shape::Label(l) => (3, record(vec![("value", Value::String(l.clone()))])),
    };
    Value::Union(i, Box::new(v))
}

/// `Option<Event>`: the enum's branches are flattened after `null`.
fn maybe_event_value(e: &Option<Event>) -> Value {
    let (i, v) = match e {
        None => (0, Value::Null),
        Some(Event::Created { id }) => (1, record(vec![("id", Value::Long(*id))])),
        Some(Event::Deleted { id, reason }) => (
            2,
            record(vec![
                ("id", Value::Long(*id)),
                ("reason", Value::String(reason.clone())),
            ]),
        ),
    };
    Value::Union(i, Box::new(v))
}

fn scalar_branch(s: &Scalar) -> (u32, Value) {
    match s {
        Scalar::Int(i) => (0, Value::Int(*i)),
        Scalar::Text(t) => (1, Value::String(t.clone())),
        Scalar::Raw(b) => (2, Value::Bytes(b.clone())),
    }
}

/// The unscaled value of `d` at `scale`, as the fewest big-endian two's complement bytes
/// that hold its magnitude plus a sign bit (what Confluent's Python serializer writes).
fn decimal_bytes(d: &Decimal, scale: u32) -> Vec<u8> {
    let mut d = *d;
    d.rescale(scale);
    let unscaled = d.mantissa();
    let bits = 128 - unscaled.unsigned_abs().leading_zeros() as usize + 1;
    let len = bits.div_ceil(8);
    unscaled.to_be_bytes()[16 - len..].to_vec()
}

fn micros_of_day(t: &NaiveTime) -> i64 {
    use chrono::Timelike;
    i64::from(t.num_seconds_from_midnight()) * 1_000_000 + i64::from(t.nanosecond() / 1000)
}

fn time_micros_of_day(t: &time::Time) -> i64 {
    let (h, m, s, us) = t.as_hms_micro();
    ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(s)) * 1_000_000 + i64::from(us)
}

fn wide_value(w: &Wide) -> Value {
    let (scalar_i, scalar_v) = scalar_branch(&w.scalar);
    record(vec![
        ("flag", Value::Boolean(w.flag)),
        ("tiny", Value::Int(w.tiny.into())),
        ("small", Value::Int(w.small.into())),
        ("int", Value::Int(w.int)),
        ("byte", Value::Int(w.byte.into())),
        ("ushort", Value::Int(w.ushort.into())),
        ("long", Value::Long(w.long)),
        ("uint", Value::Long(w.uint.into())),
        ("u64_long", Value::Long(i64::try_from(w.u64_long).unwrap())),
        (
            "u64_fixed",
            Value::Fixed(8, w.u64_fixed.to_be_bytes().to_vec()),
        ),
        (
            "u128_fixed",
            Value::Fixed(16, w.u128_fixed.to_be_bytes().to_vec()),
        ),
        (
            "i128_fixed",
            Value::Fixed(16, w.i128_fixed.to_be_bytes().to_vec()),
        ),
        ("float", Value::Float(w.float)),
        ("double", Value::Double(w.double)),
        ("text", Value::String(w.text.clone())),
        ("boxed_text", Value::String(w.boxed_text.to_string())),
        ("cow_text", Value::String(w.cow_text.to_string())),
        ("blob", Value::Bytes(w.blob.clone())),
        ("shared_blob", Value::Bytes(w.shared_blob.to_vec())),
        ("digest", Value::Fixed(16, w.digest.to_vec())),
        ("maybe_int", opt(&w.maybe_int, |i| Value::Int(*i))),
        (
            "maybe_text",
            opt(&w.maybe_text, |s| Value::String(s.clone())),
        ),
        (
            "text_or_null",
            match &w.text_or_null {
                Some(s) => Value::Union(0, Box::new(Value::String(s.clone()))),
                None => Value::Union(1, Box::new(Value::Null)),
            },
        ),
        (
            "longs",
            Value::Array(w.longs.iter().map(|l| Value::Long(*l)).collect()),
        ),
        (
            "queue",
            Value::Array(w.queue.iter().map(|s| Value::String(s.clone())).collect()),
        ),
        (
            "set",
            Value::Array(w.set.iter().map(|i| Value::Int(*i)).collect()),
        ),
        (
            "hash_map",
            Value::Map(
                w.hash_map
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::Long(*v)))
                    .collect(),
            ),
        ),
        (
            "tree_map",
            Value::Map(
                w.tree_map
                    .iter()
                    .map(|(k, v)| (k.clone(), inner_value(v)))
                    .collect(),
            ),
        ),
        ("inner", inner_value(&w.inner)),
        ("list", node_value(&w.list)),
        (
            "status",
            Value::Enum(
                w.status as u32,
                ["New", "Unknown", "Shipped"][w.status as usize].to_string(),
            ),
        ),
        ("shape", shape_value(&w.shape)),
        ("maybe_event", maybe_event_value(&w.maybe_event)),
        ("scalar", Value::Union(scalar_i, Box::new(scalar_v))),
        (
            "maybe_scalar",
            match &w.maybe_scalar {
                None => Value::Union(0, Box::new(Value::Null)),
                Some(s) => {
                    let (i, v) = scalar_branch(s);
                    Value::Union(i + 1, Box::new(v))
                }
            },
        ),
        ("distance", Value::Long(w.distance.0)),
        (
            "envelope",
            record(vec![
                ("seq", Value::Long(w.envelope.seq)),
                ("payload", inner_value(&w.envelope.payload)),
            ]),
        ),
        ("id", Value::Uuid(w.id)),
        (
            "at_millis",
            Value::TimestampMillis(w.at_millis.timestamp_millis()),
        ),
        (
            "at_micros",
            Value::TimestampMicros(w.at_micros.timestamp_micros()),
        ),
        (
            "maybe_at",
            opt(&w.maybe_at, |t| {
                Value::TimestampMillis(t.timestamp_millis())
            }),
        ),
        (
            "local",
            Value::LocalTimestampMicros(w.local.and_utc().timestamp_micros()),
        ),
        (
            "day",
            Value::Date(
                (w.day - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
                    .num_days()
                    .try_into()
                    .unwrap(),
            ),
        ),
        (
            "time_micros",
            Value::TimeMicros(micros_of_day(&w.time_micros)),
        ),
        (
            "time_millis",
            Value::TimeMillis((micros_of_day(&w.time_millis) / 1000).try_into().unwrap()),
        ),
        (
            "odt",
            Value::TimestampMicros((w.odt.unix_timestamp_nanos() / 1000).try_into().unwrap()),
        ),
        (
            "odt_millis",
            Value::TimestampMillis(
                (w.odt_millis.unix_timestamp_nanos() / 1_000_000)
                    .try_into()
                    .unwrap(),
            ),
        ),
        (
            "pdt",
            Value::LocalTimestampMicros(
                (w.pdt.assume_utc().unix_timestamp_nanos() / 1000)
                    .try_into()
                    .unwrap(),
            ),
        ),
        ("tdate", Value::Date(w.tdate.to_julian_day() - 2_440_588)),
        ("ttime", Value::TimeMicros(time_micros_of_day(&w.ttime))),
        (
            "amount",
            Value::Decimal(apache_avro::Decimal::from(decimal_bytes(&w.amount, 4))),
        ),
        (
            "fixed_amount",
            Value::Decimal(apache_avro::Decimal::from(decimal_bytes(
                &w.fixed_amount,
                2,
            ))),
        ),
        (
            "counters",
            Value::Array(
                w.counters
                    .iter()
                    .map(|c| Value::Long(i64::try_from(*c).unwrap()))
                    .collect(),
            ),
        ),
    ])
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    // Any Unicode scalar values, including multi-byte ones.
    any::<String>().prop_map(|s| s.chars().take(12).collect())
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("NaN != NaN in Value comparisons", |x| !x.is_nan())
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("NaN != NaN in Value comparisons", |x| !x.is_nan())
}

fn inner() -> impl Strategy<Value = Inner> {
    (text(), any::<i32>()).prop_map(|(name, count)| Inner { name, count })
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = any::<i32>().prop_map(|value| Node { value, next: None });
    leaf.prop_recursive(6, 6, 1, |tail| {
        (any::<i32>(), tail).prop_map(|(value, n)| Node {
            value,
            next: Some(Box::new(n)),
        })
    })
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Empty),
        finite_f64().prop_map(|radius| Shape::Circle { radius }),
        (any::<i64>(), proptest::option::of(text()))
            .prop_map(|(side, label)| Shape::Square { side, label }),
        text().prop_map(Shape::Label),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        any::<i64>().prop_map(|id| Event::Created { id }),
        (any::<i64>(), text()).prop_map(|(id, reason)| Event::Deleted { id, reason }),
    ]
}

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        any::<i32>().prop_map(Scalar::Int),
        text().prop_map(Scalar::Text),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(Scalar::Raw),
    ]
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::New),
        Just(Status::Unknown),
        Just(Status::Shipped)
    ]
}

/// Instants chrono can hold, to the microsecond (about +-146,000 years).
fn datetime_micros() -> impl Strategy<Value = DateTime<Utc>> {
    (-(1i64 << 62)..(1i64 << 62)).prop_map(|us| DateTime::from_timestamp_micros(us).unwrap())
}

/// Whole milliseconds: a millisecond field drops sub-millisecond digits by design.
fn datetime_millis() -> impl Strategy<Value = DateTime<Utc>> {
    (-(1i64 << 52)..(1i64 << 52)).prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap())
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn naive_time_micros() -> impl Strategy<Value = NaiveTime> {
    (0..MICROS_PER_DAY).prop_map(|us| {
        NaiveTime::from_num_seconds_from_midnight_opt(
            (us / 1_000_000) as u32,
            (us % 1_000_000) as u32 * 1000,
        )
        .unwrap()
    })
}

fn naive_time_millis() -> impl Strategy<Value = NaiveTime> {
    (0..MICROS_PER_DAY / 1000).prop_map(|ms| {
        NaiveTime::from_num_seconds_from_midnight_opt(
            (ms / 1000) as u32,
            (ms % 1000) as u32 * 1_000_000,
        )
        .unwrap()
    })
}

fn naive_date() -> impl Strategy<Value = NaiveDate> {
    (-50_000_000i64..50_000_000).prop_map(|days| {
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days)
    })
}

/// Microseconds within the `time` crate's default range (years -9999..=9999).
fn time_micros() -> impl Strategy<Value = i64> {
    let lo = time::PrimitiveDateTime::MIN.assume_utc().unix_timestamp() * 1_000_000;
    let hi = time::PrimitiveDateTime::MAX.assume_utc().unix_timestamp() * 1_000_000;
    lo..hi
}

fn offset_datetime() -> impl Strategy<Value = time::OffsetDateTime> {
    time_micros().prop_map(|us| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000).unwrap()
    })
}

fn offset_datetime_millis() -> impl Strategy<Value = time::OffsetDateTime> {
    time_micros().prop_map(|us| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us / 1000) * 1_000_000).unwrap()
    })
}

fn time_of_day() -> impl Strategy<Value = time::Time> {
    (0..MICROS_PER_DAY).prop_map(|us| {
        let secs = us / 1_000_000;
        time::Time::from_hms_micro(
            (secs / 3600) as u8,
            ((secs / 60) % 60) as u8,
            (secs % 60) as u8,
            (us % 1_000_000) as u32,
        )
        .unwrap()
    })
}

fn time_date() -> impl Strategy<Value = time::Date> {
    (time::Date::MIN.to_julian_day()..=time::Date::MAX.to_julian_day())
        .prop_map(|j| time::Date::from_julian_day(j).unwrap())
}

/// A decimal with at most `scale` fractional digits (given at any own scale up to it) whose
/// unscaled value at `scale` stays below `10^precision`.
fn decimal(max_unscaled: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    (-max_unscaled..=max_unscaled, 0..=scale).prop_map(move |(m, own)| {
        // m is the unscaled value at `scale`; express it at scale `own` when exact.
        let f = 10i64.pow(scale - own);
        if m % f == 0 {
            Decimal::new(m / f, own)
        } else {
            Decimal::new(m, scale)
        }
    })
}

fn small_map<V: std::fmt::Debug>(
    v: impl Strategy<Value = V>,
) -> impl Strategy<Value = Vec<(String, V)>> {
    // At most one entry: apache-avro writes a map in HashMap order, so bytes can only be
    // compared when the order is unique (bigger maps are checked by `big_maps_...`).
    proptest::collection::vec((text(), v), 0..=1)
}

prop_compose! {
    fn numbers()(
        flag in any::<bool>(), tiny in any::<i8>(), small in any::<i16>(), int in any::<i32>(),
        byte in any::<u8>(), ushort in any::<u16>(), long in any::<i64>(), uint in any::<u32>(),
        u64_long in 0..=(i64::MAX as u64), u64_fixed in any::<u64>(),
        u128_fixed in any::<u128>(), i128_fixed in any::<i128>(),
    ) -> (bool, i8, i16, i32, u8, u16, i64, u32, u64, u64, u128, i128) {
        (flag, tiny, small, int, byte, ushort, long, uint, u64_long, u64_fixed, u128_fixed, i128_fixed)
    }
}

prop_compose! {
    fn texts()(
        float in finite_f32(), double in finite_f64(), text in text(), boxed in text(),
        cow in text(), blob in proptest::collection::vec(any::<u8>(), 0..24),
        shared in proptest::collection::vec(any::<u8>(), 0..24), digest in any::<[u8; 16]>(),
    ) -> (f32, f64, String, String, String, Vec<u8>, Vec<u8>, [u8; 16]) {
        (float, double, text, boxed, cow, blob, shared, digest)
    }
}

prop_compose! {
    fn containers()(
        maybe_int in proptest::option::of(any::<i32>()),
        maybe_text in proptest::option::of(text()),
        text_or_null in proptest::option::of(text()),
        longs in proptest::collection::vec(any::<i64>(), 0..6),
        queue in proptest::collection::vec_deque(text(), 0..4),
        set in proptest::collection::btree_set(any::<i32>(), 0..6),
        hash_map in small_map(any::<i64>()),
        tree_map in small_map(inner()),
        counters in proptest::collection::vec(0..=(i64::MAX as u64), 0..4),
    ) -> (Option<i32>, Option<String>, Option<String>, Vec<i64>, VecDeque<String>, BTreeSet<i32>,
          Vec<(String, i64)>, Vec<(String, Inner)>, Vec<u64>) {
        (maybe_int, maybe_text, text_or_null, longs, queue, set, hash_map, tree_map, counters)
    }
}

prop_compose! {
    fn nested()(
        inner in inner(), list in node(), status in status(), shape in shape(),
        maybe_event in proptest::option::of(event()), scalar in scalar(),
        maybe_scalar in proptest::option::of(scalar()), distance in any::<i64>(),
        seq in any::<i64>(), payload in inner(), id in any::<u128>(),
    ) -> (Inner, Node, Status, Shape, Option<Event>, Scalar, Option<Scalar>, Meters, Envelope<Inner>, uuid::Uuid) {
        (inner, list, status, shape, maybe_event, scalar, maybe_scalar, Meters(distance),
         Envelope { seq, payload }, uuid::Uuid::from_u128(id))
    }
}

prop_compose! {
    fn temporal()(
        at_millis in datetime_millis(), at_micros in datetime_micros(),
        maybe_at in proptest::option::of(datetime_millis()), local in datetime_micros(),
        day in naive_date(), time_micros in naive_time_micros(), time_millis in naive_time_millis(),
        odt in offset_datetime(), odt_millis in offset_datetime_millis(), pdt in offset_datetime(),
        tdate in time_date(), ttime in time_of_day(),
    ) -> (DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>, NaiveDateTime, NaiveDate, NaiveTime,
          NaiveTime, time::OffsetDateTime, time::OffsetDateTime, time::PrimitiveDateTime, time::Date, time::Time) {
        (at_millis, at_micros, maybe_at, local.naive_utc(), day, time_micros, time_millis, odt,
         odt_millis, time::PrimitiveDateTime::new(pdt.date(), pdt.time()), tdate, ttime)
    }
}

prop_compose! {
    fn wide()(
        n in numbers(), t in texts(), c in containers(), x in nested(), tm in temporal(),
        amount in decimal(999_999_999_999_999_999, 4),
        fixed_amount in decimal(999_999_999_999_999_999, 2),
    ) -> Wide {
        Wide {
            flag: n.0, tiny: n.1, small: n.2, int: n.3, byte: n.4, ushort: n.5, long: n.6,
            uint: n.7, u64_long: n.8, u64_fixed: n.9, u128_fixed: n.10, i128_fixed: n.11,
            float: t.0, double: t.1, text: t.2, boxed_text: t.3.into(), cow_text: Cow::Owned(t.4),
            blob: t.5, shared_blob: t.6.into(), digest: t.7,
            maybe_int: c.0, maybe_text: c.1, text_or_null: c.2, longs: c.3, queue: c.4, set: c.5,
            hash_map: c.6.into_iter().collect(), tree_map: c.7.into_iter().collect(), counters: c.8,
            inner: x.0, list: x.1, status: x.2, shape: x.3, maybe_event: x.4, scalar: x.5,
            maybe_scalar: x.6, distance: x.7, envelope: x.8, id: x.9,
            at_millis: tm.0, at_micros: tm.1, maybe_at: tm.2, local: tm.3, day: tm.4,
            time_micros: tm.5, time_millis: tm.6, odt: tm.7, odt_millis: tm.8, pdt: tm.9,
            tdate: tm.10, ttime: tm.11,
            amount, fixed_amount,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn ours<T: AvroEncode>(v: &T) -> Vec<u8> {
    let mut buf = Vec::new();
    v.encode_avro(&mut buf).expect("encodes");
    buf
}

fn apache_write(schema: &Schema, v: Value) -> Vec<u8> {
    GenericDatumWriter::builder(schema)
        .build()
        .expect("writer")
        .write_value_to_vec(v)
        .expect("apache-avro writes the value")
}

fn apache_read(schema: &Schema, bytes: &[u8]) -> Value {
    let mut input = bytes;
    let v = GenericDatumReader::builder(schema)
        .build()
        .expect("reader")
        .read_value(&mut input)
        .expect("apache-avro reads our bytes");
    assert!(input.is_empty(), "apache-avro left {} bytes", input.len());
    v
}

/// Decodes the whole input, failing on trailing bytes.
fn decode_all<T: AvroDecode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut input = bytes;
    let v = T::decode_avro(&mut input)?;
    assert!(input.is_empty(), "{} trailing bytes", input.len());
    Ok(v)
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn wide_values_match_apache_avro_byte_for_byte(w in wide()) {
        let schema = Wide::avro_schema();
        let value = wide_value(&w);
        let bytes = ours(&w);
        prop_assert_eq!(&bytes, &apache_write(schema, value.clone()));
        prop_assert_eq!(apache_read(schema, &bytes), value);
        prop_assert_eq!(decode_all::<Wide>(&bytes).expect("decodes"), w);
    }

    #[test]
    fn big_maps_read_the_same_both_ways(
        entries in proptest::collection::hash_map(text(), any::<i64>(), 0..20),
    ) {
        #[derive(StreamSchema, Debug, PartialEq)]
        struct Maps {
            hash: HashMap<String, i64>,
            tree: BTreeMap<String, i64>,
        }
        let m = Maps { hash: entries.clone(), tree: entries.clone().into_iter().collect() };
        let map = Value::Map(entries.iter().map(|(k, v)| (k.clone(), Value::Long(*v))).collect());
        let value = record(vec![("hash", map.clone()), ("tree", map)]);
        let schema = Maps::avro_schema();
        // Map order differs between writers: compare values, not bytes.
        prop_assert_eq!(apache_read(schema, &ours(&m)), value.clone());
        prop_assert_eq!(decode_all::<Maps>(&apache_write(schema, value)).expect("decodes"), m);
    }

    #[test]
    fn random_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        // Ok or Err, never a panic, a hang or a huge allocation.
        let _ = Wide::decode_value(&bytes);
        let _ = Node::decode_value(&bytes);
        let _ = Shape::decode_value(&bytes);
    }

    #[test]
    fn every_truncation_of_a_valid_encoding_is_an_error(w in wide()) {
        // Decoding reads the same bytes in the same order, and a full decode consumes them
        // all: any strict prefix must run out.
        let bytes = ours(&w);
        for len in 0..bytes.len() {
            prop_assert!(Wide::decode_value(&bytes[..len]).is_err(), "prefix of {} bytes decoded", len);
        }
    }

    #[test]
    fn flipped_bytes_decode_or_fail_without_panicking(w in wide(), at in any::<prop::sample::Index>(), x in 1..=255u8) {
        let mut bytes = ours(&w);
        let i = at.index(bytes.len());
        bytes[i] ^= x;
        let _ = Wide::decode_value(&bytes);
    }
}

// ---------------------------------------------------------------------------------------
// Fixed cases
// ---------------------------------------------------------------------------------------

#[test]
fn every_generated_schema_parses_with_apache_avro() {
    let schemas = [
        Wide::avro_schema_json(),
        Inner::avro_schema_json(),
        Node::avro_schema_json(),
        Status::avro_schema_json(),
        Shape::avro_schema_json(),
        Event::avro_schema_json(),
        Scalar::avro_schema_json(),
        Meters::avro_schema_json(),
        Envelope::<Inner>::avro_schema_json(),
        Envelope::<i64>::avro_schema_json(),
    ];
    for json in schemas {
        let parsed = Schema::parse_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert!(!parsed.canonical_form().is_empty());
    }
    assert_eq!(Meters::avro_schema_json(), "\"long\"");
    assert_eq!(
        Node::avro_canonical_form(),
        r#"{"name":"Node","type":"record","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}"#
    );
}

#[test]
fn generic_instantiations_get_stable_distinct_names() {
    assert_eq!(Envelope::<Inner>::full_name(), "Envelope_Inner");
    assert_eq!(Envelope::<i64>::full_name(), "Envelope_long");
    assert_eq!(Envelope::<Vec<Inner>>::full_name(), "Envelope_array_Inner");
    assert_ne!(
        Envelope::<Inner>::avro_fingerprint(),
        Envelope::<i64>::avro_fingerprint()
    );
    // Nested in Wide, the instantiation is defined in Wide's namespace.
    assert!(Wide::avro_schema_json().contains(r#""name":"Envelope_Inner""#));
}

#[test]
fn nan_and_infinities_are_written_bit_for_bit() {
    #[derive(StreamSchema, Debug)]
    struct Floats {
        f: f32,
        d: f64,
    }
    let schema = Floats::avro_schema();
    for (f, d) in [
        (f32::NAN, f64::NAN),
        (
            f32::from_bits(0x7fa0_0001),
            f64::from_bits(0x7ff4_0000_0000_0001),
        ),
        (-f32::NAN, -f64::NAN),
        (f32::INFINITY, f64::NEG_INFINITY),
        (-0.0, -0.0),
    ] {
        let v = Floats { f, d };
        let bytes = ours(&v);
        let theirs = apache_write(
            schema,
            record(vec![("f", Value::Float(f)), ("d", Value::Double(d))]),
        );
        assert_eq!(bytes, theirs);
        let back: Floats = decode_all(&bytes).unwrap();
        assert_eq!(back.f.to_bits(), f.to_bits());
        assert_eq!(back.d.to_bits(), d.to_bits());
    }
}

#[test]
fn a_length_prefix_larger_than_the_input_is_an_error() {
    // "text" says 5 bytes (zigzag 10) but only one follows.
    let mut short: &[u8] = &[0x0a, b'a'];
    assert_eq!(
        String::decode_avro(&mut short),
        Err(DecodeError::InvalidLength {
            len: 5,
            remaining: 1
        })
    );
    // A bytes field claiming 2^40 bytes: refused before allocating.
    let mut huge = Vec::new();
    streamhouse_schema::__private::varint::write_long(&mut huge, 1 << 40);
    assert!(matches!(
        Vec::<u8>::decode_avro(&mut huge.as_slice()),
        Err(DecodeError::InvalidLength { .. })
    ));
    // An array block claiming more items than bytes remain.
    let mut many = Vec::new();
    streamhouse_schema::__private::varint::write_long(&mut many, 1 << 40);
    many.push(0);
    assert_eq!(
        Vec::<i64>::decode_avro(&mut many.as_slice()),
        Err(DecodeError::InvalidCount { count: 1 << 40 })
    );
    // Inside a record the error names the field.
    let err = Inner::decode_value(&[0x0a, b'a']).unwrap_err();
    assert_eq!(
        err,
        DecodeError::InvalidLength {
            len: 5,
            remaining: 1
        }
        .in_field("Inner.name")
    );
}

#[test]
fn u64_with_repr_long_refuses_values_above_i64_max() {
    #[derive(StreamSchema, Debug, PartialEq)]
    struct Counter {
        #[stream_schema(repr = "long")]
        total: u64,
    }
    assert_eq!(
        ours(&Counter {
            total: i64::MAX as u64
        }),
        ours(&i64::MAX)
    );
    let err = Counter { total: u64::MAX }
        .encode_avro(&mut Vec::new())
        .unwrap_err();
    assert_eq!(
        err,
        EncodeError::IntOverflow {
            value: u64::MAX.to_string(),
            target: "long"
        }
        .in_field("Counter.total")
    );
    // A negative long cannot be a u64.
    let err = Counter::decode_value(&ours(&-1i64)).unwrap_err();
    assert_eq!(
        err,
        DecodeError::IntOutOfRange {
            value: -1,
            target: "u64"
        }
        .in_field("Counter.total")
    );
}
