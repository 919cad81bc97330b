//! Registry server over real HTTP: Protobuf schemas as text and as base64
//! `FileDescriptorProto` (`?format=serialized`), as Confluent's Python client uses them.
#![cfg(feature = "server")]

mod server_common;

use serde_json::json;
use server_common::{Backend, TestRegistry};
use streamhouse_schema::schema::proto_file::{parse_proto, to_base64_descriptor};

const ORDER_PROTO: &str = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  string id = 1;\n  int64 qty = 2;\n}\n";

async fn protobuf_text_and_serialized_forms(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let id = r
        .register("orders-value", ORDER_PROTO, Some("PROTOBUF"))
        .await;
    assert_eq!(
        r.get(&format!("/schemas/ids/{id}")).await.ok(),
        &json!({ "schema": ORDER_PROTO, "schemaType": "PROTOBUF" })
    );

    // The compiled file, with no `json_name` where the text sets none (as Confluent's
    // registry serves it, and as protoc's generated code registers it).
    let mut file = parse_proto(ORDER_PROTO).expect("valid proto");
    assert_eq!(file.name(), "default");
    for field in &mut file.message_type[0].field {
        field.json_name = None;
    }
    let expected = to_base64_descriptor(&file);
    let serialized = r.get(&format!("/schemas/ids/{id}?format=serialized")).await;
    assert_eq!(
        serialized.ok(),
        &json!({ "schema": expected, "schemaType": "PROTOBUF" })
    );
    let version = r
        .get("/subjects/orders-value/versions/latest?format=serialized")
        .await;
    assert_eq!(version.ok()["schema"], json!(expected));
    assert_eq!(version.ok()["schemaType"], json!("PROTOBUF"));

    // Registering or looking up the base64 form finds the same schema.
    let again = r
        .post(
            "/subjects/orders-value/versions",
            &json!({ "schema": expected, "schemaType": "PROTOBUF" }),
        )
        .await;
    assert_eq!(again.ok(), &json!({ "id": id }));
    let found = r
        .post(
            "/subjects/orders-value?format=serialized",
            &json!({ "schema": expected, "schemaType": "PROTOBUF" }),
        )
        .await;
    assert_eq!(found.ok()["version"], json!(1));
    assert_eq!(found.ok()["schema"], json!(expected));

    // A new subject registered from base64 stores .proto text.
    let other = r
        .post(
            "/subjects/copy-value/versions",
            &json!({ "schema": expected, "schemaType": "PROTOBUF" }),
        )
        .await;
    assert_eq!(other.ok(), &json!({ "id": id }));
    assert_eq!(
        r.get("/subjects").await.ok(),
        &json!(["copy-value", "orders-value"])
    );

    // Changing a field's type to an incompatible one is refused.
    let changed = ORDER_PROTO.replace("int64 qty", "string qty");
    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": changed, "schemaType": "PROTOBUF" }),
    )
    .await
    .assert_error(409, 409);
    r.finish().await;
}

async fn protobuf_references_resolve_imports(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let money = "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 cents = 1; }\n";
    r.register("money.proto", money, Some("PROTOBUF")).await;
    let order = "syntax = \"proto3\";\npackage shop;\nimport \"money.proto\";\nmessage Order { Money total = 1; }\n";
    let body = json!({
        "schema": order,
        "schemaType": "PROTOBUF",
        "references": [{ "name": "money.proto", "subject": "money.proto", "version": 1 }]
    });
    let id = r.post("/subjects/orders-value/versions", &body).await.ok()["id"]
        .as_i64()
        .expect("id");
    assert_eq!(id, 2);
    let stored = r.get("/subjects/orders-value/versions/1").await;
    assert_eq!(
        stored.ok()["references"],
        json!([{ "name": "money.proto", "subject": "money.proto", "version": 1 }])
    );
    assert_eq!(
        r.get("/subjects/money.proto/versions/1/referencedby")
            .await
            .ok(),
        &json!([2])
    );
    // Without the reference the import cannot be resolved.
    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": order, "schemaType": "PROTOBUF" }),
    )
    .await
    .assert_error(422, 42201);
    r.finish().await;
}

on_both_backends!(
    protobuf_text_and_serialized_forms,
    protobuf_references_resolve_imports
);
