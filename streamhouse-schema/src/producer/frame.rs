//! Building a frame (header, message indexes, payload) in one buffer.
//!
//! Frames are written into a per-thread arena and split off it: every frame is one
//! contiguous, exactly-sized `Bytes` written in place (no copy after encoding), and the
//! arena's memory is allocated in chunks, so steady-state sends allocate nothing per
//! message. A chunk is freed once every frame split from it has been dropped.

use std::cell::RefCell;

use bytes::{BufMut, Bytes, BytesMut};

use crate::schema::SchemaFormat;
use crate::wire;

/// Size of each arena chunk. Small enough that a few long-lived frames do not pin much
/// memory, large enough to amortise the allocation over many typical messages.
const ARENA_CHUNK: usize = 8 * 1024;

/// The message-index path of the first message of a `.proto` file, which is what a schema
/// generated for one type (or registered by `send_with_schema`) describes.
const FIRST_MESSAGE: [i32; 1] = [0];

thread_local! {
    static ARENA: RefCell<BytesMut> = RefCell::new(BytesMut::with_capacity(ARENA_CHUNK));
}

/// Writes a Confluent frame for `schema_id` and returns it as one `Bytes`.
///
/// `write_payload` appends the payload; on error nothing is kept. Protobuf frames pass
/// their message-index path (`[0]`, written as the single byte `0x00`, for the first
/// message of the schema), which goes between header and payload; other formats pass `None`.
pub(crate) fn build_frame<E>(
    schema_id: i32,
    message_indexes: Option<&[i32]>,
    size_hint: usize,
    write_payload: impl FnOnce(&mut BytesMut) -> Result<(), E>,
) -> Result<Bytes, E> {
    ARENA.with(|arena| match arena.try_borrow_mut() {
        Ok(mut arena) => write_into(
            &mut arena,
            schema_id,
            message_indexes,
            size_hint,
            write_payload,
        ),
        // Only reachable if `write_payload` itself builds a frame on this thread; give that
        // nested frame its own buffer rather than failing.
        Err(_) => write_into(
            &mut BytesMut::new(),
            schema_id,
            message_indexes,
            size_hint,
            write_payload,
        ),
    })
}

fn write_into<E>(
    arena: &mut BytesMut,
    schema_id: i32,
    message_indexes: Option<&[i32]>,
    size_hint: usize,
    write_payload: impl FnOnce(&mut BytesMut) -> Result<(), E>,
) -> Result<Bytes, E> {
    // The arena holds no bytes between frames (each frame is split off), so this only
    // allocates when the current chunk is used up; a new chunk is at least ARENA_CHUNK.
    arena.clear();
    let indexes_len = message_indexes.map_or(0, wire::encoded_message_indexes_len);
    let needed = wire::HEADER_LEN + indexes_len + size_hint;
    if arena.capacity() < needed {
        arena.reserve(needed.max(ARENA_CHUNK));
    }
    wire::write_header(arena, schema_id);
    if let Some(indexes) = message_indexes {
        wire::write_message_indexes(arena, indexes);
    }
    match write_payload(arena) {
        Ok(()) => Ok(arena.split().freeze()),
        Err(error) => {
            arena.clear();
            Err(error)
        }
    }
}

/// Bytes written by `write` into the same arena as frames (no allocation per call), or
/// `None` (nothing kept) when `write` returns `false`.
pub(crate) fn arena_bytes(write: impl FnOnce(&mut BytesMut) -> bool) -> Option<Bytes> {
    ARENA.with(|arena| match arena.try_borrow_mut() {
        Ok(mut arena) => {
            arena.clear();
            if arena.capacity() < 64 {
                arena.reserve(ARENA_CHUNK);
            }
            if write(&mut arena) {
                Some(arena.split().freeze())
            } else {
                arena.clear();
                None
            }
        }
        Err(_) => {
            let mut own = BytesMut::new();
            write(&mut own).then(|| own.freeze())
        }
    })
}

/// Frames an already-encoded payload.
///
/// A Protobuf payload is taken to be the schema's first message (indexes `[0]`), which is
/// what a schema generated for one type (or registered by `send_with_schema`) describes.
pub(crate) fn frame_payload(schema_id: i32, format: SchemaFormat, payload: &[u8]) -> Bytes {
    let indexes = (format == SchemaFormat::Protobuf).then_some(&FIRST_MESSAGE[..]);
    let framed: Result<Bytes, std::convert::Infallible> =
        build_frame(schema_id, indexes, payload.len(), |buf| {
            buf.put_slice(payload);
            Ok(())
        });
    match framed {
        Ok(bytes) => bytes,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_frame_is_magic_big_endian_id_then_payload() {
        let frame = frame_payload(1, SchemaFormat::Avro, b"\x06abc");
        assert_eq!(
            &frame[..],
            &[0x00, 0x00, 0x00, 0x00, 0x01, 0x06, b'a', b'b', b'c'][..]
        );
        let frame = frame_payload(0x0102_0304, SchemaFormat::Json, b"{}");
        assert_eq!(&frame[..], &[0x00, 0x01, 0x02, 0x03, 0x04, b'{', b'}'][..]);
    }

    #[test]
    fn protobuf_frame_carries_the_first_message_index() {
        let frame = frame_payload(7, SchemaFormat::Protobuf, b"\x08\x01");
        assert_eq!(
            &frame[..],
            &[0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x08, 0x01][..]
        );
    }

    #[test]
    fn nested_message_indexes_go_between_header_and_payload() {
        let framed: Result<Bytes, ()> = build_frame(7, Some(&[1, 0]), 2, |buf| {
            buf.put_slice(b"\x08\x01");
            Ok(())
        });
        // Count 2, then 1 and 0, each a zigzag varint.
        assert_eq!(
            framed.as_deref().ok(),
            Some(&[0x00, 0x00, 0x00, 0x00, 0x07, 0x04, 0x02, 0x00, 0x08, 0x01][..])
        );
    }

    #[test]
    fn consecutive_frames_are_independent() {
        let first = frame_payload(1, SchemaFormat::Avro, b"one");
        let second = frame_payload(2, SchemaFormat::Avro, b"two");
        assert_eq!(&first[..], b"\x00\x00\x00\x00\x01one");
        assert_eq!(&second[..], b"\x00\x00\x00\x00\x02two");
    }

    #[test]
    fn a_failed_payload_leaves_nothing_behind() {
        let failed: Result<Bytes, &str> = build_frame(1, None, 4, |buf| {
            buf.put_slice(b"partial");
            Err("boom")
        });
        assert_eq!(failed, Err("boom"));
        assert_eq!(
            &frame_payload(3, SchemaFormat::Avro, b"ok")[..],
            b"\x00\x00\x00\x00\x03ok"
        );
    }

    #[test]
    fn frames_larger_than_a_chunk_are_whole() {
        let payload = vec![0xab_u8; 3 * ARENA_CHUNK];
        let frame = frame_payload(9, SchemaFormat::Avro, &payload);
        assert_eq!(frame.len(), 5 + payload.len());
        assert_eq!(&frame[5..], &payload[..]);
    }
}
