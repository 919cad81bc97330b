//! A oneof declared inline in a message with `#[stream_schema(oneof)]`: the data enum's
//! variants are fields of the holding message. Checked against protoc (the `.proto` text
//! compiles to the same layout as our descriptor, and `protoc --decode` reads our bytes) and
//! prost-reflect (it decodes our bytes with our descriptor, and its own encoding, in
//! field-number order, is byte-identical to ours), plus Protobuf's merge rules for a oneof.

use streamhouse_schema::__private::proto::ProtoOneof;
use streamhouse_schema::codec::proto::Message;
use streamhouse_schema::StreamSchema;

mod proto_support;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v2", protobuf)]
struct Item {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: u32,
}

/// Members spread over the gaps between the holder's own numbers 1, 3 and 6. (No unit
/// variant: the field is an `Option`, and Avro's nullable union has room for one null.)
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v2", protobuf, rename_all = "snake_case")]
enum Payment {
    #[stream_schema(tag = 2)]
    Points(u32),
    #[stream_schema(tag = 4)]
    Card(String),
    #[stream_schema(tag = 5)]
    Voucher {
        #[stream_schema(tag = 1)]
        code: String,
        #[stream_schema(tag = 2, proto = "sint64")]
        cents: i64,
    },
    #[stream_schema(tag = 7)]
    Gift(Item),
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v2", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(oneof)]
    payment: Option<Payment>,
    #[stream_schema(tag = 3)]
    note: Option<String>,
    #[stream_schema(tag = 6)]
    items: Vec<Item>,
}

/// A generic holder: its number checks run when its codec is instantiated.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v2", protobuf)]
struct Tagged<T> {
    #[stream_schema(tag = 1)]
    value: T,
    #[stream_schema(oneof)]
    payment: Option<Payment>,
}

fn order(payment: Option<Payment>) -> Order {
    Order {
        id: "o".into(),
        payment,
        note: Some("n".into()),
        items: vec![Item {
            sku: "a".into(),
            qty: 2,
        }],
    }
}

fn encode<M: Message>(m: &M) -> Vec<u8> {
    let mut buf = Vec::new();
    m.encode_raw(&mut buf);
    assert_eq!(m.encoded_len(), buf.len(), "encoded_len");
    buf
}

fn every_payment() -> Vec<Option<Payment>> {
    vec![
        None,
        Some(Payment::Points(0)),
        Some(Payment::Points(300)),
        Some(Payment::Card(String::new())),
        Some(Payment::Card("tok".into())),
        Some(Payment::Voucher {
            code: "V".into(),
            cents: -3,
        }),
        Some(Payment::Gift(Item {
            sku: "g".into(),
            qty: 0,
        })),
    ]
}

#[test]
fn members_are_written_among_the_holders_fields_in_number_order() {
    // 1: "o"; 3: "n"; 4: "tok" (between 3 and 6); 6: item.
    assert_eq!(
        hex::encode(encode(&order(Some(Payment::Card("tok".into()))))),
        "0a016f1a016e2203746f6b3205 0a0161 1002".replace(' ', "")
    );
    // 2: a zero, written: a member has explicit presence (between 1 and 3).
    assert_eq!(
        hex::encode(encode(&order(Some(Payment::Points(0))))),
        "0a016f10001a016e32050a01611002"
    );
    // 7: after every field of the holder.
    assert_eq!(
        hex::encode(encode(&order(Some(Payment::Gift(Item {
            sku: "g".into(),
            qty: 0
        }))))),
        "0a016f1a016e32050a016110023a030a0167"
    );
}

#[test]
fn every_member_round_trips_and_prost_reflect_writes_the_same_bytes() {
    for payment in every_payment() {
        let o = order(payment);
        let bytes = encode(&o);
        assert_eq!(Order::decode_proto(&bytes).as_ref(), Ok(&o));
        let m = proto_support::reflect_decode(Order::proto_file(), "shop.v2.Order", &bytes);
        // prost-reflect writes fields in field-number order, as protoc's runtimes do.
        assert_eq!(
            hex::encode(prost::Message::encode_to_vec(&m)),
            hex::encode(&bytes),
            "{o:?}"
        );
    }
}

