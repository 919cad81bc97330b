//! Targets `decode_avro`, `decode_json` and `decode_proto`: the generated decoders.
//!
//! The first input byte picks the type (see [`pick`]), the rest is the payload. Whatever
//! decodes must encode, and its encoding must decode to a value that encodes to the same
//! bytes (comparing encodings rather than values keeps NaN floats comparable).

use std::fmt::Debug;

use streamhouse_schema::codec::proto::{Message, ProtoValue};
use streamhouse_schema::{AvroDecode, JsonDecode, JsonEncode, StreamSchema};

use super::types::{Expr, Tree, Wide};

/// A type every codec target runs on.
pub trait Fuzzed:
    StreamSchema + AvroDecode + JsonEncode + JsonDecode + Message + ProtoValue + Debug
{
}

impl<T> Fuzzed for T where
    T: StreamSchema + AvroDecode + JsonEncode + JsonDecode + Message + ProtoValue + Debug
{
}

/// Runs `body` for the type the first byte names (`% 3`: [`Wide`], [`Tree`], [`Expr`]) on
/// the remaining bytes.
macro_rules! pick {
    ($data:expr, $body:ident) => {{
        let Some((&selector, payload)) = $data.split_first() else {
            return;
        };
        match selector % 3 {
            0 => $body::<Wide>(payload),
            1 => $body::<Tree>(payload),
            _ => $body::<Expr>(payload),
        }
    }};
}

/// The Avro decoder (`decode_avro` on the payload as written, trailing bytes ignored).
pub fn avro(data: &[u8]) {
    pick!(data, avro_as)
}

/// The JSON decoder.
pub fn json(data: &[u8]) {
    pick!(data, json_as)
}

/// The Protobuf decoder.
pub fn proto(data: &[u8]) {
    pick!(data, proto_as)
}

fn avro_bytes<T: Fuzzed>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    if let Err(e) = value.encode_avro(&mut out) {
        panic!("a decoded value must encode: {e}: {value:?}");
    }
    out
}

fn avro_as<T: Fuzzed>(payload: &[u8]) {
    let mut input = payload;
    let Ok(value) = T::decode_avro(&mut input) else {
        return;
    };
    let first = avro_bytes(&value);
    let mut again = first.as_slice();
    let back = T::decode_avro(&mut again)
        .unwrap_or_else(|e| panic!("re-encoding does not decode: {e}: {value:?}"));
    assert!(again.is_empty(), "the decoder left {} bytes", again.len());
    assert_eq!(avro_bytes(&back), first, "{value:?} vs {back:?}");
}

fn json_bytes<T: Fuzzed>(value: &T) -> Vec<u8> {
    value
        .to_json_vec()
        .unwrap_or_else(|e| panic!("a decoded value must encode: {e}: {value:?}"))
}

fn json_as<T: Fuzzed>(payload: &[u8]) {
    let Ok(value) = T::decode_json(payload) else {
        return;
    };
    let first = json_bytes(&value);
    let back = T::decode_json(&first).unwrap_or_else(|e| {
        panic!(
            "re-encoding does not decode: {e}: {}",
            String::from_utf8_lossy(&first)
        )
    });
    assert_eq!(json_bytes(&back), first, "{value:?} vs {back:?}");
}

fn proto_bytes<T: Fuzzed>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode_proto(&mut out);
    assert_eq!(out.len(), value.encoded_len(), "encoded_len of {value:?}");
    out
}

fn proto_as<T: Fuzzed>(payload: &[u8]) {
    let Ok(value) = T::decode_proto(payload) else {
        return;
    };
    let first = proto_bytes(&value);
    let back = T::decode_proto(&first)
        .unwrap_or_else(|e| panic!("re-encoding does not decode: {e}: {value:?}"));
    assert_eq!(proto_bytes(&back), first, "{value:?} vs {back:?}");
}
