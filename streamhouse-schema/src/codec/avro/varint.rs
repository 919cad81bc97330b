//! Avro's zigzag variable-length integers and the fixed-width reads built on a byte cursor.

use bytes::BufMut;

use super::DecodeError;

/// Writes `v` as a zigzag varint (Avro `long`, also used for `int`).
#[inline]
pub fn write_long<B: BufMut>(buf: &mut B, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    // Byte by byte straight into the buffer: for `Vec` each `put_u8` is a `push`, which the
    // optimizer folds into one capacity check per byte and no temporary (measured: a
    // stack-array-then-copy version cost ~6x the instructions on multi-byte values).
    while z >= 0x80 {
        buf.put_u8((z as u8) | 0x80);
        z >>= 7;
    }
    buf.put_u8(z as u8);
}

/// Writes a length prefix.
#[inline]
pub fn write_len<B: BufMut>(buf: &mut B, len: usize) {
    write_long(buf, len as i64);
}

/// Writes length-prefixed bytes (Avro `bytes` and `string`).
#[inline]
pub fn write_bytes<B: BufMut>(buf: &mut B, bytes: &[u8]) {
    write_len(buf, bytes.len());
    buf.put_slice(bytes);
}

/// Reads a zigzag varint `long`.
///
/// Always inlined, with the one-byte case (lengths, counts, branch indexes, small numbers)
/// first and the longer case as a loop in place: a derived decoder then keeps its cursor in
/// registers instead of passing it to a call at every field (measured: the out-of-line
/// call, and the cursor's store and reload around it, cost a few percent of an `Order`
/// decode against a hand-written decoder). Errors are built out of line.
///
/// Debug builds get a plain `#[inline]` here and on the other decode helpers forced inline
/// for release: without optimization every inlined temporary keeps a stack slot of its own,
/// which would swell the frames of recursive decoders past the nesting limit's stack budget
/// ([`crate::codec::limits`]).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_long(input: &mut &[u8]) -> Result<i64, DecodeError> {
    let z = match *input {
        [b, rest @ ..] if *b < 0x80 => {
            *input = rest;
            u64::from(*b)
        }
        _ => read_varint_bytes(input)?,
    };
    Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
}

/// The raw 64-bit value of a varint of any length: at most 10 bytes, the tenth at most
/// `0x01` (the bits beyond 64 must be zero).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn read_varint_bytes(input: &mut &[u8]) -> Result<u64, DecodeError> {
    let mut z: u64 = 0;
    for (i, &b) in input.iter().enumerate().take(10) {
        z |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            if i == 9 && b > 1 {
                return Err(malformed());
            }
            *input = &input[i + 1..];
            return Ok(z);
        }
    }
    Err(varint_error(input.len()))
}

/// The error of a varint that ran out of input (fewer than 10 bytes left) or past 10 bytes.
#[cold]
#[inline(never)]
fn varint_error(remaining: usize) -> DecodeError {
    if remaining < 10 {
        DecodeError::UnexpectedEof {
            needed: 1,
            remaining: 0,
        }
    } else {
        DecodeError::MalformedVarint
    }
}

#[cold]
#[inline(never)]
fn malformed() -> DecodeError {
    DecodeError::MalformedVarint
}

/// Reads an Avro `int`, rejecting values outside `i32`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_int(input: &mut &[u8]) -> Result<i32, DecodeError> {
    let v = read_long(input)?;
    i32::try_from(v).map_err(|_| DecodeError::IntOutOfRange {
        value: v,
        target: "int",
    })
}

/// Reads a length prefix and checks that that many bytes remain.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_len(input: &mut &[u8]) -> Result<usize, DecodeError> {
    let len = read_long(input)?;
    match usize::try_from(len) {
        Ok(n) if n <= input.len() => Ok(n),
        _ => Err(DecodeError::InvalidLength {
            len,
            remaining: input.len(),
        }),
    }
}

/// Reads `n` raw bytes.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_exact<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], DecodeError> {
    if input.len() < n {
        return Err(DecodeError::UnexpectedEof {
            needed: n,
            remaining: input.len(),
        });
    }
    let (head, tail) = input.split_at(n);
    *input = tail;
    Ok(head)
}

/// Reads length-prefixed bytes.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_bytes<'a>(input: &mut &'a [u8]) -> Result<&'a [u8], DecodeError> {
    let n = read_len(input)?;
    read_exact(input, n)
}

/// Reads a length-prefixed UTF-8 string.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub fn read_str<'a>(input: &mut &'a [u8]) -> Result<&'a str, DecodeError> {
    let bytes = read_bytes(input)?;
    // Most strings on the wire (ids, codes, keys) are ASCII: checked inline, a word at a
    // time, instead of calling the out-of-line UTF-8 validator (about 100 instructions a
    // string, more than the rest of a borrowed string's decode).
    if bytes.is_ascii() {
        // SAFETY: every byte of `bytes` is below 0x80 (checked just above), and a sequence
        // of ASCII bytes is valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8)
}

/// Reads `N` raw bytes as an array.
#[inline]
pub fn read_array<const N: usize>(input: &mut &[u8]) -> Result<[u8; N], DecodeError> {
    let mut out = [0u8; N];
    out.copy_from_slice(read_exact(input, N)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: i64) -> Vec<u8> {
        let mut b = Vec::new();
        write_long(&mut b, v);
        b
    }

    #[test]
    fn zigzag_bytes_match_the_avro_spec() {
        assert_eq!(enc(0), [0x00]);
        assert_eq!(enc(-1), [0x01]);
        assert_eq!(enc(1), [0x02]);
        assert_eq!(enc(-64), [0x7f]);
        assert_eq!(enc(64), [0x80, 0x01]);
        assert_eq!(enc(8192), [0x80, 0x80, 0x01]);
        assert_eq!(
            enc(i64::MAX),
            [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
        assert_eq!(
            enc(i64::MIN),
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
    }

    #[test]
    fn read_long_round_trips_and_rejects_garbage() {
        for v in [0, 1, -1, 63, -64, 64, -65, i64::MAX, i64::MIN, 1 << 40] {
            let b = enc(v);
            let mut s = b.as_slice();
            assert_eq!(read_long(&mut s), Ok(v));
            assert!(s.is_empty());
        }
        let mut truncated: &[u8] = &[0x80, 0x80];
        assert!(matches!(
            read_long(&mut truncated),
            Err(DecodeError::UnexpectedEof { .. })
        ));
        let mut too_long: &[u8] = &[0xff; 11];
        assert_eq!(read_long(&mut too_long), Err(DecodeError::MalformedVarint));
        let mut overflow: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(read_long(&mut overflow), Err(DecodeError::MalformedVarint));
    }

    #[test]
    fn lengths_beyond_the_input_are_errors_not_allocations() {
        let mut b = Vec::new();
        write_long(&mut b, 1 << 40);
        let mut s = b.as_slice();
        assert!(matches!(
            read_len(&mut s),
            Err(DecodeError::InvalidLength { .. })
        ));
        let mut neg: &[u8] = &[0x01];
        assert!(matches!(
            read_len(&mut neg),
            Err(DecodeError::InvalidLength { len: -1, .. })
        ));
    }
}
