//! The client against the real embedded registry server (feature `server`) on 127.0.0.1:
//! the full API round trip, request counts under concurrency (counted by the server),
//! auth, path prefix, failover, outage, and parity with the in-memory registry.
#![cfg(feature = "server")]

use streamhouse_schema::error::ClientError;
use streamhouse_schema::registry::{
    CompatibilityLevel, MemoryRegistry, Schema, SchemaRegistryClient, Version,
};
use streamhouse_schema::server::{spawn, RegistryConfig, RunningServer};

const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
const V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;
/// `id` changed from long to string: no reader of it can read older data.
const ID_AS_STRING: &str =
    r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
const V2_REQUIRED: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}"#;

async fn server() -> RunningServer {
    spawn(RegistryConfig::in_memory()).await.unwrap()
}

fn client(url: &str) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .url(url)
        .max_retries(0)
        .build()
        .unwrap()
}

fn codes(error: ClientError) -> (Option<u16>, Option<i32>) {
    let error = error.registry_error().expect("a registry error").clone();
    (error.http_status(), error.error_code())
}

#[tokio::test]
async fn full_api_round_trip() {
    let server = server().await;
    let client = client(&server.url());
    let id = client
        .register("orders-value", &Schema::avro(V1))
        .await
        .unwrap();
    assert_eq!(
        client
            .register("audit-value", &Schema::avro(V1))
            .await
            .unwrap(),
        id
    );
    let fresh = self::client(&server.url());
    assert_eq!(
        fresh.get_schema_by_id(id).await.unwrap().schema_type,
        streamhouse_schema::SchemaFormat::Avro
    );
    let found = fresh
        .lookup_schema("orders-value", &Schema::avro(V1))
        .await
        .unwrap();
    assert_eq!((found.id, found.version), (id, 1));
    assert_eq!(
        codes(
            fresh
                .lookup_schema("orders-value", &Schema::avro(V2))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40403))
    );
    assert_eq!(
        codes(
            fresh
                .lookup_schema("nobody", &Schema::avro(V1))
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40401))
    );

    assert!(client
        .test_compatibility("orders-value", &Schema::avro(V2), Version::Latest)
        .await
        .unwrap());
    assert!(!client
        .test_compatibility("orders-value", &Schema::avro(V2_REQUIRED), Version::Latest)
        .await
        .unwrap());
    let rejected = client
        .register("orders-value", &Schema::avro(V2_REQUIRED))
        .await
        .unwrap_err();
    assert!(rejected.is_incompatible(), "{rejected}");
    assert!(
        rejected.to_string().starts_with(&format!(
            "Schema registration failed with status 409 from {}/subjects/orders-value/versions",
            server.url()
        )),
        "{rejected}"
    );

    let v2 = client
        .register("orders-value", &Schema::avro(V2))
        .await
        .unwrap();
    assert_ne!(v2, id);
    assert_eq!(client.list_versions("orders-value").await.unwrap(), [1, 2]);
    let latest = client.get_latest("orders-value").await.unwrap();
    assert_eq!((latest.id, latest.version), (v2, 2));
    assert_eq!(
        client
            .get_version("orders-value", Version::Number(1))
            .await
            .unwrap()
            .id,
        id
    );
    assert_eq!(
        client.list_subjects().await.unwrap(),
        ["audit-value", "orders-value"]
    );

    assert_eq!(
        client.get_compatibility(None).await.unwrap(),
        CompatibilityLevel::Backward
    );
    client
        .set_compatibility(Some("orders-value"), CompatibilityLevel::None)
        .await
        .unwrap();
    assert_eq!(
        client
            .get_compatibility(Some("orders-value"))
            .await
            .unwrap(),
        CompatibilityLevel::None
    );
    assert_eq!(
        client.get_compatibility(Some("audit-value")).await.unwrap(),
        CompatibilityLevel::Backward
    );
    client
        .register("orders-value", &Schema::avro(V2_REQUIRED))
        .await
        .unwrap();

    assert_eq!(
        codes(
            client
                .delete_subject("audit-value", true)
                .await
                .unwrap_err()
        ),
        (Some(404), Some(40405))
    );
    assert_eq!(
        client.delete_subject("audit-value", false).await.unwrap(),
        [1]
    );
    assert_eq!(
        client.delete_subject("audit-value", true).await.unwrap(),
        [1]
    );
    assert_eq!(client.list_subjects().await.unwrap(), ["orders-value"]);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_first_registrations_reach_the_server_once() {
    let server = server().await;
    let client = client(&server.url());
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .register("orders-value", &Schema::avro(V1))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    assert!(ids.iter().all(|&id| id == ids[0]));
    assert_eq!(
        server
            .requests()
            .count("POST", "/subjects/{subject}/versions"),
        1
    );

    let reader = self::client(&server.url());
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let reader = reader.clone();
            let id = ids[0];
            tokio::spawn(async move { reader.get_schema_by_id(id).await.unwrap().schema.clone() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), V1);
    }
    assert_eq!(server.requests().count("GET", "/schemas/ids/{id}"), 1);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn basic_auth_is_required_and_accepted() {
    let server = spawn(RegistryConfig::in_memory().with_basic_auth("key", "secret"))
        .await
        .unwrap();
    assert_eq!(
        codes(client(&server.url()).list_subjects().await.unwrap_err()).0,
        Some(401)
    );
    let authed = SchemaRegistryClient::builder()
        .url(server.url())
        .basic_auth("key", "secret")
        .build()
        .unwrap();
    assert_eq!(authed.list_subjects().await.unwrap(), Vec::<String>::new());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn path_prefix_and_failover_reach_the_server() {
    let server = server().await;
    let dead = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = SchemaRegistryClient::builder()
        .url(&dead)
        .url(format!("{}/schemas", server.url()))
        .max_retries(0)
        .build()
        .unwrap();
    let id = client.register("s", &Schema::avro(V1)).await.unwrap();
    assert_eq!(client.get_latest("s").await.unwrap().id, id);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn cached_answers_survive_a_server_shutdown() {
    let server = server().await;
    let client = client(&server.url());
    let id = client.register("s", &Schema::avro(V1)).await.unwrap();
    server.shutdown().await.unwrap();
    assert_eq!(client.register("s", &Schema::avro(V1)).await.unwrap(), id);
    assert_eq!(client.get_schema_by_id(id).await.unwrap().schema, V1);
    let down = client.get_schema_by_id(id + 1).await.unwrap_err();
    assert!(
        down.registry_error()
            .is_some_and(|error| error.is_unavailable()),
        "{down:?}"
    );
}

/// The same script of calls against the server and against `mock://` answers the same.
#[tokio::test]
async fn the_in_memory_registry_answers_like_the_server() {
    async fn script(client: &SchemaRegistryClient) -> Vec<String> {
        let mut log = Vec::new();
        let mut note = |label: &str, outcome: Result<String, ClientError>| {
            log.push(match outcome {
                Ok(value) => format!("{label}: {value}"),
                Err(error) => format!("{label}: {:?}", codes(error)),
            });
        };
        let json = Schema::json(r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#);
        note(
            "register a",
            client
                .register("a", &Schema::avro(V1))
                .await
                .map(|id| id.to_string()),
        );
        note(
            "register b same",
            client
                .register("b", &Schema::avro(V1))
                .await
                .map(|id| id.to_string()),
        );
        note(
            "register json",
            client.register("j", &json).await.map(|id| id.to_string()),
        );
        note(
            "register a v2",
            client
                .register("a", &Schema::avro(V2))
                .await
                .map(|id| id.to_string()),
        );
        note(
            "register a bad",
            client
                .register("a", &Schema::avro(ID_AS_STRING))
                .await
                .map(|id| id.to_string()),
        );
        note(
            "register a v3",
            client
                .register("a", &Schema::avro(V2_REQUIRED))
                .await
                .map(|id| id.to_string()),
        );
        note(
            "versions a",
            client.list_versions("a").await.map(|v| format!("{v:?}")),
        );
        note(
            "latest a",
            client
                .get_latest("a")
                .await
                .map(|s| format!("{}/{}", s.id, s.version)),
        );
        note(
            "version 9",
            client
                .get_version("a", Version::Number(9))
                .await
                .map(|s| s.id.to_string()),
        );
        note(
            "lookup miss",
            client
                .lookup_schema("b", &Schema::avro(V2))
                .await
                .map(|s| s.id.to_string()),
        );
        note(
            "lookup subject",
            client
                .lookup_schema("zz", &Schema::avro(V2))
                .await
                .map(|s| s.id.to_string()),
        );
        note(
            "unknown id",
            client.get_schema_by_id(999).await.map(|s| s.schema.clone()),
        );
        note(
            "compat v2",
            client
                .test_compatibility("a", &Schema::avro(V2), Version::Number(1))
                .await
                .map(|b| b.to_string()),
        );
        note(
            "delete hard",
            client
                .delete_subject("b", true)
                .await
                .map(|v| format!("{v:?}")),
        );
        note(
            "delete soft",
            client
                .delete_subject("b", false)
                .await
                .map(|v| format!("{v:?}")),
        );
        note(
            "subjects",
            client.list_subjects().await.map(|s| format!("{s:?}")),
        );
        note(
            "reregister b",
            client
                .register("b", &Schema::avro(V1))
                .await
                .map(|id| id.to_string()),
        );
        note(
            "latest b",
            client
                .get_latest("b")
                .await
                .map(|s| format!("{}/{}", s.id, s.version)),
        );
        log
    }
    let server = server().await;
    let over_http = script(&client(&server.url())).await;
    MemoryRegistry::drop_scope("parity");
    let in_memory = script(&SchemaRegistryClient::try_new("mock://parity").unwrap()).await;
    assert_eq!(over_http, in_memory);
    let expected = [
        "register a: 1",
        "register b same: 1",
        "register json: 2",
        "register a v2: 3",
        "register a bad: (Some(409), Some(409))",
        "register a v3: 4",
        "versions a: [1, 2, 3]",
        "latest a: 4/3",
        "version 9: (Some(404), Some(40402))",
        "lookup miss: (Some(404), Some(40403))",
        "lookup subject: (Some(404), Some(40401))",
        "unknown id: (Some(404), Some(40403))",
        "compat v2: true",
        "delete hard: (Some(404), Some(40405))",
        "delete soft: [1]",
        "subjects: [\"a\", \"j\"]",
        "reregister b: 1",
        "latest b: 1/2",
    ];
    assert_eq!(in_memory, expected);
    server.shutdown().await.unwrap();
}
