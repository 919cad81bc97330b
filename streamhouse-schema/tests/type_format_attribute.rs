//! A type's own payload format, `#[stream_schema(format = "...")]`: typed sends use it when
//! the producer builder chooses nothing for the type, Protobuf types need no registration on
//! either builder, and the builder's `format_for` still wins. Frames are checked byte for
//! byte against the in-memory registry and the embedded log.

use std::sync::Arc;
use std::time::Duration;

use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::{Avro, Json, KeyEncoding, Producer, ProducerBuilder, Protobuf};
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::schema::SchemaFormat;
use streamhouse_schema::transport::{MemoryLog, SendResult, Transport, TransportRecord};
use streamhouse_schema::StreamSchema;

/// A click, sent as JSON by its own choice.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "clicks", namespace = "web.v1", format = "json")]
struct Click {
    x: i32,
    page: String,
}

/// An order, a Protobuf message by its own choice: no `protobuf` flag, no registration.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "shop.v1", format = "protobuf")]
struct Order {
    #[stream_schema(key, tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
}

/// The same order as a type without Protobuf (reads Avro and JSON only).
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Order", namespace = "shop.v1")]
struct PlainOrder {
    id: String,
    cents: i64,
}

/// A key type that chose JSON.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", format = "json")]
struct ShopKey {
    shop: String,
}

/// A value without a format of its own, keyed by a [`ShopKey`].
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "stock", namespace = "shop.v1")]
struct Stock {
    #[stream_schema(key)]
    key: ShopKey,
    units: i32,
}

/// A key type that chose Protobuf.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", format = "protobuf")]
struct ShelfKey {
    #[stream_schema(tag = 1)]
    aisle: String,
}

/// A Protobuf value keyed by a [`ShelfKey`].
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "shelves", namespace = "shop.v1", format = "protobuf")]
struct Shelf {
    #[stream_schema(key, tag = 1)]
    key: ShelfKey,
    #[stream_schema(tag = 2)]
    slots: i32,
}

/// A generic Protobuf message: its codec holds only for some `T`, so the type has none of
/// its own and Protobuf is chosen per instantiation on the builders.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Envelope<T> {
    #[stream_schema(tag = 1)]
    body: T,
}

fn order() -> Order {
    Order {
        id: "o-1".to_string(),
        cents: 250,
    }
}

fn click() -> Click {
    Click {
        x: 7,
        page: "p".to_string(),
    }
}

async fn build(builder: ProducerBuilder, log: &Arc<dyn Transport>) -> Producer {
    // These tests follow keys through the formats: keys framed with their own schema.
    let builder = builder.key_encoding(KeyEncoding::Schema);
    match builder.transport(Arc::clone(log)).build().await {
        Ok(producer) => producer,
        Err(error) => unreachable!("valid producer refused: {error}"),
    }
}

/// The one record a send stored.
async fn stored(log: &Arc<dyn Transport>, sent: &SendResult) -> TransportRecord {
    let mut records = log
        .fetch(&sent.topic, sent.partition, sent.offset, 1)
        .await
        .expect("fetch");
    assert_eq!(records.len(), 1, "one record at the send's offset");
    records.remove(0)
}

async fn latest(registry: &str, subject: &str) -> (i32, SchemaFormat, String) {
    let client = SchemaRegistryClient::try_new(registry).expect("mock URL");
    let latest = client.get_latest(subject).await.expect("registered");
    (latest.id, latest.schema.schema_type, latest.schema.schema)
}

/// A consumer of `topic` on `log` with no format registrations.
async fn consumer(registry: &str, log: &Arc<dyn Transport>, topic: &str) -> Consumer {
    Consumer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(log))
        .subscribe(topic)
        .key_encoding(KeyEncoding::Schema)
        .build()
        .await
        .expect("consumer")
}

/// `0x00`, then the schema id big-endian, then `payload`.
fn frame(id: i32, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0];
    frame.extend_from_slice(&id.to_be_bytes());
    frame.extend_from_slice(payload);
    frame
}

/// Order `o-1` / 250 as Protobuf after message indexes `[0]` (the byte 0x00): field 1
/// (key 0x0a) "o-1", field 2 (key 0x10) varint 250.
const ORDER_PROTO: [u8; 9] = [0x00, 0x0a, 3, b'o', b'-', b'1', 0x10, 0xfa, 0x01];
/// The Avro string "o-1": zigzag length 6, then the bytes.
const O1_AVRO: [u8; 4] = [0x06, b'o', b'-', b'1'];

#[test]
fn the_attribute_is_the_types_format_constant() {
    assert_eq!(Click::FORMAT, Some(SchemaFormat::Json));
    assert_eq!(Order::FORMAT, Some(SchemaFormat::Protobuf));
    assert_eq!(ShopKey::FORMAT, Some(SchemaFormat::Json));
    assert_eq!(Stock::FORMAT, None);
    assert_eq!(PlainOrder::FORMAT, None);
    assert_eq!(String::FORMAT, None);
}

