//! The HTTP client against a stub registry on 127.0.0.1: request shapes (method, path,
//! headers, JSON) and how answers and error bodies are read.

mod client_stub;

use client_stub::{avro_record, dead_url, Recorded, Reply, Stub};
use serde_json::json;
use streamhouse_schema::error::{ClientError, RegistryError};
use streamhouse_schema::registry::{
    CompatibilityLevel, Schema, SchemaReference, SchemaRegistryClient, Version,
};
use streamhouse_schema::SchemaFormat;

fn client(url: &str) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .url(url)
        .max_retries(0)
        .build()
        .unwrap()
}

fn registry_error(error: ClientError) -> RegistryError {
    match error {
        ClientError::SchemaRegistryError(error) => error,
        other => panic!("expected a registry error, got {other:?}"),
    }
}

#[tokio::test]
async fn register_posts_confluent_json_with_registry_media_types() {
    let stub = Stub::start(|_, _| Reply::ok(json!({"id": 42}))).await;
    let schema = avro_record("Order");
    let id = client(&stub.url)
        .register_schema("orders-value", &schema, SchemaFormat::Avro)
        .await
        .unwrap();
    assert_eq!(id, 42);
    let [request] = stub.requests().try_into().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/subjects/orders-value/versions");
    assert_eq!(request.query, None);
    assert_eq!(
        request.header("content-type"),
        Some("application/vnd.schemaregistry.v1+json")
    );
    assert_eq!(
        request.header("accept"),
        Some("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json")
    );
    // Avro is the default type: Confluent's clients leave `schemaType` out.
    assert_eq!(request.json(), json!({"schema": schema}));
}

#[tokio::test]
async fn register_sends_protobuf_type_and_references() {
    let stub =
        Stub::start(|_, _| Reply::ok(json!({"id": 3, "version": 1, "guid": "ignored"}))).await;
    let schema = Schema::protobuf("syntax = \"proto3\"; import \"common.proto\"; message A {}")
        .with_references(vec![SchemaReference::new("common.proto", "common", 2)]);
    let id = client(&stub.url)
        .register("a-value", &schema)
        .await
        .unwrap();
    assert_eq!(id, 3);
    assert_eq!(
        stub.requests()[0].json(),
        json!({
            "schema": schema.schema,
            "schemaType": "PROTOBUF",
            "references": [{"name": "common.proto", "subject": "common", "version": 2}]
        })
    );
}

#[tokio::test]
async fn registered_ids_are_cached_per_subject_and_schema() {
    let stub = Stub::start(|_, arrival| Reply::ok(json!({"id": 10 + arrival}))).await;
    let client = client(&stub.url);
    let order = avro_record("Order");
    assert_eq!(
        client
            .register_schema("a", &order, SchemaFormat::Avro)
            .await
            .unwrap(),
        10
    );
    assert_eq!(
        client
            .register_schema("a", &order, SchemaFormat::Avro)
            .await
            .unwrap(),
        10
    );
    assert_eq!(
        client.cached_schema_id("a", &Schema::avro(order.clone())),
        Some(10)
    );
    // Another subject or another format is another key.
    assert_eq!(
        client
            .register_schema("b", &order, SchemaFormat::Avro)
            .await
            .unwrap(),
        11
    );
    assert_eq!(
        client
            .register_schema("a", &order, SchemaFormat::Json)
            .await
            .unwrap(),
        12
    );
    assert_eq!(stub.count(), 3);
    // Registration primes id -> schema when the answer is the id alone (the registry stored
    // the schema as sent): no fetch needed.
    assert_eq!(client.get_schema_by_id(10).await.unwrap().schema, order);
    assert_eq!(stub.count(), 3);
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_and_subjects_are_percent_encoded() {
    let stub = Stub::start(|_, _| Reply::ok(json!({"id": 1}))).await;
    let client = client(&format!("{}/schemas/", stub.url));
    client
        .register("team/orders value", &Schema::avro("\"long\""))
        .await
        .unwrap();
    assert_eq!(
        stub.requests()[0].path,
        "/schemas/subjects/team%2Forders%20value/versions"
    );
}

#[tokio::test]
async fn schema_by_id_reads_type_and_references_and_is_cached() {
    let stub = Stub::start(|_, _| {
        Reply::ok(json!({
            "schema": "syntax = \"proto3\";",
            "schemaType": "PROTOBUF",
            "references": [{"name": "b.proto", "subject": "b", "version": 1}],
            "maxId": 9,
            "guid": "00000000-0000-4000-8000-000000000007"
        }))
    })
    .await;
    let client = client(&stub.url);
    let schema = client.get_schema_by_id(7).await.unwrap();
    assert_eq!(
        *schema,
        Schema::protobuf("syntax = \"proto3\";")
            .with_references(vec![SchemaReference::new("b.proto", "b", 1)])
    );
    let again = client.get_schema_by_id(7).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&schema, &again));
    let [request] = stub.requests().try_into().unwrap();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/schemas/ids/7")
    );
}

