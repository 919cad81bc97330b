//! Properties of the wire layer over arbitrary input: writing then parsing gives back what
//! was written, and no byte sequence makes a parser panic.

use proptest::prelude::*;
use streamhouse_schema::wire::{
    encoded_message_indexes_len, parse_frame, parse_message_indexes, write_header,
    write_message_indexes, SchemaId,
};

proptest! {
    #[test]
    fn message_indexes_roundtrip(
        indexes in prop::collection::vec(0..=i32::MAX, 1..8),
        payload in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        let mut bytes = Vec::new();
        write_message_indexes(&mut bytes, &indexes);
        prop_assert_eq!(bytes.len(), encoded_message_indexes_len(&indexes));
        bytes.extend_from_slice(&payload);
        let (parsed, rest) = parse_message_indexes(&bytes).unwrap();
        prop_assert_eq!(parsed, indexes);
        prop_assert_eq!(rest, &payload[..]);
    }

    #[test]
    fn frames_roundtrip(id in 0..=i32::MAX, payload in prop::collection::vec(any::<u8>(), 0..32)) {
        let mut bytes = Vec::new();
        write_header(&mut bytes, id);
        bytes.extend_from_slice(&payload);
        let frame = parse_frame(&bytes).unwrap();
        prop_assert_eq!(frame.schema_id, SchemaId::Id(id));
        prop_assert_eq!(frame.payload, &payload[..]);
    }

    #[test]
    fn parsers_never_panic_and_never_overrun(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(frame) = parse_frame(&bytes) {
            prop_assert!(frame.payload.len() < bytes.len());
        }
        if let Ok((indexes, rest)) = parse_message_indexes(&bytes) {
            prop_assert!(!indexes.is_empty());
            prop_assert!(indexes.iter().all(|&index| index >= 0));
            prop_assert!(rest.len() < bytes.len());
        }
    }
}
