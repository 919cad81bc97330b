//! End to end with Confluent's Python AvroSerializer / AvroDeserializer and an `ENCRYPT`
//! rule on `PII`-tagged fields, over our registry server: records Python writes are
//! decrypted by our rule engine's READ run (with [`EncryptExecutor`]), and records our
//! WRITE run encrypts are read back by Python's deserializer. AES256_GCM and deterministic
//! AES256_SIV (where our frame is byte-identical to Python's). A tampered field fails the
//! rule with the typed error, naming the field. `tests/python/encryption_peer_avro.py`;
//! needs `scripts/setup-python.sh`.
#![cfg(all(feature = "server", feature = "encryption"))]

mod python_peer;
mod server_common;

use std::collections::BTreeMap;

use apache_avro::types::Value as AvroValue;
use base64::Engine as _;
use python_peer::answer_async;
use serde_json::{json, Value};
use server_common::{Backend, TestRegistry};
use streamhouse_schema::registry::SchemaRegistryClient;
use streamhouse_schema::rules::encryption::{DekStore, EncryptExecutor, EncryptionError};
use streamhouse_schema::rules::{
    execute_rules, Message, RuleError, RuleRegistry, RuleRun, RuleSchema,
};
use streamhouse_schema::schema::contract::RuleMode;
use streamhouse_schema::wire::{parse_frame, write_header, SchemaId};

const SECRET: &str = "avro-e2e-secret";

const SCHEMA: &str = r#"{"type":"record","name":"Customer","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"ssn","type":"string","confluent:tags":["PII"]},
  {"name":"note","type":["null","string"],"default":null,"confluent:tags":["PII"]},
  {"name":"amount","type":"double"}
]}"#;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn peer(url: &str, args: &[&str], input: Value) -> Value {
    let args: Vec<&str> = [url].into_iter().chain(args.iter().copied()).collect();
    answer_async("encryption_peer_avro.py", &args, input).await
}

fn field<'m>(message: &'m Message, name: &str) -> &'m AvroValue {
    match message {
        Message::Avro(AvroValue::Record(fields)) => {
            &fields.iter().find(|(n, _)| n == name).expect("field").1
        }
        other => panic!("not a record: {other:?}"),
    }
}

fn set_field(message: &mut Message, name: &str, value: AvroValue) {
    if let Message::Avro(AvroValue::Record(fields)) = message {
        if let Some(slot) = fields.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value;
        }
    }
}

fn string(value: &AvroValue) -> &str {
    match value {
        AvroValue::String(s) => s,
        AvroValue::Union(_, inner) => string(inner),
        other => panic!("not a string: {other:?}"),
    }
}

struct Ours {
    client: SchemaRegistryClient,
    rules: RuleRegistry,
}

impl Ours {
    fn new(url: &str) -> Self {
        let client = SchemaRegistryClient::new(url);
        let store = DekStore::builder(client.clone())
            .config(BTreeMap::from([("secret".to_owned(), SECRET.to_owned())]))
            .build();
        let mut rules = RuleRegistry::with_defaults();
        rules.register_field_executor(EncryptExecutor::new(store));
        Ours { client, rules }
    }

    async fn schema(&self, id: i32) -> RuleSchema {
        RuleSchema::parse(
            self.client
                .get_schema_by_id(id)
                .await
                .expect("schema by id"),
        )
        .expect("parse")
    }

    async fn run(
        &self,
        schema: &RuleSchema,
        subject: &str,
        topic: &str,
        id: i32,
        mode: RuleMode,
        message: Message,
    ) -> Result<Message, streamhouse_schema::rules::RuleFailure> {
        let run = RuleRun {
            subject,
            topic,
            is_key: false,
            schema_id: id,
            target: schema,
            source: None,
            headers: &[],
            original_key: None,
            original_wire: None,
        };
        execute_rules(&self.rules, &run, mode, message)
            .await
            .map(|(m, _)| m)
    }
}

