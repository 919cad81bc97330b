//! Reading a Protobuf payload that is one contiguous slice (what `decode_proto` and the
//! consumer decode): the generated decoders walk a `&[u8]` cursor with inlined varint and
//! key reads instead of going through `bytes::Buf` (whose `chunk`/`advance` calls and
//! `remaining` checks prost's own decoders pay per read), and keep the cursor in registers.
//!
//! Every error is prost's own: when a fast read fails, the same bytes are read again through
//! prost's function, which builds the error it would have returned.
//!
//! Nesting: the slice path counts the messages it enters against [`RECURSION_LIMIT`] (prost's
//! limit). A value whose type has no slice reader (a map, a `oneof` wrapper, a well-known
//! type other than `Timestamp`) is read through prost's path with a fresh `DecodeContext`,
//! which counts its own levels from there on, so a decode nests at most twice that limit.

use prost::encoding::{DecodeContext, WireType};

use super::DecodeError;

/// Messages the slice path enters before refusing the input (prost's `RECURSION_LIMIT`).
pub const RECURSION_LIMIT: u32 = 100;

/// Reads a base-128 varint, one-byte values first.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_varint(buf: &mut &[u8]) -> Result<u64, DecodeError> {
    match *buf {
        [b, rest @ ..] if *b < 0x80 => {
            *buf = rest;
            Ok(u64::from(*b))
        }
        _ => read_varint_bytes(buf),
    }
}

/// A varint of any length: at most 10 bytes, the tenth at most `0x01`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn read_varint_bytes(buf: &mut &[u8]) -> Result<u64, DecodeError> {
    let mut v: u64 = 0;
    for (i, &b) in buf.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            if i == 9 && b > 1 {
                break;
            }
            *buf = &buf[i + 1..];
            return Ok(v);
        }
    }
    Err(varint_error(buf))
}

/// prost's error for the varint at the front of `buf`.
#[cold]
#[inline(never)]
fn varint_error(buf: &[u8]) -> DecodeError {
    let mut copy = buf;
    match prost::encoding::decode_varint(&mut copy) {
        Err(e) => e,
        Ok(_) => super::invalid("invalid varint"),
    }
}

/// Reads a field key: the field number and wire type.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_key(buf: &mut &[u8]) -> Result<(u32, WireType), DecodeError> {
    let start = *buf;
    let key = read_varint(buf)?;
    let tag = (key >> 3) as u32;
    // Wire types 0 to 5 exist; field numbers run from 1 to 2^29 - 1.
    let wire_type = match key & 7 {
        0 => WireType::Varint,
        1 => WireType::SixtyFourBit,
        2 => WireType::LengthDelimited,
        3 => WireType::StartGroup,
        4 => WireType::EndGroup,
        5 => WireType::ThirtyTwoBit,
        _ => return Err(key_error(start)),
    };
    if tag == 0 || key > u64::from(u32::MAX) {
        return Err(key_error(start));
    }
    Ok((tag, wire_type))
}

/// prost's error for the key at the front of `buf`.
#[cold]
#[inline(never)]
fn key_error(buf: &[u8]) -> DecodeError {
    let mut copy = buf;
    match prost::encoding::decode_key(&mut copy) {
        Err(e) => e,
        Ok(_) => super::invalid("invalid key"),
    }
}

/// Reads a length prefix and the bytes it covers.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_delimited<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], DecodeError> {
    let start = *buf;
    let len = read_varint(buf)?;
    if len > buf.len() as u64 {
        return Err(length_error(start));
    }
    let (body, rest) = buf.split_at(len as usize);
    *buf = rest;
    Ok(body)
}

/// The error of a length prefix beyond the input, as the `Buf` path reports it.
#[cold]
#[inline(never)]
fn length_error(buf: &[u8]) -> DecodeError {
    let mut copy = buf;
    match super::read_len(&mut copy) {
        Err(e) => e,
        Ok(_) => super::invalid("buffer underflow"),
    }
}

/// Reads the body of a nested message, one level below `depth`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn message_body<'a>(buf: &mut &'a [u8], depth: u32) -> Result<(&'a [u8], u32), DecodeError> {
    if depth == 0 {
        return Err(recursion_error());
    }
    Ok((read_delimited(buf)?, depth - 1))
}

/// prost's own recursion-limit error (its constructor is private): prost refuses a group
/// nested deeper than its limit with it, so skipping such a group builds it.
#[cold]
#[inline(never)]
fn recursion_error() -> DecodeError {
    // Field 1, wire type 3 (start group), once more than prost's limit.
    let groups = [0x0b_u8; RECURSION_LIMIT as usize + 2];
    match prost::encoding::skip_field(
        WireType::StartGroup,
        1,
        &mut &groups[..],
        DecodeContext::default(),
    ) {
        Err(e) => e,
        Ok(()) => super::invalid("recursion limit reached"),
    }
}

