//! Our producer and consumer, and Confluent's Python Kafka client, on one real broker
//! (`tansu` on loopback) with our registry server, in Avro, JSON Schema and Protobuf:
//! Python's `AvroDeserializer` / `JSONDeserializer` / `ProtobufDeserializer` decode what our
//! producer wrote to the values we sent, and our consumer decodes what Python's serializers
//! wrote. Needs `scripts/setup-kafka.sh` and `scripts/setup-python.sh`.
#![cfg(all(feature = "kafka", feature = "server"))]

mod kafka_common;
mod python_peer;
mod server_common;

use python_peer::{python, workspace_root};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use kafka_common::{start_tansu, WAIT};
use serde_json::json;
use server_common::{Backend, TestRegistry};
use streamhouse_schema::consumer::{Consumer, TypedRecord};
use streamhouse_schema::producer::{Json, Producer, ProducerBuilder, Protobuf};
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::kafka::KafkaTransport;
use streamhouse_schema::transport::Transport;
use streamhouse_schema::{AvroDecode, JsonDecode, JsonEncode, StreamSchema};

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "com.acme.shop")]
struct Order {
    #[stream_schema(key)]
    id: String,
    amount: f64,
    lines: Vec<Line>,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "com.acme.shop")]
struct Line {
    sku: String,
    quantity: i32,
}

/// A payment, for the JSON and Protobuf cases.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "peer.v1", protobuf)]
struct Payment {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
    #[stream_schema(tag = 3)]
    note: Option<String>,
}

fn payments() -> Vec<Payment> {
    (1..=3)
        .map(|n| Payment {
            id: format!("p-{n}"),
            cents: n * 125,
            note: (n != 2).then(|| format!("note {n}")),
        })
        .collect()
}

fn orders() -> Vec<Order> {
    (1..=3)
        .map(|n| Order {
            id: format!("o-{n}"),
            amount: f64::from(n) * 2.5,
            lines: (0..n)
                .map(|i| Line {
                    sku: format!("SKU-{n}-{i}"),
                    quantity: i + 1,
                })
                .collect(),
        })
        .collect()
}

fn order_json(order: &Order) -> serde_json::Value {
    json!({
        "id": order.id,
        "amount": order.amount,
        "lines": order.lines.iter().map(|l| json!({"sku": l.sku, "quantity": l.quantity})).collect::<Vec<_>>(),
    })
}

/// One direction-pair of a format: what our producer sends, what Python must read, and what
/// our consumer must read back from Python.
struct Case<'a, T> {
    format: SchemaFormat,
    values: Vec<T>,
    as_json: fn(&T) -> serde_json::Value,
    id_of: fn(&T) -> &str,
    schema: &'a str,
    configure: fn(ProducerBuilder) -> ProducerBuilder,
}