#[tokio::test]
async fn lookup_posts_to_subject_and_reads_registered_schema() {
    let stub = Stub::start(|_, _| {
        Reply::ok(json!({"subject": "s", "id": 5, "version": 2, "schema": "\"long\""}))
    })
    .await;
    let client = client(&stub.url);
    let found = client
        .lookup_schema("s", &Schema::avro("\"long\""))
        .await
        .unwrap();
    assert_eq!(
        (found.subject.as_str(), found.id, found.version),
        ("s", 5, 2)
    );
    assert_eq!(found.schema, Schema::avro("\"long\""));
    assert_eq!(stub.requests()[0].path, "/subjects/s");
    assert_eq!(stub.requests()[0].method, "POST");
    // The lookup filled the id cache.
    assert_eq!(
        client
            .lookup_schema_id("s", &Schema::avro("\"long\""))
            .await
            .unwrap(),
        5
    );
    assert_eq!(stub.count(), 1);
}

#[tokio::test]
async fn not_found_answers_keep_status_code_and_message() {
    let stub = Stub::start(|request: &Recorded, _| {
        if request.path == "/subjects/missing" {
            Reply::error(404, 40401, "Subject 'missing' not found.")
        } else {
            Reply::error(404, 40403, "Schema not found")
        }
    })
    .await;
    let client = client(&stub.url);
    let subject = registry_error(
        client
            .lookup_schema("missing", &Schema::avro("\"int\""))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (subject.http_status(), subject.error_code()),
        (Some(404), Some(40401))
    );
    assert!(subject.is_not_found());
    // The answer names the URL that gave it.
    assert_eq!(
        subject.to_string(),
        format!(
            "Schema lookup failed with status 404 from {}/subjects/missing: Subject 'missing' \
             not found. (error code 40401)",
            stub.url
        )
    );
    let schema = registry_error(
        client
            .lookup_schema("present", &Schema::avro("\"int\""))
            .await
            .unwrap_err(),
    );
    assert_eq!(schema.error_code(), Some(40403));
    assert_eq!(stub.count(), 2, "404 is never retried");
}

#[tokio::test]
async fn incompatible_is_recognised_for_40901_and_legacy_409() {
    for code in [40901, 409] {
        let stub = Stub::start(move |_, _| {
            Reply::error(
                409,
                code,
                "Schema being registered is incompatible with an earlier schema",
            )
        })
        .await;
        let error = client(&stub.url)
            .register("s", &Schema::avro("\"int\""))
            .await
            .unwrap_err();
        assert!(error.is_incompatible(), "code {code}");
        assert_eq!(
            error.to_string(),
            format!(
                "Schema registration failed with status 409 from {}/subjects/s/versions: Schema \
                 being registered is incompatible with an earlier schema (error code {code})",
                stub.url
            )
        );
        assert_eq!(stub.count(), 1, "409 is never retried");
    }
}

