//! Exact bytes of Protobuf message-index arrays, as Confluent's Java/Python clients write
//! and read them (zigzag varints, `[0]` shortened to `00`).

use streamhouse_schema::wire::{
    encoded_message_indexes_len, parse_message_indexes, write_message_indexes, WireError,
};

fn written(indexes: &[i32]) -> Vec<u8> {
    let mut out = Vec::new();
    write_message_indexes(&mut out, indexes);
    out
}

#[test]
fn first_message_is_the_single_byte_zero() {
    assert_eq!(written(&[0]), [0x00]);
    assert_eq!(written(&[]), [0x00]);
}

#[test]
fn known_vectors_match_confluent_bytes() {
    let cases: &[(&[i32], &[u8])] = &[
        (&[1], &[0x02, 0x02]),
        (&[2], &[0x02, 0x04]),
        (&[1, 0], &[0x04, 0x02, 0x00]),
        (&[1, 1], &[0x04, 0x02, 0x02]),
        (&[1, 0, 0], &[0x06, 0x02, 0x00, 0x00]),
        (&[64], &[0x02, 0x80, 0x01]),
        (&[128], &[0x02, 0x80, 0x02]),
        (&[127, 8, 9], &[0x06, 0xfe, 0x01, 0x10, 0x12]),
        (&[0, 0], &[0x04, 0x00, 0x00]),
    ];
    for (indexes, bytes) in cases {
        assert_eq!(written(indexes), *bytes, "indexes {indexes:?}");
        assert_eq!(
            encoded_message_indexes_len(indexes),
            bytes.len(),
            "len of {indexes:?}"
        );
        let mut with_payload = bytes.to_vec();
        with_payload.extend_from_slice(&[0x0a, 0x01, 0x74]);
        let (parsed, rest) = parse_message_indexes(&with_payload).unwrap();
        assert_eq!(parsed, *indexes, "parse {bytes:02x?}");
        assert_eq!(rest, [0x0a, 0x01, 0x74]);
    }
}

#[test]
fn encoded_len_of_short_form_is_one() {
    assert_eq!(encoded_message_indexes_len(&[0]), 1);
    assert_eq!(encoded_message_indexes_len(&[]), 1);
}

#[test]
fn zero_count_and_long_form_both_read_as_first_message() {
    assert_eq!(
        parse_message_indexes(&[0x00, 0x08]),
        Ok((vec![0], &[0x08][..]))
    );
    assert_eq!(
        parse_message_indexes(&[0x02, 0x00, 0x08]),
        Ok((vec![0], &[0x08][..]))
    );
}

#[test]
fn empty_protobuf_message_after_indexes_is_allowed() {
    assert_eq!(parse_message_indexes(&[0x00]), Ok((vec![0], &[][..])));
}

#[test]
fn negative_count_is_rejected() {
    assert_eq!(
        parse_message_indexes(&[0x01, 0x08]),
        Err(WireError::NegativeIndexCount(-1))
    );
    assert_eq!(
        parse_message_indexes(&[0x03]),
        Err(WireError::NegativeIndexCount(-2))
    );
}

#[test]
fn negative_index_is_rejected_with_its_position() {
    assert_eq!(
        parse_message_indexes(&[0x02, 0x01, 0x08]),
        Err(WireError::NegativeIndex {
            index: -1,
            position: 0
        })
    );
    assert_eq!(
        parse_message_indexes(&[0x04, 0x02, 0x03]),
        Err(WireError::NegativeIndex {
            index: -2,
            position: 1
        })
    );
}

#[test]
fn truncation_is_rejected() {
    assert_eq!(
        parse_message_indexes(&[]),
        Err(WireError::TruncatedMessageIndexes)
    );
    // count 1, index varint cut after its continuation byte
    assert_eq!(
        parse_message_indexes(&[0x02, 0x80]),
        Err(WireError::TruncatedMessageIndexes)
    );
    // count 2, only one index present
    assert_eq!(
        parse_message_indexes(&[0x04, 0x02]),
        Err(WireError::IndexCountTooLarge {
            count: 2,
            remaining: 1
        })
    );
}

#[test]
fn huge_count_is_rejected_without_allocating_for_it() {
    // zigzag(i32::MAX) announced, two bytes follow
    let bytes = [0xfe, 0xff, 0xff, 0xff, 0x0f, 0x02, 0x02];
    assert_eq!(
        parse_message_indexes(&bytes),
        Err(WireError::IndexCountTooLarge {
            count: i32::MAX,
            remaining: 2
        })
    );
}

#[test]
fn overlong_and_out_of_range_varints_are_rejected() {
    assert_eq!(
        parse_message_indexes(&[0xff; 12]),
        Err(WireError::VarintTooLong)
    );
    // Python's vector for [i64::MAX]: valid there, but no i32 message index.
    let bytes = [
        0x02, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ];
    assert_eq!(
        parse_message_indexes(&bytes),
        Err(WireError::ValueOutOfRange(i64::MAX))
    );
}

#[test]
fn writer_appends_to_an_existing_buffer() {
    let mut buf = bytes::BytesMut::from(&[0xaa][..]);
    write_message_indexes(&mut buf, &[1, 0, 0]);
    assert_eq!(&buf[..], [0xaa, 0x06, 0x02, 0x00, 0x00]);
}
