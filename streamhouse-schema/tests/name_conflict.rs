//! Two Rust types whose schemas share a full name, where the derive cannot see both (one is
//! nested a level down): building the schemas is a typed error, and typed sends and
//! decodes return it instead of panicking. (Where one struct's own fields clash, the derive
//! makes it a compile error: `tests/ui/names/same_schema_name_in_two_fields.rs`.)

mod memory_log;

use std::sync::Arc;
use std::time::Duration;

use memory_log::producer_on;
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::error::ClientError;
use streamhouse_schema::schema::model::ModelError;
use streamhouse_schema::schema::{SchemaBuildError, Schemas};
use streamhouse_schema::StreamSchema;

mod v1 {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "shop")]
    pub struct Order {
        pub id: String,
    }
}

mod v2 {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "shop")]
    pub struct Order {
        pub id: String,
        pub cents: i64,
    }

    /// Holds the second `shop.Order`, one level below the parent's fields.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "shop")]
    pub struct Archive {
        pub order: Order,
    }
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop", topic = "conflicts")]
struct Both {
    current: v1::Order,
    archive: v2::Archive,
}

/// One Rust type under several wrappers is one schema name used three times: no clash,
/// at compile time or at run time.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop")]
struct SameTwice {
    a: v1::Order,
    b: Option<v1::Order>,
    c: Vec<crate::v1::Order>,
}

fn both() -> Both {
    Both {
        current: v1::Order { id: "a".into() },
        archive: v2::Archive {
            order: v2::Order {
                id: "b".into(),
                cents: 5,
            },
        },
    }
}

const CONFLICT: &str = "`name_conflict::v1::Order` and `name_conflict::v2::Order` both use the schema name `shop.Order`: rename one with #[stream_schema(name = \"...\")] or give it another namespace";

#[test]
fn building_the_schemas_is_a_typed_error_naming_both_types() {
    let expected = SchemaBuildError::Model(ModelError::NameConflict(CONFLICT.into()));
    assert_eq!(Schemas::build::<Both>().err(), Some(expected.clone()));
    // Cached: the same error every time, never a panic.
    assert_eq!(Both::try_schemas().err(), Some(&expected));
    assert_eq!(Both::try_schemas().err(), Some(&expected));
    // Each type alone is fine.
    assert_eq!(
        v2::Archive::try_schemas().map(|s| s.full_name()),
        Ok("shop.Archive")
    );
    assert_eq!(v1::Order::full_name(), "shop.Order");
    let same = SameTwice::try_schemas().expect("one type under three wrappers");
    assert_eq!(
        same.avro_canonical_form(),
        r#"{"name":"shop.SameTwice","type":"record","fields":[{"name":"a","type":{"name":"shop.Order","type":"record","fields":[{"name":"id","type":"string"}]}},{"name":"b","type":["null","shop.Order"]},{"name":"c","type":{"type":"array","items":"shop.Order"}}]}"#
    );
}

#[tokio::test]
async fn typed_sends_and_decodes_return_the_error() {
    let registry = "mock://name-conflict";
    let (producer, log) = producer_on(registry).await;
    for sent in [
        producer.send_typed(&both()).await,
        producer
            .send_typed_to("conflicts", None::<&String>, &both())
            .await,
    ] {
        match sent {
            Err(ClientError::InvalidSchema { type_name, source }) => {
                assert_eq!(type_name, "name_conflict::Both");
                assert_eq!(
                    source,
                    SchemaBuildError::Model(ModelError::NameConflict(CONFLICT.into()))
                );
            }
            other => panic!("expected InvalidSchema, got {other:?}"),
        }
    }
    // As a key type too.
    let as_key = producer
        .send_typed_to("conflicts", Some(&both()), &"v".to_string())
        .await;
    assert!(
        matches!(
            as_key,
            Err(ClientError::InvalidSchema {
                type_name: "name_conflict::Both",
                ..
            })
        ),
        "{as_key:?}"
    );

    // A record of another type on the topic: decoding it as `Both` is the same error.
    producer
        .send_typed_to("conflicts", None::<&String>, &v1::Order { id: "x".into() })
        .await
        .expect("sent");
    let mut consumer = Consumer::builder()
        .schema_registry(registry)
        .transport(Arc::clone(&log))
        .subscribe("conflicts")
        .build()
        .await
        .expect("consumer");
    let record = consumer
        .poll(Duration::from_millis(100))
        .await
        .expect("poll")
        .expect("a record");
    let decoded = consumer.decode::<Both>(&record);
    assert!(
        matches!(
            &decoded,
            Err(ClientError::InvalidSchema { type_name: "name_conflict::Both", source })
                if source.to_string() == format!("schema name conflict: {CONFLICT}")
        ),
        "{decoded:?}"
    );
    assert!(matches!(
        consumer.decode_key::<Both>(&record).await,
        Err(ClientError::InvalidSchema { .. })
    ));
}
