//! The derived types the codec targets decode into: one wide record that uses every kind of
//! field the derive supports in all three formats, and two recursive types.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use streamhouse_schema::StreamSchema;
use uuid::Uuid;

// Maps are BTreeMaps so that encoding a value twice gives the same bytes (the targets
// compare re-encodings; a HashMap iterates in a per-instance order).

/// A Protobuf-style unit enum (value 0 first).
#[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub enum Color {
    /// Protobuf's zero value.
    Unspecified = 0,
    /// A colour.
    Red = 1,
    /// Another colour.
    Green = 2,
}

/// A nested record.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub struct Inner {
    /// A string.
    #[stream_schema(tag = 1)]
    pub name: String,
    /// A unit enum.
    #[stream_schema(tag = 2)]
    pub color: Color,
}

/// A data enum with a unit, a struct and a newtype variant.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub enum Shape {
    /// No data (Avro `null`).
    #[stream_schema(tag = 1)]
    Empty,
    /// A struct variant.
    #[stream_schema(tag = 2)]
    Circle {
        /// A double.
        #[stream_schema(tag = 1)]
        radius: f64,
        /// An optional string.
        #[stream_schema(tag = 2)]
        label: Option<String>,
    },
    /// A newtype variant.
    #[stream_schema(tag = 3)]
    Square(i32),
}

/// A data enum without a unit variant, so that it can be optional.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub enum Payment {
    /// A string member.
    #[stream_schema(tag = 20)]
    Card(String),
    /// A long member.
    #[stream_schema(tag = 21)]
    Account(i64),
    /// A record member.
    #[stream_schema(tag = 22)]
    Voucher(Inner),
}

/// The wide record: scalars, strings, bytes, options, nested records, arrays, maps, unit
/// and data enums, timestamps, dates, times, a UUID and decimals (bytes and fixed).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub struct Wide {
    /// A string.
    #[stream_schema(tag = 1)]
    pub id: String,
    /// A boolean.
    #[stream_schema(tag = 2)]
    pub flag: bool,
    /// An `i16` (Avro `int`, range-checked on decode).
    #[stream_schema(tag = 3)]
    pub small: i16,
    /// An `i32`.
    #[stream_schema(tag = 4)]
    pub count: i32,
    /// An `i64` as Protobuf `sint64`.
    #[stream_schema(tag = 5, proto = "sint64")]
    pub big: i64,
    /// A `u32` (Avro `long`).
    #[stream_schema(tag = 6)]
    pub unsigned: u32,
    /// A double.
    #[stream_schema(tag = 7)]
    pub ratio: f64,
    /// A float.
    #[stream_schema(tag = 8)]
    pub single: f32,
    /// Bytes.
    #[stream_schema(tag = 9)]
    pub raw: Vec<u8>,
    /// An optional string.
    #[stream_schema(tag = 10)]
    pub note: Option<String>,
    /// A nested record.
    #[stream_schema(tag = 11)]
    pub inner: Inner,
    /// An optional nested record.
    #[stream_schema(tag = 12)]
    pub maybe_inner: Option<Inner>,
    /// An array of records.
    #[stream_schema(tag = 13)]
    pub items: Vec<Inner>,
    /// An array of longs.
    #[stream_schema(tag = 14)]
    pub longs: Vec<i64>,
    /// A map of longs.
    #[stream_schema(tag = 15)]
    pub counts: BTreeMap<String, i64>,
    /// A map of records.
    #[stream_schema(tag = 16)]
    pub by_name: BTreeMap<String, Inner>,
    /// A unit enum.
    #[stream_schema(tag = 17)]
    pub color: Color,
    /// An array of unit enums.
    #[stream_schema(tag = 18)]
    pub colors: Vec<Color>,
    /// A data enum.
    #[stream_schema(tag = 19)]
    pub shape: Shape,
    /// An array of data enums.
    #[stream_schema(tag = 20)]
    pub shapes: Vec<Shape>,
    /// An optional data enum.
    #[stream_schema(tag = 21)]
    pub payment: Option<Payment>,
    /// A timestamp in microseconds.
    #[stream_schema(tag = 22)]
    pub at: DateTime<Utc>,
    /// A timestamp in milliseconds.
    #[stream_schema(tag = 23, unit = "millis")]
    pub at_ms: DateTime<Utc>,
    /// A date.
    #[stream_schema(tag = 24)]
    pub day: NaiveDate,
    /// A time of day.
    #[stream_schema(tag = 25)]
    pub time: NaiveTime,
    /// A local timestamp.
    #[stream_schema(tag = 26)]
    pub local: NaiveDateTime,
    /// An optional timestamp.
    #[stream_schema(tag = 27)]
    pub maybe_at: Option<DateTime<Utc>>,
    /// A UUID.
    #[stream_schema(tag = 28)]
    pub uuid: Uuid,
    /// A decimal as Avro `bytes`.
    #[stream_schema(tag = 29, decimal(precision = 12, scale = 2))]
    pub total: Decimal,
    /// A decimal as Avro `fixed`.
    #[stream_schema(tag = 30, decimal(precision = 18, scale = 4, fixed = "Dec8", size = 8))]
    pub fixed_total: Decimal,
    /// An optional decimal.
    #[stream_schema(tag = 31, decimal(precision = 9, scale = 3))]
    pub discount: Option<Decimal>,
}

