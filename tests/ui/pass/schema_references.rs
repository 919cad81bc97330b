//! `reference` on fields holding records and unit enums, through Option, Vec, Box and maps,
//! and on types; the registered schemas name the referenced types.
use std::collections::BTreeMap;

use streamhouse_schema::{SchemaFormat, StreamSchema};

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", reference)]
enum Status {
    New,
    Paid,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct Item {
    sku: String,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct Order {
    #[stream_schema(reference)]
    first: Box<Item>,
    #[stream_schema(reference)]
    more: Option<Vec<Item>>,
    #[stream_schema(reference)]
    by_sku: BTreeMap<String, Item>,
    status: Status,
}

fn main() {
    let avro = Order::schemas()
        .registered(SchemaFormat::Avro)
        .expect("registrable")
        .expect("with references");
    assert_eq!(avro.references, ["shop.Item", "shop.Status"]);
}
