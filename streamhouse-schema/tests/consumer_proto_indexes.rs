//! The typed consumer reads Protobuf frames whose message indexes name any message of the
//! writer's file: a nested message (`[0, 1]`), the second top-level message (`[1]`), a
//! nested message after a map field's synthetic entry type (`[0, 3]`, the entry taking
//! `[0, 2]` as in Confluent's Java and Python serializers). The frames are written by
//! Confluent's own Python `ProtobufSerializer` (`tests/python/proto_index_peer.py`) against
//! our embedded registry, and by hand for paths no serializer writes. Python registers the
//! file as a base64 descriptor, which our registry stores as printed `.proto` text: reading
//! `[0, 3]` as `Note` also checks that the printer places the map field so that compiling
//! the text recreates the entry's slot.
//!
//! Needs `scripts/setup-python.sh` (the venv at `<repo>/.venv`, or `STREAMHOUSE_PYTHON`);
//! without it the test fails and says so.
#![cfg(feature = "server")]

mod memory_log;
mod python_peer;

use memory_log::{consumer_of, producer_on};
use python_peer::{python, workspace_root};
use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use streamhouse_schema::consumer::{ConsumedRecord, Consumer, RecordError};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::StreamSchema;

const WAIT: Duration = Duration::from_secs(2);
const TOPIC: &str = "proto-index";

/// `shop.v1.Order.Header` of the writer's file, read as a top-level message of our own.
#[derive(StreamSchema, Debug, Clone, PartialEq, Default)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Header {
    #[stream_schema(tag = 1)]
    source: String,
}

/// `shop.v1.Order.Line`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Line {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: i32,
}

/// `shop.v1.Order.Note`, declared after the map field whose entry type takes a slot.
#[derive(StreamSchema, Debug, Clone, PartialEq, Default)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Note {
    #[stream_schema(tag = 1)]
    text: String,
}

/// `shop.v1.Order`, the file's first message (same full name as ours).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    totals: HashMap<String, i64>,
    #[stream_schema(tag = 3)]
    header: Header,
    #[stream_schema(tag = 4)]
    lines: Vec<Line>,
    #[stream_schema(tag = 5)]
    note: Note,
}

/// `shop.v1.Refund`, the file's second top-level message.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Refund {
    #[stream_schema(tag = 1)]
    order_id: String,
    #[stream_schema(tag = 2, proto = "sint32")]
    cents: i32,
}

/// Runs the Python peer against `url`: the frames it wrote, by name.
async fn python_frames(url: &str) -> HashMap<String, Vec<u8>> {
    let python = python();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("frames.json");
    let script = workspace_root().join("tests/python/proto_index_peer.py");
    let (url, out_arg) = (url.to_string(), out.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .arg(url)
            .arg(out_arg)
            .output()
    })
    .await
    .expect("join")
    .expect("run the python peer");
    assert!(
        output.status.success(),
        "python peer failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let hex: HashMap<String, String> =
        serde_json::from_slice(&std::fs::read(&out).expect("frames written")).expect("json");
    hex.into_iter()
        .map(|(name, frame)| (name, hex::decode(frame).expect("hex")))
        .collect()
}

/// The frame's bytes after the magic byte and the schema id, up to the payload: the
/// message indexes as Confluent writes them (zigzag varints).
fn index_bytes(frame: &[u8], len: usize) -> &[u8] {
    &frame[5..5 + len]
}

/// Sends `frames` raw and polls them back as records, in order.
async fn consume(url: &str, frames: &[&[u8]]) -> (Consumer, Vec<ConsumedRecord>) {
    let (producer, log) = producer_on(url).await;
    for frame in frames {
        producer.send(TOPIC, None, frame, None).await.expect("sent");
    }
    let mut consumer = consumer_of(url, &log, TOPIC).await;
    let mut records = Vec::new();
    for _ in frames {
        records.push(consumer.poll(WAIT).await.expect("poll").expect("a record"));
    }
    (consumer, records)
}

/// The reason a decode failed with, which must be an invalid record.
fn reason<T: std::fmt::Debug>(result: Result<T, ClientError>) -> RecordError {
    match result {
        Err(ClientError::InvalidRecord(invalid)) => invalid.reason,
        other => panic!("expected an invalid record, got {other:?}"),
    }
}

