//! The client's data-contract API (typed `Metadata`, `RuleSet`, `Rule` on `Schema`,
//! registration with them, `get_latest_with_metadata`) against the `mock://` registry and
//! against the registry server over HTTP on SQLite and PostgreSQL: the same answers.
#![cfg(feature = "server")]

mod server_common;

use std::collections::BTreeMap;

use server_common::{Backend, TestRegistry};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::registry::{
    CompatibilityLevel, Dek, DekAlgorithm, Kek, MemoryRegistry, Metadata, RegisteredSchema, Rule,
    RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient, ServerConfig, Version,
};

const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
/// Breaks BACKWARD compatibility with V1 (`id` changes to a string).
const V1_BROKEN: &str =
    r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
/// Breaks BACKWARD compatibility with V1_BROKEN (a new field without a default).
const V1_BROKEN_MORE: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"n","type":"int"}]}"#;
const MAJOR: &str = "application.major.version";

fn code(error: ClientError) -> (Option<u16>, Option<i32>) {
    match error {
        ClientError::SchemaRegistryError(error) => (error.http_status(), error.error_code()),
        other => panic!("expected a registry error, got {other:?}"),
    }
}

fn metadata(owner: &str) -> Metadata {
    Metadata::default()
        .with_property("owner", owner)
        .with_property("application.major.version", "1")
        .with_tags("Order.id", ["PII"])
        .with_sensitive("secret")
}

fn rules() -> RuleSet {
    RuleSet {
        domain_rules: vec![Rule {
            on_failure: Some("ERROR".into()),
            ..Rule::new("checkId", RuleKind::Condition, RuleMode::Write, "CEL")
                .with_expr("message.id > 0")
        }],
        migration_rules: vec![
            Rule::new("up", RuleKind::Transform, RuleMode::Upgrade, "JSONATA").with_expr("$"),
        ],
        ..RuleSet::default()
    }
}

/// The whole scenario, run once per registry.
async fn scenario(client: &SchemaRegistryClient) {
    let first = Schema::avro(V1)
        .with_metadata(metadata("a"))
        .with_rule_set(rules());
    let id = client.register("orders-value", &first).await.unwrap();
    assert_eq!(client.register("orders-value", &first).await.unwrap(), id);

    let latest: RegisteredSchema = client.get_latest("orders-value").await.unwrap();
    assert_eq!(latest.version, 1);
    assert_eq!(latest.schema.metadata, Some(metadata("a")));
    assert_eq!(latest.schema.rule_set, Some(rules()));
    let by_id = client.get_schema_by_id(id).await.unwrap();
    assert_eq!(
        (by_id.metadata.clone(), by_id.rule_set.clone()),
        (Some(metadata("a")), Some(rules()))
    );

    // Other metadata: another id and version.
    let second = Schema::avro(V1)
        .with_metadata(metadata("b").with_property("application.major.version", "2"))
        .with_rule_set(rules());
    let other = client.register("orders-value", &second).await.unwrap();
    assert_ne!(other, id);
    assert_eq!(
        client
            .get_version("orders-value", Version::Number(2))
            .await
            .unwrap()
            .id,
        other
    );
    // Without metadata and rules: the latest version's are assumed (Confluent's
    // `maybeSetMetadataRuleSet`), so nothing new is registered and lookups find it.
    assert_eq!(
        client
            .register("orders-value", &Schema::avro(V1))
            .await
            .unwrap(),
        other
    );
    assert_eq!(
        client
            .lookup_schema("orders-value", &Schema::avro(V1))
            .await
            .unwrap()
            .version,
        2
    );
    assert_eq!(
        client.list_versions("orders-value").await.unwrap(),
        vec![1, 2]
    );

    // Latest with metadata.
    let wanted = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let found = client
        .get_latest_with_metadata(
            "orders-value",
            &wanted(&[("application.major.version", "1")]),
            false,
        )
        .await
        .unwrap();
    assert_eq!((found.id, found.version), (id, 1));
    assert_eq!(found.schema.metadata, Some(metadata("a")));
    let found = client
        .get_latest_with_metadata(
            "orders-value",
            &wanted(&[("owner", "b"), ("application.major.version", "2")]),
            false,
        )
        .await
        .unwrap();
    assert_eq!(found.version, 2);
    let missing = client
        .get_latest_with_metadata("orders-value", &wanted(&[("owner", "c")]), false)
        .await
        .unwrap_err();
    assert_eq!(code(missing), (Some(404), Some(40403)));
    let missing = client
        .get_latest_with_metadata("nothing-value", &wanted(&[("owner", "a")]), false)
        .await
        .unwrap_err();
    assert_eq!(code(missing), (Some(404), Some(40401)));

    // An invalid rule set: 42210.
    let bad = Schema::avro(V1).with_rule_set(RuleSet {
        domain_rules: vec![Rule::new("up", RuleKind::Transform, RuleMode::Upgrade, "X")],
        ..RuleSet::default()
    });
    let error = client.register("bad-value", &bad).await.unwrap_err();
    assert_eq!(code(error), (Some(422), Some(42210)));

    configs(client).await;
    keys(client).await;
}