async fn python_and_rust_read_each_others_encrypted_records(algorithm: &str) {
    let r = TestRegistry::start(Backend::Sqlite).await;
    let topic = format!("customers-{}", algorithm.to_lowercase());
    let subject = format!("{topic}-value");
    let rule = json!({
        "name": "encrypt_pii", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT",
        "tags": ["PII"],
        "params": {
            "encrypt.kek.name": "customers-kek", "encrypt.kms.type": "local-kms",
            "encrypt.kms.key.id": "customers-key", "encrypt.dek.algorithm": algorithm,
        },
        "onFailure": "ERROR",
    });
    let registered = peer(
        &r.url,
        &["register", &subject],
        json!({"schema": SCHEMA, "rules": [rule]}),
    )
    .await;
    let id = i32::try_from(registered["id"].as_i64().expect("id")).unwrap();

    // Python writes: the PII fields leave encrypted.
    let record = json!({"id": "c-1", "ssn": "123-45-6789", "note": "call after 5", "amount": 9.5});
    let produced = peer(&r.url, &["produce", &topic, SECRET], record.clone()).await;
    let frame = base64::engine::general_purpose::STANDARD
        .decode(produced["frame"].as_str().expect("frame"))
        .unwrap();
    assert!(
        !frame.windows(11).any(|w| w == b"123-45-6789"),
        "no plaintext on the wire"
    );
    let parsed = parse_frame(&frame).expect("a Confluent frame");
    assert_eq!(parsed.schema_id, SchemaId::Id(id));

    // We read it: decode with the writer schema, then the READ rules decrypt.
    let ours = Ours::new(&r.url);
    let schema = ours.schema(id).await;
    let raw = schema.decode(parsed.payload).unwrap();
    let sealed_ssn = string(field(&raw, "ssn")).to_owned();
    assert_ne!(sealed_ssn, "123-45-6789");
    let read = ours
        .run(&schema, &subject, &topic, id, RuleMode::Read, raw.clone())
        .await
        .expect("READ rules");
    assert_eq!(string(field(&read, "ssn")), "123-45-6789");
    assert_eq!(string(field(&read, "note")), "call after 5");
    assert_eq!(field(&read, "id"), &AvroValue::String("c-1".into()));

    // We write the same record: Python's deserializer decrypts it.
    let written = ours
        .run(&schema, &subject, &topic, id, RuleMode::Write, read.clone())
        .await
        .expect("WRITE rules");
    let mut our_frame = Vec::new();
    write_header(&mut our_frame, id);
    our_frame.extend_from_slice(&schema.encode(&written).unwrap());
    assert!(!our_frame.windows(11).any(|w| w == b"123-45-6789"));
    if algorithm == "AES256_SIV" {
        // Deterministic: the same DEK and record give Python's exact bytes.
        assert_eq!(our_frame, frame, "SIV frames are byte-identical");
    } else {
        assert_ne!(
            string(field(&written, "ssn")),
            sealed_ssn,
            "GCM: a fresh IV"
        );
    }
    let consumed = peer(
        &r.url,
        &["consume", &topic, SECRET],
        json!({"frame": b64(&our_frame)}),
    )
    .await;
    assert_eq!(consumed["record"], record, "{consumed}");

    // Null stays null through both modes.
    let mut with_null = read.clone();
    set_field(
        &mut with_null,
        "note",
        AvroValue::Union(0, Box::new(AvroValue::Null)),
    );
    let written = ours
        .run(&schema, &subject, &topic, id, RuleMode::Write, with_null)
        .await
        .expect("WRITE");
    assert_eq!(
        field(&written, "note"),
        &AvroValue::Union(0, Box::new(AvroValue::Null))
    );

    // A changed ciphertext fails the rule with the typed error, naming the field; Python
    // refuses the same change.
    let mut tampered = raw.clone();
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(&sealed_ssn)
        .unwrap();
    bytes[3] ^= 0x01;
    set_field(&mut tampered, "ssn", AvroValue::String(b64(&bytes)));
    let failure = ours
        .run(
            &schema,
            &subject,
            &topic,
            id,
            RuleMode::Read,
            tampered.clone(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (failure.rule_name.as_str(), failure.rule_type.as_str()),
        ("encrypt_pii", "ENCRYPT")
    );
    match &failure.reason {
        RuleError::Encryption { error, field } => {
            assert!(
                matches!(error.error(), EncryptionError::Decryption),
                "{error:?}"
            );
            assert_eq!(field.as_deref(), Some("shop.Customer.ssn"));
        }
        other => panic!("not an encryption error: {other:?}"),
    }
    let mut tampered_frame = Vec::new();
    write_header(&mut tampered_frame, id);
    tampered_frame.extend_from_slice(&schema.encode(&tampered).unwrap());
    let refused = peer(
        &r.url,
        &["consume", &topic, SECRET],
        json!({"frame": b64(&tampered_frame)}),
    )
    .await;
    assert!(
        refused["error"].is_string(),
        "Python refuses it too: {refused}"
    );

    // A reader with a wrong local-kms secret gets a typed unwrap error, not plaintext.
    let client = SchemaRegistryClient::new(&r.url);
    let wrong = DekStore::builder(client)
        .config(BTreeMap::from([("secret".to_owned(), "wrong".to_owned())]))
        .build();
    let mut rules = RuleRegistry::with_defaults();
    rules.register_field_executor(EncryptExecutor::new(wrong));
    let wrong = Ours {
        client: ours.client.clone(),
        rules,
    };
    let failure = wrong
        .run(&schema, &subject, &topic, id, RuleMode::Read, raw)
        .await
        .unwrap_err();
    assert!(
        matches!(&failure.reason, RuleError::Encryption { error, .. } if matches!(error.error(), EncryptionError::KeyUnwrap { .. })),
        "{failure:?}"
    );
    r.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aes256_gcm_records_cross_between_python_and_rust() {
    python_and_rust_read_each_others_encrypted_records("AES256_GCM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aes256_siv_records_are_byte_identical_between_python_and_rust() {
    python_and_rust_read_each_others_encrypted_records("AES256_SIV").await;
}