#[tokio::test]
async fn a_json_type_is_sent_and_registered_as_json_without_producer_settings() {
    let registry = "mock://type-format-json";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(Producer::builder().schema_registry(registry), &log).await;
    let sent = producer.send_typed(&click()).await.expect("sent");

    let (id, format, text) = latest(registry, "clicks-value").await;
    assert_eq!(format, SchemaFormat::Json);
    assert_eq!(text, Click::json_schema_text());
    let record = stored(&log, &sent).await;
    assert_eq!(&record.value[..], &frame(id, br#"{"x":7,"page":"p"}"#)[..]);
    assert_eq!(record.key, None);

    // A Protobuf default does not override the type's own format either.
    let registry = "mock://type-format-json-over-default";
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .default_format(SchemaFormat::Protobuf),
        &log,
    )
    .await;
    let sent = producer.send_typed(&click()).await.expect("sent");
    let (id, format, _) = latest(registry, "clicks-value").await;
    assert_eq!(format, SchemaFormat::Json);
    let record = stored(&log, &sent).await;
    assert_eq!(&record.value[..], &frame(id, br#"{"x":7,"page":"p"}"#)[..]);
}

#[tokio::test]
async fn a_protobuf_type_round_trips_with_no_registration_on_either_builder() {
    let registry = "mock://type-format-proto";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(Producer::builder().schema_registry(registry), &log).await;
    let sent = producer.send_typed(&order()).await.expect("sent");

    let (id, format, text) = latest(registry, "orders-value").await;
    assert_eq!(format, SchemaFormat::Protobuf);
    assert_eq!(text, Order::proto_text());
    let record = stored(&log, &sent).await;
    assert_eq!(&record.value[..], &frame(id, &ORDER_PROTO)[..]);
    // The key (a String, no format of its own) keeps the producer's default, Avro.
    let (key_id, key_format, _) = latest(registry, "orders-key").await;
    assert_eq!(key_format, SchemaFormat::Avro);
    assert_eq!(record.key.as_deref(), Some(&frame(key_id, &O1_AVRO)[..]));

    let mut consumer = consumer(registry, &log, "orders").await;
    let typed = consumer
        .poll_typed::<Order>(Duration::from_secs(1))
        .await
        .expect("poll")
        .expect("the order just sent");
    assert_eq!(typed.value, order());
    assert_eq!(typed.record.schema_id, Some(id));
    assert_eq!(typed.record.message_indexes, vec![0]);
    assert_eq!(&typed.record.value[..], &ORDER_PROTO[1..]);
    let key = consumer.decode_key::<String>(&typed.record).await;
    assert_eq!(key.ok().flatten(), Some("o-1".to_string()));

    // A type without Protobuf cannot read the record: a configuration error that names the
    // type and the attribute that would give it a codec.
    match consumer.decode::<PlainOrder>(&typed.record) {
        Err(ClientError::ConfigError(message)) => {
            assert!(message.contains("PlainOrder"), "{message}");
            assert!(message.contains("format = \"protobuf\""), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_builders_format_for_overrides_the_attribute() {
    let registry = "mock://type-format-override";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .format_for::<Click>(Avro)
            .format_for::<Order>(Json),
        &log,
    )
    .await;

    let sent = producer.send_typed(&click()).await.expect("sent");
    let (id, format, text) = latest(registry, "clicks-value").await;
    assert_eq!(format, SchemaFormat::Avro);
    assert_eq!(text, Click::avro_schema_json());
    // x = 7: zigzag 0x0e; page "p": zigzag length 2, then the byte.
    let record = stored(&log, &sent).await;
    assert_eq!(&record.value[..], &frame(id, &[0x0e, 0x02, b'p'])[..]);

    let sent = producer.send_typed(&order()).await.expect("sent");
    let (id, format, text) = latest(registry, "orders-value").await;
    assert_eq!(format, SchemaFormat::Json);
    assert_eq!(text, Order::json_schema_text());
    let record = stored(&log, &sent).await;
    assert_eq!(
        &record.value[..],
        &frame(id, br#"{"id":"o-1","cents":250}"#)[..]
    );
}

#[tokio::test]
async fn a_key_type_is_written_in_its_own_format_unless_the_builder_chooses() {
    let registry = "mock://type-format-keys";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let stock = Stock {
        key: ShopKey {
            shop: "s-1".to_string(),
        },
        units: 3,
    };

    // Default Avro: the value is Avro, the key JSON by its own choice.
    let producer = build(Producer::builder().schema_registry(registry), &log).await;
    let sent = producer.send_typed(&stock).await.expect("sent");
    let (value_id, value_format, _) = latest(registry, "stock-value").await;
    assert_eq!(value_format, SchemaFormat::Avro);
    let (key_id, key_format, key_text) = latest(registry, "stock-key").await;
    assert_eq!(key_format, SchemaFormat::Json);
    assert_eq!(key_text, ShopKey::json_schema_text());
    let record = stored(&log, &sent).await;
    // Avro value: the key record's string "s-1" (length 6), then units = 3 (zigzag 6).
    assert_eq!(
        &record.value[..],
        &frame(value_id, &[0x06, b's', b'-', b'1', 0x06])[..]
    );
    assert_eq!(
        record.key.as_deref(),
        Some(&frame(key_id, br#"{"shop":"s-1"}"#)[..])
    );

    // The builder's choice for the key type wins over the key type's own.
    let registry = "mock://type-format-keys-override";
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .format_for::<ShopKey>(Avro),
        &log,
    )
    .await;
    let sent = producer.send_typed(&stock).await.expect("sent");
    let (key_id, key_format, _) = latest(registry, "stock-key").await;
    assert_eq!(key_format, SchemaFormat::Avro);
    let record = stored(&log, &sent).await;
    assert_eq!(
        record.key.as_deref(),
        Some(&frame(key_id, &[0x06, b's', b'-', b'1'])[..])
    );
}

#[tokio::test]
async fn a_protobuf_default_leaves_keys_avro_unless_the_key_type_says_protobuf() {
    let registry = "mock://type-format-proto-keys";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .default_format(SchemaFormat::Protobuf),
        &log,
    )
    .await;

    // ShelfKey chose Protobuf: the key is a Protobuf frame.
    let shelf = Shelf {
        key: ShelfKey {
            aisle: "a-9".to_string(),
        },
        slots: 12,
    };
    let sent = producer.send_typed(&shelf).await.expect("sent");
    let (key_id, key_format, key_text) = latest(registry, "shelves-key").await;
    assert_eq!(key_format, SchemaFormat::Protobuf);
    assert_eq!(key_text, ShelfKey::proto_text());
    let (value_id, value_format, _) = latest(registry, "shelves-value").await;
    assert_eq!(value_format, SchemaFormat::Protobuf);
    let record = stored(&log, &sent).await;
    assert_eq!(
        record.key.as_deref(),
        Some(&frame(key_id, &[0x00, 0x0a, 3, b'a', b'-', b'9'])[..])
    );
    // Field 1: the key message (length 5: its field 1 "a-9"); field 2: varint 12.
    assert_eq!(
        &record.value[..],
        &frame(
            value_id,
            &[0x00, 0x0a, 5, 0x0a, 3, b'a', b'-', b'9', 0x10, 12]
        )[..]
    );

    // A String key has no format of its own: Avro under a Protobuf default.
    let sent = producer.send_typed(&order()).await.expect("sent");
    let (key_id, key_format, _) = latest(registry, "orders-key").await;
    assert_eq!(key_format, SchemaFormat::Avro);
    let record = stored(&log, &sent).await;
    assert_eq!(record.key.as_deref(), Some(&frame(key_id, &O1_AVRO)[..]));

    // The Protobuf key reads back without registration too.
    let mut consumer = consumer(registry, &log, "shelves").await;
    let typed = consumer
        .poll_typed::<Shelf>(Duration::from_secs(1))
        .await
        .expect("poll")
        .expect("the shelf just sent");
    assert_eq!(typed.value, shelf);
    let key = consumer.decode_key::<ShelfKey>(&typed.record).await;
    assert_eq!(key.ok().flatten(), Some(shelf.key.clone()));
}

#[tokio::test]
async fn a_generic_protobuf_type_still_needs_its_builder_registration() {
    let registry = "mock://type-format-generic";
    let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
    let envelope = Envelope { body: 5_i32 };

    // A Protobuf default without a codec for the instantiation: a configuration error
    // naming the type, nothing registered and nothing sent.
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .default_format(SchemaFormat::Protobuf),
        &log,
    )
    .await;
    match producer
        .send_typed_to("envelopes", None::<&String>, &envelope)
        .await
    {
        Err(ClientError::ConfigError(message)) => {
            assert!(message.contains("Envelope<i32>"), "{message}");
            assert!(message.contains(".format_for::<"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    let client = SchemaRegistryClient::try_new(registry).expect("mock URL");
    assert_eq!(
        client.list_subjects().await.expect("subjects"),
        Vec::<String>::new()
    );

    // Registered on both builders, it round-trips: field 1 varint 5 after indexes [0].
    let producer = build(
        Producer::builder()
            .schema_registry(registry)
            .format_for::<Envelope<i32>>(Protobuf),
        &log,
    )
    .await;
    let sent = producer
        .send_typed_to("envelopes", None::<&String>, &envelope)
        .await
        .expect("sent");
    let (id, format, _) = latest(registry, "envelopes-value").await;
    assert_eq!(format, SchemaFormat::Protobuf);
    let record = stored(&log, &sent).await;
    assert_eq!(&record.value[..], &frame(id, &[0x00, 0x08, 0x05])[..]);

    let mut consumer = Consumer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(&log))
        .subscribe("envelopes")
        .protobuf::<Envelope<i32>>()
        .build()
        .await
        .expect("consumer");
    let typed = consumer
        .poll_typed::<Envelope<i32>>(Duration::from_secs(1))
        .await
        .expect("poll")
        .expect("the envelope just sent");
    assert_eq!(typed.value, envelope);
}
