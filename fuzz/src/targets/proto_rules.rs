//! Target `proto_rules`: a Protobuf payload (message indexes, then the message) decoded for
//! data-contract rules as the message its indexes name, run through a CEL_FIELD transform
//! and an ENCRYPT rule, and encoded back behind the same index bytes.
//!
//! Byte 0 `% 2` picks the mode: WRITE (the transform, then encryption of the `SECRET`
//! fields) or READ (decryption, then the transform); the rest is the payload. The schema is
//! fixed: nested messages, a recursive field, maps, a oneof, repeated and optional fields,
//! a timestamp and an enum, with `(confluent.field_meta)` tags. The DEK is fixed too
//! (registered once in a `mock://` registry, AES256_SIV), so ciphertext written by one run
//! opens in another and the READ seeds reach the decrypted fields.
//!
//! Properties: the payload decodes or gives a typed error; what decodes encodes to bytes
//! that decode to the same message; the rules fail with a typed failure naming the rule, or
//! leave a message that encodes to bytes decoding to the same message.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use prost_reflect::{DynamicMessage, ReflectMessage, Value};
use streamhouse_schema::registry::{Dek, DekAlgorithm, Kek, Schema, SchemaRegistryClient};
use streamhouse_schema::rules::encryption::{DekStore, EncryptExecutor, KmsAead, LocalKmsAead};
use streamhouse_schema::rules::{execute_rules, Message, RuleRegistry, RuleRun, RuleSchema};
use streamhouse_schema::schema::contract::{Rule, RuleKind, RuleMode, RuleSet};
use streamhouse_schema::SchemaFormat;

use super::schema_parsers::base64;

/// The schema the payloads are decoded with.
pub const SCHEMA: &str = r#"syntax = "proto3";
package fuzz;
import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  string ssn = 2 [(confluent.field_meta) = { tags: "PII" }];
  bytes card = 3 [(confluent.field_meta) = { tags: "SECRET" }];
  string email = 4 [(confluent.field_meta) = { tags: ["PII", "SECRET"] }];
  repeated string aliases = 5 [(confluent.field_meta) = { tags: "PII" }];
  map<string, Line> lines = 6;
  oneof contact {
    string phone = 7 [(confluent.field_meta) = { tags: "PII" }];
    Address address = 8;
  }
  Order parent = 9;
  optional int64 amount = 10 [(confluent.field_meta) = { tags: "PII" }];
  google.protobuf.Timestamp at = 11;
  Status status = 12;
  double ratio = 13;
  map<int32, string> notes = 14 [(confluent.field_meta) = { tags: "PII" }];
  message Line {
    string sku = 1 [(confluent.field_meta) = { tags: "SECRET" }];
    int32 qty = 2;
    repeated Line parts = 3;
  }
}
message Address {
  string street = 1 [(confluent.field_meta) = { tags: ["PII", "SECRET"] }];
  sint32 zone = 2;
}
enum Status { NEW = 0; PAID = 1; }
"#;

/// The CEL_FIELD transform of `PII` fields: strings get a suffix, other values stay.
pub const TRANSFORM: &str = "typeName == 'STRING' ? value + '~' : value";

/// The subject the DEK is registered under (the rule run's subject).
const SUBJECT: &str = "fuzz-proto-value";

/// The local KMS secret the KEK's key is derived from.
const SECRET: &str = "fuzz-proto-rules-secret";

/// The rules: the transform, then encryption (READ runs them in reverse).
fn rule_set() -> RuleSet {
    let mut transform = Rule::new(
        "pii_suffix",
        RuleKind::Transform,
        RuleMode::Writeread,
        "CEL_FIELD",
    )
    .with_expr(TRANSFORM);
    transform.tags.insert("PII".into());
    let mut encrypt = Rule::new(
        "encrypt_secret",
        RuleKind::Transform,
        RuleMode::Writeread,
        "ENCRYPT",
    );
    encrypt.tags.insert("SECRET".into());
    encrypt.params = BTreeMap::from([
        ("encrypt.kek.name".into(), "fuzz-kek".into()),
        ("encrypt.kms.type".into(), "local-kms".into()),
        ("encrypt.kms.key.id".into(), "fuzz-key".into()),
        ("encrypt.dek.algorithm".into(), "AES256_SIV".into()),
    ]);
    RuleSet {
        domain_rules: vec![transform, encrypt],
        ..RuleSet::default()
    }
}

