//! Registry server over real HTTP: data contracts (`metadata`, `ruleSet`) on registration,
//! lookup and every schema answer; config defaults and overrides merged into registrations;
//! compatibility groups; `GET /subjects/{s}/metadata`. On SQLite and PostgreSQL.
//! The expected behaviour follows Confluent's `AbstractSchemaRegistry`
//! (`maybeSetMetadataRuleSet`, `lookUpSchemaUnderSubject`, `isCompatibleWithPrevious`,
//! `getLatestWithMetadata`) and its entities' JSON (`Metadata`, `RuleSet`, `Rule`).
#![cfg(feature = "server")]

mod server_common;

use serde_json::{json, Value};
use server_common::{order_schema, Backend, TestRegistry};

const NOTE_NO_DEFAULT: &str = r#"{"name":"note","type":"string"}"#;
const MAJOR: &str = "application.major.version";

fn metadata(owner: &str) -> Value {
    json!({
        "tags": { "Order.id": ["PII"] },
        "properties": { "owner": owner },
        "sensitive": ["secret"]
    })
}

fn rule_set() -> Value {
    json!({
        "domainRules": [{
            "name": "checkId",
            "kind": "CONDITION",
            "mode": "WRITE",
            "type": "CEL",
            "expr": "message.id != ''",
            "onFailure": "ERROR",
            "disabled": false
        }],
        "migrationRules": [{
            "name": "upgrade",
            "kind": "TRANSFORM",
            "mode": "UPGRADE",
            "type": "JSONATA",
            "expr": "$",
            "params": { "b": "2", "a": "1" },
            "tags": ["X"],
            "disabled": true
        }]
    })
}

/// The rule set as the server answers it: Confluent's property order within a rule, the
/// phases in `RuleSet`'s order, params sorted.
fn rule_set_answer() -> Value {
    json!({
        "migrationRules": [{
            "name": "upgrade", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "JSONATA",
            "tags": ["X"], "params": { "a": "1", "b": "2" }, "expr": "$", "disabled": true
        }],
        "domainRules": [{
            "name": "checkId", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
            "expr": "message.id != ''", "onFailure": "ERROR", "disabled": false
        }]
    })
}

