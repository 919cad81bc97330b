//! Avro decimals: the decoder refuses what the encoder refuses, so every decoded value can be
//! written back (an outside finding: a decimal with more digits than the schema's precision
//! was read, then refused on encode).
#![cfg(feature = "rust_decimal")]

use rust_decimal::Decimal;
use streamhouse_schema::{AvroEncode, DecodeError, EncodeError, StreamSchema};

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "t")]
struct Price {
    #[stream_schema(decimal(precision = 4, scale = 2))]
    amount: Decimal,
    #[stream_schema(decimal(precision = 4, scale = 2, fixed = "Amount4", size = 3))]
    fixed: Decimal,
}

fn root(e: &DecodeError) -> &DecodeError {
    e.root_cause()
}

#[test]
fn the_widest_value_the_precision_allows_round_trips_byte_for_byte() {
    let p = Price {
        amount: Decimal::new(-9999, 2),
        fixed: Decimal::new(9999, 2),
    };
    let mut bytes = Vec::new();
    p.encode_avro(&mut bytes).unwrap();
    // bytes: length 2 (zigzag 4), -9999 = 0xd8f1; fixed(3): 9999 = 0x00270f.
    assert_eq!(bytes, [0x04, 0xd8, 0xf1, 0x00, 0x27, 0x0f]);
    assert_eq!(Price::decode_value(&bytes).unwrap(), p);
}

#[test]
fn one_digit_more_than_the_precision_is_refused_on_decode_as_on_encode() {
    // 10000 (0x2710) at scale 2 is 100.00: five digits against precision 4.
    let too_wide_bytes = [0x04, 0x27, 0x10, 0x00, 0x00, 0x01];
    let err = Price::decode_value(&too_wide_bytes).unwrap_err();
    assert!(
        matches!(root(&err), DecodeError::InvalidValue(m) if m.contains("4 digits")),
        "{err:?}"
    );
    let too_wide_fixed = [0x02, 0x01, 0xff, 0xd8, 0xf0]; // fixed -10000
    let err = Price::decode_value(&too_wide_fixed).unwrap_err();
    assert!(
        matches!(root(&err), DecodeError::InvalidValue(m) if m.contains("4 digits")),
        "{err:?}"
    );

    // The encoder refuses the same value.
    let p = Price {
        amount: Decimal::new(10000, 2),
        fixed: Decimal::ZERO,
    };
    let err = p.encode_avro(&mut Vec::new()).unwrap_err();
    assert!(
        matches!(&err, EncodeError::InField { source, .. } if matches!(**source, EncodeError::DecimalPrecision { precision: 4, .. })),
        "{err:?}"
    );
}
