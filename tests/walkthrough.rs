//! The original design's walk-through, run as written: a standing registry, the
//! `producer_with_schema` example against it (through `SCHEMA_REGISTRY_URL`), then the REST
//! calls its `curl` lines make: `/schemas/subjects` is `["orders-value"]` (keys are raw, so no
//! `orders-key`), `.../versions` is `[1]` and `.../versions/1` the schema with id 1.

#[path = "../examples/producer_with_schema.rs"]
#[allow(dead_code)]
mod example;

use std::sync::mpsc;

use streamhouse_schema::registry::reqwest;
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::StreamSchema;

#[test]
fn the_walk_through_registers_orders_value_once_and_curl_sees_it() {
    // The registry on its own runtime and thread, as a standing process would be: the
    // example's `main` builds a runtime of its own.
    let (url_tx, url_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let registry = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        runtime.block_on(async move {
            let server = spawn(RegistryConfig::in_memory())
                .await
                .map_err(|e| e.to_string())?;
            url_tx.send(server.url()).map_err(|e| e.to_string())?;
            let _ = stop_rx.await;
            server.shutdown().await.map_err(|e| e.to_string())
        })
    });
    let url = url_rx.recv().expect("the registry starts");

    // SAFETY of set_var: this test binary runs this one test, so no other thread reads the
    // environment meanwhile.
    std::env::set_var("SCHEMA_REGISTRY_URL", &url);
    std::env::remove_var("KAFKA_BOOTSTRAP_SERVERS");
    if let Err(error) = example::main() {
        panic!("the example failed: {error}");
    }

    let get = |path: &str| -> serde_json::Value {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async {
            let response = reqwest::get(format!("{url}{path}")).await.expect("GET");
            assert_eq!(response.status(), 200, "{path}");
            response.json().await.expect("JSON")
        })
    };
    assert_eq!(
        get("/schemas/subjects"),
        serde_json::json!(["orders-value"])
    );
    assert_eq!(
        get("/schemas/subjects/orders-value/versions"),
        serde_json::json!([1])
    );
    let version = get("/schemas/subjects/orders-value/versions/1");
    assert_eq!(version["id"], 1);
    assert_eq!(version["version"], 1);
    assert_eq!(version["subject"], "orders-value");
    assert_eq!(
        version["schema"].as_str(),
        Some(example::Order::avro_schema_json())
    );
    // The original design's by-id path answers the same schema.
    assert_eq!(
        get("/schemas/schemas/1")["schema"].as_str(),
        Some(example::Order::avro_schema_json())
    );

    let _ = stop_tx.send(());
    let stopped = registry.join().expect("the registry thread");
    assert_eq!(stopped, Ok(()));
}
