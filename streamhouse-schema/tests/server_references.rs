//! Registry server over real HTTP: schema `references` are followed when a schema is
//! validated, checked for compatibility and serialized (Avro named types, JSON Schema `$ref`s
//! by reference name, Protobuf imports, whose message types are compared field by field),
//! on SQLite and PostgreSQL.
#![cfg(feature = "server")]

mod server_common;

use base64::Engine as _;
use prost::Message as _;
use serde_json::{json, Value};
use server_common::{Backend, TestRegistry};

fn money_avro(cents_type: &str, extra: &str) -> String {
    format!(
        r#"{{"type":"record","name":"Money","namespace":"shop","fields":[{{"name":"cents","type":"{cents_type}"}}{extra}]}}"#
    )
}

const ORDER_AVRO: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"total","type":"shop.Money"}]}"#;

fn with_reference(
    schema: &str,
    schema_type: Option<&str>,
    name: &str,
    subject: &str,
    version: i64,
) -> Value {
    let mut body = json!({
        "schema": schema,
        "references": [{ "name": name, "subject": subject, "version": version }]
    });
    if let Some(schema_type) = schema_type {
        body["schemaType"] = json!(schema_type);
    }
    body
}

/// Lets the referenced subject evolve freely: what is under test is the referring subject.
async fn allow_any_change(r: &TestRegistry, subject: &str) {
    r.put(
        &format!("/config/{subject}"),
        &json!({ "compatibility": "NONE" }),
    )
    .await
    .ok();
}

async fn avro_references_are_parsed_and_checked(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    allow_any_change(&r, "money").await;
    let money_v1 = r.register("money", &money_avro("long", ""), None).await;
    let order_body = with_reference(ORDER_AVRO, None, "shop.Money", "money", 1);
    let order_id = r
        .post("/subjects/orders-value/versions", &order_body)
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_ne!(order_id, money_v1);
    // Registering the same again is the same version; the lookup finds it.
    assert_eq!(
        r.post("/subjects/orders-value/versions", &order_body)
            .await
            .ok(),
        &json!({ "id": order_id })
    );
    let found = r.post("/subjects/orders-value", &order_body).await;
    assert_eq!(found.ok()["version"], json!(1));
    assert_eq!(
        found.ok()["references"],
        json!([{ "name": "shop.Money", "subject": "money", "version": 1 }])
    );
    assert_eq!(
        r.get(&format!("/schemas/ids/{order_id}")).await.ok(),
        &json!({
            "schema": ORDER_AVRO,
            "references": [{ "name": "shop.Money", "subject": "money", "version": 1 }]
        })
    );

    // Money v2 changes cents from long to string: an Order reading through it breaks.
    r.register("money", &money_avro("string", ""), None).await;
    let breaking = with_reference(ORDER_AVRO, None, "shop.Money", "money", 2);
    let verdict = r
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            &breaking,
        )
        .await;
    assert_eq!(verdict.ok()["is_compatible"], json!(false));
    assert_eq!(
        verdict.ok()["messages"],
        json!([
            "{errorType:'TYPE_MISMATCH', description:'The new schema cannot read data written \
             with the old schema at path '/fields/total/fields/cents': field 'total': field \
             'cents': reader type string cannot read writer type long'}",
            "{oldSchemaVersion: 1}",
            format!("{{oldSchema: '{ORDER_AVRO}'}}"),
            "{compatibility: 'BACKWARD'}"
        ])
    );
    let refused = r.post("/subjects/orders-value/versions", &breaking).await;
    refused.assert_error(409, 409);
    assert!(
        refused.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("/fields/total/fields/cents")),
        "{}",
        refused.text
    );

    // Money v3 adds a field with a default: compatible through the reference.
    r.register(
        "money",
        &money_avro(
            "long",
            r#",{"name":"currency","type":"string","default":"EUR"}"#,
        ),
        None,
    )
    .await;
    let compatible = with_reference(ORDER_AVRO, None, "shop.Money", "money", 3);
    let verdict = r
        .post(
            "/compatibility/subjects/orders-value/versions?verbose=true",
            &compatible,
        )
        .await;
    assert_eq!(verdict.ok(), &json!({ "is_compatible": true }));
    let order_v2 = r
        .post("/subjects/orders-value/versions", &compatible)
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_ne!(order_v2, order_id);
    assert_eq!(
        r.get("/subjects/orders-value/versions").await.ok(),
        &json!([1, 2])
    );
    // The next registration checks against version 2, itself parsed with its reference.
    r.post("/subjects/orders-value/versions", &breaking)
        .await
        .assert_error(409, 409);

    // Referenced versions cannot be deleted (42206); unreferenced ones can.
    let referenced = r.delete("/subjects/money/versions/1").await;
    referenced.assert_error(422, 42206);
    assert_eq!(
        referenced.body["message"],
        json!(
            "One or more references exist to the schema \
             {magic=1,keytype=SCHEMA,subject=money,version=1}."
        )
    );
    r.delete("/subjects/money").await.assert_error(422, 42206);
    assert_eq!(r.delete("/subjects/money/versions/2").await.ok(), &json!(2));
    r.delete("/subjects/money/versions/latest")
        .await
        .assert_error(422, 42206);
    // Once the referring schemas are gone for good, so is the protection.
    assert_eq!(
        r.delete("/subjects/orders-value").await.ok(),
        &json!([1, 2])
    );
    r.delete("/subjects/money/versions/1")
        .await
        .assert_error(422, 42206);
    assert_eq!(
        r.delete("/subjects/orders-value?permanent=true").await.ok(),
        &json!([1, 2])
    );
    assert_eq!(r.delete("/subjects/money/versions/1").await.ok(), &json!(1));
    r.finish().await;
}

