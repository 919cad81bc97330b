//! The frame header: magic byte plus schema id (or GUID), and the payload after it.

use std::fmt;

use super::WireError;

/// Magic byte of the classic frame: a 4-byte big-endian schema id follows.
pub const MAGIC_BYTE: u8 = 0;
/// Magic byte of the GUID frame: a 16-byte schema GUID follows.
pub const MAGIC_BYTE_GUID: u8 = 1;
/// Length of a classic header (magic + 4-byte id).
pub const HEADER_LEN: usize = 5;
/// Length of a GUID header (magic + 16-byte GUID).
pub const GUID_HEADER_LEN: usize = 17;

/// How a frame names its writer schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaId {
    /// A registry-wide integer id (magic `0x00`).
    Id(i32),
    /// A schema GUID in RFC 4122 byte order (magic `0x01`).
    Guid([u8; 16]),
}

impl fmt::Display for SchemaId {
    /// Ids print as the number, GUIDs in the hyphenated form the registry uses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaId::Id(id) => write!(f, "{id}"),
            SchemaId::Guid(guid) => {
                for (position, byte) in guid.iter().enumerate() {
                    if matches!(position, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }
    }
}

/// A parsed frame: who wrote it and the bytes after the header.
///
/// For Protobuf the payload still starts with the message-index array; pass it to
/// [`parse_message_indexes`](super::parse_message_indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The writer schema.
    pub schema_id: SchemaId,
    /// Everything after the header (borrowed, not copied).
    pub payload: &'a [u8],
}

/// Writes the classic 5-byte header: `0x00` and `schema_id` big-endian.
pub fn write_header(buf: &mut impl bytes::BufMut, schema_id: i32) {
    buf.put_u8(MAGIC_BYTE);
    buf.put_i32(schema_id);
}

/// Writes the 17-byte GUID header: `0x01` and the GUID bytes.
pub fn write_guid_header(buf: &mut impl bytes::BufMut, guid: &[u8; 16]) {
    buf.put_u8(MAGIC_BYTE_GUID);
    buf.put_slice(guid);
}

/// Splits a frame into its schema id and payload.
///
/// An empty payload is allowed here (an Avro record with no fields encodes to zero
/// bytes); whether it decodes is the codec's business.
pub fn parse_frame(bytes: &[u8]) -> Result<Frame<'_>, WireError> {
    let (&magic, rest) = bytes.split_first().ok_or(WireError::Empty)?;
    let truncated = |needed| WireError::TruncatedHeader {
        magic,
        needed,
        actual: bytes.len(),
    };
    match magic {
        MAGIC_BYTE => {
            let (id, payload) = rest
                .split_first_chunk::<4>()
                .ok_or_else(|| truncated(HEADER_LEN))?;
            let id = i32::from_be_bytes(*id);
            if id < 0 {
                return Err(WireError::NegativeSchemaId(id));
            }
            Ok(Frame {
                schema_id: SchemaId::Id(id),
                payload,
            })
        }
        MAGIC_BYTE_GUID => {
            let (guid, payload) = rest
                .split_first_chunk::<16>()
                .ok_or_else(|| truncated(GUID_HEADER_LEN))?;
            Ok(Frame {
                schema_id: SchemaId::Guid(*guid),
                payload,
            })
        }
        other => Err(WireError::UnknownMagicByte(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_magic_then_big_endian_id() {
        let mut out = Vec::new();
        write_header(&mut out, 0x0102_0304);
        assert_eq!(out, [0x00, 0x01, 0x02, 0x03, 0x04]);
    }

    #[test]
    fn guid_header_is_magic_one_then_guid() {
        let guid: [u8; 16] = core::array::from_fn(|i| i as u8);
        let mut out = Vec::new();
        write_guid_header(&mut out, &guid);
        assert_eq!(out.len(), GUID_HEADER_LEN);
        assert_eq!(out[0], 0x01);
        assert_eq!(&out[1..], &guid);
    }

    #[test]
    fn parse_splits_header_and_payload() {
        let frame = parse_frame(&[0, 0, 0, 0, 9, 0xab, 0xcd]).unwrap();
        assert_eq!(frame.schema_id, SchemaId::Id(9));
        assert_eq!(frame.payload, [0xab, 0xcd]);
    }

    #[test]
    fn header_only_frame_has_empty_payload() {
        let frame = parse_frame(&[0, 0, 0, 0, 10]).unwrap();
        assert_eq!(frame.schema_id, SchemaId::Id(10));
        assert!(frame.payload.is_empty());
    }

    #[test]
    fn parse_rejects_bad_headers() {
        assert_eq!(parse_frame(&[]), Err(WireError::Empty));
        assert_eq!(
            parse_frame(&[0x7b, 0, 0]),
            Err(WireError::UnknownMagicByte(0x7b))
        );
        assert_eq!(
            parse_frame(&[0, 0, 0]),
            Err(WireError::TruncatedHeader {
                magic: 0,
                needed: 5,
                actual: 3
            })
        );
        assert_eq!(
            parse_frame(&[1; 16]),
            Err(WireError::TruncatedHeader {
                magic: 1,
                needed: 17,
                actual: 16
            })
        );
        assert_eq!(
            parse_frame(&[0, 0xff, 0xff, 0xff, 0xff, 1]),
            Err(WireError::NegativeSchemaId(-1))
        );
    }

    #[test]
    fn guid_displays_hyphenated() {
        let mut guid = [0u8; 16];
        guid[6] = 0x40;
        guid[8] = 0x80;
        guid[15] = 0x01;
        assert_eq!(
            SchemaId::Guid(guid).to_string(),
            "00000000-0000-4000-8000-000000000001"
        );
        assert_eq!(SchemaId::Id(42).to_string(), "42");
    }
}
