//! `#[stream_schema(fingerprint = "...")]` pins the whole schema, nested types included.

use streamhouse_schema::StreamSchema;

/// An order.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(namespace = "com.acme.shop", fingerprint = "0x4aeb063d1c54941e")]
struct PinnedOrder {
    id: String,
    items: Vec<PinnedItem>,
    status: PinnedStatus,
    note: Option<String>,
}

#[derive(StreamSchema, Debug, PartialEq)]
struct PinnedItem {
    sku: String,
    qty: i64,
}

#[derive(StreamSchema, Debug, PartialEq)]
enum PinnedStatus {
    New,
    Paid,
}

#[test]
fn the_pinned_fingerprint_is_the_run_time_fingerprint() {
    assert_eq!(
        format!("{:#018x}", PinnedOrder::avro_fingerprint()),
        "0x4aeb063d1c54941e"
    );
    assert_eq!(
        PinnedOrder::compile_time_canonical_form(),
        Some(PinnedOrder::avro_canonical_form())
    );
}