async fn avro_reference_errors_are_42201(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    // The referenced subject does not exist.
    let missing = r
        .post(
            "/subjects/orders-value/versions",
            &with_reference(ORDER_AVRO, None, "shop.Money", "money", 1),
        )
        .await;
    missing.assert_error(422, 42201);
    assert!(
        missing.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("'money' version 1")),
        "{}",
        missing.text
    );
    // The referenced schema does not define the type the schema uses.
    r.register(
        "other",
        r#"{"type":"enum","name":"Color","namespace":"shop","symbols":["RED"]}"#,
        None,
    )
    .await;
    r.post(
        "/subjects/orders-value/versions",
        &with_reference(ORDER_AVRO, None, "shop.Money", "other", 1),
    )
    .await
    .assert_error(422, 42201);
    // Without references the named type is unknown.
    r.post(
        "/subjects/orders-value/versions",
        &json!({ "schema": ORDER_AVRO }),
    )
    .await
    .assert_error(422, 42201);
    // A reference with an impossible version.
    r.post(
        "/subjects/orders-value/versions",
        &with_reference(ORDER_AVRO, None, "shop.Money", "other", 0),
    )
    .await
    .assert_error(422, 42201);
    assert_eq!(r.get("/subjects").await.ok(), &json!(["other"]));
    r.finish().await;
}

async fn avro_references_follow_nested_references(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let currency =
        r#"{"type":"enum","name":"Currency","namespace":"shop","symbols":["EUR","USD"]}"#;
    r.register("currency", currency, None).await;
    let money = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"shop.Currency"}]}"#;
    r.post(
        "/subjects/money/versions",
        &with_reference(money, None, "shop.Currency", "currency", 1),
    )
    .await
    .ok();
    // Order names only Money; Money's own reference to Currency is followed.
    let id = r
        .post(
            "/subjects/orders-value/versions",
            &with_reference(ORDER_AVRO, None, "shop.Money", "money", 1),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_eq!(id, 3);
    r.finish().await;
}

fn money_json(cents_type: &str) -> String {
    format!(
        r#"{{"type":"object","properties":{{"cents":{{"type":"{cents_type}"}}}},"required":["cents"]}}"#
    )
}

const ORDER_JSON: &str = r#"{"type":"object","properties":{"id":{"type":"string"},"total":{"$ref":"money.json"}},"required":["id","total"]}"#;

