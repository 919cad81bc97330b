//! The producer and consumer themselves on Kafka (librdkafka's mock cluster): built with
//! `.kafka(bootstrap_servers)`, typed values go out with `send_typed` and come back equal
//! through `poll_typed`, keys land where the embedded log puts them, and a consumer group
//! resumes after what `Consumer::commit` committed.
#![cfg(feature = "kafka")]

use std::collections::BTreeMap;
use std::time::Duration;

use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::transport::partition_for_key;
use streamhouse_schema::{StreamSchema, Topic};

type Mock = MockCluster<'static, DefaultProducerContext>;

/// A group join on the mock cluster takes a few seconds.
const WAIT: Duration = Duration::from_secs(30);
const PARTITIONS: i32 = 3;

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

fn order(n: i32) -> Order {
    Order {
        id: format!("o-{n}"),
        amount: f64::from(n) * 2.5,
        lines: vec![Line {
            sku: format!("SKU-{n}"),
            quantity: n,
        }],
    }
}

fn mock() -> Mock {
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic(Order::TOPIC, PARTITIONS, 1)
        .expect("mock topic");
    mock
}

async fn producer(mock: &Mock, registry: &str) -> Producer {
    Producer::builder()
        .schema_registry(registry)
        .kafka(mock.bootstrap_servers())
        .kafka_config("linger.ms", "1")
        .build()
        .await
        .expect("producer on the mock cluster")
}

async fn consumer(mock: &Mock, registry: &str, group: &str) -> Consumer {
    Consumer::builder()
        .schema_registry(registry)
        .kafka(mock.bootstrap_servers())
        .group_id(group)
        // The mock coordinator rebalances a departed member only after the session timeout.
        .kafka_config("session.timeout.ms", "6000")
        .subscribe(Order::TOPIC)
        .build()
        .await
        .expect("consumer on the mock cluster")
}

async fn poll_orders(consumer: &mut Consumer, count: usize) -> Vec<(Order, i32, Option<String>)> {
    let mut received = Vec::new();
    while received.len() < count {
        let typed = consumer
            .poll_typed::<Order>(WAIT)
            .await
            .expect("typed poll")
            .unwrap_or_else(|| panic!("only {} of {count} orders arrived", received.len()));
        let key = consumer
            .decode_key::<String>(&typed.record)
            .await
            .expect("key decodes");
        received.push((typed.value, typed.record.partition, key));
    }
    received
}

#[tokio::test]
async fn typed_orders_round_trip_through_kafka_with_keys_on_java_partitions() {
    let mock = mock();
    let registry = "mock://kafka-typed-roundtrip";
    let producer = producer(&mock, registry).await;
    let sent: Vec<Order> = (1..=6).map(order).collect();
    let mut positions = BTreeMap::new();
    for value in &sent {
        let result = producer.send_typed(value).await.expect("delivered");
        assert_eq!(&*result.topic, Order::TOPIC);
        assert!(result.offset >= 0, "a delivery report offset: {result:?}");
        positions.insert(value.id.clone(), result.partition);
    }

    let mut consumer = consumer(&mock, registry, "typed-roundtrip").await;
    let mut received = poll_orders(&mut consumer, sent.len()).await;
    received.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let values: Vec<Order> = received.iter().map(|(o, _, _)| o.clone()).collect();
    assert_eq!(values, sent);
    for (value, partition, key) in &received {
        assert_eq!(key.as_deref(), Some(value.id.as_str()), "the key is the id");
        assert_eq!(
            Some(partition),
            positions.get(&value.id),
            "read where it was written"
        );
    }
    // Keys are schema-framed; the partition is murmur2 of those key bytes, as on the
    // embedded log and in Java clients.
    for (value, partition, _) in &received {
        let typed = key_bytes_on_the_embedded_log(registry, value).await;
        assert_eq!(Some(*partition), partition_for_key(&typed, PARTITIONS));
    }
}

/// The key bytes the producer writes for `value`: sent once more on an embedded log, where
/// the record can be read back raw.
async fn key_bytes_on_the_embedded_log(registry: &str, value: &Order) -> Vec<u8> {
    let producer = Producer::builder()
        .schema_registry(registry)
        .build()
        .await
        .expect("embedded producer");
    let transport = producer.transport().clone();
    producer
        .send_typed(value)
        .await
        .expect("sent on the embedded log");
    let mut consumer = Consumer::builder()
        .transport(transport)
        .subscribe(Order::TOPIC)
        .build()
        .await
        .expect("embedded consumer");
    let record = consumer
        .poll(Duration::from_secs(1))
        .await
        .expect("poll")
        .expect("one record");
    record.key.map(|k| k.to_vec()).unwrap_or_default()
}

