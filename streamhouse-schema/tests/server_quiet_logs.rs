//! Registry server over real HTTP: normal operation, client errors included, logs nothing
//! at ERROR level (ERROR is for faults an operator must look at), on SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use std::sync::{Arc, Mutex};

use serde_json::json;
use server_common::{order_schema, Backend, TestRegistry};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Records every ERROR event (target and fields) seen by the process.
#[derive(Clone, Default)]
struct ErrorEvents(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl<S: tracing::Subscriber> Layer<S> for ErrorEvents {
    fn on_event(&self, event: &tracing::Event<'_>, _context: Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::ERROR {
            let mut fields = Fields(event.metadata().target().to_string());
            event.record(&mut fields);
            if let Ok(mut events) = self.0.lock() {
                events.push(fields.0);
            }
        }
    }
}

const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}"#;

fn order_with_money(extra: &str) -> serde_json::Value {
    json!({
        "schema": format!(
            r#"{{"type":"record","name":"Order","namespace":"shop","fields":[{{"name":"total","type":"shop.Money"}}{extra}]}}"#
        ),
        "references": [{ "name": "shop.Money", "subject": "money", "version": 1 }]
    })
}

async fn normal_traffic(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.register("money", MONEY, None).await;
    // Registrations under a subject whose versions have references: the first attempt
    // meets them and reloads, which is routine.
    for extra in [
        "",
        r#",{"name":"a","type":"int","default":0}"#,
        r#",{"name":"b","type":"int","default":0}"#,
    ] {
        r.post("/subjects/orders-value/versions", &order_with_money(extra))
            .await
            .ok();
    }
    r.post("/subjects/orders-value", &order_with_money(""))
        .await
        .ok();
    r.post(
        "/compatibility/subjects/orders-value/versions?verbose=true",
        &order_with_money(""),
    )
    .await
    .ok();
    r.register("plain-value", &order_schema(&[]), None).await;
    r.get("/schemas/ids/1").await.ok();
    r.get("/subjects/orders-value/versions/latest").await.ok();
    r.get("/health").await.ok();
    // Client errors are the client's business.
    r.get("/subjects/nobody/versions")
        .await
        .assert_error(404, 40401);
    r.get("/schemas/ids/999").await.assert_error(404, 40403);
    r.post("/subjects/x/versions", &json!({ "schema": "nope" }))
        .await
        .assert_error(422, 42201);
    r.delete("/subjects/money").await.assert_error(422, 42206);
    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": order_schema(&[r#"{"name":"z","type":"int"}"#]) }),
    )
    .await
    .assert_error(409, 409);
    r.delete("/subjects/plain-value").await.ok();
    r.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normal_operation_logs_no_error() {
    let events = ErrorEvents::default();
    tracing_subscriber::registry()
        .with(events.clone())
        .try_init()
        .expect("the only subscriber of this test binary");
    normal_traffic(Backend::Sqlite).await;
    normal_traffic(Backend::Postgres).await;
    let seen = events.0.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(seen.is_empty(), "ERROR events: {seen:#?}");
}