#[tokio::test]
async fn frames_from_confluent_python_naming_nested_and_later_messages_decode_into_our_types() {
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let frames = python_frames(&url).await;

    // The index paths Python wrote: [0] as one 0 byte; [0, 0], [0, 1], [0, 3] as a count of
    // 2 (zigzag 04) then each index zigzag-encoded; [1] as 02 02.
    assert_eq!(index_bytes(&frames["order"], 1), [0x00]);
    assert_eq!(index_bytes(&frames["header"], 3), [0x04, 0x00, 0x00]);
    assert_eq!(index_bytes(&frames["line"], 3), [0x04, 0x00, 0x02]);
    assert_eq!(index_bytes(&frames["note"], 3), [0x04, 0x00, 0x06]);
    assert_eq!(index_bytes(&frames["refund"], 2), [0x02, 0x02]);

    let names = ["order", "header", "line", "note", "refund"];
    let sent: Vec<&[u8]> = names.iter().map(|name| frames[*name].as_slice()).collect();
    let (consumer, records) = consume(&url, &sent).await;
    let paths: Vec<&[i32]> = records
        .iter()
        .map(|r| r.message_indexes.as_slice())
        .collect();
    assert_eq!(paths, [&[0][..], &[0, 0], &[0, 1], &[0, 3], &[1]]);

    assert_eq!(
        consumer.decode::<Order>(&records[0]).expect("order"),
        Order {
            id: "o-1".to_string(),
            totals: HashMap::from([("eur".to_string(), 1250)]),
            header: Header {
                source: "web".to_string()
            },
            lines: vec![Line {
                sku: "TEA-01".to_string(),
                qty: 2
            }],
            note: Note {
                text: "fragile".to_string()
            },
        }
    );
    assert_eq!(
        consumer.decode::<Header>(&records[1]).expect("header"),
        Header {
            source: "app".to_string()
        }
    );
    assert_eq!(
        consumer.decode::<Line>(&records[2]).expect("line"),
        Line {
            sku: "MUG-07".to_string(),
            qty: -3
        }
    );
    assert_eq!(
        consumer
            .decode::<Note>(&records[3])
            .expect("note after the map entry"),
        Note {
            text: "leave at the door".to_string()
        }
    );
    assert_eq!(
        consumer.decode::<Refund>(&records[4]).expect("refund"),
        Refund {
            order_id: "o-9".to_string(),
            cents: -250
        }
    );

    // A message the type cannot read: Refund's `sint32 cents = 2` is not Line's `int32 qty`.
    match reason(consumer.decode::<Line>(&records[4])) {
        RecordError::MessageIndexes {
            path,
            found,
            reader,
            reason,
            ..
        } => {
            assert_eq!(path, [1]);
            assert_eq!(found.as_deref(), Some("shop.v1.Refund"));
            assert_eq!(reader, "shop.v1.Line");
            assert!(reason.contains("/Line/fields/2"), "{reason}");
        }
        other => panic!("expected a message-index error, got {other:?}"),
    }
    // Order.Line read as Note: field 1 is a string in both, but field 2 (int32 qty) is
    // unknown to Note, which Protobuf allows: readable, and Note keeps the text field.
    assert_eq!(
        consumer.decode::<Note>(&records[2]).expect("line as note"),
        Note {
            text: "MUG-07".to_string()
        }
    );
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_hand_built_path_that_points_nowhere_is_a_typed_error_naming_it() {
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let frames = python_frames(&url).await;
    let order = &frames["order"];
    // The same schema id; Order has four nested types ([0, 0] to [0, 3]), so [0, 4] names
    // none, and the file has two top-level messages, so [2] names none either.
    let mut nested_nowhere = order[..5].to_vec();
    nested_nowhere.extend_from_slice(&[0x04, 0x00, 0x08]);
    let mut top_nowhere = order[..5].to_vec();
    top_nowhere.extend_from_slice(&[0x02, 0x04]);
    // [0, 2] is Order's map entry (`TotalsEntry`: string key = 1, int64 value = 2).
    let mut entry = order[..5].to_vec();
    entry.extend_from_slice(&[0x04, 0x00, 0x04, 0x0a, 0x01, b'k', 0x10, 0x07]);
    let (consumer, records) = consume(&url, &[&nested_nowhere, &top_nowhere, &entry]).await;
    let schema_id = records[0].schema_id.expect("framed");

    for (record, expected_path) in records.iter().zip([&[0, 4][..], &[2]]) {
        let error = consumer.decode::<Line>(record).expect_err("nowhere");
        let text = error.to_string();
        match reason(Err::<Line, _>(error)) {
            RecordError::MessageIndexes {
                schema_id: id,
                path,
                found,
                reader,
                reason,
            } => {
                assert_eq!(id, schema_id);
                assert_eq!(path, expected_path);
                assert_eq!(found, None);
                assert_eq!(reader, "shop.v1.Line");
                assert_eq!(reason, "the writer schema has no message there");
            }
            other => panic!("expected a message-index error, got {other:?}"),
        }
        assert!(
            text.contains(&format!(
                "shop.v1.Line cannot read message {expected_path:?} of schema id {schema_id}"
            )),
            "{text}"
        );
    }
    // The map entry is a message like any other: Line reads its string and integer.
    assert_eq!(
        consumer
            .decode::<Line>(&records[2])
            .expect("map entry as line"),
        Line {
            sku: "k".to_string(),
            qty: 7
        }
    );
    server.shutdown().await.expect("shutdown");
}
