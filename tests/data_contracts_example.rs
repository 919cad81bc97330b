//! The `data_contracts` example, run against an embedded registry: the contract declared on
//! the type is what the registry holds, the e-mail is ciphertext on the log and plaintext
//! after the consumer's READ rules, and the condition refuses a negative credit.

#[path = "../examples/data_contracts.rs"]
#[allow(dead_code)]
mod example;

use example::{run, Customer};
use streamhouse_schema::schema::contract::{RuleKind, RuleMode};
use streamhouse_schema::ClientError;

#[tokio::test]
async fn the_example_encrypts_checks_and_registers_its_contract() {
    let server =
        streamhouse_schema::server::spawn(streamhouse_schema::server::RegistryConfig::in_memory())
            .await
            .expect("embedded registry");
    let report = run(&server.url(), "example-test-secret")
        .await
        .expect("the example runs");

    // The registry holds the contract declared on the type.
    let schema = &report.registered.schema;
    let metadata = schema.metadata.as_ref().expect("metadata");
    assert_eq!(
        metadata.properties.get("owner").map(String::as_str),
        Some("billing")
    );
    assert_eq!(
        metadata
            .properties
            .get("application.major.version")
            .map(String::as_str),
        Some("1")
    );
    let rules = &schema.rule_set.as_ref().expect("rule set").domain_rules;
    let names: Vec<_> = rules
        .iter()
        .map(|rule| {
            (
                rule.name.as_str(),
                rule.rule_type.as_str(),
                rule.kind,
                rule.mode,
            )
        })
        .collect();
    assert!(
        names.contains(&(
            "credit_not_negative",
            "CEL",
            RuleKind::Condition,
            RuleMode::Write
        )),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|(_, kind, rule_kind, mode)| *kind == "ENCRYPT"
                && *rule_kind == RuleKind::Transform
                && *mode == RuleMode::Writeread),
        "{names:?}"
    );
    assert!(
        schema.schema.contains(r#""confluent:tags":["PII"]"#),
        "{}",
        schema.schema
    );

    // On the log the e-mail is ciphertext; the consumer reads it back in plaintext.
    assert_eq!(report.first_frame[0], 0, "magic byte");
    let on_the_log = String::from_utf8_lossy(&report.first_frame);
    assert!(!on_the_log.contains("ada@example.com"), "{on_the_log}");
    assert!(on_the_log.contains("cust-1"), "{on_the_log}");
    assert_eq!(
        report.consumed,
        vec![
            Customer {
                id: "cust-1".into(),
                email: "ada@example.com".into(),
                credit_cents: 1200
            },
            Customer {
                id: "cust-2".into(),
                email: "grace@example.com".into(),
                credit_cents: 0
            },
        ]
    );

    // The condition refused the negative credit, naming the rule.
    match &report.refused {
        ClientError::Rule(failure) => {
            assert!(
                failure.to_string().contains("credit_not_negative"),
                "{failure}"
            )
        }
        other => panic!("expected a rule failure, got {other:?}"),
    }
    server.shutdown().await.expect("shutdown");
}
