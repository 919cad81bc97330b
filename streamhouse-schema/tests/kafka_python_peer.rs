//! Confluent's Python Kafka client and our producer and consumer on one real broker
//! (`tansu` on loopback) with our registry server: Python's `AvroDeserializer` decodes what
//! our producer wrote to the values we sent, and our consumer decodes what Python's
//! `AvroSerializer` wrote. Needs `scripts/setup-kafka.sh` and `scripts/setup-python.sh`.
#![cfg(all(feature = "kafka", feature = "server"))]

mod kafka_common;
mod server_common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use kafka_common::{start_tansu, WAIT};
use serde_json::json;
use server_common::{Backend, TestRegistry};
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::transport::kafka::KafkaTransport;
use streamhouse_schema::transport::Transport;
use streamhouse_schema::{StreamSchema, Topic};

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

const FROM_PYTHON: &str = "orders-from-python";

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

fn as_json(order: &Order) -> serde_json::Value {
    json!({
        "id": order.id,
        "amount": order.amount,
        "lines": order.lines.iter().map(|l| json!({"sku": l.sku, "quantity": l.quantity})).collect::<Vec<_>>(),
    })
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn python() -> PathBuf {
    let python = std::env::var_os("STREAMHOUSE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python.sh first (or set STREAMHOUSE_PYTHON)",
        python.display()
    );
    python
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confluent_python_reads_our_frames_and_we_read_theirs_on_one_broker() {
    let registry = TestRegistry::start(Backend::Sqlite).await;
    let broker = start_tansu();
    let kafka = KafkaTransport::builder(&broker.bootstrap)
        .operation_timeout(WAIT)
        .build()
        .expect("transport");
    for topic in [Order::TOPIC, FROM_PYTHON] {
        kafka
            .admin()
            .create_topic(topic, 1, 1)
            .await
            .expect("topic created");
    }

    // Our producer writes typed orders.
    let producer = Producer::builder()
        .schema_registry(&registry.url)
        .transport(kafka.clone())
        .build()
        .await
        .expect("producer");
    let sent = orders();
    for order in &sent {
        producer.send_typed(order).await.expect("delivered");
    }

    // Python decodes them, then writes the same values with its own serializer.
    let expected = serde_json::Value::Array(sent.iter().map(as_json).collect()).to_string();
    let args = [
        workspace_root()
            .join("tests/python/kafka_peer.py")
            .display()
            .to_string(),
        broker.bootstrap.clone(),
        registry.url.clone(),
        Order::TOPIC.to_string(),
        FROM_PYTHON.to_string(),
        expected,
        Order::avro_schema_json().to_string(),
    ];
    let python = python();
    let output = tokio::task::spawn_blocking(move || Command::new(python).args(args).output())
        .await
        .expect("join")
        .expect("run the python peer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python peer failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(stdout.contains("checks passed"), "stdout:\n{stdout}");

    // Our consumer decodes what Python wrote, to the same values.
    let mut consumer = Consumer::builder()
        .schema_registry(&registry.url)
        .transport(kafka.clone() as std::sync::Arc<dyn Transport>)
        .subscribe(FROM_PYTHON)
        .build()
        .await
        .expect("consumer");
    let mut received = Vec::new();
    while received.len() < sent.len() {
        let typed = consumer
            .poll_typed::<Order>(Duration::from_secs(30))
            .await
            .expect("python's frame decodes")
            .unwrap_or_else(|| panic!("only {} of {} records arrived", received.len(), sent.len()));
        assert_eq!(typed.record.key.as_deref(), Some(typed.value.id.as_bytes()));
        received.push(typed.value);
    }
    assert_eq!(received, sent);
}
