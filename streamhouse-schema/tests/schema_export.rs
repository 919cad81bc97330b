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