async fn json_references_resolve_by_name(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    allow_any_change(&r, "money-json").await;
    r.register("money-json", &money_json("integer"), Some("JSON"))
        .await;
    let v1 = with_reference(ORDER_JSON, Some("JSON"), "money.json", "money-json", 1);
    let id = r.post("/subjects/orders-json/versions", &v1).await.ok()["id"]
        .as_i64()
        .expect("id");
    assert_eq!(
        r.get(&format!("/schemas/ids/{id}")).await.ok(),
        &json!({
            "schema": ORDER_JSON,
            "schemaType": "JSON",
            "references": [{ "name": "money.json", "subject": "money-json", "version": 1 }]
        })
    );

    // cents becomes a string: an Order reading through the new Money cannot read the old.
    r.register("money-json", &money_json("string"), Some("JSON"))
        .await;
    let breaking = with_reference(ORDER_JSON, Some("JSON"), "money.json", "money-json", 2);
    let verdict = r
        .post(
            "/compatibility/subjects/orders-json/versions/1?verbose=true",
            &breaking,
        )
        .await;
    assert_eq!(verdict.ok()["is_compatible"], json!(false));
    let messages = verdict.ok()["messages"]
        .as_array()
        .expect("messages")
        .clone();
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(
        messages[0].as_str().is_some_and(|m| m.starts_with(
            "{errorType:'TYPE_CHANGED', description:'The new schema cannot read data written \
             with the old schema at path '/properties/total/properties/cents/type': "
        )),
        "{messages:?}"
    );
    assert_eq!(messages[1], json!("{oldSchemaVersion: 1}"));
    r.post("/subjects/orders-json/versions", &breaking)
        .await
        .assert_error(409, 409);

    // integer widens to number: compatible through the reference.
    r.register("money-json", &money_json("number"), Some("JSON"))
        .await;
    let widened = with_reference(ORDER_JSON, Some("JSON"), "money.json", "money-json", 3);
    let id_v2 = r
        .post("/subjects/orders-json/versions", &widened)
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_ne!(id, id_v2);
    // An unknown reference name leaves the $ref unresolved: refused as invalid.
    r.post(
        "/subjects/orders-json/versions",
        &with_reference(ORDER_JSON, Some("JSON"), "money.json", "missing", 1),
    )
    .await
    .assert_error(422, 42201);
    r.finish().await;
}

const MONEY_PROTO: &str =
    "syntax = \"proto3\";\npackage shop;\nmessage Money {\n  int64 cents = 1;\n}\n";
const ORDER_PROTO: &str = "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nmessage Order {\n  string id = 1;\n  Money total = 2;\n}\n";

fn decode_descriptor(base64: &str) -> prost_types::FileDescriptorProto {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64)
        .expect("base64");
    prost_types::FileDescriptorProto::decode(bytes.as_slice()).expect("descriptor")
}

