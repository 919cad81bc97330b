//! The main job: derive the schemas of a domain type, register them with a schema registry
//! (embedded unless SCHEMA_REGISTRY_URL is set), send typed orders in the Confluent wire
//! format on the embedded log (or on Kafka when KAFKA_BOOTSTRAP_SERVERS is set), and consume
//! them back as typed values.
//!
//! Run with `cargo run --example producer_with_schema` (no service needed), or against
//! Kafka: `KAFKA_BOOTSTRAP_SERVERS=localhost:9092 cargo run --features kafka --example
//! producer_with_schema`.
//!
//! The walk-through against a standing registry:
//!
//! ```sh
//! cargo run -p streamhouse-schema --features server --bin streamhouse-registry -- --listen 127.0.0.1:8081 &
//! SCHEMA_REGISTRY_URL=http://127.0.0.1:8081 cargo run --example producer_with_schema
//! curl http://127.0.0.1:8081/schemas/subjects                        # ["orders-value"]
//! curl http://127.0.0.1:8081/schemas/subjects/orders-value/versions  # [1]
//! curl http://127.0.0.1:8081/schemas/subjects/orders-value/versions/1
//! ```
//!
//! Keys are written raw (`ord-1001` is the bytes `ord-1001`, as Kafka's `StringSerializer`
//! writes it), so only the value schema is registered.

use chrono::{TimeZone, Utc};
use std::time::Duration;

use streamhouse_schema::consumer::{Consumer, ConsumerBuilder};
use streamhouse_schema::producer::{Producer, ProducerBuilder};
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::{SchemaFormat, StreamSchema, Topic};

/// One line of an order.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "com.acme.shop")]
pub struct LineItem {
    /// Stock keeping unit.
    pub sku: String,
    /// How many.
    pub quantity: i32,
    /// Price of one, in the order's currency.
    pub unit_price: f64,
}

/// An order placed in the shop.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "com.acme.shop")]
pub struct Order {
    /// The order id, also the record key.
    #[stream_schema(key)]
    pub id: String,
    /// Who ordered.
    pub customer_id: String,
    /// Total amount.
    pub amount: f64,
    /// ISO currency code.
    pub currency: String,
    /// When it was placed.
    pub created_at: chrono::DateTime<Utc>,
    /// A note from the customer.
    pub note: Option<String>,
    /// What was ordered.
    pub items: Vec<LineItem>,
}