#[test]
fn protoc_compiles_the_text_to_our_layout_and_decodes_our_bytes() {
    let set = proto_support::protoc_compile("order.proto", Order::proto_text());
    let theirs = set
        .file
        .iter()
        .find(|f| f.package() == "shop.v2")
        .expect("our file in protoc's output");
    let layout = |m: &prost_types::DescriptorProto| {
        let fields: Vec<_> = m
            .field
            .iter()
            .map(|f| {
                (
                    f.name().to_string(),
                    f.number(),
                    f.r#type(),
                    f.oneof_index,
                    f.proto3_optional,
                )
            })
            .collect();
        let oneofs: Vec<_> = m.oneof_decl.iter().map(|o| o.name().to_string()).collect();
        (fields, oneofs)
    };
    let ours = &Order::proto_file().message_type[0];
    assert_eq!(layout(ours), layout(&theirs.message_type[0]));
    let (fields, oneofs) = layout(ours);
    assert_eq!(oneofs, ["payment", "_note"]);
    let members: Vec<_> = fields
        .iter()
        .filter(|f| f.3 == Some(0))
        .map(|f| (f.0.as_str(), f.1))
        .collect();
    assert_eq!(
        members,
        [("points", 2), ("card", 4), ("voucher", 5), ("gift", 7)]
    );

    let bytes = encode(&order(Some(Payment::Voucher {
        code: "V".into(),
        cents: -3,
    })));
    let text =
        proto_support::protoc_decode("order.proto", Order::proto_text(), "shop.v2.Order", &bytes);
    assert_eq!(
        text,
        "id: \"o\"\nnote: \"n\"\nvoucher {\n  code: \"V\"\n  cents: -3\n}\nitems {\n  sku: \"a\"\n  qty: 2\n}\n"
    );
}

#[test]
fn the_last_member_on_the_wire_wins_and_a_repeated_message_member_merges() {
    // card "x" (4), then points 1 (2): points wins.
    let bytes = hex::decode("2201781001").unwrap();
    let o = Order::decode_proto(&bytes).unwrap();
    assert_eq!(o.payment, Some(Payment::Points(1)));
    // voucher {code: "V"} then voucher {cents: -3 (zigzag 5)}: merged into one voucher.
    let bytes = hex::decode("2a030a01562a021005").unwrap();
    let o = Order::decode_proto(&bytes).unwrap();
    assert_eq!(
        o.payment,
        Some(Payment::Voucher {
            code: "V".into(),
            cents: -3
        })
    );
    // gift {sku: "g"} then gift {qty: 2}: merged.
    let bytes = hex::decode("3a030a01673a021002").unwrap();
    assert_eq!(
        Order::decode_proto(&bytes).unwrap().payment,
        Some(Payment::Gift(Item {
            sku: "g".into(),
            qty: 2
        }))
    );
}

#[test]
fn bad_member_input_is_a_typed_error_naming_the_field() {
    // Member 4 (a string) sent as a varint.
    let err = Order::decode_proto(&[0x20, 0x01]).unwrap_err().to_string();
    assert!(err.contains("invalid wire type"), "{err}");
    assert!(err.contains("Order.payment"), "{err}");
    // Member 5 cut short.
    let err = Order::decode_proto(&[0x2a, 0x05, 0x0a]).unwrap_err();
    assert!(err.to_string().contains("Order.payment"), "{err}");
    // Every strict prefix of a full encoding is an error or a shorter value, never a panic.
    let bytes = encode(&order(Some(Payment::Voucher {
        code: "V".into(),
        cents: -3,
    })));
    for cut in 0..bytes.len() {
        let _ = Order::decode_proto(&bytes[..cut]);
    }
}

#[test]
fn the_enum_reports_its_member_numbers() {
    assert_eq!(<Payment as ProtoOneof>::TAGS, &[2, 4, 5, 7]);
    assert!(<Payment as ProtoOneof>::has_tag(5));
    assert!(!<Payment as ProtoOneof>::has_tag(3));
    assert_eq!(Payment::Card(String::new()).oneof_tag(), 4);
    // The enum on its own is still a wrapper message with `oneof value`.
    let file = Payment::proto_file();
    assert_eq!(file.message_type[0].name(), "Payment");
    assert_eq!(file.message_type[0].oneof_decl[0].name(), "value");
    let wrapped = encode(&Payment::Card("tok".into()));
    assert_eq!(hex::encode(&wrapped), "2203746f6b");
    assert_eq!(
        Payment::decode_proto(&wrapped),
        Ok(Payment::Card("tok".into()))
    );
}

#[test]
fn a_generic_holder_works_the_same() {
    let v = Tagged {
        value: 7i64,
        payment: Some(Payment::Card("t".into())),
    };
    let bytes = encode(&v);
    assert_eq!(hex::encode(&bytes), "08072201 74".replace(' ', ""));
    assert_eq!(Tagged::<i64>::decode_proto(&bytes), Ok(v));
}

#[test]
fn clear_resets_the_oneof() {
    let mut o = order(Some(Payment::Points(1)));
    o.clear();
    assert_eq!(o.payment, None);
    assert!(encode(&o).is_empty());
}
