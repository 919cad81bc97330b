//! Schema evolution on the consumer side: records written with v1 of a type are read as v2.
//!
//! v2 renames a field (with an alias to its old name), widens an `int` to a `long`, drops a
//! field and adds one with a default. The producer sends v1 customers; the consumer reads
//! them as v2: the writer schema comes from the registry by the id in each frame, and the
//! Avro resolution plan (v1 writer → v2 reader) is built once and reused.
//!
//! Run with `cargo run --example consumer_with_schema` (no service needed: the registry is
//! embedded, unless SCHEMA_REGISTRY_URL is set, and the log is in-process).

use std::time::Duration;

use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::StreamSchema;

/// The writer's view: what the producing service was built with.
mod v1 {
    use streamhouse_schema::StreamSchema;

    /// A customer of the shop.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Customer", namespace = "com.acme.crm", topic = "customers")]
    pub struct Customer {
        /// Customer id, also the record key.
        #[stream_schema(key)]
        pub id: String,
        /// Display name.
        pub name: String,
        /// Shop visits so far.
        pub visits: i32,
        /// A code the old CRM needed (gone in v2).
        pub legacy_code: String,
    }
}

/// The reader's view: the consuming service, one version later.
mod v2 {
    use streamhouse_schema::StreamSchema;

    /// A customer of the shop.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Customer", namespace = "com.acme.crm")]
    pub struct Customer {
        /// Customer id.
        pub id: String,
        /// Renamed from `name`.
        #[stream_schema(alias = "name")]
        pub full_name: String,
        /// Widened from `int`.
        pub visits: i64,
        /// Added: loyalty tier, "standard" for customers written before it existed.
        #[stream_schema(default = "\"standard\"")]
        pub tier: String,
        /// Added: an optional e-mail (null for old records).
        pub email: Option<String>,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
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
    println!("writer (v1): {}", v1::Customer::avro_canonical_form());
    println!("reader (v2): {}", v2::Customer::avro_canonical_form());

    let producer = Producer::builder()
        .schema_registry(registry_url.as_str())
        .build()
        .await?;
    let customers = [
        ("c-1", "Ada Lovelace", 12),
        ("c-2", "Alan Turing", 3),
        ("c-3", "Grace Hopper", 41),
    ];
    for (id, name, visits) in customers {
        let customer = v1::Customer {
            id: id.to_string(),
            name: name.to_string(),
            visits,
            legacy_code: format!("LC-{visits}"),
        };
        let sent = producer.send_typed(&customer).await?;
        println!(
            "sent v1 {customer:?} -> partition {} offset {}",
            sent.partition, sent.offset
        );
    }
    let client = SchemaRegistryClient::new(registry_url.clone());
    let latest = client.get_latest("customers-value").await?;
    println!(
        "writer schema: subject {} id {} version {}",
        latest.subject, latest.id, latest.version
    );

    // The reader type's schema differs from the writer's: every record is resolved.
    let mut consumer = Consumer::builder()
        .schema_registry(registry_url.as_str())
        .transport(producer.transport().clone())
        .subscribe("customers")
        .build()
        .await?;
    let mut read = 0;
    while let Some(record) = consumer
        .poll_typed::<v2::Customer>(Duration::from_millis(200))
        .await?
    {
        println!(
            "read as v2 (writer id {:?}) p{} @{}: {:?}",
            record.record.schema_id, record.record.partition, record.record.offset, record.value
        );
        read += 1;
    }
    if read != customers.len() {
        return Err(format!("read {read} customers, sent {}", customers.len()).into());
    }

    if let Some(server) = embedded {
        server.shutdown().await?;
    }
    Ok(())
}
