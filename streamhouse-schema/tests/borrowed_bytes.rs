//! Zero-copy `bytes::Bytes` fields: decoded from a frame that is itself a `Bytes` (what the
//! consumer holds), Avro and Protobuf `Bytes` fields (top level, in a nested owned record,
//! `Option<Bytes>`, `Vec<Bytes>`) are slices of the frame's buffer; decoded from a plain
//! `&[u8]` they are copies with the same values. JSON `Bytes` (base64) are always copies.

use std::time::Duration;

use bytes::Bytes;
use streamhouse_schema::codec::frame::sliced_from;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::{
    AvroBorrowDecode, AvroDecode, AvroEncode, DecodeError, JsonBorrowDecode, JsonEncode,
    ProtoBorrowDecode, StreamSchema,
};

mod memory_log;
use memory_log::pair;

/// An owned record nested in a borrowing one: read through the owned decoder, its `Bytes`
/// are sliced all the same.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Chunk", namespace = "zcb")]
struct Chunk {
    seq: i32,
    data: Bytes,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Upload", namespace = "zcb", topic = "zcb-uploads")]
struct Upload<'a> {
    name: &'a str,
    body: Bytes,
    preview: Option<Bytes>,
    missing: Option<Bytes>,
    parts: Vec<Bytes>,
    first: Chunk,
    chunks: Vec<Chunk>,
    empty: Bytes,
}

fn chunk(seq: i32, data: &'static [u8]) -> Chunk {
    Chunk {
        seq,
        data: Bytes::from_static(data),
    }
}

fn upload() -> Upload<'static> {
    Upload {
        name: "report.bin",
        body: Bytes::from(vec![0xab; 1000]),
        preview: Some(Bytes::from_static(b"\x89PNG")),
        missing: None,
        parts: vec![
            Bytes::from_static(b"part-one"),
            Bytes::new(),
            Bytes::from_static(b"3"),
        ],
        first: chunk(0, b"\x00\x01\x02"),
        chunks: vec![chunk(1, b"chunk one"), chunk(2, b"chunk two")],
        empty: Bytes::new(),
    }
}

/// Every non-empty `Bytes` of an upload.
fn fields<'u>(u: &'u Upload<'_>) -> Vec<&'u Bytes> {
    let mut all = vec![&u.body, &u.first.data];
    all.extend(&u.preview);
    all.extend(u.parts.iter().filter(|p| !p.is_empty()));
    all.extend(u.chunks.iter().map(|c| &c.data));
    all
}

fn inside(frame: &Bytes, b: &Bytes) -> bool {
    frame.as_ptr_range().contains(&b.as_ptr())
}

fn avro_frame(u: &Upload<'_>) -> Result<Bytes, Box<dyn std::error::Error>> {
    let mut buf = Vec::new();
    u.encode_avro(&mut buf)?;
    Ok(Bytes::from(buf))
}

#[test]
fn avro_bytes_fields_are_slices_of_a_bytes_frame() -> Result<(), Box<dyn std::error::Error>> {
    let want = upload();
    let frame = avro_frame(&want)?;
    assert!(frame.is_unique());
    let got = Upload::from_avro_bytes(&frame)?;
    assert_eq!(got, want);
    assert_eq!(fields(&got).len(), 7);
    for b in fields(&got) {
        assert!(inside(&frame, b), "{b:?} was copied");
    }
    // The name borrows, as with `from_avro_borrowed`.
    assert!(frame.as_ptr_range().contains(&got.name.as_bytes().as_ptr()));
    // The body is the frame's own bytes: right after the name (length 10 as zigzag 0x14,
    // then the text) comes the body's length (1000 as zigzag: 0xd0 0x0f).
    assert_eq!(&frame[..11], b"\x14report.bin");
    assert_eq!(&frame[11..13], [0xd0, 0x0f]);
    assert_eq!(got.body.as_ptr(), frame[13..].as_ptr());
    // Shared, not copied: the frame's buffer has other owners while the fields live, and
    // the fields outlive the frame.
    assert!(!frame.is_unique());
    let body = got.body.clone();
    drop(got);
    assert!(!frame.is_unique());
    drop(frame);
    assert_eq!(body, vec![0xab; 1000]);
    Ok(())
}

#[test]
fn avro_from_a_plain_slice_copies_the_same_values() -> Result<(), Box<dyn std::error::Error>> {
    let want = upload();
    let frame = avro_frame(&want)?;
    let sliced = Upload::from_avro_bytes(&frame)?;
    let copied = Upload::from_avro_borrowed(&frame[..])?;
    assert_eq!(copied, sliced);
    assert_eq!(copied, want);
    for b in fields(&copied) {
        assert!(!inside(&frame, b), "{b:?} shares the frame");
    }
    // Only the sliced value holds the frame.
    drop(sliced);
    assert!(frame.is_unique());
    Ok(())
}

