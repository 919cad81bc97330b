//! Zero-copy decoding: derived types with a lifetime borrow strings and bytes from the
//! input, in Avro and JSON, with the same schemas as their owned twins; the consumer hands
//! them out borrowing from a polled record.

use std::borrow::Cow;
use std::time::Duration;

use streamhouse_schema::consumer::RecordError;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::{
    AvroBorrowDecode, AvroDecode, AvroEncode, DecodeError, JsonBorrowDecode, JsonDecode,
    JsonDecodeError, JsonEncode, StreamSchema,
};

mod memory_log;
use memory_log::pair;

// An order line that borrows its SKU.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(name = "Line", namespace = "zc")]
struct Line<'a> {
    sku: &'a str,
    quantity: i32,
}

// How an order was paid: a data enum with a borrowing variant.
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(name = "Payment", namespace = "zc")]
enum Payment<'a> {
    Card { last4: &'a str },
    Cash { change: i64 },
}

// Every borrowed field type, beside owned ones. (No doc comment: docs are schema docs, and the
// owned twins below have none.)
#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(name = "Order", namespace = "zc", topic = "zc-orders")]
struct Order<'a> {
    id: i64,
    customer: &'a str,
    note: Option<&'a str>,
    channel: Cow<'a, str>,
    signature: &'a [u8],
    thumbnail: Cow<'a, [u8]>,
    lines: Vec<Line<'a>>,
    payment: Option<Payment<'a>>,
    tags: Vec<String>,
    #[stream_schema(default = "7")]
    priority: i32,
}

/// The owned twins: same schema names, same fields.
mod owned {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Line", namespace = "zc")]
    pub struct Line {
        pub sku: String,
        pub quantity: i32,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Payment", namespace = "zc")]
    pub enum Payment {
        Card { last4: String },
        Cash { change: i64 },
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "zc", topic = "zc-orders")]
    pub struct Order {
        pub id: i64,
        pub customer: String,
        pub note: Option<String>,
        pub channel: String,
        pub signature: Vec<u8>,
        pub thumbnail: Vec<u8>,
        pub lines: Vec<Line>,
        pub payment: Option<Payment>,
        pub tags: Vec<String>,
        #[stream_schema(default = "7")]
        pub priority: i32,
    }
}

fn owned_order() -> owned::Order {
    owned::Order {
        id: 42,
        customer: "ada".into(),
        note: Some("door".into()),
        channel: "web".into(),
        signature: vec![0xde, 0xad],
        thumbnail: vec![1, 2, 3],
        lines: vec![
            owned::Line {
                sku: "TEA".into(),
                quantity: 2,
            },
            owned::Line {
                sku: "MUG".into(),
                quantity: 1,
            },
        ],
        payment: Some(owned::Payment::Card {
            last4: "4242".into(),
        }),
        tags: vec!["gift".into()],
        priority: 3,
    }
}

/// The borrowed view of `owned_order()`, compared field by field.
fn same(b: &Order<'_>, o: &owned::Order) -> bool {
    b.id == o.id
        && b.customer == o.customer
        && b.note == o.note.as_deref()
        && b.channel == o.channel
        && b.signature == o.signature.as_slice()
        && *b.thumbnail == *o.thumbnail
        && b.lines.len() == o.lines.len()
        && b.lines
            .iter()
            .zip(&o.lines)
            .all(|(b, o)| b.sku == o.sku && b.quantity == o.quantity)
        && match (&b.payment, &o.payment) {
            (Some(Payment::Card { last4: b }), Some(owned::Payment::Card { last4: o })) => b == o,
            (Some(Payment::Cash { change: b }), Some(owned::Payment::Cash { change: o })) => b == o,
            (None, None) => true,
            _ => false,
        }
        && b.tags == o.tags
        && b.priority == o.priority
}

fn inside(buf: &[u8], s: &[u8]) -> bool {
    buf.as_ptr_range().contains(&s.as_ptr())
}