/// Everything built once: the runtime the rules run on, the rule registry (with the ENCRYPT
/// executor over a `mock://` registry holding the fixed KEK and DEK) and the schema.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    rules: RuleRegistry,
    schema: RuleSchema,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime");
        let client = SchemaRegistryClient::new("mock://fuzz-proto-rules");
        runtime.block_on(register_keys(&client));
        let store = DekStore::builder(client)
            .config(BTreeMap::from([("secret".to_owned(), SECRET.to_owned())]))
            .build();
        let mut rules = RuleRegistry::with_defaults();
        rules.register_field_executor(EncryptExecutor::new(store));
        let schema = Schema::new(SCHEMA, SchemaFormat::Protobuf).with_rule_set(rule_set());
        let schema = RuleSchema::parse(Arc::new(schema)).expect("the fixed schema parses");
        Fixture {
            runtime,
            rules,
            schema,
        }
    })
}

/// Registers the KEK and version 1 of the subject's AES256_SIV DEK, its Tink key material
/// fixed (`AesSivKey { version: 0, key_value: 64 bytes }`) and wrapped by the local KMS.
async fn register_keys(client: &SchemaRegistryClient) {
    client
        .register_kek(&Kek::new("fuzz-kek", "local-kms", "fuzz-key"))
        .await
        .expect("the KEK registers");
    let mut material = vec![0x12, 0x40];
    material.extend((0u8..64).map(|i| i.wrapping_mul(91).wrapping_add(7)));
    let wrapped = LocalKmsAead::new(SECRET)
        .encrypt(&material, b"")
        .await
        .expect("the local KMS wraps");
    let mut dek = Dek::new("fuzz-kek", SUBJECT, base64(&wrapped));
    dek.algorithm = DekAlgorithm::Aes256Siv;
    client.register_dek(&dek).await.expect("the DEK registers");
}

/// One input: see the module's documentation.
pub fn run(data: &[u8]) {
    let Some((&mode, payload)) = data.split_first() else {
        return;
    };
    let mode = if mode % 2 == 0 {
        RuleMode::Write
    } else {
        RuleMode::Read
    };
    let _ = apply(mode, payload);
}

/// Decodes `payload`, runs the rules in `mode` and checks the properties on the way; the
/// rules' result encoded, or why there is none (the payload's typed decoding error, or the
/// rule failure).
pub fn apply(mode: RuleMode, payload: &[u8]) -> Result<Vec<u8>, String> {
    let fixture = fixture();
    let schema = &fixture.schema;
    let message = schema.decode(payload).map_err(|e| e.to_string())?;
    round_trips(schema, &message, "the decoded payload");
    let run = RuleRun {
        subject: SUBJECT,
        topic: "fuzz-proto",
        is_key: false,
        schema_id: 1,
        target: schema,
        source: None,
        headers: &[],
        original_key: None,
        original_wire: None,
    };
    let outcome = fixture
        .runtime
        .block_on(execute_rules(&fixture.rules, &run, mode, message));
    match outcome {
        Err(failure) => {
            assert!(!failure.rule_name.is_empty(), "the failure names its rule");
            Err(format!("{}: {}", failure.rule_name, failure.reason))
        }
        Ok((message, _)) => Ok(round_trips(schema, &message, "the rules' result")),
    }
}

/// `message` encodes (behind its index bytes) to bytes that decode to the same message;
/// returns the bytes.
fn round_trips(schema: &RuleSchema, message: &Message, what: &str) -> Vec<u8> {
    let bytes = schema
        .encode(message)
        .unwrap_or_else(|e| panic!("{what} does not encode: {e}"));
    let again = schema
        .decode(&bytes)
        .unwrap_or_else(|e| panic!("{what} encodes to bytes that do not decode: {e}"));
    let (Message::Protobuf(before), Message::Protobuf(after)) = (message, &again) else {
        panic!("{what} is not a Protobuf message");
    };
    assert_eq!(
        before.indexes, after.indexes,
        "{what}: the index bytes changed"
    );
    assert!(
        same_message(&before.message, &after.message),
        "{what} decodes to another message:\n{:?}\n{:?}",
        before.message,
        after.message
    );
    bytes
}

/// Message equality with NaN equal to itself (a double field may hold any bit pattern).
fn same_message(a: &DynamicMessage, b: &DynamicMessage) -> bool {
    a.descriptor() == b.descriptor()
        && a.unknown_fields().eq(b.unknown_fields())
        && a.fields().count() == b.fields().count()
        && a.fields()
            .zip(b.fields())
            .all(|((fa, va), (fb, vb))| fa == fb && same_value(va, vb))
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::F64(x), Value::F64(y)) => x.to_bits() == y.to_bits() || x == y,
        (Value::F32(x), Value::F32(y)) => x.to_bits() == y.to_bits() || x == y,
        (Value::Message(x), Value::Message(y)) => same_message(x, y),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same_value(x, y)))
        }
        _ => a == b,
    }
}
