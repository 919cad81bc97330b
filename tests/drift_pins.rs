//! Allowed evolutions compile against a pinned schema file (the breaking ones are
//! compile-fail cases under tests/ui/drift/).

use streamhouse_schema::StreamSchema;

/// v1 evolved the allowed ways: added field with default, int → long, rename with alias,
/// added enum symbol (the pinned enum has a default), a nested type gaining a defaulted field.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(
    namespace = "com.acme.pins",
    name = "Order",
    pin = "tests/pins/order-v1.avsc",
    compatibility = "BACKWARD"
)]
struct OrderV2 {
    id: String,
    qty: i64,
    #[stream_schema(alias = "customer")]
    customer_id: String,
    status: Status,
    items: Vec<Item>,
    #[stream_schema(default = "\"EUR\"")]
    currency: String,
    note: Option<String>,
}

#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(rename_all = "UPPERCASE")]
enum Status {
    #[stream_schema(default)]
    New,
    Paid,
    Shipped,
}

#[derive(StreamSchema, Debug, PartialEq)]
struct Item {
    sku: String,
    #[stream_schema(default = "1")]
    quantity: i32,
}

#[test]
fn the_pinned_type_reads_v1_records() {
    // Encoded by hand with the v1 schema: id "o1", qty 2, customer "c", status PAID, one item "s".
    let v1: Vec<u8> = vec![
        0x04, b'o', b'1', 0x04, 0x02, b'c', 0x02, 0x02, 0x02, b's', 0x00,
    ];
    let plan = streamhouse_schema::codec::avro::resolve::Resolution::new(
        include_str!("pins/order-v1.avsc"),
        OrderV2::avro_schema_json(),
    )
    .unwrap();
    let got: OrderV2 = plan.decode(&v1, &mut Vec::new()).unwrap();
    assert_eq!(
        got,
        OrderV2 {
            id: "o1".into(),
            qty: 2,
            customer_id: "c".into(),
            status: Status::Paid,
            items: vec![Item {
                sku: "s".into(),
                quantity: 1
            }],
            currency: "EUR".into(),
            note: None,
        }
    );
    assert!(OrderV2::compile_time_canonical_form().is_some());
}

/// v1 moved to another namespace without an alias. Avro Java's
/// `SchemaCompatibility.schemaNameEquals` compares unqualified names, so Confluent's
/// registry accepts the move both ways, and so does the pin (it calls the same
/// `streamhouse_schema_core::compat::can_read` as the registry): this compiles under FULL.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(
    namespace = "com.acme.moved",
    name = "Order",
    pin = "tests/pins/order-v1.avsc",
    compatibility = "FULL"
)]
struct MovedOrder {
    id: String,
    qty: i32,
    customer: String,
    status: Status,
    items: Vec<Item>,
}

#[test]
fn a_type_moved_to_another_namespace_reads_v1_records() {
    let v1: Vec<u8> = vec![
        0x04, b'o', b'1', 0x04, 0x02, b'c', 0x02, 0x02, 0x02, b's', 0x00,
    ];
    assert!(MovedOrder::avro_schema_json().contains("\"namespace\":\"com.acme.moved\""));
    let plan = streamhouse_schema::codec::avro::resolve::Resolution::new(
        include_str!("pins/order-v1.avsc"),
        MovedOrder::avro_schema_json(),
    )
    .unwrap();
    let got: MovedOrder = plan.decode(&v1, &mut Vec::new()).unwrap();
    assert_eq!(
        got,
        MovedOrder {
            id: "o1".into(),
            qty: 2,
            customer: "c".into(),
            status: Status::Paid,
            items: vec![Item {
                sku: "s".into(),
                quantity: 1
            }],
        }
    );
}

/// A borrowing type pinned like an owned one: `&str` and `Cow<str>` are strings, `&[u8]`
/// and `Cow<[u8]>` bytes, in the pin's compile-time model as in the run-time schema.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(
    namespace = "com.acme.pins",
    name = "Blob",
    pin = "tests/pins/blob-v1.avsc",
    compatibility = "FULL"
)]
struct BlobRef<'a> {
    name: &'a str,
    data: std::borrow::Cow<'a, [u8]>,
    thumb: Option<&'a [u8]>,
    label: std::borrow::Cow<'a, str>,
}

#[test]
fn a_pinned_borrowing_type_reads_the_pinned_schema_borrowing() {
    use streamhouse_schema::AvroBorrowDecode;
    // name "n", data [1, 2], thumb [3], label "l".
    let v1: Vec<u8> = vec![0x02, b'n', 0x04, 1, 2, 0x02, 0x02, 3, 0x02, b'l'];
    let blob = BlobRef::from_avro_borrowed(&v1).unwrap();
    assert_eq!(
        blob,
        BlobRef {
            name: "n",
            data: std::borrow::Cow::Borrowed(&[1, 2]),
            thumb: Some(&[3]),
            label: std::borrow::Cow::Borrowed("l"),
        }
    );
    assert!(v1.as_ptr_range().contains(&blob.name.as_ptr()));
    assert_eq!(
        BlobRef::compile_time_canonical_form(),
        Some(BlobRef::avro_canonical_form())
    );
    assert!(BlobRef::avro_canonical_form()
        .contains(r#"{"name":"data","type":"bytes"},{"name":"thumb","type":["null","bytes"]}"#));
}
