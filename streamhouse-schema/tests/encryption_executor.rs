//! The `ENCRYPT` executor in our rule engine, on the in-process `mock://` registry: DEK
//! rotation (version-prefixed ciphertexts, a reader meeting a version newer than it has
//! cached, on multi- and current-thread runtimes), fields that cannot be encrypted, and
//! key errors that only surface on a field that needs the key (as in Confluent's
//! executor, which resolves keys per field).
#![cfg(feature = "encryption")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient};
use streamhouse_schema::rules::encryption::{
    field as sealed, Clock, DekStore, EncryptExecutor, EncryptionError, SystemClock,
};
use streamhouse_schema::rules::{
    execute_rules, Message, RuleError, RuleFailure, RuleRegistry, RuleRun, RuleSchema,
};
use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::SchemaFormat;

const SCHEMA: &str = r#"{"type":"record","name":"Patient","namespace":"clinic","fields":[
  {"name":"name","type":"string","confluent:tags":["PII"]},
  {"name":"age","type":"int","confluent:tags":["AGE"]},
  {"name":"scan","type":"bytes","confluent:tags":["PII"]}
]}"#;

fn patient(name: &str, age: i32, scan: &[u8]) -> Message {
    Message::Avro(AvroValue::Record(vec![
        ("name".into(), AvroValue::String(name.into())),
        ("age".into(), AvroValue::Int(age)),
        ("scan".into(), AvroValue::Bytes(scan.to_vec())),
    ]))
}

fn value<'m>(message: &'m Message, name: &str) -> &'m AvroValue {
    match message {
        Message::Avro(AvroValue::Record(fields)) => {
            &fields.iter().find(|(n, _)| n == name).unwrap().1
        }
        other => panic!("{other:?}"),
    }
}

fn schema(tags: &[&str], params: &[(&str, &str)]) -> RuleSchema {
    let mut rule = Rule::new(
        "encrypt",
        RuleKind::Transform,
        RuleMode::Writeread,
        "ENCRYPT",
    );
    rule.tags = tags.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>();
    rule.params = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let schema = Schema::new(SCHEMA, SchemaFormat::Avro).with_rule_set(RuleSet {
        domain_rules: vec![rule],
        ..RuleSet::default()
    });
    RuleSchema::parse(Arc::new(schema)).unwrap()
}

const ROTATING: &[(&str, &str)] = &[
    ("encrypt.kek.name", "clinic-kek"),
    ("encrypt.kms.type", "local-kms"),
    ("encrypt.kms.key.id", "clinic-key"),
    ("encrypt.dek.expiry.days", "1"),
];

struct DaysAhead(i64);

impl Clock for DaysAhead {
    fn now_millis(&self) -> i64 {
        SystemClock.now_millis() + self.0 * 86_400_000
    }
}

fn rules(registry: &str, days_ahead: i64) -> RuleRegistry {
    let store = DekStore::builder(SchemaRegistryClient::new(registry))
        .config(BTreeMap::from([(
            "secret".to_owned(),
            "clinic-secret".to_owned(),
        )]))
        .clock(Arc::new(DaysAhead(days_ahead)))
        .build();
    let mut rules = RuleRegistry::new();
    rules.register_field_executor(EncryptExecutor::new(store));
    rules
}

