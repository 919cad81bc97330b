//! The `streamhouse` command line against a real registry over HTTP: register, list, get,
//! check (exit codes and Confluent's messages), config, export in the pin layout, delete,
//! `--output json`, and errors with exit code 2.
#![cfg(all(feature = "server", feature = "cli"))]

use std::process::{Command, Output};

use serde_json::{json, Value};
use streamhouse_schema::server::{spawn, RegistryConfig};

const BIN: &str = env!("CARGO_BIN_EXE_streamhouse");

const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
const V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"note","type":"string","default":""}]}"#;
const V3: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;

/// Runs the CLI (in a blocking thread, the registry runs on this test's runtime).
async fn cli(url: &str, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .arg("--url")
        .arg(url)
        .args(args)
        .env_remove("SCHEMA_REGISTRY_URL");
    tokio::task::spawn_blocking(move || command.output().expect("run streamhouse"))
        .await
        .expect("join")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_string()
}

fn ok(output: Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_drives_a_registry() {
    let server = spawn(RegistryConfig::in_memory()).await.expect("start");
    let url = server.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().into_owned()
    };
    let (v1, v2, v3) = (
        file("v1.avsc", V1),
        file("v2.avsc", V2),
        file("v3.avsc", V3),
    );

    assert_eq!(ok(cli(&url, &["register", "orders-value", &v1]).await), "1");
    assert_eq!(ok(cli(&url, &["subjects"]).await), "orders-value");
    assert_eq!(
        ok(cli(&url, &["--output", "json", "versions", "orders-value"]).await),
        "[1]"
    );

    // A compatible change: exit 0.
    assert_eq!(
        ok(cli(&url, &["check", "orders-value", &v2]).await),
        "compatible with orders-value version latest"
    );
    // A breaking one: exit 1 and the registry's reasons.
    let incompatible = cli(&url, &["check", "orders-value", &v3]).await;
    assert_eq!(incompatible.status.code(), Some(1));
    let text = stdout(&incompatible);
    assert!(
        text.starts_with("INCOMPATIBLE with orders-value version latest"),
        "{text}"
    );
    assert!(text.contains("TYPE_MISMATCH"), "{text}");
    let as_json = cli(&url, &["--output", "json", "check", "orders-value", &v3]).await;
    assert_eq!(as_json.status.code(), Some(1));
    let verdict: Value = serde_json::from_str(&stdout(&as_json)).expect("JSON");
    assert_eq!(verdict["is_compatible"], json!(false));
    assert!(verdict["messages"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));

    assert_eq!(ok(cli(&url, &["register", "orders-value", &v2]).await), "2");
    assert_eq!(ok(cli(&url, &["get", "--id", "1"]).await), V1);
    assert_eq!(ok(cli(&url, &["get", "orders-value"]).await), V2);
    let version: Value = serde_json::from_str(&ok(cli(
        &url,
        &["--output", "json", "get", "orders-value", "1"],
    )
    .await))
    .expect("JSON");
    assert_eq!(
        (
            version["subject"].clone(),
            version["id"].clone(),
            version["version"].clone()
        ),
        (json!("orders-value"), json!(1), json!(1))
    );

    // Export in a directory pin's layout, text as registered.
    let pins = dir.path().join("pins/orders-value");
    let written = ok(cli(&url, &["export", "orders-value", &pins.to_string_lossy()]).await);
    assert_eq!(written.lines().count(), 2, "{written}");
    assert_eq!(
        std::fs::read_to_string(pins.join("v001.avsc")).expect("v1"),
        V1
    );
    assert_eq!(
        std::fs::read_to_string(pins.join("v002.avsc")).expect("v2"),
        V2
    );

    assert_eq!(
        ok(cli(&url, &["config", "set", "FULL", "orders-value"]).await),
        "FULL"
    );
    assert_eq!(
        ok(cli(&url, &["config", "get", "orders-value"]).await),
        "FULL"
    );
    assert_eq!(ok(cli(&url, &["config", "get"]).await), "BACKWARD");

    // Modes: a read-only subject refuses registrations (Confluent's 42205), the global
    // mode stays READWRITE.
    assert_eq!(ok(cli(&url, &["mode", "get"]).await), "READWRITE");
    assert_eq!(
        ok(cli(&url, &["mode", "set", "readonly", "orders-value"]).await),
        "READONLY"
    );
    assert_eq!(
        ok(cli(&url, &["--output", "json", "mode", "get", "orders-value"]).await),
        r#"{"mode":"READONLY"}"#
    );
    let refused = cli(&url, &["register", "orders-value", &file("v3.avsc", V2)]).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("42205"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(
        ok(cli(&url, &["mode", "set", "READWRITE", "orders-value"]).await),
        "READWRITE"
    );

    assert_eq!(
        ok(cli(&url, &["delete", "orders-value", "--version", "2"]).await),
        "2"
    );
    assert_eq!(ok(cli(&url, &["versions", "orders-value"]).await), "1");

    // Errors: exit 2 with a message naming the problem.
    for (args, message) in [
        (vec!["get", "orders-value", "7"], "404"),
        (
            vec!["register", "x-value", "/no/such.avsc"],
            "cannot read /no/such.avsc",
        ),
        (
            vec!["register", "x-value", &file("schema.txt", V1)],
            "--type",
        ),
        (
            vec!["config", "set", "SIDEWAYS", "orders-value"],
            "SIDEWAYS",
        ),
        (vec!["mode", "set", "WRITEONLY"], "WRITEONLY"),
    ] {
        let output = cli(&url, &args).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let no_url = Command::new(BIN)
        .arg("subjects")
        .env_remove("SCHEMA_REGISTRY_URL")
        .env_remove("STREAMHOUSE_PROPERTIES")
        .output()
        .expect("run");
    assert_eq!(no_url.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_url.stderr).contains("--url"));
    server.shutdown().await.expect("shutdown");
}

/// An amount in a package of its own: the invoice's `.proto` imports its file.
#[derive(streamhouse_schema::StreamSchema)]
#[stream_schema(namespace = "billing.v2", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
}

