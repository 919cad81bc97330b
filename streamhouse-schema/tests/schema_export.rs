//! `SchemaExport`: derived types' schemas written to a folder and checked against it.

use std::fs;

use streamhouse_schema::schema::export::{ExportError, Exported, SchemaExport};
use streamhouse_schema::StreamSchema;

/// An order, in all three formats.
#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    cents: i64,
}

/// A note, with no Protobuf view.
#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme")]
struct Note {
    text: String,
}

#[test]
fn export_writes_the_registered_texts_then_checks_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let export = SchemaExport::new(dir.path().join("schemas"))
        .add::<Note>()
        .add_as::<Order>("orders-value");
    // Nothing written yet: every file is stale.
    match export.check() {
        Err(ExportError::Stale(stale)) => assert_eq!(stale.paths.len(), 5, "{stale}"),
        other => panic!("expected stale files, got {other:?}"),
    }

    let written = export.write().expect("write");
    let schemas = dir.path().join("schemas");
    assert_eq!(
        written,
        [
            "com.acme.Note.avsc",
            "com.acme.Note.json",
            "orders-value.avsc",
            "orders-value.json",
            "orders-value.proto"
        ]
        .iter()
        .map(|name| Exported {
            path: schemas.join(name),
            changed: true
        })
        .collect::<Vec<_>>()
    );
    let read = |name: &str| fs::read_to_string(schemas.join(name)).expect("written");
    assert_eq!(
        read("orders-value.avsc"),
        format!("{}\n", Order::avro_schema_json())
    );
    assert_eq!(
        read("com.acme.Note.json"),
        format!("{}\n", Note::json_schema_text())
    );
    assert_eq!(
        read("orders-value.proto"),
        "syntax = \"proto3\";\n\npackage com.acme;\n\nmessage Order {\n  string id = 1;\n  int64 cents = 2;\n}\n"
    );
    export.check().expect("in step after writing");

    // A second write changes nothing; an edited file is stale, then rewritten.
    assert!(export.write().expect("rewrite").iter().all(|e| !e.changed));
    fs::write(schemas.join("orders-value.avsc"), "{}\n").expect("edit");
    match export.check() {
        Err(ExportError::Stale(stale)) => {
            assert_eq!(stale.paths, vec![schemas.join("orders-value.avsc")]);
            assert!(
                stale.to_string().contains("STREAMHOUSE_SCHEMA_UPDATE=1"),
                "{stale}"
            );
        }
        other => panic!("expected one stale file, got {other:?}"),
    }
    let changed: Vec<_> = export
        .write()
        .expect("write")
        .into_iter()
        .filter(|e| e.changed)
        .map(|e| e.path)
        .collect();
    assert_eq!(changed, vec![schemas.join("orders-value.avsc")]);
    export.check().expect("in step again");
}

/// An amount in a package of its own: the invoice's `.proto` imports its file.
#[derive(StreamSchema)]
#[stream_schema(namespace = "billing.v2", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
}

/// Registered on its own in Avro and JSON (`reference`).
#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme", protobuf, reference)]
enum Currency {
    Eur = 0,
    Usd = 1,
}

/// Uses both: an import in Protobuf, a reference in Avro and JSON.
#[derive(StreamSchema)]
#[stream_schema(namespace = "com.acme", protobuf)]
struct Invoice {
    #[stream_schema(tag = 1)]
    total: Money,
    #[stream_schema(tag = 2)]
    currency: Currency,
}

#[test]
fn export_writes_the_referenced_schemas_next_to_the_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let schemas = dir.path().join("schemas");
    // Two types sharing a referenced schema write it once.
    let export = SchemaExport::new(&schemas)
        .add_as::<Invoice>("invoices-value")
        .add_as::<Currency>("currencies-value");
    let written: Vec<_> = export
        .write()
        .expect("write")
        .into_iter()
        .map(|e| e.path.strip_prefix(&schemas).expect("inside").to_path_buf())
        .collect();
    assert_eq!(
        written,
        [
            "invoices-value.avsc",
            "com.acme.Currency.avsc",
            "invoices-value.json",
            "com.acme.Currency.json",
            "invoices-value.proto",
            "billing/v2/Money.proto",
            "currencies-value.avsc",
            // A Protobuf enum is no message: it has no file of its own.
            "currencies-value.json",
        ]
        .map(std::path::PathBuf::from)
    );
    let read = |name: &str| fs::read_to_string(schemas.join(name)).expect("written");
    // The texts send_typed registers: the invoice names the currency, defined on its own.
    assert_eq!(
        read("invoices-value.avsc"),
        "{\"type\":\"record\",\"name\":\"Invoice\",\"namespace\":\"com.acme\",\"doc\":\"Uses both: an import in Protobuf, a reference in Avro and JSON.\",\"fields\":[{\"name\":\"total\",\"type\":{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"billing.v2\",\"doc\":\"An amount in a package of its own: the invoice's `.proto` imports its file.\",\"fields\":[{\"name\":\"cents\",\"type\":\"long\"}]}},{\"name\":\"currency\",\"type\":\"com.acme.Currency\"}]}\n"
    );
    assert_eq!(
        read("com.acme.Currency.avsc"),
        format!("{}\n", Currency::avro_schema_json())
    );
    assert!(
        read("invoices-value.json").contains(r#""currency":{"$ref":"com.acme.Currency.json"}"#),
        "{}",
        read("invoices-value.json")
    );
    assert_eq!(
        read("com.acme.Currency.json"),
        format!("{}\n", Currency::json_schema_text())
    );
    assert!(
        read("invoices-value.proto").contains("import \"billing/v2/Money.proto\";"),
        "{}",
        read("invoices-value.proto")
    );
    assert_eq!(
        read("billing/v2/Money.proto"),
        "syntax = \"proto3\";\n\npackage billing.v2;\n\nmessage Money {\n  int64 cents = 1;\n}\n"
    );
    export.check().expect("in step after writing");
    // A missing referenced file is stale like any other.
    fs::remove_file(schemas.join("billing/v2/Money.proto")).expect("remove");
    match export.check() {
        Err(ExportError::Stale(stale)) => {
            assert_eq!(stale.paths, [schemas.join("billing/v2/Money.proto")])
        }
        other => panic!("expected the import to be stale, got {other:?}"),
    }
}
