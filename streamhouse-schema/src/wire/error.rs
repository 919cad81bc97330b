//! Why a byte sequence is not a valid Confluent frame.

/// A frame or message-index array that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The frame has no bytes at all.
    #[error("empty frame: expected a Confluent magic byte (0x00 or 0x01) followed by a schema id")]
    Empty,
    /// The first byte is neither `0x00` (schema id) nor `0x01` (schema GUID).
    #[error("unknown magic byte 0x{0:02x}: not a Confluent schema-registry frame (expected 0x00 or 0x01)")]
    UnknownMagicByte(u8),
    /// The frame ends inside its header.
    #[error("truncated frame header: magic byte 0x{magic:02x} needs {needed} header bytes, frame has {actual}")]
    TruncatedHeader {
        /// The magic byte that was read.
        magic: u8,
        /// Bytes the header needs (5 for an id, 17 for a GUID).
        needed: usize,
        /// Bytes the frame actually has.
        actual: usize,
    },
    /// A 4-byte schema id with the sign bit set: no registry hands out such ids.
    #[error("invalid schema id {0}: schema ids are positive")]
    NegativeSchemaId(i32),
    /// The message-index array ends inside a varint or before its announced count.
    #[error("truncated message indexes: the payload ends inside the message-index array")]
    TruncatedMessageIndexes,
    /// A varint in the message-index array runs over 10 bytes.
    #[error("malformed message indexes: varint longer than 10 bytes")]
    VarintTooLong,
    /// A zigzag value does not fit an `i32`.
    #[error("malformed message indexes: value {0} does not fit in 32 bits")]
    ValueOutOfRange(i64),
    /// The index count is negative.
    #[error("malformed message indexes: negative index count {0}")]
    NegativeIndexCount(i32),
    /// The index count is larger than the bytes left could possibly hold.
    #[error("malformed message indexes: count {count} but only {remaining} bytes follow")]
    IndexCountTooLarge {
        /// The announced number of indexes.
        count: i32,
        /// Bytes left after the count.
        remaining: usize,
    },
    /// One of the indexes is negative.
    #[error("malformed message indexes: negative message index {index} at position {position}")]
    NegativeIndex {
        /// The index value read.
        index: i32,
        /// Its position in the array (0 = top-level message).
        position: usize,
    },
}
