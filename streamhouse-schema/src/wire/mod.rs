//! Confluent wire framing: the bytes around every schema-governed Kafka record.
//!
//! A framed record is
//!
//! ```text
//! 0x00 | schema id (4 bytes, big-endian) | [Protobuf only: message indexes] | payload
//! 0x01 | schema GUID (16 bytes)           | [Protobuf only: message indexes] | payload
//! ```
//!
//! The first form is what every Confluent serializer writes; the second (magic `0x01`) is
//! the newer GUID framing that Confluent's deserializers also read. Protobuf frames carry a
//! *message-index array* naming the message inside the `.proto` file: a count followed by
//! each index, all zigzag varints, with the path `[0]` shortened to the single byte `00`.
//!
//! This module knows nothing of HTTP, registries or transports: it writes and parses bytes.
//!
//! ```
//! use streamhouse_schema::wire::{self, SchemaId};
//!
//! let mut frame = Vec::new();
//! wire::write_header(&mut frame, 7);
//! wire::write_message_indexes(&mut frame, &[1, 0]);
//! frame.extend_from_slice(b"\x08\x01");
//! assert_eq!(frame, [0x00, 0, 0, 0, 7, 0x04, 0x02, 0x00, 0x08, 0x01]);
//!
//! let parsed = wire::parse_frame(&frame)?;
//! assert_eq!(parsed.schema_id, SchemaId::Id(7));
//! let (indexes, payload) = wire::parse_message_indexes(parsed.payload)?;
//! assert_eq!((indexes, payload), (vec![1, 0], &b"\x08\x01"[..]));
//! # Ok::<(), streamhouse_schema::wire::WireError>(())
//! ```

mod error;
mod frame;
mod message_indexes;
mod varint;

pub use error::WireError;
pub use frame::{
    parse_frame, write_guid_header, write_header, Frame, SchemaId, GUID_HEADER_LEN, HEADER_LEN,
    MAGIC_BYTE, MAGIC_BYTE_GUID,
};
pub use message_indexes::{
    encoded_message_indexes_len, parse_message_indexes, write_message_indexes,
};
