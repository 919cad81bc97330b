//! Confluent's Python deserializers as peers of our producer: frames written by
//! `Producer::send_typed` in Avro, JSON and Protobuf, against our embedded registry server
//! on loopback, are decoded by `AvroDeserializer`, `JSONDeserializer` and
//! `ProtobufDeserializer` (`tests/python/producer_peer.py`) to exactly the values sent.
//!
//! Needs `scripts/setup-python.sh` (the venv at `<repo>/.venv`, or `STREAMHOUSE_PYTHON`);
//! without it the test fails and says so.
#![cfg(feature = "server")]

mod python_peer;

use python_peer::{python, run_with_input_file};
use std::sync::Arc;

use serde_json::{json, Value};
use streamhouse_schema::producer::{Producer, Protobuf};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// One order line.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "peer.v1", protobuf)]
struct Line {
    #[stream_schema(tag = 1)]
    sku: String,
    #[stream_schema(tag = 2)]
    qty: i32,
}

/// An order with a field of each common kind.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "peer.v1", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    quantity: i32,
    #[stream_schema(tag = 3)]
    amount: f64,
    #[stream_schema(tag = 4)]
    note: Option<String>,
    #[stream_schema(tag = 5)]
    lines: Vec<Line>,
    #[stream_schema(tag = 6)]
    total_cents: i64,
    #[stream_schema(tag = 7)]
    paid: bool,
}

fn orders() -> Vec<Order> {
    vec![
        Order {
            id: "o-1".to_string(),
            quantity: 3,
            amount: 19.99,
            note: Some("leave at the door — merci".to_string()),
            lines: vec![
                Line {
                    sku: "TEA-01".to_string(),
                    qty: 2,
                },
                Line {
                    sku: "MUG-07".to_string(),
                    qty: 1,
                },
            ],
            total_cents: 5_000_000_000,
            paid: true,
        },
        // Negative numbers, an absent option, an empty list, false.
        Order {
            id: "o-2".to_string(),
            quantity: -3,
            amount: -0.5,
            note: None,
            lines: Vec::new(),
            total_cents: -1,
            paid: false,
        },
    ]
}

/// The values Python must decode, as plain JSON (what each deserializer yields as dicts).
fn expected(order: &Order) -> Value {
    json!({
        "id": order.id,
        "quantity": order.quantity,
        "amount": order.amount,
        "note": order.note,
        "lines": order.lines.iter().map(|l| json!({"sku": l.sku, "qty": l.qty})).collect::<Vec<_>>(),
        "total_cents": order.total_cents,
        "paid": order.paid,
    })
}

#[tokio::test]
async fn confluent_python_deserializers_decode_our_frames_to_the_values_sent() {
    let python = python();
    let server = spawn(RegistryConfig::in_memory())
        .await
        .expect("embedded registry");
    let url = server.url();
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let formats = [
        (SchemaFormat::Avro, "peer-avro", "AVRO"),
        (SchemaFormat::Json, "peer-json", "JSON"),
        (SchemaFormat::Protobuf, "peer-proto", "PROTOBUF"),
    ];
    let mut cases = Vec::new();
    for (format, topic, name) in formats {
        let builder = Producer::builder()
            .schema_registry(url.as_str())
            .transport(Arc::clone(&log));
        // Avro is the default; JSON as the producer's default; Protobuf chosen for the type.
        let builder = match format {
            SchemaFormat::Avro => builder,
            SchemaFormat::Json => builder.default_format(SchemaFormat::Json),
            SchemaFormat::Protobuf => builder.format_for::<Order>(Protobuf),
        };
        let producer = builder.build().await.expect("producer");
        for order in orders() {
            producer
                .send_typed_to(topic, None::<&String>, &order)
                .await
                .expect("sent");
        }
        let stored = log.fetch(topic, 0, 0, 10).await.expect("stored");
        assert_eq!(stored.len(), 2);
        for (record, order) in stored.iter().zip(orders()) {
            // Every frame starts with the magic byte and a registered id.
            assert_eq!(record.value.first(), Some(&0));
            cases.push(json!({
                "name": format!("{topic}@{}", record.offset),
                "format": name,
                "topic": topic,
                "frame_hex": hex::encode(&record.value),
                "expected": expected(&order),
                "proto_file": "peer_order.proto",
                "proto_text": Order::proto_text(),
                "proto_message": "Order",
            }));
        }
    }
    let output = run_with_input_file(python, "producer_peer.py", &url, &cases).await;
    let (stdout, stderr) = (&output.stdout, &output.stderr);
    assert!(
        stdout.contains("all 6 frames decoded to the values sent"),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    for name in ["AVRO", "JSON", "PROTOBUF"] {
        assert_eq!(
            stdout.matches(&format!("ok {name} frame")).count(),
            2,
            "stdout:\n{stdout}"
        );
    }
    // Python read each schema by id from this server.
    assert!(
        server.requests().count("GET", "/schemas/ids/{id}") >= 3,
        "{:?}",
        server.requests().snapshot()
    );
    server.shutdown().await.expect("shutdown");
}
