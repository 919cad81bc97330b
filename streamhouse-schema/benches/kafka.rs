//! Typed sends through the Kafka transport against raw rdkafka `FutureProducer` sends of the
//! same pre-encoded frames, to the same broker (librdkafka's mock cluster, in process), with
//! the same producer settings, in the same run (the goal: ≥ 90 % of raw throughput).
//!
//! Each iteration sends `BATCH` records concurrently and waits for every delivery report;
//! criterion reports records per second.
//! Run: `cargo bench -p streamhouse-schema --features kafka --bench kafka`.

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{DefaultProducerContext, FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::{StreamSchema, Topic};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const BATCH: usize = 1_000;
const PARTITIONS: i32 = 3;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "bench-orders", namespace = "bench")]
struct Order {
    #[stream_schema(key)]
    id: String,
    customer_id: String,
    amount: i64,
    currency: String,
    note: Option<String>,
    lines: Vec<Line>,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench")]
struct Line {
    sku: String,
    quantity: i32,
    unit_price: i64,
}

fn order(n: usize) -> Order {
    Order {
        id: format!("order-{n:06}"),
        customer_id: "cust-0042-eu-west".to_string(),
        amount: 12_999,
        currency: "EUR".to_string(),
        note: Some("leave at the door".to_string()),
        lines: (0..3)
            .map(|i| Line {
                sku: format!("SKU-{i}"),
                quantity: i + 1,
                unit_price: 1_499,
            })
            .collect(),
    }
}

/// The settings both producers share: the Kafka transport's defaults, made explicit.
fn producer_settings(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap)
        .set("partitioner", "murmur2_random")
        .set("enable.idempotence", "true")
        .set("linger.ms", "5");
    config
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The (key, value) bytes the producer writes for each order, read back raw.
async fn frames_of(orders: &[Order]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let embedded = Producer::builder()
        .schema_registry("mock://bench-kafka")
        .build()
        .await
        .expect("embedded producer");
    for o in orders {
        embedded
            .send_typed(o)
            .await
            .expect("sent on the embedded log");
    }
    let mut consumer = Consumer::builder()
        .transport(embedded.transport().clone())
        .subscribe(Order::TOPIC)
        .build()
        .await
        .expect("embedded consumer");
    let mut frames = Vec::with_capacity(orders.len());
    while let Some(record) = consumer
        .poll(Duration::from_millis(100))
        .await
        .expect("poll")
    {
        let key = record.key.map(|k| k.to_vec()).unwrap_or_default();
        frames.push((key, record.value.to_vec()));
    }
    assert_eq!(frames.len(), orders.len(), "every frame captured");
    frames
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let mock: MockCluster<'static, DefaultProducerContext> =
        MockCluster::new(1).expect("mock cluster");
    mock.create_topic(Order::TOPIC, PARTITIONS, 1)
        .expect("mock topic");
    let bootstrap = mock.bootstrap_servers();
    let orders: Arc<Vec<Order>> = Arc::new((0..BATCH).map(order).collect());

    let ours = rt.block_on(async {
        Producer::builder()
            .schema_registry("mock://bench-kafka")
            .kafka(bootstrap.clone())
            .kafka_config("linger.ms", "5")
            .build()
            .await
            .expect("producer")
    });
    let ours = Arc::new(ours);
    // Warm up: the schema is registered and its id cached before timing.
    rt.block_on(ours.send_typed(&orders[0]))
        .expect("first send");

    // The raw producer sends exactly the bytes ours does (framed key and value, with the
    // registry's ids): captured by sending the same orders on an embedded log.
    let frames = Arc::new(rt.block_on(frames_of(&orders)));
    let raw: Arc<FutureProducer> = Arc::new(
        producer_settings(&bootstrap)
            .create()
            .expect("raw producer"),
    );

    let mut g = c.benchmark_group("kafka/send");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("streamhouse_send_typed", |b| {
        b.to_async(&rt).iter(|| {
            let ours = Arc::clone(&ours);
            let orders = Arc::clone(&orders);
            async move {
                let mut sends = JoinSet::new();
                for i in 0..BATCH {
                    let ours = Arc::clone(&ours);
                    let orders = Arc::clone(&orders);
                    sends.spawn(async move { ours.send_typed(&orders[i]).await.map(|_| ()) });
                }
                while let Some(done) = sends.join_next().await {
                    done.expect("join").expect("delivered");
                }
            }
        })
    });
    g.bench_function("rdkafka_future_producer_pre_encoded", |b| {
        b.to_async(&rt).iter(|| {
            let raw = Arc::clone(&raw);
            let frames = Arc::clone(&frames);
            async move {
                let mut sends = JoinSet::new();
                for i in 0..BATCH {
                    let raw = Arc::clone(&raw);
                    let frames = Arc::clone(&frames);
                    sends.spawn(async move {
                        let (key, value) = &frames[i];
                        raw.send(
                            FutureRecord::to(Order::TOPIC).key(key).payload(value),
                            Duration::from_secs(30),
                        )
                        .await
                        .map(|_| ())
                        .map_err(|(e, _)| e)
                    });
                }
                while let Some(done) = sends.join_next().await {
                    done.expect("join").expect("delivered");
                }
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