#[test]
fn avro_owned_types_slice_inside_sliced_from() -> Result<(), Box<dyn std::error::Error>> {
    let mut buf = Vec::new();
    vec![chunk(4, b"four"), chunk(5, b"")].encode_avro(&mut buf)?;
    let frame = Bytes::from(buf);
    let got = sliced_from(&frame, |mut input| Vec::<Chunk>::decode_avro(&mut input))?;
    assert_eq!(got, [chunk(4, b"four"), chunk(5, b"")]);
    assert!(inside(&frame, &got[0].data));
    // Outside the scope the owned decoder copies.
    let copied = Vec::<Chunk>::decode_avro(&mut &frame[..])?;
    assert_eq!(copied, got);
    assert!(!inside(&frame, &copied[0].data));
    Ok(())
}

#[test]
fn avro_bad_frames_are_typed_errors() -> Result<(), Box<dyn std::error::Error>> {
    let frame = avro_frame(&upload())?;
    // Cut inside the body: its length says 1000, fewer remain.
    let cut = frame.slice(..100);
    let in_body = |source| DecodeError::InField {
        field: "Upload.body",
        source: Box::new(source),
    };
    assert_eq!(
        Upload::from_avro_bytes(&cut),
        Err(in_body(DecodeError::InvalidLength {
            len: 1000,
            remaining: 87
        }))
    );
    // A negative length for the body (zigzag 0x01 is -1).
    let mut bad = frame[..11].to_vec();
    bad.push(0x01);
    assert_eq!(
        Upload::from_avro_bytes(&Bytes::from(bad)),
        Err(in_body(DecodeError::InvalidLength {
            len: -1,
            remaining: 0
        }))
    );
    // A failed decode keeps nothing of the frame.
    drop(cut);
    assert!(frame.is_unique());
    Ok(())
}

// Protobuf: a borrowing message (no `prost::Message`) and its owned twin, which writes the
// bytes. The nested `PChunk` is owned in both.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(protobuf, name = "Chunk", namespace = "zcbp")]
struct PChunk {
    #[stream_schema(tag = 1)]
    seq: i32,
    #[stream_schema(tag = 2)]
    data: Bytes,
}

#[derive(StreamSchema, Debug, PartialEq)]
#[stream_schema(
    format = "protobuf",
    name = "Upload",
    namespace = "zcbp",
    topic = "zcbp-uploads"
)]
struct PUpload<'a> {
    #[stream_schema(tag = 1)]
    name: &'a str,
    #[stream_schema(tag = 2)]
    body: Bytes,
    #[stream_schema(tag = 3)]
    preview: Option<Bytes>,
    #[stream_schema(tag = 4)]
    missing: Option<Bytes>,
    #[stream_schema(tag = 5)]
    parts: Vec<Bytes>,
    #[stream_schema(tag = 6)]
    first: Option<PChunk>,
    #[stream_schema(tag = 7)]
    chunks: Vec<PChunk>,
    #[stream_schema(tag = 8)]
    empty: Bytes,
}

mod owned {
    use super::PChunk;
    use bytes::Bytes;
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(
        format = "protobuf",
        name = "Upload",
        namespace = "zcbp",
        topic = "zcbp-uploads"
    )]
    pub struct PUpload {
        #[stream_schema(tag = 1)]
        pub name: String,
        #[stream_schema(tag = 2)]
        pub body: Bytes,
        #[stream_schema(tag = 3)]
        pub preview: Option<Bytes>,
        #[stream_schema(tag = 4)]
        pub missing: Option<Bytes>,
        #[stream_schema(tag = 5)]
        pub parts: Vec<Bytes>,
        #[stream_schema(tag = 6)]
        pub first: Option<PChunk>,
        #[stream_schema(tag = 7)]
        pub chunks: Vec<PChunk>,
        #[stream_schema(tag = 8)]
        pub empty: Bytes,
    }
}

fn pchunk(seq: i32, data: &'static [u8]) -> PChunk {
    PChunk {
        seq,
        data: Bytes::from_static(data),
    }
}

fn owned_pupload() -> owned::PUpload {
    owned::PUpload {
        name: "report.bin".into(),
        body: Bytes::from(vec![0xcd; 1000]),
        preview: Some(Bytes::from_static(b"\x89PNG")),
        missing: None,
        parts: vec![
            Bytes::from_static(b"part-one"),
            Bytes::new(),
            Bytes::from_static(b"3"),
        ],
        first: Some(pchunk(0, b"\x00\x01\x02")),
        chunks: vec![pchunk(1, b"chunk one"), pchunk(2, b"chunk two")],
        empty: Bytes::new(),
    }
}

fn same(b: &PUpload<'_>, o: &owned::PUpload) -> bool {
    b.name == o.name
        && b.body == o.body
        && b.preview == o.preview
        && b.missing == o.missing
        && b.parts == o.parts
        && b.first == o.first
        && b.chunks == o.chunks
        && b.empty == o.empty
}

fn pfields<'u>(u: &'u PUpload<'_>) -> Vec<&'u Bytes> {
    let mut all = vec![&u.body];
    all.extend(&u.preview);
    all.extend(u.parts.iter().filter(|p| !p.is_empty()));
    all.extend(u.first.iter().map(|c| &c.data));
    all.extend(u.chunks.iter().map(|c| &c.data));
    all
}

