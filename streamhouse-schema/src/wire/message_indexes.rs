//! Protobuf message-index arrays: which message of the `.proto` file a payload holds.
//!
//! Encoding (Confluent's `MessageIndexes`): zigzag varint count, then each index as a
//! zigzag varint. The overwhelmingly common path `[0]` (first top-level message) is
//! written as the single byte `00`, i.e. "count 0", and a count of 0 reads back as `[0]`.

use super::varint::{read_zigzag, write_zigzag, zigzag_len};
use super::WireError;

/// Returns true when `indexes` is written as the single byte `00`.
fn is_short_form(indexes: &[i32]) -> bool {
    // An empty path also means "the first message", as in Confluent's writer.
    matches!(indexes, [] | [0])
}

/// Writes the message-index array for `indexes` (the path from the file root to the
/// message). `[0]` (and `[]`) become the single byte `00`; `[1]` becomes `02 02`.
///
/// Indexes are never negative for a real schema; a negative value is still encoded
/// faithfully (zigzag) and [`parse_message_indexes`] rejects it on the way back.
pub fn write_message_indexes(buf: &mut impl bytes::BufMut, indexes: &[i32]) {
    if is_short_form(indexes) {
        buf.put_u8(0);
        return;
    }
    // A slice longer than i32::MAX cannot exist for i32 elements on any real target.
    write_zigzag(buf, i32::try_from(indexes.len()).unwrap_or(i32::MAX));
    for &index in indexes {
        write_zigzag(buf, index);
    }
}

/// The number of bytes [`write_message_indexes`] writes for `indexes`, so callers can
/// size a frame buffer exactly before encoding.
pub fn encoded_message_indexes_len(indexes: &[i32]) -> usize {
    if is_short_form(indexes) {
        return 1;
    }
    let count = zigzag_len(i32::try_from(indexes.len()).unwrap_or(i32::MAX));
    count
        + indexes
            .iter()
            .map(|&index| zigzag_len(index))
            .sum::<usize>()
}

/// Reads the message-index array at the front of a Protobuf frame payload and returns
/// the indexes and the Protobuf bytes after them.
///
/// Accepts both `00` and the long form `02 00` for `[0]`. Rejects a negative count, a
/// negative index, a count larger than the remaining bytes and any truncation.
pub fn parse_message_indexes(payload: &[u8]) -> Result<(Vec<i32>, &[u8]), WireError> {
    let (count, mut rest) = read_zigzag(payload)?;
    if count < 0 {
        return Err(WireError::NegativeIndexCount(count));
    }
    if count == 0 {
        return Ok((vec![0], rest));
    }
    // Every index takes at least one byte: this bounds the allocation by the input size.
    let count_usize = usize::try_from(count).unwrap_or(usize::MAX);
    if count_usize > rest.len() {
        return Err(WireError::IndexCountTooLarge {
            count,
            remaining: rest.len(),
        });
    }
    let mut indexes = Vec::with_capacity(count_usize);
    for position in 0..count_usize {
        let (index, after) = read_zigzag(rest)?;
        if index < 0 {
            return Err(WireError::NegativeIndex { index, position });
        }
        indexes.push(index);
        rest = after;
    }
    Ok((indexes, rest))
}