/// A recursive record: children in an array and a link in an option.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub struct Tree {
    /// A label.
    #[stream_schema(tag = 1)]
    pub label: String,
    /// Subtrees.
    #[stream_schema(tag = 2)]
    pub children: Vec<Tree>,
    /// An optional subtree.
    #[stream_schema(tag = 3)]
    pub link: Option<Box<Tree>>,
}

/// A recursive data enum.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub enum Expr {
    /// A leaf.
    #[stream_schema(tag = 1)]
    Lit(i64),
    /// Two subexpressions.
    #[stream_schema(tag = 2)]
    Add {
        /// The left one.
        #[stream_schema(tag = 1)]
        left: Box<Expr>,
        /// The right one.
        #[stream_schema(tag = 2)]
        right: Box<Expr>,
    },
    /// One subexpression.
    #[stream_schema(tag = 3)]
    Neg(Box<Expr>),
}

/// A borrowing record (zero-copy decode): every borrowed field type, nested borrowing
/// records, a borrowing data enum in an option and a boxed self-reference. Avro reads it
/// as is; JSON reads [`BorrowedJson`], the same without `&[u8]` (base64 is never
/// borrowed).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz")]
pub struct Borrowed<'a> {
    /// A borrowed string.
    pub name: &'a str,
    /// Borrowed bytes.
    pub raw: &'a [u8],
    /// A string that may be owned.
    pub text: std::borrow::Cow<'a, str>,
    /// Bytes that may be owned.
    pub blob: std::borrow::Cow<'a, [u8]>,
    /// An optional borrowed string.
    pub note: Option<&'a str>,
    /// Borrowed strings.
    pub tags: Vec<&'a str>,
    /// Nested borrowing records.
    pub parts: Vec<BorrowedPart<'a>>,
    /// A borrowing data enum in an option (a union with its variants flattened).
    pub pick: Option<BorrowedPick<'a>>,
    /// A borrowing self-reference.
    pub next: Option<Box<Borrowed<'a>>>,
    /// An owned field beside the borrowed ones.
    pub count: i64,
}

/// A part of a [`Borrowed`].
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz")]
pub struct BorrowedPart<'a> {
    /// A borrowed key.
    pub key: &'a str,
    /// A value.
    pub value: i32,
}

/// A borrowing data enum.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz")]
pub enum BorrowedPick<'a> {
    /// A borrowed word.
    Word {
        /// The word.
        word: &'a str,
    },
    /// A number.
    Number {
        /// The number.
        n: i64,
    },
}

/// [`Borrowed`] for JSON: the same fields except `raw`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz")]
pub struct BorrowedJson<'a> {
    /// A borrowed string (refused when escaped).
    pub name: &'a str,
    /// A string borrowed when it has no escapes.
    pub text: std::borrow::Cow<'a, str>,
    /// Base64 bytes.
    pub blob: std::borrow::Cow<'a, [u8]>,
    /// An optional borrowed string.
    pub note: Option<&'a str>,
    /// Borrowed strings.
    pub tags: Vec<&'a str>,
    /// Nested borrowing records.
    pub parts: Vec<BorrowedPart<'a>>,
    /// A borrowing data enum in an option.
    pub pick: Option<BorrowedPick<'a>>,
    /// A borrowing self-reference.
    pub next: Option<Box<BorrowedJson<'a>>>,
    /// An owned field beside the borrowed ones.
    pub count: i64,
}

