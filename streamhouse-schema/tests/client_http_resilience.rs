//! Retries, timeouts, failover and outages, against stub registries on 127.0.0.1.
//! Backoffs are set to a millisecond so the tests do not wait; nothing asserts on time.

mod client_stub;

use std::time::Duration;

use client_stub::{dead_url, Reply, Stub};
use serde_json::json;
use streamhouse_schema::error::{ClientError, RegistryError};
use streamhouse_schema::registry::{Schema, SchemaRegistryClient};

const TINY: Duration = Duration::from_millis(1);

fn client(urls: &[&str], retries: u32) -> SchemaRegistryClient {
    SchemaRegistryClient::builder()
        .urls(urls.iter().copied())
        .max_retries(retries)
        .retry_backoff(TINY, TINY)
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
async fn retries_503_then_succeeds() {
    let stub = Stub::start(|_, arrival| match arrival {
        0 | 1 => Reply::error(503, 50003, "leader unknown"),
        _ => Reply::ok(json!({"id": 8})),
    })
    .await;
    let id = client(&[&stub.url], 3)
        .register("s", &Schema::avro("\"int\""))
        .await
        .unwrap();
    assert_eq!(id, 8);
    assert_eq!(stub.count(), 3);
}

#[tokio::test]
async fn every_retriable_status_is_retried() {
    for status in [408, 429, 500, 502, 503, 504] {
        let stub = Stub::start(move |_, arrival| match arrival {
            0 => Reply::error(status, 50001, "transient"),
            _ => Reply::ok(json!(["s"])),
        })
        .await;
        assert_eq!(
            client(&[&stub.url], 1).list_subjects().await.unwrap(),
            ["s"],
            "status {status}"
        );
        assert_eq!(stub.count(), 2, "status {status}");
    }
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let stub = Stub::start(|_, _| Reply::error(503, 50001, "store down")).await;
    let error = registry_error(client(&[&stub.url], 2).list_subjects().await.unwrap_err());
    assert_eq!(
        (error.http_status(), error.error_code()),
        (Some(503), Some(50001))
    );
    assert_eq!(stub.count(), 3, "one attempt plus two retries");
}

#[tokio::test]
async fn other_4xx_and_501_are_never_retried() {
    for (status, code) in [
        (400, 400),
        (401, 40101),
        (403, 40301),
        (404, 40403),
        (409, 40901),
        (422, 42201),
        (501, 50101),
    ] {
        let stub = Stub::start(move |_, _| Reply::error(status, code, "no")).await;
        let error = registry_error(
            client(&[&stub.url], 3)
                .get_schema_by_id(1)
                .await
                .unwrap_err(),
        );
        assert_eq!(error.http_status(), Some(status));
        assert_eq!(stub.count(), 1, "status {status} was retried");
    }
}

#[tokio::test]
async fn a_stalled_registry_times_out() {
    let stub = Stub::start(|_, _| Reply::Stall).await;
    let client = SchemaRegistryClient::builder()
        .url(&stub.url)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .retry_backoff(TINY, TINY)
        .build()
        .unwrap();
    let error = registry_error(client.get_schema_by_id(1).await.unwrap_err());
    assert!(
        matches!(error, RegistryError::Timeout { timeout, .. } if timeout == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(error.to_string().contains("no response from"), "{error}");
    assert_eq!(stub.count(), 2, "a timeout is retried");
}

#[tokio::test]
async fn connection_refused_after_retries_is_a_connection_error() {
    let url = dead_url().await;
    let error = registry_error(client(&[&url], 2).list_subjects().await.unwrap_err());
    assert!(
        matches!(error, RegistryError::Connection { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn fails_over_from_a_dead_first_url_and_then_prefers_the_live_one() {
    let dead = dead_url().await;
    let live = Stub::start(|_, _| Reply::ok(json!({"id": 4}))).await;
    let client = client(&[&dead, &live.url], 0);
    assert_eq!(
        client
            .register("s", &Schema::avro("\"int\""))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        client
            .register("t", &Schema::avro("\"int\""))
            .await
            .unwrap(),
        4
    );
    assert_eq!(live.count(), 2);
}

#[tokio::test]
async fn fails_over_on_5xx_in_order_but_not_on_4xx() {
    let first = Stub::start(|request: &client_stub::Recorded, _| {
        if request.path.starts_with("/schemas") {
            Reply::error(404, 40403, "Schema 1 not found")
        } else {
            Reply::error(500, 50001, "store error")
        }
    })
    .await;
    let second = Stub::start(|_, _| Reply::ok(json!(["from-second"]))).await;
    let client = client(&[&first.url, &second.url], 0);
    assert_eq!(client.list_subjects().await.unwrap(), ["from-second"]);
    assert_eq!((first.count(), second.count()), (1, 1));
    // The second URL is now preferred: the first is not asked again.
    let first_before = first.count();
    let _ = client.list_subjects().await.unwrap();
    assert_eq!(first.count(), first_before, "preferred URL is tried first");
}

#[tokio::test]
async fn a_404_from_the_first_url_is_final() {
    let first = Stub::start(|_, _| Reply::error(404, 40403, "Schema 1 not found")).await;
    let second = Stub::start(|_, _| Reply::ok(json!({"schema": "\"int\""}))).await;
    let error = registry_error(
        client(&[&first.url, &second.url], 3)
            .get_schema_by_id(1)
            .await
            .unwrap_err(),
    );
    assert_eq!(error.error_code(), Some(40403));
    assert_eq!((first.count(), second.count()), (1, 0));
}

#[tokio::test]
async fn retries_go_round_all_urls_again() {
    let first = Stub::start(|_, _| Reply::error(503, 50003, "no leader")).await;
    let second = Stub::start(|_, arrival| match arrival {
        0 => Reply::error(503, 50003, "no leader"),
        _ => Reply::ok(json!(["ok"])),
    })
    .await;
    let client = client(&[&first.url, &second.url], 1);
    assert_eq!(client.list_subjects().await.unwrap(), ["ok"]);
    assert_eq!((first.count(), second.count()), (2, 2));
}

#[tokio::test]
async fn an_outage_does_not_affect_cached_answers() {
    let stub = Stub::start(|request: &client_stub::Recorded, _| {
        if request.method == "POST" {
            Reply::ok(json!({"id": 21}))
        } else {
            Reply::ok(json!({"schema": "\"bytes\""}))
        }
    })
    .await;
    let client = client(&[&stub.url], 0);
    let schema = Schema::avro("\"string\"");
    assert_eq!(client.register("s", &schema).await.unwrap(), 21);
    assert_eq!(
        client.get_schema_by_id(22).await.unwrap().schema,
        "\"bytes\""
    );
    stub.shutdown();
    // Refused, or 503 on a pooled connection: either way the registry is down.
    let down = registry_error(client.get_schema_by_id(23).await.unwrap_err());
    assert!(down.is_retriable(), "{down:?}");
    assert_eq!(client.register("s", &schema).await.unwrap(), 21);
    assert_eq!(
        client.get_schema_by_id(21).await.unwrap().schema,
        "\"string\""
    );
    assert_eq!(
        client.get_schema_by_id(22).await.unwrap().schema,
        "\"bytes\""
    );
}