async fn protobuf_imports_serialize_and_register_as_descriptors(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    // The subject is the import path, as Confluent's serializers name it; in a URL path its
    // slash is percent-encoded.
    r.register("shop%2Fmoney.proto", MONEY_PROTO, Some("PROTOBUF"))
        .await;
    let body = with_reference(
        ORDER_PROTO,
        Some("PROTOBUF"),
        "shop/money.proto",
        "shop/money.proto",
        1,
    );
    let id = r.post("/subjects/orders-value/versions", &body).await.ok()["id"]
        .as_i64()
        .expect("id");

    // Serialized with its import resolved from the reference.
    let serialized = r.get(&format!("/schemas/ids/{id}?format=serialized")).await;
    let base64 = serialized.ok()["schema"]
        .as_str()
        .expect("schema")
        .to_string();
    assert_eq!(serialized.ok()["schemaType"], json!("PROTOBUF"));
    assert_eq!(
        serialized.ok()["references"],
        json!([{ "name": "shop/money.proto", "subject": "shop/money.proto", "version": 1 }])
    );
    let file = decode_descriptor(&base64);
    assert_eq!(file.package(), "shop");
    assert_eq!(file.dependency, ["shop/money.proto"]);
    let order = &file.message_type[0];
    assert_eq!(order.name(), "Order");
    assert_eq!(order.field[1].name(), "total");
    assert_eq!(order.field[1].type_name(), ".shop.Money");
    let by_version = r
        .get("/subjects/orders-value/versions/1?format=serialized")
        .await;
    assert_eq!(by_version.ok()["schema"], json!(base64));
    let text = r
        .get(&format!("/schemas/ids/{id}/schema?format=serialized"))
        .await;
    assert_eq!(text.text, base64);

    // The descriptor form registers (and looks up) as the same schema.
    let as_descriptor = with_reference(
        &base64,
        Some("PROTOBUF"),
        "shop/money.proto",
        "shop/money.proto",
        1,
    );
    assert_eq!(
        r.post("/subjects/orders-value/versions", &as_descriptor)
            .await
            .ok(),
        &json!({ "id": id })
    );
    assert_eq!(
        r.post("/subjects/orders-value", &as_descriptor).await.ok()["version"],
        json!(1)
    );

    // A compatible second version (a new field) as a descriptor: the check parses version 1
    // with its import.
    let order_v2 = ORDER_PROTO.replace("Money total = 2;", "Money total = 2;\n  string note = 3;");
    let v2_file = streamhouse_schema::schema::proto_file::parse_proto_with_imports(
        &order_v2,
        &[("shop/money.proto", MONEY_PROTO)],
    )
    .expect("valid proto");
    let v2_base64 = streamhouse_schema::schema::proto_file::to_base64_descriptor(&v2_file);
    let id_v2 = r
        .post(
            "/subjects/orders-value/versions",
            &with_reference(
                &v2_base64,
                Some("PROTOBUF"),
                "shop/money.proto",
                "shop/money.proto",
                1,
            ),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_ne!(id_v2, id);
    let stored = r.get("/subjects/orders-value/versions/2").await;
    let stored_text = stored.ok()["schema"].as_str().expect("text");
    assert!(
        stored_text.contains("import \"shop/money.proto\";"),
        "{stored_text}"
    );

    // total changes kind (message to scalar): refused, the stored versions being compiled
    // with their import for the check.
    let breaking = with_reference(
        &order_v2.replace("Money total = 2;", "string total = 2;"),
        Some("PROTOBUF"),
        "shop/money.proto",
        "shop/money.proto",
        1,
    );
    let verdict = r
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            &breaking,
        )
        .await;
    assert_eq!(
        verdict.ok()["is_compatible"],
        json!(false),
        "{}",
        verdict.text
    );
    r.post("/subjects/orders-value/versions", &breaking)
        .await
        .assert_error(409, 409);
    r.finish().await;
}

/// `money.proto` as `tests/python/peer_refs/` has it, with `cents` of the given type and
/// `extra` fields.
fn peer_money(cents_type: &str, extra: &str) -> String {
    format!(
        "syntax = \"proto3\";\n\npackage streamhouse.peerref;\n\nmessage Money {{\n  \
         {cents_type} cents = 1;\n  string currency = 2;\n{extra}}}\n"
    )
}

const PEER_MONEY_PATH: &str = "peer_refs/money.proto";
/// The subject Confluent's serializers register the import under: its import path.
const PEER_MONEY_SUBJECT: &str = "peer_refs%2Fmoney.proto";
const PEER_INVOICE: &str = "syntax = \"proto3\";\n\npackage streamhouse.peerref;\n\nimport \"peer_refs/money.proto\";\n\nmessage Invoice {\n  string id = 1;\n  Money total = 2;\n}\n";

fn invoice_with_money(version: i64) -> Value {
    with_reference(
        PEER_INVOICE,
        Some("PROTOBUF"),
        PEER_MONEY_PATH,
        PEER_MONEY_PATH,
        version,
    )
}

