//! Zero-copy Protobuf decoding: derived messages with a lifetime read the bytes their owned
//! twins write, borrowing every string and bytes field from the payload; the consumer hands
//! them out from Protobuf records, checking the frame's message indexes as for owned types.

use std::borrow::Cow;
use std::time::Duration;

use streamhouse_schema::consumer::RecordError;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::{ProtoBorrowDecode, StreamSchema};

mod memory_log;
use memory_log::pair;

// A line that borrows its SKU.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(protobuf, name = "Line", namespace = "zcp")]
struct Line<'a> {
    #[stream_schema(tag = 1)]
    sku: &'a str,
    #[stream_schema(tag = 2)]
    quantity: i32,
}

#[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
#[stream_schema(protobuf, name = "Channel", namespace = "zcp")]
enum Channel {
    Web = 0,
    Store = 1,
}

// Every borrowed field type (plain, optional, repeated, nested), beside owned ones. (No doc
// comment: docs are schema docs, and the owned twin has none.)
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(
    format = "protobuf",
    name = "Order",
    namespace = "zcp",
    topic = "zcp-orders"
)]
struct Order<'a> {
    #[stream_schema(tag = 1)]
    id: i64,
    #[stream_schema(tag = 2)]
    customer: &'a str,
    #[stream_schema(tag = 3)]
    note: Option<&'a str>,
    #[stream_schema(tag = 4)]
    region: Cow<'a, str>,
    #[stream_schema(tag = 5)]
    signature: &'a [u8],
    #[stream_schema(tag = 6)]
    thumbnail: Cow<'a, [u8]>,
    #[stream_schema(tag = 7)]
    lines: Vec<Line<'a>>,
    #[stream_schema(tag = 8)]
    gift: Option<Line<'a>>,
    #[stream_schema(tag = 9)]
    tags: Vec<&'a str>,
    #[stream_schema(tag = 10)]
    blobs: Vec<Cow<'a, [u8]>>,
    #[stream_schema(tag = 11)]
    owner: String,
    #[stream_schema(tag = 12)]
    counts: Vec<i32>,
    #[stream_schema(tag = 13)]
    channel: Channel,
    #[stream_schema(tag = 14, proto = "sint32")]
    delta: i32,
    #[stream_schema(tag = 15)]
    main: Line<'a>,
    #[stream_schema(tag = 16)]
    stamp: Option<&'a [u8]>,
}

/// The owned twins: same names, same tags.
mod owned {
    use super::Channel;
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(protobuf, name = "Line", namespace = "zcp")]
    pub struct Line {
        #[stream_schema(tag = 1)]
        pub sku: String,
        #[stream_schema(tag = 2)]
        pub quantity: i32,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(
        format = "protobuf",
        name = "Order",
        namespace = "zcp",
        topic = "zcp-orders"
    )]
    pub struct Order {
        #[stream_schema(tag = 1)]
        pub id: i64,
        #[stream_schema(tag = 2)]
        pub customer: String,
        #[stream_schema(tag = 3)]
        pub note: Option<String>,
        #[stream_schema(tag = 4)]
        pub region: String,
        #[stream_schema(tag = 5)]
        pub signature: Vec<u8>,
        #[stream_schema(tag = 6)]
        pub thumbnail: Vec<u8>,
        #[stream_schema(tag = 7)]
        pub lines: Vec<Line>,
        #[stream_schema(tag = 8)]
        pub gift: Option<Line>,
        #[stream_schema(tag = 9)]
        pub tags: Vec<String>,
        #[stream_schema(tag = 10)]
        pub blobs: Vec<Vec<u8>>,
        #[stream_schema(tag = 11)]
        pub owner: String,
        #[stream_schema(tag = 12)]
        pub counts: Vec<i32>,
        #[stream_schema(tag = 13)]
        pub channel: Channel,
        #[stream_schema(tag = 14, proto = "sint32")]
        pub delta: i32,
        #[stream_schema(tag = 15)]
        pub main: Line,
        #[stream_schema(tag = 16)]
        pub stamp: Option<Vec<u8>>,
    }
}

fn line(sku: &str, quantity: i32) -> owned::Line {
    owned::Line {
        sku: sku.into(),
        quantity,
    }
}

fn owned_order() -> owned::Order {
    owned::Order {
        id: 42,
        customer: "ada".into(),
        note: Some("door".into()),
        region: "eu".into(),
        signature: vec![0xde, 0xad],
        thumbnail: vec![1, 2, 3],
        lines: vec![line("TEA", 2), line("MUG", 1)],
        gift: Some(line("CARD", 1)),
        tags: vec!["gift".into(), "".into()],
        blobs: vec![vec![9], vec![]],
        owner: "ops".into(),
        counts: vec![1, 300, -1],
        channel: Channel::Store,
        delta: -3,
        main: line("POT", 5),
        stamp: Some(Vec::new()),
    }
}