#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A registry: the one in SCHEMA_REGISTRY_URL, or an embedded one (in-memory SQLite).
    let (registry_url, embedded) = match std::env::var("SCHEMA_REGISTRY_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let server = streamhouse_schema::server::spawn(
                streamhouse_schema::server::RegistryConfig::in_memory(),
            )
            .await?;
            (server.url(), Some(server))
        }
    };
    println!("schema registry: {registry_url}");

    let orders: Vec<Order> = (0..3)
        .map(|i| Order {
            id: format!("ord-{}", 1001 + i),
            customer_id: "cust-42".into(),
            amount: 59.97 + f64::from(i),
            currency: "EUR".into(),
            created_at: Utc
                .with_ymd_and_hms(2026, 11, 27, 9, 30, i)
                .single()
                .unwrap_or_default(),
            note: (i == 0).then(|| "leave at the door".into()),
            items: vec![
                LineItem {
                    sku: "TEA-01".into(),
                    quantity: 2,
                    unit_price: 9.99,
                },
                LineItem {
                    sku: "MUG-07".into(),
                    quantity: 1,
                    unit_price: 39.99 + f64::from(i),
                },
            ],
        })
        .collect();

    let schema: serde_json::Value = serde_json::from_str(Order::avro_schema_json())?;
    println!("subject:      {}-value", Order::TOPIC);
    println!(
        "fingerprint:  {:#018x} (CRC-64-AVRO of the canonical form)",
        Order::avro_fingerprint()
    );
    println!("Avro schema:\n{}", serde_json::to_string_pretty(&schema)?);

    // The embedded log is the default transport; the first send registers the schema once.
    let kafka = std::env::var("KAFKA_BOOTSTRAP_SERVERS")
        .ok()
        .filter(|servers| !servers.trim().is_empty());
    let producer = on_kafka(
        Producer::builder().schema_registry(registry_url.as_str()),
        kafka.as_deref(),
    )?
    .build()
    .await?;
    if kafka.is_some() {
        // Some brokers never create topics on first use.
        if let Err(e) = producer.transport().create_topic(Order::TOPIC, 3).await {
            println!("topic {}: {e} (using it as it is)", Order::TOPIC);
        }
    }
    for order in &orders {
        let sent = producer.send_typed(order).await?;
        println!("sent {} -> {sent:?}", order.id);
    }
    // The lower-level API: an encoded payload and its schema text, with a raw key. Same
    // subject, same schema: the id cached by the typed sends.
    let mut payload = Vec::new();
    orders[0].encode_value(&mut payload)?;
    let sent = producer
        .send_with_schema(
            Order::TOPIC,
            Some(b"order-123"),
            &payload,
            Order::avro_schema_json(),
            SchemaFormat::Avro,
            None,
        )
        .await?;
    println!("sent order-123 (send_with_schema) -> {sent:?}");
    let total = orders.len() + 1;
    let client = SchemaRegistryClient::new(registry_url.clone());
    let latest = client
        .get_latest(&format!("{}-value", Order::TOPIC))
        .await?;
    println!(
        "registered:   subject {} id {} version {}",
        latest.subject, latest.id, latest.version
    );

    // The frame of the first message, as it sits on the log.
    let consumer = Consumer::builder()
        .schema_registry(registry_url.as_str())
        .subscribe(Order::TOPIC);
    let mut consumer = match kafka.as_deref() {
        Some(servers) => consume_kafka(consumer, servers)?,
        None => consumer.transport(producer.transport().clone()),
    }
    .build()
    .await?;
    // A Kafka consumer group takes a few seconds to join; the embedded log answers at once.
    let wait = Duration::from_millis(if kafka.is_some() { 15_000 } else { 200 });
    let mut first = true;
    let mut consumed = 0;
    while consumed < total {
        let Some(rec) = consumer.poll_typed::<Order>(wait).await? else {
            break;
        };
        consumed += 1;
        if first {
            let mut frame = Vec::new();
            streamhouse_schema::wire::write_header(
                &mut frame,
                rec.record.schema_id.unwrap_or_default(),
            );
            frame.extend_from_slice(&rec.record.value);
            println!("first frame ({} bytes): {}", frame.len(), hex(&frame));
            first = false;
        }
        let key = rec.record.key.as_deref().map(String::from_utf8_lossy);
        println!(
            "consumed p{} @{} key {key:?}: {:?}",
            rec.record.partition, rec.record.offset, rec.value
        );
    }

    match embedded {
        // The embedded registry ends with the program: say how to look at a standing one.
        Some(server) => {
            server.shutdown().await?;
            println!(
                "the registry above was embedded and is gone; to inspect one with curl, start a standing registry and point the example at it:\n  \
                 cargo run -p streamhouse-schema --features server --bin streamhouse-registry -- --listen 127.0.0.1:8081 &\n  \
                 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081 cargo run --example producer_with_schema"
            );
        }
        None => {
            let base = registry_url.trim_end_matches('/');
            println!("look at what was registered:");
            println!("  curl {base}/schemas/subjects");
            println!(
                "  curl {base}/schemas/subjects/{}-value/versions",
                Order::TOPIC
            );
            println!(
                "  curl {base}/schemas/subjects/{}-value/versions/1",
                Order::TOPIC
            );
        }
    }
    Ok(())
}

/// Sends to Kafka when bootstrap servers are given (needs `--features kafka`).
#[cfg(feature = "kafka")]
fn on_kafka(
    builder: ProducerBuilder,
    servers: Option<&str>,
) -> Result<ProducerBuilder, Box<dyn std::error::Error>> {
    Ok(match servers {
        Some(servers) => builder.kafka(servers),
        None => builder,
    })
}

#[cfg(not(feature = "kafka"))]
fn on_kafka(
    builder: ProducerBuilder,
    servers: Option<&str>,
) -> Result<ProducerBuilder, Box<dyn std::error::Error>> {
    match servers {
        Some(_) => Err("KAFKA_BOOTSTRAP_SERVERS is set: run with `--features kafka`".into()),
        None => Ok(builder),
    }
}

/// Reads from Kafka as a consumer group of its own.
#[cfg(feature = "kafka")]
fn consume_kafka(
    builder: ConsumerBuilder,
    servers: &str,
) -> Result<ConsumerBuilder, Box<dyn std::error::Error>> {
    Ok(builder
        .kafka(servers)
        .group_id("producer-with-schema-example"))
}

#[cfg(not(feature = "kafka"))]
fn consume_kafka(
    _builder: ConsumerBuilder,
    _servers: &str,
) -> Result<ConsumerBuilder, Box<dyn std::error::Error>> {
    Err("KAFKA_BOOTSTRAP_SERVERS is set: run with `--features kafka`".into())
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
