//! Producer → embedded log → consumer with derived types and the in-memory registry.

use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::{Consumer, RecordError};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::transport::{MemoryLog, StartOffset, Transport};
use streamhouse_schema::wire::WireError;
use streamhouse_schema::StreamSchema;

/// A shop order.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "com.acme.shop")]
struct Order {
    #[stream_schema(key)]
    id: String,
    amount: f64,
    lines: Vec<Line>,
}

/// One order line.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "com.acme.shop")]
struct Line {
    sku: String,
    quantity: i32,
}

fn order(n: i32) -> Order {
    Order {
        id: format!("o-{n}"),
        amount: f64::from(n) * 2.5,
        lines: vec![Line {
            sku: "TEA".to_string(),
            quantity: n,
        }],
    }
}

async fn pair(registry: &str) -> (Producer, Consumer) {
    let log: Arc<dyn Transport> = Arc::new(
        MemoryLog::builder()
            .default_partitions(3)
            .build()
            .unwrap_or_default(),
    );
    let producer = Producer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(&log))
        .build()
        .await;
    let consumer = Consumer::builder()
        .schema_registry(registry)
        .transport(log)
        .subscribe("orders")
        .start_offset(StartOffset::Earliest)
        .build()
        .await;
    match (producer, consumer) {
        (Ok(producer), Ok(consumer)) => (producer, consumer),
        (p, c) => unreachable!("build failed: {:?} {:?}", p.err(), c.err()),
    }
}

#[tokio::test]
async fn typed_orders_come_back_equal_with_their_keys() {
    let (producer, mut consumer) = pair("mock://consumer-typed-roundtrip").await;
    let sent: Vec<Order> = (1..=6).map(order).collect();
    for value in &sent {
        assert!(producer.send_typed(value).await.is_ok());
    }
    let mut received = Vec::new();
    while let Some(typed) = consumer
        .poll_typed::<Order>(Duration::from_millis(20))
        .await
        .ok()
        .flatten()
    {
        let key = consumer
            .decode_key::<String>(&typed.record)
            .await
            .ok()
            .flatten();
        assert_eq!(
            key.as_deref(),
            Some(typed.value.id.as_str()),
            "key is the id field"
        );
        // Written raw by default, as Kafka's StringSerializer writes it, and partitioned as
        // Java clients partition it: murmur2 of those bytes over the three partitions.
        let raw = typed.record.key.as_deref().unwrap_or_default();
        assert_eq!(raw, typed.value.id.as_bytes());
        assert_eq!(
            typed.record.partition,
            streamhouse_schema::transport::partition_for_key(raw, 3).unwrap_or(-1)
        );
        received.push(typed.value);
    }
    // Three partitions: order across partitions is not global, so compare as sets.
    received.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(received, sent);
}

#[tokio::test]
async fn generic_avro_view_of_a_typed_record() {
    let (producer, mut consumer) = pair("mock://consumer-typed-generic").await;
    assert!(producer.send_typed(&order(1)).await.is_ok());
    let record = match consumer.poll(Duration::from_millis(50)).await {
        Ok(Some(record)) => record,
        other => unreachable!("{other:?}"),
    };
    assert_eq!(
        record.schema.as_ref().map(|s| s.schema.as_str()),
        Some(Order::avro_schema_json())
    );
    let value = consumer.deserialize_avro(&record);
    use apache_avro::types::Value;
    let expected = Value::Record(vec![
        ("id".into(), Value::String("o-1".into())),
        ("amount".into(), Value::Double(2.5)),
        (
            "lines".into(),
            Value::Array(vec![Value::Record(vec![
                ("sku".into(), Value::String("TEA".into())),
                ("quantity".into(), Value::Int(1)),
            ])]),
        ),
    ]);
    assert_eq!(value.ok(), Some(expected));
}

#[tokio::test]
async fn non_frames_are_reported_and_skipped() {
    let (producer, mut consumer) = pair("mock://consumer-typed-skip").await;
    assert!(producer
        .send("orders", None, b"plain text", Some(0))
        .await
        .is_ok());
    assert!(producer
        .send(
            "orders",
            None,
            &[0x00, 0x00, 0x00, 0x7f, 0x00, 0x01],
            Some(0)
        )
        .await
        .is_ok());
    assert!(producer
        .send_typed_to("orders", None::<&String>, &order(4))
        .await
        .is_ok());

    let mut errors = Vec::new();
    let mut values = Vec::new();
    loop {
        match consumer
            .poll_typed::<Order>(Duration::from_millis(20))
            .await
        {
            Ok(Some(typed)) => values.push(typed.value),
            Ok(None) => break,
            Err(ClientError::InvalidRecord(invalid)) => {
                errors.push((invalid.offset, invalid.reason))
            }
            Err(other) => unreachable!("unexpected error: {other}"),
        }
    }
    assert_eq!(
        errors,
        vec![
            (0, RecordError::Frame(WireError::UnknownMagicByte(b'p'))),
            (1, RecordError::UnknownSchemaId(0x7f00)),
        ]
    );
    assert_eq!(values, vec![order(4)]);
}

/// A recursive schema's record nested 100 000 levels deep (100 KB), read with
/// `deserialize_avro` on a thread with tokio's 2 MiB worker stack: apache-avro's generic
/// decoder alone overflows that stack and aborts the process; here it is a typed error, and
/// a shallow record of the same schema reads.
#[test]
fn a_deep_generic_record_is_an_error_not_a_stack_overflow() {
    const NODE: &str = r#"{"type": "record", "name": "Node", "namespace": "deep",
        "fields": [{"name": "next", "type": ["null", "Node"]}]}"#;
    let results = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let (producer, mut consumer) = pair("mock://consumer-deep-generic").await;
                let id = streamhouse_schema::registry::SchemaRegistryClient::try_new(
                    "mock://consumer-deep-generic",
                )
                .unwrap()
                .register(
                    "orders-value",
                    &streamhouse_schema::registry::Schema::avro(NODE),
                )
                .await
                .unwrap();
                let mut deep = vec![2u8; 100_000];
                deep.push(0);
                let mut results = Vec::new();
                for payload in [deep, vec![2, 2, 0]] {
                    producer
                        .send_with_schema_id("orders", None, &payload, id, Some(0))
                        .await
                        .unwrap();
                    let record = consumer
                        .poll(Duration::from_millis(50))
                        .await
                        .unwrap()
                        .unwrap();
                    results.push(
                        consumer
                            .deserialize_avro(&record)
                            .map_err(|e| e.to_string()),
                    );
                }
                results
            })
        })
        .unwrap()
        .join()
        .unwrap();
    let error = results[0].as_ref().unwrap_err();
    assert!(error.contains("nested deeper than 128 levels"), "{error}");
    use apache_avro::types::Value;
    let null = Value::Record(vec![(
        "next".into(),
        Value::Union(0, Box::new(Value::Null)),
    )]);
    let two = Value::Record(vec![(
        "next".into(),
        Value::Union(1, Box::new(null.clone())),
    )]);
    let three = Value::Record(vec![("next".into(), Value::Union(1, Box::new(two)))]);
    assert_eq!(results[1].as_ref().ok(), Some(&three));
}
