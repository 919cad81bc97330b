//! The main job: derive the schemas of a domain type and encode a value in the Confluent
//! wire format.
//!
//! Run with `cargo run --example producer_with_schema` (no service needed).

use chrono::{TimeZone, Utc};
use streamhouse_schema::{StreamSchema, Topic};

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let order = Order {
        id: "ord-1001".into(),
        customer_id: "cust-42".into(),
        amount: 59.97,
        currency: "EUR".into(),
        created_at: Utc
            .with_ymd_and_hms(2026, 11, 27, 9, 30, 0)
            .single()
            .ok_or("bad date")?,
        note: Some("leave at the door".into()),
        items: vec![
            LineItem {
                sku: "TEA-01".into(),
                quantity: 2,
                unit_price: 9.99,
            },
            LineItem {
                sku: "MUG-07".into(),
                quantity: 1,
                unit_price: 39.99,
            },
        ],
    };

    let schema: serde_json::Value = serde_json::from_str(Order::avro_schema_json())?;
    println!("topic:        {}", Order::TOPIC);
    println!("subject:      {}-value", Order::TOPIC);
    println!("full name:    {}", Order::full_name());
    println!(
        "fingerprint:  {:016x} (CRC-64-AVRO of the canonical form)",
        Order::avro_fingerprint()
    );
    println!("Avro schema:\n{}", serde_json::to_string_pretty(&schema)?);
    println!("canonical:    {}", Order::avro_canonical_form());

    // Confluent framing: magic 0x00, 4-byte big-endian schema id, then the Avro payload.
    let schema_id: i32 = 1;
    let mut frame = Vec::with_capacity(128);
    streamhouse_schema::wire::write_header(&mut frame, schema_id);
    order.encode_value(&mut frame)?;
    println!("key:          {:?}", order.key());
    println!("frame ({} bytes): {}", frame.len(), hex(&frame));

    let back = Order::decode_value(&frame[5..])?;
    assert_eq!(back, order);
    println!("decoded back: {back:?}");
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
