//! Confluent's configuration keys for the registry client and the producer: from a map, a
//! `.properties` text and the environment; credentials and strategies applied for real
//! (against a registry that requires them); unknown and malformed keys name themselves.
#![cfg(feature = "server")]

use streamhouse_schema::producer::ProducerBuilder;
use streamhouse_schema::registry::{Properties, SchemaRegistryClientBuilder};
use streamhouse_schema::server::{spawn, RegistryConfig};
use streamhouse_schema::{ClientError, SchemaFormat, StreamSchema};

/// The key a configuration error names, and its reason.
fn property_error<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (String, String) {
    match result {
        Err(ClientError::InvalidProperty { key, reason }) => (key, reason),
        other => panic!("expected an InvalidProperty error, got {other:?}"),
    }
}

#[test]
fn properties_texts_and_the_environment_give_the_same_keys() {
    let props = Properties::parse(
        "# Confluent client settings\n\
         schema.registry.url = http://a:8081\n\
         ! another comment style\n\
         basic.auth.user.info: ops:s\\\n    ecret\n\
         normalize.schemas=true\n",
    )
    .expect("parses");
    assert_eq!(props.get("schema.registry.url"), Some("http://a:8081"));
    // A continued line joins without the next line's leading blanks.
    assert_eq!(props.get("basic.auth.user.info"), Some("ops:secret"));
    assert_eq!(props.get("normalize.schemas"), Some("true"));
    assert_eq!(props.iter().count(), 3);

    let env = Properties::from_env_vars(
        [
            (
                "STREAMHOUSE_SCHEMA_REGISTRY_URL".to_string(),
                "http://a:8081".to_string(),
            ),
            (
                "STREAMHOUSE_NORMALIZE_SCHEMAS".to_string(),
                "true".to_string(),
            ),
            ("PATH".to_string(), "/bin".to_string()),
            ("STREAMHOUSE_".to_string(), "ignored".to_string()),
        ],
        "STREAMHOUSE_",
    );
    assert_eq!(
        env.iter().collect::<Vec<_>>(),
        vec![
            ("normalize.schemas", "true"),
            ("schema.registry.url", "http://a:8081")
        ]
    );
}

#[tokio::test]
async fn basic_auth_from_user_info_reaches_a_registry_that_requires_it() {
    let server = spawn(RegistryConfig::in_memory().with_basic_auth("ops", "0ps-pass"))
        .await
        .expect("start");
    let with = |info: &str| {
        Properties::from_pairs([
            ("schema.registry.url", server.url()),
            ("basic.auth.credentials.source", "USER_INFO".to_string()),
            ("basic.auth.user.info", info.to_string()),
        ])
    };
    let client = SchemaRegistryClientBuilder::from_properties(&with("ops:0ps-pass"))
        .and_then(|b| b.build())
        .expect("client");
    let id = client
        .register_schema("p-value", "\"string\"", SchemaFormat::Avro)
        .await
        .expect("authorized registration");
    assert_eq!(id, 1);
    let wrong = SchemaRegistryClientBuilder::from_properties(&with("ops:nope"))
        .and_then(|b| b.build())
        .expect("client");
    let refused = wrong.get_schema_by_id(1).await;
    assert_eq!(
        refused
            .as_ref()
            .err()
            .and_then(|e| e.registry_error())
            .and_then(|e| e.http_status()),
        Some(401),
        "{refused:?}"
    );
    server.shutdown().await.expect("shutdown");
}

/// Keys given, the key the error must name, and a part of its reason.
type Case = (
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
);

