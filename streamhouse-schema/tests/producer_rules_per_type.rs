//! A type without rules on a producer that runs rules for another type: after a type with
//! a WRITE CEL condition was sent, cached `send_typed` of a type without rules still
//! allocates almost nothing per message, and the type with the rule still has it run
//! (whether a schema has rules is a bit of each type's cached id, not a producer-wide
//! switch). The time it costs is in BENCHMARKS.md (`rules` bench, `send_typed/plain_beside_rules`).
//!
//! This file holds a single test so no other test's allocations are counted.
#![cfg(feature = "rules")]

mod alloc_common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use alloc_common::{ALLOCATIONS, COUNTING};
use streamhouse_schema::error::ClientError;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::registry::{
    Rule, RuleKind, RuleMode, RuleSet, Schema, SchemaRegistryClient,
};
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// A small keyless message, registered without rules.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "ticks", namespace = "com.acme.bench")]
struct Tick {
    seq: i64,
    source: String,
}

/// An order whose registered schema has a WRITE condition.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "orders", namespace = "com.acme.bench")]
struct Order {
    id: String,
    amount: f64,
}

#[test]
fn a_type_without_rules_pays_nothing_beside_a_type_with_rules() {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(error) => unreachable!("{error}"),
    };
    runtime.block_on(async {
        let url = "mock://per-type-rules";
        let client = SchemaRegistryClient::new(url);
        let schema = Schema::avro(Order::avro_schema_json()).with_rule_set(RuleSet {
            domain_rules: vec![
                Rule::new("positive", RuleKind::Condition, RuleMode::Write, "CEL")
                    .with_expr("message.amount > 0.0"),
            ],
            ..RuleSet::default()
        });
        assert!(client.register("orders-value", &schema).await.is_ok());
        let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
        let producer = match Producer::builder()
            .schema_registry(url)
            .transport(log)
            .build()
            .await
        {
            Ok(producer) => producer,
            Err(error) => unreachable!("{error}"),
        };
        let order = |amount| Order {
            id: "o-1".to_string(),
            amount,
        };
        // The order's rule runs: this producer now runs rules.
        assert!(producer.send_typed(&order(5.0)).await.is_ok());
        assert!(matches!(
            producer.send_typed(&order(-1.0)).await,
            Err(ClientError::Rule(failure)) if failure.rule_name == "positive"
        ));
        let tick = Tick {
            seq: 7,
            source: "sensor-1".to_string(),
        };
        for _ in 0..2_000 {
            assert!(producer.send_typed(&tick).await.is_ok());
        }

        const MESSAGES: usize = 1_000;
        COUNTING.store(true, Ordering::SeqCst);
        for _ in 0..MESSAGES {
            let sent = producer.send_typed(&tick).await;
            assert!(sent.is_ok());
        }
        COUNTING.store(false, Ordering::SeqCst);
        let allocations = ALLOCATIONS.load(Ordering::SeqCst);
        // As for a producer without rules (`producer_hot_path_allocations`): arena chunk
        // refills and the log's growth only.
        assert!(
            allocations <= MESSAGES / 100,
            "{allocations} allocations for {MESSAGES} cached sends"
        );
        // And the order's rule still runs after them.
        assert!(matches!(
            producer.send_typed(&order(-2.0)).await,
            Err(ClientError::Rule(failure)) if failure.rule_name == "positive"
        ));
    });
}