#[tokio::test]
async fn a_group_resumes_after_what_the_consumer_committed() {
    let mock = mock();
    let registry = "mock://kafka-typed-commit";
    let producer = producer(&mock, registry).await;
    // One key, so every order is on one partition, in order.
    for n in 1..=4 {
        let mut value = order(n);
        value.id = "same-key".to_string();
        value.amount = f64::from(n);
        producer.send_typed(&value).await.expect("delivered");
    }

    let mut first = consumer(&mock, registry, "typed-commit").await;
    let read = poll_orders(&mut first, 2).await;
    assert_eq!(
        read.iter().map(|(o, _, _)| o.amount).collect::<Vec<_>>(),
        [1.0, 2.0]
    );
    first.commit().await.expect("commit");
    drop(first);

    let mut second = consumer(&mock, registry, "typed-commit").await;
    let rest = poll_orders(&mut second, 2).await;
    assert_eq!(
        rest.iter().map(|(o, _, _)| o.amount).collect::<Vec<_>>(),
        [3.0, 4.0],
        "the group resumes after the committed orders"
    );
}

#[tokio::test]
async fn kafka_settings_are_checked_when_building() {
    let Err(ClientError::ConfigError(message)) = Producer::builder()
        .kafka("127.0.0.1:9")
        .kafka_config("no.such.property", "1")
        .build()
        .await
    else {
        panic!("an unknown librdkafka property must fail the build");
    };
    assert!(message.contains("no.such.property"), "{message}");

    let Err(ClientError::ConfigError(message)) = Consumer::builder()
        .group_id("billing")
        .subscribe("orders")
        .build()
        .await
    else {
        panic!("a group id without .kafka(..) must fail the build");
    };
    assert!(message.contains(".kafka("), "{message}");
}

/// A payment, sent as JSON Schema and as Protobuf frames.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Payment {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
    #[stream_schema(tag = 3)]
    note: Option<String>,
}

fn payment(n: i64) -> Payment {
    Payment {
        id: format!("p-{n}"),
        cents: n * 100,
        note: (n % 2 == 0).then(|| "even".to_string()),
    }
}

async fn round_trip_payments<F>(format: F, topic: &str, registry: &str) -> Vec<(Payment, Vec<i32>)>
where
    F: streamhouse_schema::producer::TypeFormat<Payment>,
{
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic(topic, 1, 1).expect("mock topic");
    let producer = Producer::builder()
        .schema_registry(registry)
        .kafka(mock.bootstrap_servers())
        .format_for::<Payment>(format)
        .build()
        .await
        .expect("producer");
    let sent: Vec<Payment> = (1..=3).map(payment).collect();
    for p in &sent {
        producer
            .send_typed_to(topic, Some(&p.id), p)
            .await
            .expect("delivered");
    }
    let mut consumer = Consumer::builder()
        .schema_registry(registry)
        .kafka(mock.bootstrap_servers())
        .subscribe(topic)
        .protobuf::<Payment>()
        .build()
        .await
        .expect("consumer");
    let mut received = Vec::new();
    while received.len() < sent.len() {
        let typed = consumer
            .poll_typed::<Payment>(WAIT)
            .await
            .expect("typed poll")
            .unwrap_or_else(|| panic!("only {} of 3 payments arrived", received.len()));
        received.push((typed.value, typed.record.message_indexes.clone()));
    }
    let values: Vec<Payment> = received.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(values, sent, "one partition: the order they were sent in");
    received
}

#[tokio::test]
async fn json_and_protobuf_payments_round_trip_through_kafka() {
    use streamhouse_schema::producer::{Json, Protobuf};

    let json = round_trip_payments(Json, "pay-json", "mock://kafka-typed-json").await;
    assert!(
        json.iter().all(|(_, indexes)| indexes.is_empty()),
        "JSON frames carry no message indexes"
    );

    let proto = round_trip_payments(Protobuf, "pay-proto", "mock://kafka-typed-proto").await;
    assert!(
        proto.iter().all(|(_, indexes)| indexes == &[0]),
        "Protobuf frames name the root message: {proto:?}"
    );
}