async fn run_case<T>(
    registry: &str,
    kafka: &Arc<KafkaTransport>,
    bootstrap: &str,
    case: Case<'_, T>,
) where
    T: StreamSchema + AvroDecode + JsonDecode + JsonEncode + PartialEq + std::fmt::Debug + 'static,
{
    let name = match case.format {
        SchemaFormat::Avro => "AVRO",
        SchemaFormat::Json => "JSON",
        SchemaFormat::Protobuf => "PROTOBUF",
    };
    let read_topic = format!("{}-from-rust", name.to_lowercase());
    let write_topic = format!("{}-from-python", name.to_lowercase());
    for topic in [&read_topic, &write_topic] {
        kafka
            .admin()
            .create_topic(topic, 1, 1)
            .await
            .expect("topic created");
    }

    // Our producer writes typed values.
    let producer = (case.configure)(
        Producer::builder()
            .schema_registry(registry)
            .transport(kafka.clone()),
    )
    .build()
    .await
    .expect("producer");
    for value in &case.values {
        producer
            .send_typed_to(&read_topic, Some(&(case.id_of)(value).to_string()), value)
            .await
            .expect("delivered");
    }

    // Our own consumer reads them back from the broker.
    let ours: Vec<T> = read_typed::<T>(registry, kafka, &read_topic, case.values.len(), "our")
        .await
        .into_iter()
        .map(|typed| typed.value)
        .collect();
    assert_eq!(ours, case.values, "{name} values our consumer read back");

    // Python decodes them, then writes the same values with its own serializer.
    let spec = json!({
        "bootstrap": bootstrap,
        "registry": registry,
        "format": name,
        "schema": case.schema,
        "proto_file": "peer_payment.proto",
        "proto_message": "Payment",
        "read_topic": read_topic,
        "write_topic": write_topic,
        "values": case.values.iter().map(case.as_json).collect::<Vec<_>>(),
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let spec_path = dir.path().join("case.json");
    std::fs::write(&spec_path, spec.to_string()).expect("case written");
    let script = workspace_root().join("tests/python/kafka_peer.py");
    let python = python();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python).arg(script).arg(spec_path).output()
    })
    .await
    .expect("join")
    .expect("run the python peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python peer failed on {name} ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(stdout.contains("checks passed"), "stdout:\n{stdout}");

    // Our consumer decodes what Python wrote, to the same values.
    let mut received = Vec::new();
    for typed in read_typed::<T>(registry, kafka, &write_topic, case.values.len(), "python's").await
    {
        assert_eq!(
            typed.record.key.as_deref(),
            Some((case.id_of)(&typed.value).as_bytes()),
            "python's key"
        );
        received.push(typed.value);
    }
    assert_eq!(received, case.values, "{name} values written by Python");
}

/// `count` typed records of `topic`, read by a consumer of our own (`who` wrote them).
async fn read_typed<T>(
    registry: &str,
    kafka: &Arc<KafkaTransport>,
    topic: &str,
    count: usize,
    who: &str,
) -> Vec<TypedRecord<T>>
where
    T: StreamSchema + AvroDecode + JsonDecode + 'static,
{
    let mut consumer = Consumer::builder()
        .schema_registry(registry)
        .transport(kafka.clone() as Arc<dyn Transport>)
        .subscribe(topic)
        .protobuf::<Payment>()
        .build()
        .await
        .expect("consumer");
    let mut records = Vec::with_capacity(count);
    while records.len() < count {
        let typed = consumer
            .poll_typed::<T>(Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("{who} frame on {topic} does not decode: {e}"))
            .unwrap_or_else(|| panic!("only {} of {who} {count} records arrived", records.len()));
        records.push(typed);
    }
    records
}

fn payment_json(p: &Payment) -> serde_json::Value {
    json!({"id": p.id, "cents": p.cents, "note": p.note})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluent_python_reads_our_frames_and_we_read_theirs_on_one_broker() {
    let registry = TestRegistry::start(Backend::Sqlite).await;
    let broker = start_tansu();
    let kafka = KafkaTransport::builder(&broker.bootstrap)
        .operation_timeout(WAIT)
        .build()
        .expect("transport");

    run_case(
        &registry.url,
        &kafka,
        &broker.bootstrap,
        Case {
            format: SchemaFormat::Avro,
            values: orders(),
            as_json: order_json,
            id_of: |o: &Order| o.id.as_str(),
            schema: Order::avro_schema_json(),
            configure: |b| b,
        },
    )
    .await;
    run_case(
        &registry.url,
        &kafka,
        &broker.bootstrap,
        Case {
            format: SchemaFormat::Json,
            values: payments(),
            as_json: payment_json,
            id_of: |p: &Payment| p.id.as_str(),
            schema: Payment::json_schema_text(),
            configure: |b| b.format_for::<Payment>(Json),
        },
    )
    .await;
    run_case(
        &registry.url,
        &kafka,
        &broker.bootstrap,
        Case {
            format: SchemaFormat::Protobuf,
            values: payments(),
            as_json: payment_json,
            id_of: |p: &Payment| p.id.as_str(),
            schema: Payment::proto_text(),
            configure: |b| b.format_for::<Payment>(Protobuf),
        },
    )
    .await;
}