fn lines_match(b: &[Line<'_>], o: &[owned::Line]) -> bool {
    b.len() == o.len()
        && b.iter()
            .zip(o)
            .all(|(b, o)| b.sku == o.sku && b.quantity == o.quantity)
}

/// The borrowed view of an owned order, compared field by field.
fn same(b: &Order<'_>, o: &owned::Order) -> bool {
    b.id == o.id
        && b.customer == o.customer
        && b.note == o.note.as_deref()
        && b.region == o.region
        && b.signature == o.signature.as_slice()
        && *b.thumbnail == *o.thumbnail
        && lines_match(&b.lines, &o.lines)
        && lines_match(b.gift.as_slice(), o.gift.as_slice())
        && b.tags == o.tags
        && b.blobs.len() == o.blobs.len()
        && b.blobs.iter().zip(&o.blobs).all(|(b, o)| **b == **o)
        && b.owner == o.owner
        && b.counts == o.counts
        && b.channel == o.channel
        && b.delta == o.delta
        && lines_match(std::slice::from_ref(&b.main), std::slice::from_ref(&o.main))
        && b.stamp == o.stamp.as_deref()
}

fn inside(buf: &[u8], s: &[u8]) -> bool {
    buf.as_ptr_range().contains(&s.as_ptr())
}

fn proto_bytes<T: StreamSchema + streamhouse_schema::codec::proto::Message>(v: &T) -> Vec<u8> {
    let mut buf = Vec::new();
    v.encode_proto(&mut buf);
    buf
}

#[test]
fn borrowing_messages_have_the_schemas_of_their_owned_twins() {
    assert_eq!(
        Order::proto_schema().text(),
        owned::Order::proto_schema().text()
    );
    assert!(Order::proto_schema()
        .text()
        .contains("repeated bytes blobs = 10;"));
    assert_eq!(Order::FORMAT, Some(SchemaFormat::Protobuf));
    assert_eq!(owned::Order::FORMAT, Order::FORMAT);
}

#[test]
fn round_trip_borrows_every_string_and_bytes_field() -> Result<(), Box<dyn std::error::Error>> {
    let o = owned_order();
    let bytes = proto_bytes(&o);
    let b = Order::from_proto_borrowed(&bytes)?;
    assert!(same(&b, &o), "{b:?}");
    for s in [
        b.customer.as_bytes(),
        b.note.unwrap_or_default().as_bytes(),
        b.region.as_bytes(),
        b.signature,
        &b.thumbnail,
        b.lines[1].sku.as_bytes(),
        b.gift.as_ref().map_or(&b""[..], |g| g.sku.as_bytes()),
        b.tags[0].as_bytes(),
        &b.blobs[0],
        b.main.sku.as_bytes(),
    ] {
        assert!(inside(&bytes, s), "{s:?} was copied");
    }
    assert!(matches!(b.region, Cow::Borrowed("eu")));
    assert!(matches!(b.thumbnail, Cow::Borrowed(&[1, 2, 3])));
    // The owned decode of the same bytes agrees.
    assert_eq!(owned::Order::decode_proto(&bytes)?, o);
    Ok(())
}

#[test]
fn bytes_of_a_small_message_and_absent_fields() -> Result<(), Box<dyn std::error::Error>> {
    // id = 7, customer = "ada", lines = [{sku "T", quantity 2}], an unknown field 99 (varint)
    // skipped, signature = "\x01", customer again = "bo" (the last one wins).
    let bytes = [
        0x08, 0x07, 0x12, 0x03, b'a', b'd', b'a', 0x3a, 0x05, 0x0a, 0x01, b'T', 0x10, 0x02, 0x98,
        0x06, 0x01, 0x2a, 0x01, 0x01, 0x12, 0x02, b'b', b'o',
    ];
    let b = Order::from_proto_borrowed(&bytes)?;
    assert_eq!(b.id, 7);
    assert_eq!(b.customer, "bo");
    assert!(inside(&bytes, b.customer.as_bytes()));
    assert_eq!(
        b.lines,
        [Line {
            sku: "T",
            quantity: 2
        }]
    );
    assert_eq!(b.signature, [1]);
    // Absent fields take their zero values, borrowing nothing.
    assert_eq!((b.note, b.gift, b.stamp), (None, None, None));
    assert_eq!((&*b.region, &*b.thumbnail), ("", &[][..]));
    assert!(b.tags.is_empty() && b.blobs.is_empty() && b.counts.is_empty());
    assert_eq!((b.channel, b.delta), (Channel::Web, 0));
    assert_eq!(
        b.main,
        Line {
            sku: "",
            quantity: 0
        }
    );
    // The empty payload is the all-zero message.
    assert_eq!(Order::from_proto_borrowed(&[])?.id, 0);
    // Counts sent unpacked (one varint key per element) read as the packed ones do.
    let unpacked = [0x60, 0x01, 0x60, 0xac, 0x02];
    assert_eq!(Order::from_proto_borrowed(&unpacked)?.counts, [1, 300]);
    Ok(())
}

#[test]
fn malformed_input_is_a_typed_error_naming_the_field() {
    // customer = invalid UTF-8.
    let err = Order::from_proto_borrowed(&[0x12, 0x02, 0xff, 0xfe]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Order.customer"), "{text}");
    assert!(text.contains("not UTF-8"), "{text}");
    // A nested line's SKU, invalid UTF-8: both levels named.
    let err = Order::from_proto_borrowed(&[0x3a, 0x03, 0x0a, 0x01, 0xc3]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Line.sku"), "{text}");
    assert!(text.contains("Order.lines"), "{text}");
    // signature with a length past the input.
    let err = Order::from_proto_borrowed(&[0x2a, 0x05, 0x01]).unwrap_err();
    assert!(err.to_string().contains("Order.signature"), "{err}");
    // customer sent as a varint.
    let err = Order::from_proto_borrowed(&[0x10, 0x01]).unwrap_err();
    assert!(err.to_string().contains("invalid wire type"), "{err}");
    // Lines nested past the limit: a Line inside a Line's SKU slot is not a Line, but an
    // Order nests only as deep as the payload says; a truncated key is refused.
    let err = Order::from_proto_borrowed(&[0x80]).unwrap_err();
    assert!(err.to_string().contains("invalid varint"), "{err}");
}

/// A recursive borrowing message: the nesting limit refuses deep input instead of
/// overflowing the stack.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(protobuf, name = "Tree", namespace = "zcp")]
struct Tree<'a> {
    #[stream_schema(tag = 1)]
    name: &'a str,
    #[stream_schema(tag = 2)]
    children: Vec<Tree<'a>>,
}

#[test]
fn nesting_is_bounded() -> Result<(), Box<dyn std::error::Error>> {
    // name "r", one child named "c".
    let shallow = [0x0a, 0x01, b'r', 0x12, 0x03, 0x0a, 0x01, b'c'];
    let t = Tree::from_proto_borrowed(&shallow)?;
    assert_eq!((t.name, t.children[0].name), ("r", "c"));
    // 200 levels of `children`, each an empty-but-for-its-child message.
    let mut deep: Vec<u8> = Vec::new();
    for _ in 0..200 {
        let mut outer = vec![0x12];
        let len = deep.len();
        let mut n = len as u64;
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                outer.push(b);
                break;
            }
            outer.push(b | 0x80);
        }
        outer.extend_from_slice(&deep);
        deep = outer;
    }
    let err = Tree::from_proto_borrowed(&deep).unwrap_err();
    assert!(format!("{err:?}").contains("RecursionLimit"), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn the_consumer_hands_out_borrowed_protobuf_records_checking_their_message_indexes(
) -> Result<(), Box<dyn std::error::Error>> {
    let (producer, mut consumer) = pair("mock://zcp-consumer", "zcp-orders").await?;
    let o = owned_order();
    producer.send_typed(&o).await?;
    let record = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    // The single 0 byte of the first message.
    assert_eq!(record.message_indexes, [0]);
    assert_eq!(
        record.schema.as_ref().map(|s| s.schema_type),
        Some(SchemaFormat::Protobuf)
    );
    let b: Order<'_> = consumer.decode_borrowed(&record)?;
    assert!(same(&b, &o), "{b:?}");
    assert!(inside(&record.value, b.customer.as_bytes()));
    assert!(inside(&record.value, b.signature));
    assert_eq!(consumer.decode::<owned::Order>(&record)?, o);

    // The same payload framed by hand: path [0] written long-hand (count 1, index 0) reads
    // the same; path [7] names no message of the file, as for the owned decode.
    let id = record.schema_id.ok_or("no schema id")?;
    let payload = proto_bytes(&o);
    let frame = |indexes: &[u8]| {
        let mut f = vec![0];
        f.extend_from_slice(&id.to_be_bytes());
        f.extend_from_slice(indexes);
        f.extend_from_slice(&payload);
        f
    };
    producer
        .send("zcp-orders", None, &frame(&[0x02, 0x00]), None)
        .await?;
    producer
        .send("zcp-orders", None, &frame(&[0x02, 0x0e]), None)
        .await?;
    let long_hand = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    let b: Order<'_> = consumer.decode_borrowed(&long_hand)?;
    assert!(same(&b, &o), "{b:?}");
    let nowhere = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    match consumer.decode_borrowed::<Order<'_>>(&nowhere) {
        Err(ClientError::InvalidRecord(r)) => match r.reason {
            RecordError::MessageIndexes {
                path,
                found,
                reader,
                ..
            } => {
                assert_eq!(path, [7]);
                assert_eq!(found, None);
                assert_eq!(reader, "zcp.Order");
            }
            other => panic!("expected MessageIndexes, got {other:?}"),
        },
        other => panic!("expected an invalid record, got {other:?}"),
    }
    // A borrowing type that is not a Protobuf message cannot read the record.
    #[derive(StreamSchema, Debug)]
    #[stream_schema(name = "Order", namespace = "zcp")]
    struct NotProto<'a> {
        customer: &'a str,
    }
    match consumer.decode_borrowed::<NotProto<'_>>(&record) {
        Err(ClientError::ConfigError(message)) => {
            assert!(message.contains("no Protobuf codec"), "{message}")
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    Ok(())
}
