//! Targets `decode_avro`, `decode_json` and `decode_proto`: the generated decoders.
//!
//! The first input byte picks the type (see [`pick`]), the rest is the payload. Whatever
//! decodes must encode, and its encoding must decode to a value that encodes to the same
//! bytes (comparing encodings rather than values keeps NaN floats comparable).
//!
//! The Avro and JSON targets also read every payload into a borrowing type
//! ([`Borrowed`], [`BorrowedJson`]: zero-copy decode), with the same round-trip property.
//! The Protobuf target reads every payload into [`BorrowedProto`] and its owned twin
//! [`ProtoTwin`] (a borrowing message cannot be encoded): both succeed or both fail, with
//! the same values, and every borrowed string and bytes field points into the payload.
//! The Avro and Protobuf targets also decode the payload into [`Sliced`] (owned
//! `bytes::Bytes` fields) from a `Bytes` frame and from a plain slice: the two agree, and
//! the first's `Bytes` fields are slices of the frame.

use std::fmt::Debug;

use streamhouse_schema::codec::frame::sliced_from;
use streamhouse_schema::codec::proto::{Message, ProtoBorrowDecode, ProtoValue};
use streamhouse_schema::{
    AvroBorrowDecode, AvroDecode, AvroEncode, JsonBorrowDecode, JsonDecode, JsonDecodeError,
    JsonEncode, StreamSchema,
};

use super::types::{Borrowed, BorrowedJson, BorrowedProto, Expr, ProtoTwin, Sliced, Tree, Wide};

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

/// The Avro decoder (`decode_avro` on the payload as written, trailing bytes ignored),
/// then the borrowing decoder on the same payload.
pub fn avro(data: &[u8]) {
    pick!(data, avro_as);
    if let Some((_, payload)) = data.split_first() {
        avro_borrowed(payload);
        sliced(payload, |mut input| Sliced::decode_avro(&mut input));
    }
}

/// The JSON decoder, then the borrowing decoder on the same payload.
pub fn json(data: &[u8]) {
    pick!(data, json_as);
    if let Some((_, payload)) = data.split_first() {
        json_borrowed(payload);
    }
}

/// A borrowing decode must round-trip like an owned one, and leave the input where a
/// second decode of its encoding leaves it.
fn avro_borrowed(payload: &[u8]) {
    let Ok(value) = Borrowed::from_avro_borrowed(payload) else {
        return;
    };
    let mut first = Vec::new();
    if let Err(e) = value.encode_avro(&mut first) {
        panic!("a decoded borrowing value must encode: {e}: {value:?}");
    }
    let mut again = first.as_slice();
    let back = Borrowed::decode_avro_borrowed(&mut again)
        .unwrap_or_else(|e| panic!("re-encoding does not decode: {e}: {value:?}"));
    assert!(again.is_empty(), "the decoder left {} bytes", again.len());
    assert_eq!(back, value);
}

/// A borrowing JSON decode round-trips; its only failure beyond the owned decoder's is an
/// escaped string in a `&str` field, and a re-encoding never fails that way unless the
/// value needs escapes.
fn json_borrowed(payload: &[u8]) {
    let value = match BorrowedJson::decode_json_borrowed(payload) {
        Ok(value) => value,
        Err(e) => {
            // Escapes are the one thing an owned decoder reads that `&str` refuses.
            if let JsonDecodeError::EscapedBorrow { offset } = e.root_cause() {
                assert!(
                    payload.get(*offset) == Some(&b'"'),
                    "EscapedBorrow must point at a string: {e}"
                );
            }
            return;
        }
    };
    let first = value
        .to_json_vec()
        .unwrap_or_else(|e| panic!("a decoded borrowing value must encode: {e}: {value:?}"));
    match BorrowedJson::decode_json_borrowed(&first) {
        Ok(back) => assert_eq!(back, value),
        // A string read from an escape-free input may still need escapes when written
        // (a control character cannot appear raw in JSON, so only unescaped input that
        // the writer escapes differently gets here): it must be the `&str` refusal.
        Err(e) => assert!(
            matches!(e.root_cause(), JsonDecodeError::EscapedBorrow { .. }),
            "re-encoding does not decode: {e}: {}",
            String::from_utf8_lossy(&first)
        ),
    }
}

/// The Protobuf decoder, then the borrowing decoder on the same payload.
pub fn proto(data: &[u8]) {
    pick!(data, proto_as);
    if let Some((_, payload)) = data.split_first() {
        proto_borrowed(payload);
        sliced(payload, Sliced::decode_proto);
    }
}

/// Decoding `payload` held in a `Bytes` frame (inside `sliced_from`) and as a plain slice
/// agree, value for value and error for error, and every `Bytes` field of the first is a
/// slice of the frame.
fn sliced<E: Debug>(payload: &[u8], decode: impl Fn(&[u8]) -> Result<Sliced, E>) {
    let frame = bytes::Bytes::copy_from_slice(payload);
    let from_frame = sliced_from(&frame, &decode);
    match (from_frame, decode(payload)) {
        (Ok(from_frame), Ok(plain)) => {
            assert_eq!(from_frame, plain);
            let range = frame.as_ptr_range();
            for field in from_frame.all_bytes() {
                assert!(
                    range.contains(&field.as_ptr()),
                    "a Bytes field was copied, not sliced: {from_frame:?}"
                );
            }
        }
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (a, b) => panic!("decoding from a Bytes frame and from a slice disagree: {a:?} vs {b:?}"),
    }
}

/// The borrowing decoder agrees with the owned one on the same bytes, and borrows.
fn proto_borrowed(payload: &[u8]) {
    match (
        BorrowedProto::from_proto_borrowed(payload),
        ProtoTwin::decode_proto(payload),
    ) {
        (Ok(borrowed), Ok(owned)) => {
            assert_eq!(borrowed.to_twin(), owned);
            assert_borrows(payload, &borrowed);
        }
        (Err(_), Err(_)) => {}
        (borrowed, owned) => {
            panic!("the borrowing and owned decoders disagree: {borrowed:?} vs {owned:?}")
        }
    }
}

/// Every non-empty borrowed string and bytes field points into `payload`.
fn assert_borrows(payload: &[u8], value: &BorrowedProto<'_>) {
    let range = payload.as_ptr_range();
    let fields: [&[u8]; 4] = [
        value.name.as_bytes(),
        value.raw,
        value.text.as_bytes(),
        &value.blob,
    ];
    let words = value.note.iter().chain(&value.tags).map(|s| s.as_bytes());
    for bytes in fields.into_iter().chain(words) {
        assert!(
            bytes.is_empty() || range.contains(&bytes.as_ptr()),
            "a borrowed field was copied: {value:?}"
        );
    }
    for child in &value.children {
        assert_borrows(payload, child);
    }
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