#[tokio::test]
async fn credentials_are_required_and_sent() {
    let stub = Stub::start(
        |request: &Recorded, _| match request.header("authorization") {
            // base64("key:secret")
            Some("Basic a2V5OnNlY3JldA==") | Some("Bearer t0ken") => Reply::ok(json!(["a"])),
            _ => Reply::error(401, 40101, "Unauthorized"),
        },
    )
    .await;
    let anonymous = client(&stub.url).list_subjects().await.unwrap_err();
    let anonymous = registry_error(anonymous);
    assert_eq!(anonymous.http_status(), Some(401));
    assert!(!anonymous.is_retriable());

    let basic = SchemaRegistryClient::builder()
        .url(&stub.url)
        .basic_auth("key", "secret")
        .build()
        .unwrap();
    assert_eq!(basic.list_subjects().await.unwrap(), ["a"]);

    let bearer = SchemaRegistryClient::builder()
        .url(&stub.url)
        .bearer_token("t0ken")
        .build()
        .unwrap();
    assert_eq!(bearer.list_subjects().await.unwrap(), ["a"]);

    let userinfo = stub.url.replace("http://", "http://key:secret@");
    assert_eq!(client(&userinfo).list_subjects().await.unwrap(), ["a"]);
    assert_eq!(stub.count(), 4, "401 was not retried");
}

#[tokio::test]
async fn invalid_json_is_its_own_error() {
    let stub = Stub::start(|_, _| Reply::Json(200, "<html>proxy login</html>".into())).await;
    let error = registry_error(client(&stub.url).get_schema_by_id(1).await.unwrap_err());
    assert!(
        matches!(error, RegistryError::InvalidJson { status: 200, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "Schema fetch by id failed: invalid JSON in the response from http://127.0.0.1:"
        ),
        "{text}"
    );
    assert!(text.contains("/schemas/ids/1 (status 200)"), "{text}");
}

#[tokio::test]
async fn connection_refused_is_its_own_error() {
    let url = dead_url().await;
    let error = registry_error(client(&url).list_subjects().await.unwrap_err());
    assert!(
        matches!(error, RegistryError::Connection { .. }),
        "{error:?}"
    );
    assert!(error.is_unavailable());
    assert!(
        error.to_string().starts_with(&format!(
            "Subject listing failed: connection refused or unreachable at {url}/subjects"
        )),
        "{error}"
    );
}

#[tokio::test]
async fn compatibility_test_posts_to_the_version_with_verbose() {
    let stub = Stub::start(|_, _| {
        Reply::ok(json!({"is_compatible": false, "messages": ["reader field 'b' has no default"]}))
    })
    .await;
    let client = client(&stub.url);
    let schema = Schema::avro(avro_record("Order"));
    assert!(!client
        .test_compatibility("o", &schema, Version::Latest)
        .await
        .unwrap());
    let check = client
        .check_compatibility("o", &schema, Version::Number(3))
        .await
        .unwrap();
    assert_eq!(check.messages, ["reader field 'b' has no default"]);
    let requests = stub.requests();
    assert_eq!(
        requests[0].path,
        "/compatibility/subjects/o/versions/latest"
    );
    assert_eq!(requests[0].query.as_deref(), Some("verbose=true"));
    assert_eq!(requests[1].path, "/compatibility/subjects/o/versions/3");
}

#[tokio::test]
async fn subject_and_version_queries_use_confluent_paths() {
    let stub = Stub::start(|request: &Recorded, _| match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/subjects") => Reply::ok(json!(["a-value", "b-value"])),
        ("GET", "/subjects/a-value/versions") => Reply::ok(json!([1, 2, 4])),
        ("GET", "/subjects/a-value/versions/latest") | ("GET", "/subjects/a-value/versions/4") => {
            Reply::ok(json!({"subject": "a-value", "id": 9, "version": 4, "schemaType": "JSON", "schema": "{}"}))
        }
        _ => Reply::error(404, 40401, "no"),
    })
    .await;
    let client = client(&stub.url);
    assert_eq!(
        client.list_subjects().await.unwrap(),
        ["a-value", "b-value"]
    );
    assert_eq!(client.list_versions("a-value").await.unwrap(), [1, 2, 4]);
    let latest = client.get_latest("a-value").await.unwrap();
    assert_eq!(
        (latest.id, latest.version, latest.schema.schema_type),
        (9, 4, SchemaFormat::Json)
    );
    assert_eq!(
        client
            .get_version("a-value", Version::from(4))
            .await
            .unwrap(),
        latest
    );
    // get_version filled both caches.
    assert_eq!(
        client
            .cached_schema(9)
            .map(|schema| schema.schema.clone())
            .as_deref(),
        Some("{}")
    );
    assert_eq!(
        client.cached_schema_id("a-value", &Schema::json("{}")),
        Some(9)
    );
}