/// Registered on its own in Avro and JSON (`reference`).
#[derive(streamhouse_schema::StreamSchema)]
#[stream_schema(namespace = "com.acme", protobuf, reference)]
enum Currency {
    Eur = 0,
    Usd = 1,
}

/// Refers to both.
#[derive(streamhouse_schema::StreamSchema)]
#[stream_schema(namespace = "com.acme", protobuf)]
struct Invoice {
    #[stream_schema(tag = 1)]
    total: Money,
    #[stream_schema(tag = 2)]
    currency: Currency,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_the_referenced_schemas_the_export_writes() {
    use streamhouse_schema::schema::export::SchemaExport;
    use streamhouse_schema::{Producer, SchemaFormat};

    let server = spawn(RegistryConfig::in_memory()).await.expect("start");
    let url = server.url();
    let invoice = Invoice {
        total: Money { cents: 990 },
        currency: Currency::Eur,
    };
    for format in [
        SchemaFormat::Avro,
        SchemaFormat::Json,
        SchemaFormat::Protobuf,
    ] {
        let producer = Producer::builder()
            .schema_registry(url.as_str())
            .default_format(format)
            .build()
            .await
            .expect("producer");
        let topic = format!("invoices-{}", format.to_string().to_lowercase());
        producer
            .send_typed_to(&topic, None::<&String>, &invoice)
            .await
            .expect("sent");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    SchemaExport::new(dir.path())
        .add_as::<Invoice>("invoice")
        .write()
        .expect("export");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    for (subject, file) in [
        ("invoices-avro-value", "invoice.avsc"),
        ("invoices-json-value", "invoice.json"),
        ("invoices-protobuf-value", "invoice.proto"),
    ] {
        assert_eq!(
            ok(cli(&url, &["check", subject, &path(file)]).await),
            format!("compatible with {subject} version latest"),
            "{file}"
        );
    }
    // A referenced schema changed but not registered: the check says which and how.
    std::fs::write(
        dir.path().join("com.acme.Currency.avsc"),
        r#"{"type":"enum","name":"Currency","namespace":"com.acme","symbols":["EUR","USD","CHF"]}"#,
    )
    .expect("edit");
    let unregistered = cli(
        &url,
        &["check", "invoices-avro-value", &path("invoice.avsc")],
    )
    .await;
    assert_eq!(unregistered.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unregistered.stderr);
    assert!(
        stderr.contains("\"com.acme.Currency\"")
            && stderr.contains("streamhouse register com.acme.Currency"),
        "{stderr}"
    );
    // Without the imported file next to it, the registry cannot resolve the import.
    std::fs::remove_file(dir.path().join("billing/v2/Money.proto")).expect("remove");
    let missing = cli(
        &url,
        &["check", "invoices-protobuf-value", &path("invoice.proto")],
    )
    .await;
    assert_ne!(missing.status.code(), Some(0));
    server.shutdown().await.expect("shutdown");
}