fn proto_frame(o: &owned::PUpload) -> Bytes {
    let mut buf = Vec::new();
    o.encode_proto(&mut buf);
    Bytes::from(buf)
}

#[test]
fn proto_bytes_fields_are_slices_of_a_bytes_frame() -> Result<(), Box<dyn std::error::Error>> {
    let want = owned_pupload();
    let frame = proto_frame(&want);
    let got = PUpload::from_proto_bytes(&frame)?;
    assert!(same(&got, &want), "{got:?}");
    assert_eq!(pfields(&got).len(), 7);
    for b in pfields(&got) {
        assert!(inside(&frame, b), "{b:?} was copied");
    }
    // Field 1 (key 0x0a, length 10, the name), then field 2 (key 0x12, length 1000 as the
    // varint 0xe8 0x07) and the body itself.
    assert_eq!(&frame[..12], b"\x0a\x0areport.bin");
    assert_eq!(&frame[12..15], [0x12, 0xe8, 0x07]);
    assert_eq!(got.body.as_ptr(), frame[15..].as_ptr());
    assert!(!frame.is_unique());

    // The same bytes from a plain slice: equal values, copied.
    let copied = PUpload::from_proto_borrowed(&frame[..])?;
    assert_eq!(copied, got);
    for b in pfields(&copied) {
        assert!(!inside(&frame, b), "{b:?} shares the frame");
    }
    // The owned decoder agrees; inside `sliced_from` its `Bytes` are slices too.
    assert_eq!(owned::PUpload::decode_proto(&frame[..])?, want);
    let owned = sliced_from(&frame, owned::PUpload::decode_proto)?;
    assert_eq!(owned, want);
    assert!(inside(&frame, &owned.body));
    assert!(owned.chunks.iter().all(|c| inside(&frame, &c.data)));
    drop(owned);
    drop(got);
    assert!(frame.is_unique());
    Ok(())
}

#[test]
fn proto_bad_frames_are_typed_errors() {
    let frame = proto_frame(&owned_pupload());
    // Cut inside the body.
    let err = PUpload::from_proto_bytes(&frame.slice(..100)).map(|_| ());
    assert!(
        err.as_ref().is_err_and(|e| {
            let e = e.to_string();
            e.contains("PUpload.body") && e.contains("length 1000 exceeds the 85 bytes left")
        }),
        "{err:?}"
    );
    // Field 2 as a varint: the wrong wire type for bytes.
    let err = PUpload::from_proto_bytes(&Bytes::from_static(&[0x10, 0x01])).map(|_| ());
    assert!(
        err.as_ref()
            .is_err_and(|e| e.to_string().contains("invalid wire type")),
        "{err:?}"
    );
    assert!(frame.is_unique());
}

#[test]
fn json_bytes_are_base64_and_always_copied() -> Result<(), Box<dyn std::error::Error>> {
    let want = upload();
    let mut buf = Vec::new();
    want.encode_json(&mut buf)?;
    let frame = Bytes::from(buf);
    let got = sliced_from(&frame, Upload::decode_json_borrowed)?;
    assert_eq!(got, want);
    for b in fields(&got) {
        assert!(!inside(&frame, b), "{b:?} shares the frame");
    }
    Ok(())
}

#[tokio::test]
async fn the_consumer_hands_out_avro_bytes_sliced_from_the_record(
) -> Result<(), Box<dyn std::error::Error>> {
    let (producer, mut consumer) = pair("mock://zcb-avro", "zcb-uploads").await?;
    let want = upload();
    producer.send_typed(&want).await?;
    let record = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    assert_eq!(
        record.schema.as_ref().map(|s| s.schema_type),
        Some(SchemaFormat::Avro)
    );
    let got: Upload<'_> = consumer.decode_borrowed(&record)?;
    assert_eq!(got, want);
    for b in fields(&got) {
        assert!(inside(&record.value, b), "{b:?} was copied");
    }
    // A `Bytes` field outlives the borrow of the record, holding its buffer.
    let body = got.body.clone();
    drop(got);
    drop(record);
    assert_eq!(body, vec![0xab; 1000]);
    Ok(())
}

#[tokio::test]
async fn the_consumer_hands_out_protobuf_bytes_sliced_from_the_record(
) -> Result<(), Box<dyn std::error::Error>> {
    let (producer, mut consumer) = pair("mock://zcb-proto", "zcbp-uploads").await?;
    let want = owned_pupload();
    producer.send_typed(&want).await?;
    let record = consumer
        .poll(Duration::from_secs(5))
        .await?
        .ok_or("no record")?;
    assert_eq!(
        record.schema.as_ref().map(|s| s.schema_type),
        Some(SchemaFormat::Protobuf)
    );
    let got: PUpload<'_> = consumer.decode_borrowed(&record)?;
    assert!(same(&got, &want), "{got:?}");
    for b in pfields(&got) {
        assert!(inside(&record.value, b), "{b:?} was copied");
    }
    // The owned decode of the same record copies, with the same values.
    let owned: owned::PUpload = consumer.decode(&record)?;
    assert_eq!(owned, want);
    assert!(!inside(&record.value, &owned.body));
    Ok(())
}
