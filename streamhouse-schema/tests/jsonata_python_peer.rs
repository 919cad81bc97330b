//! Confluent's Python client (`tests/python/migration_peer.py`) as the peer of JSONata
//! migrations over our registry server: it registers v1 and v2 of a subject grouped by
//! `application.major.version`, with its UPGRADE/DOWNGRADE JSONATA rules, and its
//! `AvroSerializer` writes v1 records, which our consumer reads as the v2 type through
//! UPGRADE; our producer writes v2 records, which its `AvroDeserializer` reading major 1
//! reads through DOWNGRADE. Needs `scripts/setup-python.sh` (or `STREAMHOUSE_PYTHON`).
#![cfg(all(feature = "server", feature = "rules"))]

mod python_peer;
mod server_common;

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use server_common::{Backend, TestRegistry};
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{SchemaRegistryClient, Version};
use streamhouse_schema::StreamSchema;

/// Major version 1 of the widget.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "com.acme.shop")]
struct WidgetV1 {
    name: String,
    size: i32,
}

/// Major version 2: `size` renamed `height`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Widget", namespace = "com.acme.shop")]
struct WidgetV2 {
    name: String,
    height: i32,
}

/// Runs the peer in `mode` on `cases`; the JSON after `marker` on its output.
async fn peer(url: &str, mode: &str, cases: &Value, marker: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.json");
    std::fs::write(&path, cases.to_string()).unwrap();
    let python = python_peer::python();
    let script = python_peer::workspace_root().join("tests/python/migration_peer.py");
    let (url, mode) = (url.to_string(), mode.to_string());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .arg(url)
            .arg(mode)
            .arg(path)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "python peer failed:\n{stdout}\n{stderr}"
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix(marker))
        .unwrap_or_else(|| panic!("no {marker} line in:\n{stdout}\n{stderr}"));
    serde_json::from_str(line).unwrap()
}

async fn python_and_rust_migrate_each_others_records(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let topic = "peer-widgets";
    let mut cases = json!({
        "subject": format!("{topic}-value"),
        "topic": topic,
        "v1": WidgetV1::avro_schema_json(),
        "v2": WidgetV2::avro_schema_json(),
        "upgrade": "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.'size'}])",
        "downgrade": "$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.'height'}])",
        "records": [{"name": "kite", "size": 3}, {"name": "sail", "size": 41}],
    });
    // Python registers both versions with their rules and writes v1 records.
    let frames = peer(&r.url, "write", &cases, "FRAMES ").await;
    let client = SchemaRegistryClient::new(r.url.clone());
    let subject = format!("{topic}-value");
    let v1 = client
        .get_version(&subject, Version::Number(1))
        .await
        .unwrap();
    let v2 = client
        .get_version(&subject, Version::Number(2))
        .await
        .unwrap();
    assert_eq!(
        v2.schema.rule_set.as_ref().unwrap().migration_rules.len(),
        2
    );
    let producer = Producer::builder()
        .schema_registry(r.url.clone())
        .build()
        .await
        .unwrap();
    for frame in frames.as_array().unwrap() {
        let bytes = hex::decode(frame.as_str().unwrap()).unwrap();
        // Confluent's frame: magic byte, then v1's id.
        assert_eq!(
            &bytes[..5],
            &[&[0u8][..], &v1.id.to_be_bytes()[..]].concat()[..]
        );
        producer.send(topic, None, &bytes, None).await.unwrap();
    }
    // Our consumer reads them as the v2 type through the UPGRADE rule.
    let mut consumer = Consumer::builder()
        .schema_registry(r.url.clone())
        .transport(producer.transport().clone())
        .subscribe(topic)
        .use_latest_version()
        .build()
        .await
        .unwrap();
    let mut read = Vec::new();
    while let Some(record) = consumer
        .poll_typed::<WidgetV2>(Duration::from_secs(2))
        .await
        .unwrap()
    {
        read.push(record.value);
    }
    assert_eq!(
        read,
        vec![
            WidgetV2 {
                name: "kite".into(),
                height: 3
            },
            WidgetV2 {
                name: "sail".into(),
                height: 41
            },
        ]
    );

    // Our producer writes v2; Python reading major 1 downgrades them.
    let mut frames = Vec::new();
    for (name, height) in [("mast", 9), ("keel", 120)] {
        let mut payload = Vec::new();
        WidgetV2 {
            name: name.into(),
            height,
        }
        .encode_value(&mut payload)
        .unwrap();
        producer
            .send_with_schema_id("peer-v2", None, &payload, v2.id, None)
            .await
            .unwrap();
    }
    let mut raw = Consumer::builder()
        .transport(producer.transport().clone())
        .subscribe("peer-v2")
        .build()
        .await
        .unwrap();
    while let Some(record) = raw.poll(Duration::from_secs(2)).await.unwrap() {
        frames.push(hex::encode(&record.value));
    }
    cases["frames"] = json!(frames);
    let records = peer(&r.url, "read", &cases, "RECORDS ").await;
    assert_eq!(
        records,
        json!([{"name": "mast", "size": 9}, {"name": "keel", "size": 120}])
    );
    r.finish().await;
}

on_both_backends!(python_and_rust_migrate_each_others_records);