async fn run(
    rules: &RuleRegistry,
    schema: &RuleSchema,
    mode: RuleMode,
    message: Message,
) -> Result<Message, RuleFailure> {
    let run = RuleRun {
        subject: "patients-value",
        topic: "patients",
        is_key: false,
        schema_id: 1,
        target: schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    execute_rules(rules, &run, mode, message)
        .await
        .map(|(m, _)| m)
}

fn version_of(message: &Message) -> i32 {
    let AvroValue::String(text) = value(message, "name") else {
        panic!()
    };
    let bytes = sealed::from_base64(text).unwrap();
    sealed::split_version(&bytes).unwrap().0
}

/// A reader caches version 1; a writer two days on rotates to version 2; the reader then
/// meets version 2, which it fetches (`in_place`) or reports and fetches for the next
/// message.
async fn reader_follows_rotation(registry: &str, in_place: bool) {
    let schema = schema(&["PII"], ROTATING);
    let writer = rules(registry, 0);
    let reader = rules(registry, 0);
    let v1 = run(
        &writer,
        &schema,
        RuleMode::Write,
        patient("Ada", 36, b"\x00scan"),
    )
    .await
    .unwrap();
    assert_eq!(version_of(&v1), 1);
    assert!(
        matches!(value(&v1, "scan"), AvroValue::Bytes(b) if b.len() == 5 + 12 + 5 + 16 && b[..5] == [0, 0, 0, 0, 1])
    );
    assert_eq!(
        value(&v1, "age"),
        &AvroValue::Int(36),
        "untagged fields stay"
    );
    assert_eq!(
        run(&reader, &schema, RuleMode::Read, v1).await.unwrap(),
        patient("Ada", 36, b"\x00scan")
    );

    let later = rules(registry, 2);
    let v2 = run(&later, &schema, RuleMode::Write, patient("Grace", 45, b""))
        .await
        .unwrap();
    assert_eq!(version_of(&v2), 2);
    let read = run(&reader, &schema, RuleMode::Read, v2.clone()).await;
    if in_place {
        assert_eq!(read.unwrap(), patient("Grace", 45, b""));
    } else {
        let failure = read.unwrap_err();
        assert!(
            matches!(&failure.reason, RuleError::Encryption { error, .. } if matches!(error.error(), EncryptionError::DekNotLoaded { version: 2 })),
            "{failure:?}"
        );
        assert_eq!(
            run(&reader, &schema, RuleMode::Read, v2).await.unwrap(),
            patient("Grace", 45, b"")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_versions_are_fetched_in_place_on_a_multi_thread_runtime() {
    reader_follows_rotation("mock://encrypt-rotation-mt", true).await;
}

#[tokio::test(flavor = "current_thread")]
async fn rotated_versions_are_fetched_for_the_next_message_on_a_current_thread_runtime() {
    reader_follows_rotation("mock://encrypt-rotation-ct", false).await;
}

#[tokio::test]
async fn an_int_field_cannot_be_encrypted() {
    let schema = schema(&["AGE"], ROTATING);
    let failure = run(
        &rules("mock://encrypt-int", 0),
        &schema,
        RuleMode::Write,
        patient("A", 1, b""),
    )
    .await
    .unwrap_err();
    match &failure.reason {
        RuleError::Encryption { error, field } => {
            assert!(
                matches!(error.error(), EncryptionError::UnsupportedFieldType { field_type } if field_type == "INT")
            );
            assert_eq!(field.as_deref(), Some("clinic.Patient.age"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn key_errors_surface_only_on_fields_that_need_the_key() {
    let no_kms = &[("encrypt.kek.name", "nowhere-kek")];
    let rules = rules("mock://encrypt-deferred", 0);
    // No field carries the rule's tag: nothing needs a key, the record passes unchanged.
    let untouched = schema(&["NOT-THERE"], no_kms);
    let message = patient("A", 1, b"x");
    assert_eq!(
        run(&rules, &untouched, RuleMode::Write, message.clone())
            .await
            .unwrap(),
        message
    );
    // A tagged field: the KEK cannot be created without a KMS type.
    let failure = run(
        &rules,
        &schema(&["PII"], no_kms),
        RuleMode::Write,
        message.clone(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&failure.reason, RuleError::Encryption { error, field: Some(f) }
            if matches!(error.error(), EncryptionError::MissingKmsParam { param: "encrypt.kms.type", .. }) && f == "clinic.Patient.name"),
        "{failure:?}"
    );
    // A reader never creates: no KEK.
    let failure = run(&rules, &schema(&["PII"], no_kms), RuleMode::Read, message)
        .await
        .unwrap_err();
    assert!(
        matches!(&failure.reason, RuleError::Encryption { error, .. } if matches!(error.error(), EncryptionError::MissingKek { .. })),
        "{failure:?}"
    );
}
