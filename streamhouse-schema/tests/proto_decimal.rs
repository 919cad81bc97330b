//! `rust_decimal::Decimal` fields in Protobuf: a `string` holding the exact decimal text.
#![cfg(feature = "rust_decimal")]

use rust_decimal::Decimal;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Invoice {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2, decimal(precision = 12, scale = 2))]
    total: Decimal,
    #[stream_schema(tag = 3, decimal(precision = 12, scale = 2))]
    discount: Option<Decimal>,
}

#[test]
fn decimals_are_strings_on_the_wire_and_read_back_exactly() {
    assert!(
        Invoice::proto_text().contains("string total = 2;"),
        "{}",
        Invoice::proto_text()
    );
    let invoice = Invoice {
        id: "inv-1".to_string(),
        total: Decimal::new(12_50, 2),
        discount: Some(Decimal::new(-1_05, 2)),
    };
    let bytes = prost::Message::encode_to_vec(&invoice);
    // Field 2, length-delimited: the text "12.50".
    let total = [&[0x12, 5][..], b"12.50"].concat();
    assert!(
        bytes.windows(total.len()).any(|w| w == total.as_slice()),
        "{bytes:02x?}"
    );
    assert_eq!(Invoice::decode_proto(&bytes).expect("decodes"), invoice);
}
