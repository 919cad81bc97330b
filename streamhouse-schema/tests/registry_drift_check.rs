//! `check_against_latest` against the embedded registry server: each type's verdict is the
//! registry's, for a compatible evolution, a breaking one and an unregistered subject.
#![cfg(feature = "server")]

use streamhouse_schema::registry::{
    check_against_latest, Schema, SchemaRegistryClient, TypeCheck, Verdict,
};
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::StreamSchema;

mod v1 {
    use streamhouse_schema::StreamSchema;

    /// What is registered.
    #[derive(StreamSchema)]
    #[stream_schema(namespace = "shop", name = "Order")]
    pub struct Order {
        pub id: i64,
    }
}

/// Adds a defaulted field: BACKWARD compatible.
#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", name = "Order")]
struct OrderWithNote {
    id: i64,
    #[stream_schema(default = "\"\"")]
    note: String,
}

/// `id` became a string: breaks BACKWARD.
#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", name = "Order")]
struct OrderWithTextId {
    id: String,
}

#[tokio::test]
async fn each_type_gets_the_registry_verdict_for_its_subject() {
    let server = spawn(RegistryConfig::in_memory()).await.unwrap();
    let client = SchemaRegistryClient::builder()
        .url(server.url())
        .max_retries(0)
        .build()
        .unwrap();
    client
        .register("orders-value", &Schema::avro(v1::Order::avro_schema_json()))
        .await
        .unwrap();

    let report = check_against_latest(
        &client,
        &[
            TypeCheck::avro::<OrderWithNote>("orders-value"),
            TypeCheck::avro::<OrderWithTextId>("orders-value"),
            TypeCheck::avro::<OrderWithNote>("audit-value"),
        ],
    )
    .await
    .unwrap();

    assert_eq!(report.types.len(), 3);
    assert_eq!(report.types[0].verdict, Verdict::Compatible);
    assert!(report.types[0].type_name.ends_with("OrderWithNote"));
    match &report.types[1].verdict {
        Verdict::Incompatible(messages) => {
            // Confluent's verbose form: the rule and path, then the version and level checked.
            assert!(
                messages[0].starts_with("{errorType:'TYPE_MISMATCH'")
                    && messages[0].contains("'/fields/id'"),
                "{messages:?}"
            );
            assert!(
                messages.contains(&"{oldSchemaVersion: 1}".to_string()),
                "{messages:?}"
            );
            assert!(
                messages.contains(&"{compatibility: 'BACKWARD'}".to_string()),
                "{messages:?}"
            );
        }
        other => panic!("expected incompatible, got {other:?}"),
    }
    assert_eq!(report.types[2].subject, "audit-value");
    assert_eq!(report.types[2].verdict, Verdict::NotRegistered);
    assert!(!report.is_compatible());
    let text = report.to_string();
    assert!(text.contains("INCOMPATIBLE: "), "{text}");
    assert!(text.contains("not registered: "), "{text}");
}

#[tokio::test]
async fn an_unreachable_registry_is_an_error_not_a_verdict() {
    let client = SchemaRegistryClient::builder()
        .url("http://127.0.0.1:9")
        .max_retries(0)
        .build()
        .unwrap();
    let err = check_against_latest(&client, &[TypeCheck::avro::<OrderWithNote>("orders-value")])
        .await
        .unwrap_err();
    assert!(
        err.registry_error().is_some_and(|r| r.is_unavailable()),
        "{err}"
    );
}