#[test]
fn borrowing_types_have_the_schemas_of_their_owned_twins() {
    assert_eq!(
        Order::avro_canonical_form(),
        owned::Order::avro_canonical_form()
    );
    assert_eq!(Order::avro_schema_json(), owned::Order::avro_schema_json());
    assert_eq!(Order::json_schema_text(), owned::Order::json_schema_text());
    assert!(Order::avro_canonical_form().contains(r#"{"name":"customer","type":"string"}"#));
    assert!(Order::avro_canonical_form().contains(r#"{"name":"signature","type":"bytes"}"#));
}

#[test]
fn avro_round_trip_borrows_every_string_and_byte_field() -> Result<(), Box<dyn std::error::Error>> {
    let o = owned_order();
    let mut bytes = Vec::new();
    o.encode_avro(&mut bytes)?;
    let b = Order::from_avro_borrowed(&bytes)?;
    assert!(same(&b, &o), "{b:?}");
    // The borrowed value encodes to the same bytes.
    let mut again = Vec::new();
    b.encode_avro(&mut again)?;
    assert_eq!(again, bytes);
    // Strings and bytes point into the input: nothing was copied.
    assert!(inside(&bytes, b.customer.as_bytes()));
    assert!(inside(&bytes, b.note.unwrap_or_default().as_bytes()));
    assert!(matches!(b.channel, Cow::Borrowed(c) if inside(&bytes, c.as_bytes())));
    assert!(inside(&bytes, b.signature));
    assert!(matches!(b.thumbnail, Cow::Borrowed(t) if inside(&bytes, t)));
    assert!(b.lines.iter().all(|l| inside(&bytes, l.sku.as_bytes())));
    assert!(matches!(b.payment, Some(Payment::Card { last4 }) if inside(&bytes, last4.as_bytes())));
    Ok(())
}

#[test]
fn avro_bytes_of_a_small_borrowing_record() -> Result<(), Box<dyn std::error::Error>> {
    let line = Line {
        sku: "TEA",
        quantity: -2,
    };
    let mut bytes = Vec::new();
    line.encode_avro(&mut bytes)?;
    // "TEA" (length 3 → zigzag 06), then -2 → zigzag 03.
    assert_eq!(bytes, [0x06, b'T', b'E', b'A', 0x03]);
    assert_eq!(Line::from_avro_borrowed(&bytes)?, line);
    // The owned twin reads the same bytes.
    assert_eq!(
        owned::Line::decode_avro(&mut bytes.as_slice())?,
        owned::Line {
            sku: "TEA".into(),
            quantity: -2
        }
    );
    // A data enum in an Option: the variants are branches 1 and 2 of the union.
    let cash = Some(Payment::Cash { change: 5 });
    let mut bytes = Vec::new();
    cash.encode_avro(&mut bytes)?;
    assert_eq!(bytes, [0x04, 0x0a]);
    assert_eq!(Option::<Payment<'_>>::from_avro_borrowed(&bytes)?, cash);
    Ok(())
}

#[test]
fn malformed_avro_is_a_typed_error_naming_the_field() {
    // id 1, then a customer string claiming 50 bytes with 1 left.
    let err = Order::from_avro_borrowed(&[0x02, 0x64, b'x']).err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some(
            DecodeError::InvalidLength {
                len: 50,
                remaining: 1
            }
            .in_field("Order.customer")
            .to_string()
        )
    );
    let err = Line::from_avro_borrowed(&[0x02, 0xff, 0x02]).err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some(DecodeError::InvalidUtf8.in_field("Line.sku").to_string())
    );
}

#[test]
fn json_round_trip_borrows_plain_strings() -> Result<(), Box<dyn std::error::Error>> {
    let o = owned_order();
    let json = o.to_json_vec()?;
    let b = Order::decode_json_borrowed(&json);
    // `signature` is `&[u8]`: base64 in JSON cannot be borrowed.
    assert_eq!(
        b.err().map(|e| e.to_string()),
        Some(
            JsonDecodeError::BorrowedBase64 {
                offset: find(&json, br#""3q0=""#)
            }
            .in_field("Order.signature")
            .to_string()
        )
    );

    /// What JSON can borrow: no `&[u8]`.
    #[derive(StreamSchema, Debug, PartialEq)]
    #[stream_schema(name = "Order", namespace = "zc")]
    struct JsonOrder<'a> {
        id: i64,
        customer: &'a str,
        note: Option<&'a str>,
        channel: Cow<'a, str>,
        thumbnail: Cow<'a, [u8]>,
        lines: Vec<Line<'a>>,
        payment: Option<Payment<'a>>,
        #[stream_schema(default = "7")]
        priority: i32,
    }
    let b = JsonOrder::decode_json_borrowed(&json)?;
    assert_eq!(b.customer, "ada");
    assert!(inside(&json, b.customer.as_bytes()));
    assert_eq!(b.note, Some("door"));
    assert!(matches!(b.channel, Cow::Borrowed("web")));
    assert_eq!(*b.thumbnail, [1, 2, 3]);
    assert_eq!(
        b.lines[1],
        Line {
            sku: "MUG",
            quantity: 1
        }
    );
    assert!(inside(&json, b.lines[1].sku.as_bytes()));
    assert_eq!(b.payment, Some(Payment::Card { last4: "4242" }));
    assert_eq!(b.priority, 3);
    // An absent field with a schema default takes it; unknown fields are skipped.
    let b = JsonOrder::decode_json_borrowed(
        br#"{"id":1,"customer":"c","note":null,"channel":"x","thumbnail":"","lines":[],"payment":null,"extra":[1,{"a":"b"}]}"#,
    )?;
    assert_eq!(b.priority, 7);
    assert_eq!(b.thumbnail, Cow::Owned::<[u8]>(Vec::new()));
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or(usize::MAX)
}

#[test]
fn json_escapes_are_owned_by_cow_and_refused_by_str_naming_the_field() {
    /// A `&str` and a `Cow<str>` side by side.
    #[derive(StreamSchema, Debug, PartialEq)]
    struct Note<'a> {
        author: &'a str,
        text: Cow<'a, str>,
    }
    let json = br#"{"author":"ada","text":"line\none \u00e9"}"#;
    let note = Note::decode_json_borrowed(json);
    assert_eq!(
        note,
        Ok(Note {
            author: "ada",
            text: Cow::Owned("line\none é".to_string())
        })
    );
    assert!(matches!(
        note,
        Ok(Note {
            text: Cow::Owned(_),
            ..
        })
    ));

    let json = br#"{"author":"a\"da","text":"plain"}"#;
    let err = Note::decode_json_borrowed(json);
    assert_eq!(
        err,
        Err(JsonDecodeError::EscapedBorrow { offset: 10 }.in_field("Note.author"))
    );
    assert_eq!(
        err.err().map(|e| e.to_string()),
        Some("field `Note.author`: the string at byte 10 has escapes, so it cannot be borrowed as `&str`: use `Cow<str>` (borrowed when it can be) or `String`".to_string())
    );
    // A wrong type and a missing field are typed errors as in the owned decoder.
    assert_eq!(
        Note::decode_json_borrowed(br#"{"author":1,"text":""}"#),
        Err(JsonDecodeError::WrongType {
            expected: "string",
            found: "a number",
            offset: 10
        }
        .in_field("Note.author"))
    );
    assert_eq!(
        Note::decode_json_borrowed(br#"{"text":""}"#),
        Err(JsonDecodeError::MissingField { field: "author" })
    );
}

#[test]
fn borrowing_newtypes_and_boxes() -> Result<(), Box<dyn std::error::Error>> {
    /// A newtype over a borrowed string.
    #[derive(StreamSchema, Debug, PartialEq)]
    struct Sku<'a>(&'a str);
    /// A record holding one.
    #[derive(StreamSchema, Debug, PartialEq)]
    struct Holder<'a> {
        sku: Sku<'a>,
        boxed: Box<Option<&'a str>>,
    }
    let h = Holder {
        sku: Sku("A-1"),
        boxed: Box::new(Some("b")),
    };
    let mut bytes = Vec::new();
    h.encode_avro(&mut bytes)?;
    assert_eq!(bytes, [0x06, b'A', b'-', b'1', 0x02, 0x02, b'b']);
    assert_eq!(Holder::from_avro_borrowed(&bytes)?, h);
    let json = h.to_json_vec()?;
    assert_eq!(json, br#"{"sku":"A-1","boxed":"b"}"#);
    assert_eq!(Holder::decode_json_borrowed(&json)?, h);
    Ok(())
}

#[tokio::test]
async fn the_consumer_hands_out_records_borrowing_from_the_polled_record(
) -> Result<(), Box<dyn std::error::Error>> {
    let (producer, mut consumer) = pair("mock://zc-consumer", "zc-orders").await?;
    let o = owned_order();
    producer.send_typed(&o).await?;
    let record = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    let b: Order<'_> = consumer.decode_borrowed(&record)?;
    assert!(same(&b, &o), "{b:?}");
    assert!(inside(&record.value, b.customer.as_bytes()));
    assert!(inside(&record.value, b.signature));
    // The owned decode of the same record agrees.
    assert_eq!(consumer.decode::<owned::Order>(&record)?, o);

    // JSON: the same type from a JSON record (one without `&[u8]`).
    /// A note.
    #[derive(StreamSchema, Debug, PartialEq)]
    #[stream_schema(topic = "zc-notes")]
    struct Note<'a> {
        author: &'a str,
        text: Cow<'a, str>,
    }
    let (producer, mut consumer) = pair("mock://zc-consumer-json", "zc-notes").await?;
    let sent = Note {
        author: "ada",
        text: Cow::Borrowed("tab\there"),
    };
    let json = sent.to_json_vec()?;
    producer
        .send_with_schema(
            "zc-notes",
            None,
            &json,
            Note::json_schema_text(),
            SchemaFormat::Json,
            None,
        )
        .await?;
    let record = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    let note: Note<'_> = consumer.decode_borrowed(&record)?;
    assert_eq!(note, sent);
    assert!(inside(&record.value, note.author.as_bytes()));
    assert!(matches!(note.text, Cow::Owned(_)));
    Ok(())
}

#[tokio::test]
async fn a_borrowing_type_reads_only_its_own_avro_schema() -> Result<(), Box<dyn std::error::Error>>
{
    /// v1 of a line: no quantity.
    #[derive(StreamSchema, Debug, PartialEq)]
    #[stream_schema(name = "Line", namespace = "zc", topic = "zc-lines")]
    struct LineV1 {
        sku: String,
    }
    let (producer, mut consumer) = pair("mock://zc-resolve", "zc-lines").await?;
    producer.send_typed(&LineV1 { sku: "TEA".into() }).await?;
    let record = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    let err = consumer.decode_borrowed::<Line<'_>>(&record);
    match err {
        Err(ClientError::InvalidRecord(r)) => match r.reason {
            RecordError::Incompatible {
                reader, message, ..
            } => {
                assert_eq!(reader, "zc.Line");
                assert!(message.contains("no schema resolution"), "{message}");
            }
            other => panic!("expected Incompatible, got {other:?}"),
        },
        other => panic!("expected an invalid record, got {other:?}"),
    }
    Ok(())
}

#[test]
fn owned_decoders_are_unchanged_beside_the_borrowing_ones() -> Result<(), Box<dyn std::error::Error>>
{
    let o = owned_order();
    let mut bytes = Vec::new();
    o.encode_avro(&mut bytes)?;
    assert_eq!(owned::Order::decode_avro(&mut bytes.as_slice())?, o);
    let json = o.to_json_vec()?;
    assert_eq!(owned::Order::decode_json(&json)?, o);
    // The borrowed view encodes the JSON the owned one does.
    let b = Order::from_avro_borrowed(&bytes)?;
    assert_eq!(b.to_json_vec()?, json);
    Ok(())
}