async fn contracts_round_trip(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let schema = order_schema(&[]);
    // A plain schema first: its answer stays `{"id"}`.
    assert_eq!(
        r.post("/subjects/plain/versions", &json!({ "schema": schema }))
            .await
            .ok(),
        &json!({ "id": 1 })
    );

    let body = json!({ "schema": schema, "metadata": metadata("a"), "ruleSet": rule_set() });
    let registered = r.post("/subjects/orders/versions", &body).await;
    // Confluent's RegisterSchemaResponse: no subject.
    assert_eq!(
        registered.ok(),
        &json!({
            "id": 2,
            "version": 1,
            "schema": schema,
            "metadata": metadata("a"),
            "ruleSet": rule_set_answer()
        })
    );
    let expected = json!({
        "subject": "orders",
        "id": 2,
        "version": 1,
        "schema": schema,
        "metadata": metadata("a"),
        "ruleSet": rule_set_answer()
    });
    // Byte for byte as Confluent orders the fields.
    let version = r.get("/subjects/orders/versions/1").await;
    assert_eq!(version.ok(), &expected);
    assert!(
        version.text.contains(
            r#""ruleSet":{"migrationRules":[{"name":"upgrade","kind":"TRANSFORM","mode":"UPGRADE","type":"JSONATA","tags":["X"],"params":{"a":"1","b":"2"},"expr":"$","disabled":true}]"#
        ),
        "{}",
        version.text
    );
    assert_eq!(
        r.get("/schemas/ids/2").await.ok(),
        &json!({ "schema": schema, "metadata": metadata("a"), "ruleSet": rule_set_answer() })
    );
    assert_eq!(
        r.get("/subjects/orders/versions/latest").await.ok(),
        &expected
    );

    // Identical: idempotent. Sent without metadata or rules: the latest version's are
    // inherited, so it is the same registration too.
    assert_eq!(
        r.post("/subjects/orders/versions", &body).await.ok()["id"],
        json!(2)
    );
    assert_eq!(
        r.post("/subjects/orders/versions", &json!({ "schema": schema }))
            .await
            .ok()["id"],
        json!(2)
    );
    assert_eq!(r.get("/subjects/orders/versions").await.ok(), &json!([1]));

    // Other metadata: a new schema id and version; other rules likewise.
    let other = json!({ "schema": schema, "metadata": metadata("b"), "ruleSet": rule_set() });
    let answer = r.post("/subjects/orders/versions", &other).await;
    assert_eq!(
        (answer.ok()["id"].clone(), answer.ok()["version"].clone()),
        (json!(3), json!(2))
    );
    let fewer_rules = json!({ "schema": schema, "metadata": metadata("b"),
        "ruleSet": { "domainRules": rule_set()["domainRules"] } });
    assert_eq!(
        r.post("/subjects/orders/versions", &fewer_rules).await.ok()["id"],
        json!(4)
    );
    assert_eq!(
        r.get("/subjects/orders/versions").await.ok(),
        &json!([1, 2, 3])
    );
    // Version 1 is still registered with its own metadata.
    assert_eq!(
        r.post("/subjects/orders/versions", &body).await.ok()["version"],
        json!(1)
    );

    // Lookup: with the contract; without it the latest version's (id 4) is assumed.
    let found = r.post("/subjects/orders", &other).await;
    assert_eq!(
        (found.ok()["id"].clone(), found.ok()["version"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(found.ok()["metadata"], metadata("b"));
    let found = r
        .post("/subjects/orders", &json!({ "schema": schema }))
        .await;
    assert_eq!(found.ok()["id"], json!(4));
    r.post(
        "/subjects/orders",
        &json!({ "schema": schema, "metadata": metadata("nobody") }),
    )
    .await
    .assert_error(404, 40403);
    // The same text under another subject keeps its own (empty) contract.
    assert_eq!(
        r.post("/subjects/plain", &json!({ "schema": schema }))
            .await
            .ok()["id"],
        json!(1)
    );
    r.finish().await;
}

async fn bad_contracts_are_refused(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let schema = order_schema(&[]);
    let with_rules = |rules: Value| json!({ "schema": schema, "ruleSet": rules });
    let cases = [
        json!({ "domainRules": [{ "name": "1bad", "type": "CEL" }] }),
        json!({ "domainRules": [{ "name": "noType" }] }),
        json!({ "domainRules": [{ "name": "up", "type": "CEL", "mode": "UPGRADE" }] }),
        json!({ "migrationRules": [{ "name": "w", "type": "CEL", "mode": "WRITE" }] }),
        json!({ "domainRules": [
            { "name": "twice", "type": "CEL" }, { "name": "twice", "type": "CEL" }
        ] }),
        json!({ "domainRules": [
            { "name": "pair", "type": "CEL", "mode": "WRITE", "onFailure": "NONE,ERROR" }
        ] }),
    ];
    for rules in cases {
        r.post("/subjects/s/versions", &with_rules(rules.clone()))
            .await
            .assert_error(422, 42210);
        r.put("/config/s", &json!({ "defaultRuleSet": rules }))
            .await
            .assert_error(422, 42210);
    }
    // Wrong JSON types: a Confluent 400 error, never a 500.
    for body in [
        with_rules(json!({ "domainRules": [{ "name": "k", "type": "CEL", "kind": "MAYBE" }] })),
        with_rules(json!({ "domainRules": "all" })),
        json!({ "schema": schema, "metadata": { "properties": { "a": 1 } } }),
        json!({ "schema": schema, "metadata": "owner" }),
    ] {
        r.post("/subjects/s/versions", &body)
            .await
            .assert_error(400, 400);
    }
    assert_eq!(r.get("/subjects").await.ok(), &json!([]));
    r.finish().await;
}

async fn config_defaults_and_overrides(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let default_metadata = json!({ "properties": { "owner": "platform", "tier": "silver" } });
    let override_metadata = json!({ "properties": { "tier": "gold" } });
    let default_rules = json!({ "domainRules": [
        { "name": "dflt", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "true" }
    ] });
    let override_rules = json!({ "encodingRules": [
        { "name": "enc", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT" }
    ] });
    // Global config: answered as given.
    assert_eq!(
        r.put(
            "/config",
            &json!({ "defaultMetadata": default_metadata, "overrideMetadata": override_metadata })
        )
        .await
        .ok(),
        &json!({ "defaultMetadata": default_metadata, "overrideMetadata": override_metadata })
    );
    assert_eq!(
        r.get("/config").await.ok(),
        &json!({
            "compatibilityLevel": "BACKWARD",
            "defaultMetadata": default_metadata,
            "overrideMetadata": override_metadata
        })
    );
    // A subject without a config of its own uses the global one.
    let registered = r
        .post(
            "/subjects/a/versions",
            &json!({ "schema": order_schema(&[]),
                     "metadata": { "properties": { "owner": "team-a", "tier": "bronze" } } }),
        )
        .await;
    assert_eq!(
        registered.ok()["metadata"],
        json!({ "properties": { "owner": "team-a", "tier": "gold" } })
    );

    // A subject config replaces the global defaults and overrides entirely
    // (`Config.mergeConfigs`), even with only a level set.
    assert_eq!(
        r.put(
            "/config/b",
            &json!({
                "compatibility": "NONE",
                "defaultRuleSet": default_rules,
                "overrideRuleSet": override_rules
            })
        )
        .await
        .ok(),
        &json!({
            "compatibility": "NONE",
            "defaultRuleSet": default_rules_answer(),
            "overrideRuleSet": override_rules_answer()
        })
    );
    let registered = r
        .post(
            "/subjects/b/versions",
            &json!({ "schema": order_schema(&[]) }),
        )
        .await;
    let merged_rules = json!({
        "domainRules": [{ "name": "dflt", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
                          "expr": "true", "disabled": false }],
        "encodingRules": [{ "name": "enc", "kind": "TRANSFORM", "mode": "WRITEREAD",
                            "type": "ENCRYPT", "disabled": false }]
    });
    assert_eq!(registered.ok()["ruleSet"], merged_rules);
    assert_eq!(registered.ok().get("metadata"), None);
    // Sending the schema again registers nothing new (the merge is the same).
    assert_eq!(
        r.post(
            "/subjects/b/versions",
            &json!({ "schema": order_schema(&[]) })
        )
        .await
        .ok()["version"],
        json!(1)
    );
    // A rule of the same name in the schema's own set replaces the default one.
    let own = json!({ "domainRules": [
        { "name": "dflt", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "false" }
    ] });
    let registered = r
        .post(
            "/subjects/b/versions",
            &json!({ "schema": order_schema(&[]), "ruleSet": own }),
        )
        .await;
    assert_eq!(registered.ok()["version"], json!(2));
    assert_eq!(
        registered.ok()["ruleSet"]["domainRules"][0]["expr"],
        json!("false")
    );
    assert_eq!(
        r.get("/config/b").await.ok(),
        &json!({
            "compatibilityLevel": "NONE",
            "defaultRuleSet": default_rules_answer(),
            "overrideRuleSet": override_rules_answer()
        })
    );

    // `null` removes a setting; absent fields are kept.
    assert_eq!(
        r.put("/config/b", &json!({ "defaultRuleSet": null }))
            .await
            .ok(),
        &json!({})
    );
    assert_eq!(
        r.get("/config/b").await.ok(),
        &json!({ "compatibilityLevel": "NONE", "overrideRuleSet": override_rules_answer() })
    );
    // DELETE answers the whole previous config and removes it.
    assert_eq!(
        r.delete("/config/b").await.ok(),
        &json!({ "compatibilityLevel": "NONE", "overrideRuleSet": override_rules_answer() })
    );
    r.get("/config/b").await.assert_error(404, 40408);
    assert_eq!(
        r.delete("/config").await.ok(),
        &json!({
            "compatibilityLevel": "BACKWARD",
            "defaultMetadata": default_metadata,
            "overrideMetadata": override_metadata
        })
    );
    assert_eq!(
        r.get("/config").await.ok(),
        &json!({ "compatibilityLevel": "BACKWARD" })
    );
    r.put("/config", &json!({})).await.assert_error(422, 42203);
    r.finish().await;
}

fn default_rules_answer() -> Value {
    json!({ "domainRules": [{ "name": "dflt", "kind": "CONDITION", "mode": "WRITE",
                              "type": "CEL", "expr": "true", "disabled": false }] })
}

fn override_rules_answer() -> Value {
    json!({ "encodingRules": [{ "name": "enc", "kind": "TRANSFORM", "mode": "WRITEREAD",
                                "type": "ENCRYPT", "disabled": false }] })
}

fn major(version: &str) -> Value {
    json!({ "properties": { MAJOR: version } })
}

async fn compatibility_groups(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    assert_eq!(
        r.put("/config/orders", &json!({ "compatibilityGroup": MAJOR }))
            .await
            .ok(),
        &json!({ "compatibilityGroup": MAJOR })
    );
    assert_eq!(
        r.get("/config/orders").await.ok(),
        &json!({ "compatibilityGroup": MAJOR })
    );
    assert_eq!(
        r.get("/config/orders?defaultToGlobal=true").await.ok(),
        &json!({ "compatibilityLevel": "BACKWARD", "compatibilityGroup": MAJOR })
    );
    let v1 = order_schema(&[]);
    let register =
        |schema: String, version: &str| json!({ "schema": schema, "metadata": major(version) });
    r.post("/subjects/orders/versions", &register(v1.clone(), "1"))
        .await
        .ok();
    // Major version 2 breaks BACKWARD compatibility with major 1 (a new field without a
    // default): accepted, it is checked only against its own group (empty so far).
    let v2 = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"}]}"#;
    let answer = r
        .post("/subjects/orders/versions", &register(v2.to_string(), "2"))
        .await;
    assert_eq!(answer.ok()["version"], json!(2));
    // Inside major 2, a breaking change is still refused.
    let v2_breaking = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}"#;
    r.post(
        "/subjects/orders/versions",
        &register(v2_breaking.to_string(), "2"),
    )
    .await
    .assert_error(409, 409);
    // The compatibility check endpoint applies the same groups.
    let check =
        |schema: &str, version: &str| json!({ "schema": schema, "metadata": major(version) });
    assert_eq!(
        r.post(
            "/compatibility/subjects/orders/versions",
            &check(v2_breaking, "3")
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    assert_eq!(
        r.post(
            "/compatibility/subjects/orders/versions",
            &check(v2_breaking, "2")
        )
        .await
        .ok(),
        &json!({ "is_compatible": false })
    );
    // Inside major 1 too.
    r.post(
        "/subjects/orders/versions",
        &register(order_schema(&[NOTE_NO_DEFAULT]), "1"),
    )
    .await
    .assert_error(409, 409);
    // Without the group, the same breaking registration in a new major is refused.
    r.put("/config/plain", &json!({ "compatibility": "BACKWARD" }))
        .await
        .ok();
    r.post("/subjects/plain/versions", &register(v1, "1"))
        .await
        .ok();
    r.post("/subjects/plain/versions", &register(v2.to_string(), "2"))
        .await
        .assert_error(409, 409);

    // Latest with metadata: the newest version holding every key/value pair.
    let found = r
        .get(&format!("/subjects/orders/metadata?key={MAJOR}&value=1"))
        .await;
    assert_eq!(
        (
            found.ok()["version"].clone(),
            found.ok()["metadata"].clone()
        ),
        (json!(1), major("1"))
    );
    let found = r
        .get(&format!("/subjects/orders/metadata?key={MAJOR}&value=2"))
        .await;
    assert_eq!(found.ok()["version"], json!(2));
    assert_eq!(found.ok()["schema"], json!(v2));
    r.get(&format!("/subjects/orders/metadata?key={MAJOR}&value=3"))
        .await
        .assert_error(404, 40403);
    r.get(&format!(
        "/subjects/orders/metadata?key={MAJOR}&value=2&key=owner&value=x"
    ))
    .await
    .assert_error(404, 40403);
    r.get(&format!("/subjects/nothing/metadata?key={MAJOR}&value=1"))
        .await
        .assert_error(404, 40401);
    // Soft-deleted versions only with `deleted=true`.
    r.delete("/subjects/orders/versions/1").await.ok();
    r.get(&format!("/subjects/orders/metadata?key={MAJOR}&value=1"))
        .await
        .assert_error(404, 40403);
    assert_eq!(
        r.get(&format!(
            "/subjects/orders/metadata?key={MAJOR}&value=1&deleted=true"
        ))
        .await
        .ok()["version"],
        json!(1)
    );
    r.finish().await;
}

/// Protobuf field tags: `confluent/meta.proto` (and `confluent/type/decimal.proto`) resolve
/// without being registered, as Confluent's registry ships them.
async fn protobuf_confluent_imports(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let proto = r#"syntax = "proto3";
package shop;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";

message Order {
  string ssn = 1 [(confluent.field_meta).tags = "PII"];
  confluent.type.Decimal total = 2;
}
"#;
    let body = json!({ "schema": proto, "schemaType": "PROTOBUF" });
    assert_eq!(
        r.post("/subjects/orders-value/versions", &body).await.ok(),
        &json!({ "id": 1 })
    );
    let version = r.get("/subjects/orders-value/versions/1").await;
    assert_eq!(version.ok()["schema"], json!(proto));
    // Confluent's Python deserializer reads it as a descriptor.
    let serialized = r.get("/schemas/ids/1?format=serialized").await;
    let text = serialized.ok()["schema"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!text.contains(' ') && !text.is_empty(), "{text}");
    // An unknown option is still an invalid schema.
    let wrong = proto.replace("field_meta", "no_such_meta");
    r.post(
        "/subjects/other-value/versions",
        &json!({ "schema": wrong, "schemaType": "PROTOBUF" }),
    )
    .await
    .assert_error(422, 42201);
    r.finish().await;
}

/// Avro and JSON Schema inline tags (`"confluent:tags"`) are kept and are part of the
/// schema: the same schema without them is another registration.
async fn inline_tags_in_avro_and_json(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    r.put("/config", &json!({ "compatibility": "NONE" }))
        .await
        .ok();
    let avro = r#"{"type":"record","name":"Order","fields":[{"name":"ssn","type":"string","confluent:tags":["PII"]}]}"#;
    let plain = r#"{"type":"record","name":"Order","fields":[{"name":"ssn","type":"string"}]}"#;
    let json_tagged =
        r#"{"type":"object","properties":{"ssn":{"type":"string","confluent:tags":["PII"]}}}"#;
    let json_plain = r#"{"type":"object","properties":{"ssn":{"type":"string"}}}"#;
    for (subject, tagged, untagged, schema_type) in [
        ("avro-value", avro, plain, "AVRO"),
        ("json-value", json_tagged, json_plain, "JSON"),
    ] {
        let tagged_body = json!({ "schema": tagged, "schemaType": schema_type });
        let id = r
            .post(&format!("/subjects/{subject}/versions"), &tagged_body)
            .await
            .ok()["id"]
            .clone();
        let stored = r.get(&format!("/subjects/{subject}/versions/1")).await;
        assert!(
            stored.ok()["schema"]
                .as_str()
                .is_some_and(|text| text.contains("confluent:tags")),
            "{}",
            stored.text
        );
        let untagged_body = json!({ "schema": untagged, "schemaType": schema_type });
        r.post(&format!("/subjects/{subject}"), &untagged_body)
            .await
            .assert_error(404, 40403);
        let other = r
            .post(&format!("/subjects/{subject}/versions"), &untagged_body)
            .await;
        assert_ne!(other.ok()["id"], id, "{subject}");
    }
    r.finish().await;
}

on_both_backends!(
    inline_tags_in_avro_and_json,
    protobuf_confluent_imports,
    contracts_round_trip,
    bad_contracts_are_refused,
    config_defaults_and_overrides,
    compatibility_groups
);