/// The invoice text never changes: only the version of the imported `money.proto` it
/// references does, so the verdict depends on comparing `Money` field by field.
async fn protobuf_imported_messages_are_compared_field_by_field(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    allow_any_change(&r, PEER_MONEY_SUBJECT).await;
    let money_v1 = peer_money("int64", "");
    r.register(PEER_MONEY_SUBJECT, &money_v1, Some("PROTOBUF"))
        .await;
    let invoice_v1 = r
        .post("/subjects/invoices-value/versions", &invoice_with_money(1))
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    // Money v2: cents leaves the varint group for length-delimited strings.
    r.register(
        PEER_MONEY_SUBJECT,
        &peer_money("string", ""),
        Some("PROTOBUF"),
    )
    .await;
    // Money v3: a field added (and cents widened within its group).
    r.register(
        PEER_MONEY_SUBJECT,
        &peer_money("uint64", "  string note = 3;\n"),
        Some("PROTOBUF"),
    )
    .await;
    assert_eq!(
        r.get(&format!("/subjects/{PEER_MONEY_SUBJECT}/versions"))
            .await
            .ok(),
        &json!([1, 2, 3])
    );

    let verdict = r
        .post(
            "/compatibility/subjects/invoices-value/versions/latest?verbose=true",
            &invoice_with_money(2),
        )
        .await;
    assert_eq!(
        verdict.ok()["messages"],
        json!([
            "{errorType:'FIELD_SCALAR_KIND_CHANGED', description:'The new schema cannot read \
             data written with the old schema at path '/Money/fields/1': field 'cents' (1) of \
             message 'Money' (from 'peer_refs/money.proto') changed its scalar type from the \
             group {int32, int64, uint32, uint64, bool, enum} to the group {string, bytes}'}",
            "{errorType:'FIELD_NAMED_TYPE_CHANGED', description:'The new schema cannot read \
             data written with the old schema at path '/Invoice/fields/2': field 'total' (2) \
             of message 'Invoice' has the type 'Money' from 'peer_refs/money.proto', which \
             changed incompatibly'}",
            "{oldSchemaVersion: 1}",
            format!("{{oldSchema: '{PEER_INVOICE}'}}"),
            "{compatibility: 'BACKWARD'}"
        ])
    );
    assert_eq!(verdict.ok()["is_compatible"], json!(false));
    let refused = r
        .post("/subjects/invoices-value/versions", &invoice_with_money(2))
        .await;
    refused.assert_error(409, 409);
    let message = refused.body["message"].as_str().expect("message");
    assert!(
        message.contains(
            "at path '/Money/fields/1': field 'cents' (1) of message 'Money' (from \
             'peer_refs/money.proto') changed its scalar type"
        ),
        "{message}"
    );
    assert_eq!(
        r.get("/subjects/invoices-value/versions").await.ok(),
        &json!([1])
    );

    // Through Money v3 the invoice stays compatible, and registers as version 2.
    assert_eq!(
        r.post(
            "/compatibility/subjects/invoices-value/versions?verbose=true",
            &invoice_with_money(3),
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    let invoice_v2 = r
        .post("/subjects/invoices-value/versions", &invoice_with_money(3))
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_ne!(invoice_v2, invoice_v1);
    assert_eq!(
        r.get("/subjects/invoices-value/versions/latest").await.ok()["references"],
        json!([{ "name": PEER_MONEY_PATH, "subject": PEER_MONEY_PATH, "version": 3 }])
    );
    // Version 2, parsed with Money v3 for the check, still refuses Money v2's string cents.
    r.post("/subjects/invoices-value/versions", &invoice_with_money(2))
        .await
        .assert_error(409, 409);
    // FORWARD: version 2 (Money v3) must read data written through Money v2: refused too.
    r.put(
        "/config/invoices-value",
        &json!({ "compatibility": "FORWARD" }),
    )
    .await
    .ok();
    let forward = r
        .post(
            "/compatibility/subjects/invoices-value/versions/latest?verbose=true",
            &invoice_with_money(2),
        )
        .await;
    assert_eq!(forward.ok()["is_compatible"], json!(false));
    assert!(
        forward.ok()["messages"][0]
            .as_str()
            .is_some_and(|m| m.starts_with(
                "{errorType:'FIELD_SCALAR_KIND_CHANGED', description:'The old schema cannot read \
             data written with the new schema at path '/Money/fields/1': "
            )),
        "{}",
        forward.text
    );
    // Under NONE the same invoice registers: nothing is compared.
    r.put(
        "/config/invoices-value",
        &json!({ "compatibility": "NONE" }),
    )
    .await
    .ok();
    let invoice_v3 = r
        .post("/subjects/invoices-value/versions", &invoice_with_money(2))
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    assert_ne!(invoice_v3, invoice_v2);
    r.finish().await;
}

on_both_backends!(
    protobuf_imported_messages_are_compared_field_by_field,
    avro_references_are_parsed_and_checked,
    avro_reference_errors_are_42201,
    avro_references_follow_nested_references,
    json_references_resolve_by_name,
    protobuf_imports_serialize_and_register_as_descriptors
);