/// A borrowing Protobuf message (zero-copy decode): every borrowed field type (plain,
/// optional, repeated), owned fields beside them and a repeated self-reference. The
/// `decode_proto` target reads every payload into it and into [`ProtoTwin`], its owned
/// twin (same tags), and checks that both decoders agree.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub struct BorrowedProto<'a> {
    /// A borrowed string.
    #[stream_schema(tag = 1)]
    pub name: &'a str,
    /// Borrowed bytes.
    #[stream_schema(tag = 2)]
    pub raw: &'a [u8],
    /// A borrowed string in a `Cow`.
    #[stream_schema(tag = 3)]
    pub text: std::borrow::Cow<'a, str>,
    /// Borrowed bytes in a `Cow`.
    #[stream_schema(tag = 4)]
    pub blob: std::borrow::Cow<'a, [u8]>,
    /// An optional borrowed string.
    #[stream_schema(tag = 5)]
    pub note: Option<&'a str>,
    /// Borrowed strings.
    #[stream_schema(tag = 6)]
    pub tags: Vec<&'a str>,
    /// An owned long beside the borrowed fields.
    #[stream_schema(tag = 7)]
    pub count: i64,
    /// Packed longs.
    #[stream_schema(tag = 8)]
    pub longs: Vec<i64>,
    /// A unit enum.
    #[stream_schema(tag = 9)]
    pub color: Color,
    /// An owned nested message.
    #[stream_schema(tag = 10)]
    pub inner: Option<Inner>,
    /// Nested borrowing messages.
    #[stream_schema(tag = 11)]
    pub children: Vec<BorrowedProto<'a>>,
}

/// The owned twin of [`BorrowedProto`]: the same tags, owned types.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub struct ProtoTwin {
    /// A string.
    #[stream_schema(tag = 1)]
    pub name: String,
    /// Bytes.
    #[stream_schema(tag = 2)]
    pub raw: Vec<u8>,
    /// A string.
    #[stream_schema(tag = 3)]
    pub text: String,
    /// Bytes.
    #[stream_schema(tag = 4)]
    pub blob: Vec<u8>,
    /// An optional string.
    #[stream_schema(tag = 5)]
    pub note: Option<String>,
    /// Strings.
    #[stream_schema(tag = 6)]
    pub tags: Vec<String>,
    /// A long.
    #[stream_schema(tag = 7)]
    pub count: i64,
    /// Packed longs.
    #[stream_schema(tag = 8)]
    pub longs: Vec<i64>,
    /// A unit enum.
    #[stream_schema(tag = 9)]
    pub color: Color,
    /// A nested message.
    #[stream_schema(tag = 10)]
    pub inner: Option<Inner>,
    /// Nested messages.
    #[stream_schema(tag = 11)]
    pub children: Vec<ProtoTwin>,
}

impl BorrowedProto<'_> {
    /// The owned value with the same contents.
    pub fn to_twin(&self) -> ProtoTwin {
        ProtoTwin {
            name: self.name.to_owned(),
            raw: self.raw.to_vec(),
            text: self.text.to_string(),
            blob: self.blob.to_vec(),
            note: self.note.map(str::to_owned),
            tags: self.tags.iter().map(|t| (*t).to_owned()).collect(),
            count: self.count,
            longs: self.longs.clone(),
            color: self.color,
            inner: self.inner.clone(),
            children: self.children.iter().map(BorrowedProto::to_twin).collect(),
        }
    }
}

/// Owned `bytes::Bytes` fields in every position a frame can be sliced into: decoded from a
/// `Bytes` frame inside `codec::frame::sliced_from`, Avro and Protobuf make each one a slice
/// of the frame instead of a copy.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "fuzz", protobuf)]
pub struct Sliced {
    /// Bytes.
    #[stream_schema(tag = 1)]
    pub data: bytes::Bytes,
    /// Optional bytes.
    #[stream_schema(tag = 2)]
    pub maybe: Option<bytes::Bytes>,
    /// A list of bytes.
    #[stream_schema(tag = 3)]
    pub chunks: Vec<bytes::Bytes>,
    /// A long beside them.
    #[stream_schema(tag = 4)]
    pub count: i64,
    /// A self-reference, so that slices are taken at depth too.
    #[stream_schema(tag = 5)]
    pub next: Option<Box<Sliced>>,
}

impl Sliced {
    /// Every non-empty `Bytes` field, at every depth.
    pub fn all_bytes(&self) -> Vec<&bytes::Bytes> {
        let mut all = Vec::new();
        let mut at = Some(self);
        while let Some(value) = at {
            all.push(&value.data);
            all.extend(value.maybe.iter());
            all.extend(value.chunks.iter());
            at = value.next.as_deref();
        }
        all.retain(|b| !b.is_empty());
        all
    }
}
