//! Target `wire_frame`: the Confluent frame header and the Protobuf message-index array.

use streamhouse_schema::wire::{self, SchemaId};

/// Parses `data` as a frame, then its payload as a message-index array, and checks that
/// what parsed writes back to the same header and reads back to the same indexes.
pub fn frame(data: &[u8]) {
    let Ok(frame) = wire::parse_frame(data) else {
        return;
    };
    let mut header = Vec::new();
    match frame.schema_id {
        SchemaId::Id(id) => wire::write_header(&mut header, id),
        SchemaId::Guid(guid) => wire::write_guid_header(&mut header, &guid),
    }
    assert_eq!(
        [header.as_slice(), frame.payload].concat(),
        data,
        "a parsed header writes back to its own bytes"
    );

    let Ok((indexes, rest)) = wire::parse_message_indexes(frame.payload) else {
        return;
    };
    let consumed = frame.payload.len() - rest.len();
    // `00` reads as `[0]`: the only case where an index costs no byte of input.
    assert!(
        indexes.len() <= consumed.max(1),
        "{} indexes from {consumed} bytes",
        indexes.len()
    );
    let mut written = Vec::new();
    wire::write_message_indexes(&mut written, &indexes);
    assert_eq!(written.len(), wire::encoded_message_indexes_len(&indexes));
    let reread = wire::parse_message_indexes(&written).map(|(again, tail)| (again, tail.len()));
    assert_eq!(reread, Ok((indexes, 0)), "written indexes read back");
}