#[tokio::test]
async fn compatibility_levels_use_config_endpoints() {
    let stub = Stub::start(|request: &Recorded, _| match request.method.as_str() {
        "GET" => Reply::ok(json!({"compatibilityLevel": "FORWARD_TRANSITIVE"})),
        _ => Reply::ok(json!({"compatibility": request.json()["compatibility"]})),
    })
    .await;
    let client = client(&stub.url);
    assert_eq!(
        client.get_compatibility(None).await.unwrap(),
        CompatibilityLevel::ForwardTransitive
    );
    assert_eq!(
        client.get_compatibility(Some("s")).await.unwrap(),
        CompatibilityLevel::ForwardTransitive
    );
    assert_eq!(
        client
            .set_compatibility(Some("s"), CompatibilityLevel::Full)
            .await
            .unwrap(),
        CompatibilityLevel::Full
    );
    assert_eq!(
        client
            .set_compatibility(None, CompatibilityLevel::None)
            .await
            .unwrap(),
        CompatibilityLevel::None
    );
    let requests = stub.requests();
    assert_eq!(
        (requests[0].path.as_str(), requests[0].query.as_deref()),
        ("/config", None)
    );
    assert_eq!(
        (requests[1].path.as_str(), requests[1].query.as_deref()),
        ("/config/s", Some("defaultToGlobal=true"))
    );
    assert_eq!(
        (requests[2].method.as_str(), requests[2].path.as_str()),
        ("PUT", "/config/s")
    );
    assert_eq!(requests[2].json(), json!({"compatibility": "FULL"}));
    assert_eq!(requests[3].path, "/config");
}

#[tokio::test]
async fn deleting_a_subject_forgets_its_cached_ids() {
    let stub = Stub::start(|request: &Recorded, _| match request.method.as_str() {
        "DELETE" => Reply::ok(json!([1])),
        _ => Reply::ok(json!({"id": 1})),
    })
    .await;
    let client = client(&stub.url);
    let schema = Schema::avro("\"string\"");
    client.register("s", &schema).await.unwrap();
    client.register("t", &schema).await.unwrap();
    assert_eq!(client.delete_subject("s", false).await.unwrap(), [1]);
    assert_eq!(client.delete_subject("s", true).await.unwrap(), [1]);
    assert_eq!(client.cached_schema_id("s", &schema), None);
    assert_eq!(client.cached_schema_id("t", &schema), Some(1));
    client.register("s", &schema).await.unwrap();
    let requests = stub.requests();
    assert_eq!(requests.len(), 5);
    assert_eq!(
        (requests[2].path.as_str(), requests[2].query.as_deref()),
        ("/subjects/s", None)
    );
    assert_eq!(requests[3].query.as_deref(), Some("permanent=true"));
    assert_eq!(requests[4].path, "/subjects/s/versions");
}
