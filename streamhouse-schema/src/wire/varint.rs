//! Zigzag varints as Kafka's `ByteUtils.writeVarint` writes them (the encoding of
//! Confluent's message-index arrays; identical to Protobuf `sint32`).

use super::WireError;

/// The longest varint accepted (a 64-bit value needs at most 10 bytes).
const MAX_VARINT_LEN: usize = 10;

/// Maps a signed value onto an unsigned one so that small magnitudes stay small.
pub(crate) fn zigzag_encode(value: i32) -> u32 {
    // The arithmetic shift smears the sign bit: -1 -> 1, 1 -> 2, -2 -> 3 ...
    ((value << 1) ^ (value >> 31)) as u32
}

/// Bytes `write_zigzag` produces for `value`.
pub(crate) fn zigzag_len(value: i32) -> usize {
    let bits = 32 - zigzag_encode(value).leading_zeros() as usize;
    bits.div_ceil(7).max(1)
}

/// Writes `value` as a zigzag varint.
pub(crate) fn write_zigzag(buf: &mut impl bytes::BufMut, value: i32) {
    let mut rest = zigzag_encode(value);
    while rest >= 0x80 {
        buf.put_u8((rest as u8 & 0x7f) | 0x80);
        rest >>= 7;
    }
    buf.put_u8(rest as u8);
}

/// Reads one zigzag varint from the front of `bytes`, returning it and the rest.
///
/// Values are decoded as 64-bit (as Confluent's Python reader does) and then must fit in
/// an `i32`, so over-long but well-formed encodings get a precise error.
pub(crate) fn read_zigzag(bytes: &[u8]) -> Result<(i32, &[u8]), WireError> {
    let mut raw: u64 = 0;
    for (position, &byte) in bytes.iter().enumerate() {
        if position == MAX_VARINT_LEN {
            return Err(WireError::VarintTooLong);
        }
        raw |= u64::from(byte & 0x7f) << (7 * position);
        if byte & 0x80 == 0 {
            let value = ((raw >> 1) as i64) ^ -((raw & 1) as i64);
            let value = i32::try_from(value).map_err(|_| WireError::ValueOutOfRange(value))?;
            return Ok((value, bytes.get(position + 1..).unwrap_or_default()));
        }
    }
    if bytes.len() > MAX_VARINT_LEN {
        return Err(WireError::VarintTooLong);
    }
    Err(WireError::TruncatedMessageIndexes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: i32) -> Vec<u8> {
        let mut out = Vec::new();
        write_zigzag(&mut out, value);
        out
    }

    #[test]
    fn zigzag_small_values_match_kafka() {
        assert_eq!(encode(0), [0x00]);
        assert_eq!(encode(-1), [0x01]);
        assert_eq!(encode(1), [0x02]);
        assert_eq!(encode(-64), [0x7f]);
        assert_eq!(encode(64), [0x80, 0x01]);
        assert_eq!(encode(127), [0xfe, 0x01]);
        assert_eq!(encode(128), [0x80, 0x02]);
    }

    #[test]
    fn zigzag_extremes_take_five_bytes() {
        assert_eq!(encode(i32::MAX), [0xfe, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(encode(i32::MIN), [0xff, 0xff, 0xff, 0xff, 0x0f]);
    }

    #[test]
    fn zigzag_len_matches_written_bytes() {
        for value in [
            0,
            1,
            -1,
            63,
            -64,
            64,
            -65,
            8191,
            8192,
            1 << 20,
            i32::MAX,
            i32::MIN,
        ] {
            assert_eq!(zigzag_len(value), encode(value).len(), "value {value}");
        }
    }

    #[test]
    fn read_roundtrips_and_returns_rest() {
        for value in [0, 1, -1, 64, -65, 300, i32::MAX, i32::MIN] {
            let mut bytes = encode(value);
            bytes.push(0xaa);
            assert_eq!(
                read_zigzag(&bytes),
                Ok((value, &[0xaa][..])),
                "value {value}"
            );
        }
    }

    #[test]
    fn read_rejects_truncated_and_overlong_varints() {
        assert_eq!(read_zigzag(&[]), Err(WireError::TruncatedMessageIndexes));
        assert_eq!(
            read_zigzag(&[0x80]),
            Err(WireError::TruncatedMessageIndexes)
        );
        assert_eq!(read_zigzag(&[0xff; 11]), Err(WireError::VarintTooLong));
        // i64::MAX zigzagged: well-formed, but no message index is that large.
        let big = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(read_zigzag(&big), Err(WireError::ValueOutOfRange(i64::MAX)));
    }
}
