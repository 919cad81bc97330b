//! A broker restart in the middle of a produce loop loses no acknowledged record: a `tansu`
//! broker on a SQLite file (its `libsql` engine, so its log survives the process) is killed
//! with SIGKILL while our producer sends typed records one after another, and started again on
//! the same port and file. Every record whose send was acknowledged must then be read back by
//! our consumer at the partition and offset the acknowledgement named, with the same value.
//!
//! Sends made while the broker is down either wait in librdkafka's queue until it is back
//! (acknowledged later) or fail with a typed error after `message.timeout.ms`; neither kind
//! may be counted as written unless acknowledged, and no acknowledged one may be missing.
#![cfg(feature = "kafka")]

mod kafka_common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kafka_common::{free_port, start_tansu_with, WAIT};
use streamhouse_schema::consumer::Consumer;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::transport::kafka::KafkaTransport;
use streamhouse_schema::transport::StartOffset;
use streamhouse_schema::StreamSchema;

const TOPIC: &str = "tansu-restart";
/// Acknowledgements before the kill, and after the restart, before the loop stops.
const BEFORE_KILL: usize = 40;
const AFTER_RESTART: usize = 40;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "tansu-restart", namespace = "com.acme.restart")]
struct Reading {
    #[stream_schema(key)]
    sensor: String,
    sequence: i64,
    celsius: f64,
}

fn reading(sequence: i64) -> Reading {
    Reading {
        sensor: format!("sensor-{}", sequence % 4),
        sequence,
        celsius: sequence as f64 / 8.0,
    }
}

/// What the produce loop saw: acknowledged records by sequence, with the partition and
/// offset their acknowledgement named (librdkafka reports offset -1 for a record the broker
/// had already persisted from an earlier attempt: written, offset not reported), and failed sends.
#[derive(Default)]
struct Outcome {
    acknowledged: BTreeMap<i64, (i32, i64, Reading)>,
    failed: Vec<(i64, String)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_killed_during_a_produce_loop_loses_no_acknowledged_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    // tansu 0.6 reads the file of a `sqlite://` URL relative to its working directory.
    let storage = "sqlite://tansu.db";
    let port = free_port();
    let mut broker = start_tansu_with(port, storage, dir.path());
    let bootstrap = broker.bootstrap.clone();

    let admin = KafkaTransport::builder(&bootstrap)
        .operation_timeout(WAIT)
        .build()
        .expect("admin transport");
    admin
        .admin()
        .create_topic(TOPIC, 2, 1)
        .await
        .expect("create topic");

    let registry = "mock://tansu-restart";
    let producer = Producer::builder()
        .schema_registry(registry)
        .kafka(&bootstrap)
        .kafka_config("linger.ms", "1")
        // Long enough to ride out the restart; a send still waiting after it fails typed.
        .kafka_config("message.timeout.ms", "20000")
        .kafka_config("reconnect.backoff.ms", "50")
        .kafka_config("reconnect.backoff.max.ms", "500")
        .build()
        .await
        .expect("producer on tansu");

    let acks = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let produce_loop = {
        let acks = Arc::clone(&acks);
        let stop = Arc::clone(&stop);
        tokio::spawn(async move {
            let mut outcome = Outcome::default();
            let mut sequence = 0_i64;
            while !stop.load(Ordering::SeqCst) {
                sequence += 1;
                let value = reading(sequence);
                match producer.send_typed(&value).await {
                    Ok(sent) => {
                        outcome
                            .acknowledged
                            .insert(sequence, (sent.partition, sent.offset, value));
                        acks.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(err) => outcome.failed.push((sequence, err.to_string())),
                }
            }
            outcome
        })
    };

    wait_for(&acks, BEFORE_KILL, "acknowledgements before the kill").await;
    broker.kill();
    let at_kill = acks.load(Ordering::SeqCst);
    // Down long enough for librdkafka to notice and queue sends.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let _restarted = start_tansu_with(port, storage, dir.path());
    drop(broker);
    wait_for(
        &acks,
        at_kill + AFTER_RESTART,
        "acknowledgements after the restart",
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    let outcome = produce_loop.await.expect("the produce loop ends");
    assert!(
        outcome.acknowledged.len() >= BEFORE_KILL + AFTER_RESTART,
        "{} acknowledged",
        outcome.acknowledged.len()
    );

    let mut consumer = Consumer::builder()
        .schema_registry(registry)
        .kafka(&bootstrap)
        .group_id("tansu-restart-check")
        .start_offset(StartOffset::Earliest)
        .subscribe(TOPIC)
        .build()
        .await
        .expect("consumer on tansu");
    // Every record read back, by sequence: where it was read and its value.
    let mut present: BTreeMap<i64, Vec<(i32, i64, Reading)>> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let missing = |present: &BTreeMap<i64, Vec<(i32, i64, Reading)>>| -> Vec<i64> {
        outcome
            .acknowledged
            .keys()
            .filter(|sequence| !present.contains_key(sequence))
            .copied()
            .collect()
    };
    loop {
        let not_yet = missing(&present);
        if not_yet.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "acknowledged but not read back within 60 s: sequences {not_yet:?} (failed sends: {:?})",
            outcome.failed
        );
        if let Some(typed) = consumer
            .poll_typed::<Reading>(Duration::from_secs(2))
            .await
            .expect("typed poll")
        {
            present.entry(typed.value.sequence).or_default().push((
                typed.record.partition,
                typed.record.offset,
                typed.value,
            ));
        }
    }
    let mut offsets_reported = 0;
    for (sequence, (partition, offset, value)) in &outcome.acknowledged {
        let copies = &present[sequence];
        assert!(
            copies.iter().all(|(_, _, read)| read == value),
            "sequence {sequence} read back as {copies:?}, sent as {value:?}"
        );
        if *offset >= 0 {
            offsets_reported += 1;
            assert!(
                copies.iter().any(|(p, o, _)| (p, o) == (partition, offset)),
                "sequence {sequence} acknowledged at {partition}/{offset}, read at {copies:?}"
            );
        }
    }
    assert!(
        offsets_reported >= BEFORE_KILL,
        "most acknowledgements name their offset ({offsets_reported})"
    );
    let duplicates = present.values().filter(|copies| copies.len() > 1).count();
    eprintln!(
        "acknowledged {} ({offsets_reported} with their offset), all read back; \
         records read twice {duplicates}; failed sends {} (broker killed after {at_kill})",
        outcome.acknowledged.len(),
        outcome.failed.len()
    );
}

/// Waits until `counter` reaches `target`, for at most 60 s.
async fn wait_for(counter: &AtomicUsize, target: usize, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while counter.load(Ordering::SeqCst) < target {
        assert!(
            Instant::now() < deadline,
            "{what}: {} of {target} within 60 s",
            counter.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
