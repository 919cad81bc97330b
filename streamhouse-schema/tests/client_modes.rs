//! `SchemaRegistryClient::{get_mode, set_mode}` against the `mock://` registry and our server
//! over HTTP: the same answers, and READONLY refusing writes with Confluent's 42205.
#![cfg(feature = "server")]

mod server_common;

use server_common::{Backend, TestRegistry};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::registry::{Mode, Schema, SchemaRegistryClient};

const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
/// V1 and a field with a default (a compatible second version).
const V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"n","type":"int","default":0}]}"#;

fn error_code(result: Result<i32, ClientError>) -> Option<i32> {
    match result {
        Err(ClientError::SchemaRegistryError(error)) => error.error_code(),
        other => panic!("expected a registry error, got {other:?}"),
    }
}

async fn scenario(client: &SchemaRegistryClient) {
    assert_eq!(
        client.get_mode(None).await.expect("global"),
        Mode::ReadWrite
    );
    // A subject without its own mode answers the global one.
    assert_eq!(
        client
            .get_mode(Some("orders-value"))
            .await
            .expect("subject"),
        Mode::ReadWrite
    );

    assert_eq!(
        client
            .set_mode(Some("orders-value"), Mode::ReadOnly)
            .await
            .expect("set"),
        Mode::ReadOnly
    );
    assert_eq!(
        client
            .get_mode(Some("orders-value"))
            .await
            .expect("subject"),
        Mode::ReadOnly
    );
    assert_eq!(
        client.get_mode(None).await.expect("global"),
        Mode::ReadWrite
    );
    assert_eq!(
        error_code(client.register("orders-value", &Schema::avro(V2)).await),
        Some(42205)
    );
    // Other subjects still take writes.
    assert!(client
        .register("payments-value", &Schema::avro(V1))
        .await
        .is_ok());

    client
        .set_mode(Some("orders-value"), Mode::ReadWrite)
        .await
        .expect("back to READWRITE");
    let id = client
        .register("orders-value", &Schema::avro(V1))
        .await
        .expect("registered");
    assert!(id > 0);

    // A global READONLY_OVERRIDE wins over the subjects' own modes for writes, while a
    // subject's own mode is still what it answers.
    client
        .set_mode(None, Mode::ReadOnlyOverride)
        .await
        .expect("override");
    assert_eq!(
        client
            .get_mode(Some("orders-value"))
            .await
            .expect("subject"),
        Mode::ReadWrite
    );
    assert_eq!(
        error_code(client.register("orders-value", &Schema::avro(V2)).await),
        Some(42205)
    );
    assert_eq!(
        error_code(
            client
                .register(
                    "payments-value",
                    &Schema::avro(V1.replace("Order", "Payment").as_str())
                )
                .await
        ),
        Some(42205)
    );
    client
        .set_mode(None, Mode::ReadWrite)
        .await
        .expect("global READWRITE");
}

#[tokio::test]
async fn modes_on_the_mock_registry() {
    let client = SchemaRegistryClient::try_new("mock://client-modes").expect("mock");
    scenario(&client).await;
}

#[tokio::test]
async fn modes_on_the_server() {
    let server = TestRegistry::start(Backend::Sqlite).await;
    let client = SchemaRegistryClient::try_new(&server.url).expect("url");
    scenario(&client).await;
}

#[test]
fn modes_parse_and_print_as_the_rest_api_names_them() {
    assert_eq!(
        "readonly_override".parse::<Mode>(),
        Ok(Mode::ReadOnlyOverride)
    );
    assert_eq!(Mode::Import.to_string(), "IMPORT");
    assert_eq!(
        serde_json::to_string(&Mode::ReadWrite).expect("json"),
        r#""READWRITE""#
    );
    assert!("SIDEWAYS".parse::<Mode>().is_err());
}