/// KEKs and DEKs through the client.
async fn keys(client: &SchemaRegistryClient) {
    let mut kek = Kek::new("orders-kek", "aws-kms", "arn:aws:kms:us-east-1:1:key/a");
    kek.kms_props.insert("region".into(), "us-east-1".into());
    kek.doc = Some("orders".into());
    let created = client.register_kek(&kek).await.unwrap();
    assert!(created.ts.is_some());
    assert_eq!(
        Kek {
            ts: None,
            ..created
        },
        kek
    );
    let error = client.register_kek(&kek).await.unwrap_err();
    assert_eq!(code(error), (Some(409), Some(40971)));
    let fetched = client.get_kek("orders-kek", false).await.unwrap();
    assert_eq!(
        Kek {
            ts: None,
            ..fetched
        },
        kek
    );
    let error = client.get_kek("missing", false).await.unwrap_err();
    assert_eq!(code(error), (Some(404), Some(40470)));

    let first = Dek::new("orders-kek", "orders-value", "AAAA");
    let stored = client.register_dek(&first).await.unwrap();
    assert_eq!(Dek { ts: None, ..stored }, first);
    let second = Dek {
        version: 2,
        ..Dek::new("orders-kek", "orders-value", "BBBB")
    };
    client.register_dek(&second).await.unwrap();
    let error = client.register_dek(&first).await.unwrap_err();
    assert_eq!(code(error), (Some(409), Some(40971)));
    let without_material = Dek {
        encrypted_key_material: None,
        version: 3,
        ..first.clone()
    };
    let error = client.register_dek(&without_material).await.unwrap_err();
    assert_eq!(code(error), (Some(422), Some(42271)));

    let read = |version| {
        client.get_dek(
            "orders-kek",
            "orders-value",
            DekAlgorithm::Aes256Gcm,
            version,
            false,
        )
    };
    assert_eq!(
        read(Version::Number(1))
            .await
            .unwrap()
            .encrypted_key_material,
        Some("AAAA".into())
    );
    assert_eq!(read(Version::Latest).await.unwrap().version, 2);
    let error = read(Version::Number(9)).await.unwrap_err();
    assert_eq!(code(error), (Some(404), Some(40470)));
    let error = client
        .get_dek(
            "orders-kek",
            "orders-value",
            DekAlgorithm::Aes256Siv,
            Version::Latest,
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(code(error), (Some(404), Some(40470)));
}

/// Compatibility groups and config defaults/overrides set through the client.
async fn configs(client: &SchemaRegistryClient) {
    let group = ServerConfig {
        compatibility_group: Some(MAJOR.to_string()),
        ..ServerConfig::default()
    };
    assert_eq!(
        client
            .set_config(Some("groups-value"), &group)
            .await
            .unwrap(),
        group
    );
    assert_eq!(
        client.get_config(Some("groups-value")).await.unwrap(),
        ServerConfig {
            compatibility_level: Some(CompatibilityLevel::Backward),
            ..group.clone()
        }
    );
    let major = |n: &str| Metadata::default().with_property(MAJOR, n);
    client
        .register("groups-value", &Schema::avro(V1).with_metadata(major("1")))
        .await
        .unwrap();
    client
        .register(
            "groups-value",
            &Schema::avro(V1_BROKEN).with_metadata(major("2")),
        )
        .await
        .unwrap();
    let error = client
        .register(
            "groups-value",
            &Schema::avro(V1_BROKEN_MORE).with_metadata(major("2")),
        )
        .await
        .unwrap_err();
    assert!(error.is_incompatible(), "{error}");
    assert_eq!(
        client.list_versions("groups-value").await.unwrap(),
        vec![1, 2]
    );

    let overrides = ServerConfig {
        default_metadata: Some(Metadata::default().with_property("owner", "platform")),
        override_rule_set: Some(RuleSet {
            encoding_rules: vec![Rule::new(
                "encrypt",
                RuleKind::Transform,
                RuleMode::Writeread,
                "ENCRYPT",
            )],
            ..RuleSet::default()
        }),
        ..ServerConfig::default()
    };
    client
        .set_config(Some("defaults-value"), &overrides)
        .await
        .unwrap();
    client
        .register("defaults-value", &Schema::avro(V1))
        .await
        .unwrap();
    let latest = client.get_latest("defaults-value").await.unwrap();
    assert_eq!(latest.schema.metadata, overrides.default_metadata);
    assert_eq!(latest.schema.rule_set, overrides.override_rule_set);
    // The global config is untouched.
    assert_eq!(
        client.get_config(None).await.unwrap(),
        ServerConfig {
            compatibility_level: Some(CompatibilityLevel::Backward),
            ..ServerConfig::default()
        }
    );
}

#[tokio::test]
async fn memory_registry() {
    MemoryRegistry::drop_scope("client-contracts");
    let client = SchemaRegistryClient::try_new("mock://client-contracts").unwrap();
    scenario(&client).await;
}

async fn over_http(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let client = SchemaRegistryClient::try_new(r.url.clone()).unwrap();
    scenario(&client).await;
    r.finish().await;
}

on_both_backends!(over_http);
