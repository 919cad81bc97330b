//! Target `resolve_avro`: the resolving Avro decoder, reading bytes written with one schema
//! as a derived type whose schema differs.
//!
//! The first input byte picks the (writer, reader) pair, the rest is a writer payload. When
//! the direct resolving decode succeeds, rewriting the payload into reader bytes
//! (`transcode`) and decoding those with the plain decoder must give the same value.

use std::fmt::Debug;
use std::sync::OnceLock;

use streamhouse_schema::codec::avro::resolve::Resolution;
use streamhouse_schema::{AvroDecode, StreamSchema};

/// The writer's side: what the payloads were written with.
pub mod writer {
    use std::collections::BTreeMap;

    use streamhouse_schema::StreamSchema;

    /// An array element.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Item")]
    pub struct Item {
        /// Kept.
        pub sku: String,
        /// Promoted to long.
        pub qty: i32,
        /// Removed.
        pub gone: bool,
    }

    /// An enum whose symbols the reader reorders and partly drops.
    #[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Color")]
    pub enum Color {
        /// Kept.
        Red,
        /// Kept.
        Green,
        /// Unknown to the reader: its default.
        Blue,
    }

    /// A data enum (a union of records) whose branches the reader reorders.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Shape")]
    pub enum Shape {
        /// A record branch.
        Circle {
            /// Promoted to double.
            radius: f32,
        },
        /// A newtype branch.
        Square(i32),
    }

    /// Every resolution rule at once.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Rec")]
    pub struct Rec {
        /// int → long.
        pub int_to_long: i32,
        /// long → double.
        pub long_to_double: i64,
        /// float → double.
        pub float_to_double: f32,
        /// string → bytes.
        pub string_to_bytes: String,
        /// bytes → string.
        pub bytes_to_string: Vec<u8>,
        /// Removed.
        pub removed: String,
        /// Renamed (reader alias).
        pub old_name: String,
        /// Enum symbols mapped.
        pub color: Color,
        /// Union branches mapped.
        pub shape: Shape,
        /// Elements resolved.
        pub items: Vec<Item>,
        /// Values resolved.
        pub by_key: BTreeMap<String, Item>,
        /// Option resolved.
        pub maybe: Option<Item>,
        /// Plain → optional.
        pub plain_to_optional: i32,
        /// Optional → plain.
        pub optional_to_plain: Option<String>,
    }

    /// A recursive record.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Node")]
    pub struct Node {
        /// Promoted to long.
        pub value: i32,
        /// Subtrees.
        pub children: Vec<Node>,
        /// An optional subtree.
        pub next: Option<Box<Node>>,
    }
}

/// The reader's side: every field of the writer changed in some way.
pub mod reader {
    use std::collections::BTreeMap;

    use streamhouse_schema::StreamSchema;

    /// An array element.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Item")]
    pub struct Item {
        /// Kept.
        pub sku: String,
        /// Promoted from int.
        pub qty: i64,
        /// Added with a default.
        #[stream_schema(default = "7")]
        pub added: i32,
    }

    /// Symbols reordered, one dropped, a default for unknown ones.
    #[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Color")]
    pub enum Color {
        /// What an unknown symbol reads as.
        #[stream_schema(default)]
        Unknown,
        /// Kept.
        Green,
        /// Kept.
        Red,
    }

    /// Branches reordered.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Shape")]
    pub enum Shape {
        /// A newtype branch, promoted to long.
        Square(i64),
        /// A record branch.
        Circle {
            /// Promoted from float.
            radius: f64,
        },
    }

    /// The writer's `Rec` as read after every change.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Rec")]
    pub struct Rec {
        /// From int.
        pub int_to_long: i64,
        /// From long.
        pub long_to_double: f64,
        /// From float.
        pub float_to_double: f64,
        /// From string.
        pub string_to_bytes: Vec<u8>,
        /// From bytes (must be UTF-8).
        pub bytes_to_string: String,
        /// Added with a default.
        #[stream_schema(default = "\"mid\"")]
        pub added: String,
        /// Renamed from `old_name`.
        #[stream_schema(alias = "old_name")]
        pub new_name: String,
        /// Symbols mapped.
        pub color: Color,
        /// Branches mapped.
        pub shape: Shape,
        /// Elements resolved.
        pub items: Vec<Item>,
        /// Values resolved.
        pub by_key: BTreeMap<String, Item>,
        /// Option resolved.
        pub maybe: Option<Item>,
        /// From a plain int.
        pub plain_to_optional: Option<i64>,
        /// From an optional string.
        pub optional_to_plain: String,
        /// Added at the end with a record default.
        #[stream_schema(default = r#"[{"sku": "D", "qty": 1}]"#)]
        pub added_end: Vec<Item>,
    }

    /// The writer's `Node` with a promoted value and an added field.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "evo", name = "Node")]
    pub struct Node {
        /// From int.
        pub value: i64,
        /// Added with a default.
        #[stream_schema(default = "\"n\"")]
        pub tag: String,
        /// Subtrees.
        pub children: Vec<Node>,
        /// An optional subtree.
        pub next: Option<Box<Node>>,
    }
}

/// The plan for reading `W` as `R`, built once per pair.
fn plan<W: StreamSchema, R: StreamSchema>(
    cell: &'static OnceLock<Resolution>,
) -> &'static Resolution {
    cell.get_or_init(|| {
        Resolution::new(W::avro_schema_json(), R::avro_schema_json())
            .unwrap_or_else(|e| panic!("the fuzzed schemas resolve: {e}"))
    })
}

/// Decodes `payload` with the direct resolving decoder and, when that succeeds, checks
/// that transcoding then plain decoding gives a value with the same encoding.
fn decode_as<R: StreamSchema + AvroDecode + Debug>(plan: &Resolution, payload: &[u8]) {
    let Ok(direct) = plan.decode::<R>(payload, &mut Vec::new()) else {
        return;
    };
    let mut rewritten = Vec::new();
    plan.transcode(payload, &mut rewritten)
        .unwrap_or_else(|e| panic!("decode gave {direct:?} but transcode failed: {e}"));
    let via = R::decode_value(&rewritten)
        .unwrap_or_else(|e| panic!("decode gave {direct:?} but the transcoded bytes fail: {e}"));
    let mut a = Vec::new();
    let mut b = Vec::new();
    direct.encode_avro(&mut a).expect("a decoded value encodes");
    via.encode_avro(&mut b).expect("a decoded value encodes");
    assert_eq!(a, b, "direct {direct:?} vs transcoded {via:?}");
}

/// The `resolve_avro` body: byte 0 even reads `Rec`, odd reads the recursive `Node`.
pub fn decode(data: &[u8]) {
    static REC: OnceLock<Resolution> = OnceLock::new();
    static NODE: OnceLock<Resolution> = OnceLock::new();
    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    if selector % 2 == 0 {
        decode_as::<reader::Rec>(plan::<writer::Rec, reader::Rec>(&REC), payload);
    } else {
        decode_as::<reader::Node>(plan::<writer::Node, reader::Node>(&NODE), payload);
    }
}