/// Reads `N` little-endian bytes (`fixed32`, `fixed64`, `float`, `double`).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_fixed<const N: usize>(buf: &mut &[u8]) -> Result<[u8; N], DecodeError> {
    match buf.split_first_chunk::<N>() {
        Some((head, rest)) => {
            *buf = rest;
            Ok(*head)
        }
        None => Err(underflow()),
    }
}

#[cold]
#[inline(never)]
fn underflow() -> DecodeError {
    super::invalid("buffer underflow")
}

/// Reads a length-delimited UTF-8 string.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_str<'a>(buf: &mut &'a [u8]) -> Result<&'a str, DecodeError> {
    let bytes = read_delimited(buf)?;
    // Most strings on the wire (ids, codes, keys) are ASCII: checked inline, a word at a
    // time, instead of calling the out-of-line UTF-8 validator (about 120 instructions a
    // string under callgrind, half of a borrowed string's decode), as Avro's `read_str` does.
    if bytes.is_ascii() {
        // SAFETY: every byte of `bytes` is below 0x80 (checked just above), and a sequence
        // of ASCII bytes is valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|_| not_utf8())
}

#[cold]
#[inline(never)]
fn not_utf8() -> DecodeError {
    super::invalid("invalid string value: data is not UTF-8 encoded")
}

/// Skips a field the message does not declare, through prost (groups nest, and are rare).
#[inline(never)]
pub fn skip_field(wire_type: WireType, tag: u32, buf: &mut &[u8]) -> Result<(), DecodeError> {
    prost::encoding::skip_field(wire_type, tag, buf, DecodeContext::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prost_varint(bytes: &[u8]) -> Result<(u64, usize), DecodeError> {
        let mut b = bytes;
        let v = prost::encoding::decode_varint(&mut b)?;
        Ok((v, bytes.len() - b.len()))
    }

    #[test]
    fn varints_and_their_errors_are_prosts() {
        let cases: &[&[u8]] = &[
            &[0],
            &[0x7f],
            &[0x80, 0x01],
            &[0xac, 0x02, 0x99],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
            &[0xff; 11],
            &[0x80, 0x80],
            &[],
        ];
        for &case in cases {
            let mut b = case;
            let ours = read_varint(&mut b).map(|v| (v, case.len() - b.len()));
            assert_eq!(ours, prost_varint(case), "{case:02x?}");
        }
    }

    #[test]
    fn keys_and_their_errors_are_prosts() {
        let cases: &[&[u8]] = &[
            &[0x08],
            &[0x12],
            &[0x0d],
            &[0x0e],
            &[0x0f],
            &[0x02],
            &[0xf8, 0xff, 0xff, 0xff, 0x0f],
            &[0x80, 0x80, 0x80, 0x80, 0x10],
        ];
        for &case in cases {
            let mut ours = case;
            let mut theirs = case;
            assert_eq!(
                read_key(&mut ours),
                prost::encoding::decode_key(&mut theirs),
                "{case:02x?}"
            );
            assert_eq!(ours.len(), theirs.len());
        }
    }

    #[test]
    fn lengths_past_the_input_and_the_nesting_limit_are_errors() {
        let mut b: &[u8] = &[3, b'a', b'b'];
        let err = read_delimited(&mut b).unwrap_err();
        assert!(
            err.to_string().contains("exceeds the 2 bytes left"),
            "{err}"
        );
        let mut b: &[u8] = &[1, b'a'];
        assert_eq!(message_body(&mut b, 1), Ok((&b"a"[..], 0)));
        let mut b: &[u8] = &[1, b'a'];
        let err = message_body(&mut b, 0).unwrap_err();
        assert!(
            format!("{err:?}").contains("RecursionLimitReached"),
            "{err:?}"
        );
        let mut b: &[u8] = &[3, b'a', 0xc3, 0xa9];
        assert_eq!(read_str(&mut b), Ok("aé"));
        let mut b: &[u8] = &[2, b'o', b'k'];
        assert_eq!(read_str(&mut b), Ok("ok"));
        let mut b: &[u8] = &[2, 0xff, 0xfe];
        assert!(read_str(&mut b)
            .unwrap_err()
            .to_string()
            .contains("not UTF-8"));
        let mut b: &[u8] = &[1, 2, 3];
        assert!(read_fixed::<4>(&mut b).is_err());
        assert_eq!(read_fixed::<2>(&mut b), Ok([1, 2]));
        assert_eq!(b, [3]);
    }
}