#[test]
fn unknown_missing_and_malformed_keys_are_named() {
    let cases: Vec<Case> = vec![
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("schema.registy.url", "x"),
            ],
            "schema.registy.url",
            "unknown",
        ),
        (
            vec![("basic.auth.user.info", "a:b")],
            "schema.registry.url",
            "missing",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("basic.auth.user.info", "no-colon"),
            ],
            "basic.auth.user.info",
            "USER:PASSWORD",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("basic.auth.credentials.source", "SASL_INHERIT"),
                ("basic.auth.user.info", "a:b"),
            ],
            "basic.auth.credentials.source",
            "not supported",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("bearer.auth.credentials.source", "STATIC_TOKEN"),
            ],
            "bearer.auth.token",
            "missing",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("bearer.auth.token", "t"),
            ],
            "bearer.auth.token",
            "bearer.auth.credentials.source",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("bearer.auth.credentials.source", "OAUTHBEARER"),
                ("bearer.auth.client.id", "c"),
            ],
            "bearer.auth.issuer.endpoint.url",
            "missing",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("normalize.schemas", "yes"),
            ],
            "normalize.schemas",
            "true or false",
        ),
        (
            vec![("schema.registry.url", "mock://p"), ("max.retries", "-1")],
            "max.retries",
            "whole number",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("schema.registry.ssl.truststore.location", "/x.jks"),
            ],
            "schema.registry.ssl.truststore.type",
            "PEM",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("schema.registry.ssl.ca.location", "/no/such/ca.pem"),
            ],
            "schema.registry.ssl.ca.location",
            "cannot read /no/such/ca.pem",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("ssl.certificate.location", "/c.pem"),
            ],
            "ssl.certificate.location",
            "key.location",
        ),
    ];
    for (pairs, key, reason) in cases {
        let props = Properties::from_pairs(pairs.clone());
        let (named, why) = property_error(SchemaRegistryClientBuilder::from_properties(&props));
        assert_eq!(named, key, "{pairs:?}: {why}");
        assert!(why.contains(reason), "{pairs:?}: {why}");
    }
    let (key, reason) = property_error(Properties::parse("a=\\u12"));
    assert_eq!(key, "");
    assert!(reason.contains("not a valid .properties text"), "{reason}");
}

#[derive(StreamSchema)]
#[stream_schema(topic = "props-orders", namespace = "com.acme.props")]
struct Order {
    #[stream_schema(key)]
    id: String,
}

#[tokio::test]
async fn producer_keys_choose_strategy_and_registration() {
    let props = Properties::from_pairs([
        ("schema.registry.url", "mock://client-properties-producer"),
        (
            "value.subject.name.strategy",
            "io.confluent.kafka.serializers.subject.RecordNameStrategy",
        ),
        ("key.subject.name.strategy", "RecordNameStrategy"),
    ]);
    let producer = ProducerBuilder::from_properties(&props)
        .expect("builder")
        .build()
        .await
        .expect("producer");
    producer
        .send_typed(&Order { id: "o-1".into() })
        .await
        .expect("sent");
    let client = streamhouse_schema::SchemaRegistryClient::new("mock://client-properties-producer");
    assert_eq!(
        client.list_subjects().await.expect("subjects"),
        vec!["com.acme.props.Order".to_string()]
    );

    // auto.register.schemas=false: nothing registered, a typed error.
    let props = Properties::from_pairs([
        ("schema.registry.url", "mock://client-properties-no-auto"),
        ("auto.register.schemas", "false"),
    ]);
    let producer = ProducerBuilder::from_properties(&props)
        .expect("builder")
        .build()
        .await
        .expect("producer");
    let refused = producer.send_typed(&Order { id: "o-2".into() }).await;
    assert!(
        matches!(refused, Err(ClientError::SchemaNotRegistered { ref subject, .. }) if subject == "props-orders-value"),
        "{refused:?}"
    );

    for (pairs, key, reason) in [
        (
            vec![("schema.registry.url", "mock://p"), ("linger.ms", "5")],
            "linger.ms",
            "unknown producer key",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("use.latest.version", "1"),
            ],
            "use.latest.version",
            "true or false",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("value.subject.name.strategy", "TopicNameStrategy"),
                ("key.subject.name.strategy", "RecordNameStrategy"),
            ],
            "value.subject.name.strategy",
            "one strategy",
        ),
        (
            vec![
                ("schema.registry.url", "mock://p"),
                ("value.subject.name.strategy", "MyStrategy"),
            ],
            "value.subject.name.strategy",
            "is not TopicNameStrategy",
        ),
    ] {
        let (named, why) = property_error(ProducerBuilder::from_properties(
            &Properties::from_pairs(pairs.clone()),
        ));
        assert_eq!(named, key, "{pairs:?}: {why}");
        assert!(why.contains(reason), "{pairs:?}: {why}");
    }
}
