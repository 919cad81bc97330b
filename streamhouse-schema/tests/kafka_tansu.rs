//! The Kafka transport against an independent Kafka-protocol broker: `tansu` 0.6.0 with
//! in-memory storage on 127.0.0.1 (installed by `scripts/setup-kafka.sh`; the binary is
//! looked up as `$TANSU_BIN`, else `tansu` on `PATH`).
//!
//! Topics are created explicitly through our admin helper. Tansu's in-memory engine
//! reports watermarks wrongly, so nothing here asserts on them.
#![cfg(feature = "kafka")]

mod kafka_common;

use std::sync::Arc;

use bytes::Bytes;
use kafka_common::{start_tansu, Tansu, WAIT};
use streamhouse_schema::transport::kafka::KafkaTransport;
use streamhouse_schema::transport::{
    partition_for_key, Header, StartOffset, Transport, TransportError, TransportRecord,
};

fn transport(broker: &Tansu) -> Arc<KafkaTransport> {
    KafkaTransport::builder(&broker.bootstrap)
        .operation_timeout(WAIT)
        .build()
        .expect("transport")
}

fn bytes(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

async fn poll_records(
    cursor: &mut dyn streamhouse_schema::transport::TransportCursor,
    count: usize,
) -> Vec<TransportRecord> {
    let mut records = Vec::with_capacity(count);
    while records.len() < count {
        match cursor.poll(WAIT).await.expect("poll") {
            Some(record) => records.push(record),
            None => panic!("only {} of {count} records arrived", records.len()),
        }
    }
    records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_records_round_trip_through_tansu() {
    let broker = start_tansu();
    let kafka = transport(&broker);
    kafka
        .admin()
        .create_topic("tansu-raw", 3, 1)
        .await
        .expect("create topic");
    assert_eq!(kafka.partition_count("tansu-raw").await, Ok(3));
    assert!(matches!(
        kafka.admin().create_topic("tansu-raw", 3, 1).await,
        Err(TransportError::TopicAlreadyExists { .. })
    ));

    let mut expected = Vec::new();
    for i in 0..9 {
        let key = bytes(&format!("key-{i}"));
        let value = bytes(&format!("value-{i}"));
        let headers = vec![Header::new("n", bytes(&i.to_string()))];
        let sent = kafka
            .send(
                "tansu-raw",
                None,
                Some(key.clone()),
                value.clone(),
                headers.clone(),
            )
            .await
            .expect("send");
        assert_eq!(Some(sent.partition), partition_for_key(&key, 3));
        expected.push((sent.partition, sent.offset, key, value, headers));
    }
    kafka.flush().await.expect("flush");

    let mut cursor = kafka
        .subscribe(&["tansu-raw"], StartOffset::Earliest)
        .expect("cursor");
    let mut received: Vec<_> = poll_records(cursor.as_mut(), 9)
        .await
        .into_iter()
        .map(|r| {
            (
                r.partition,
                r.offset,
                r.key.expect("keyed"),
                r.value,
                r.headers,
            )
        })
        .collect();
    received.sort_by_key(|r| (r.0, r.1));
    expected.sort_by_key(|r| (r.0, r.1));
    assert_eq!(received, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_resumes_after_its_commit_on_tansu() {
    let broker = start_tansu();
    let kafka = KafkaTransport::builder(&broker.bootstrap)
        .operation_timeout(WAIT)
        .group_id("tansu-workers")
        .build()
        .expect("transport");
    kafka
        .admin()
        .create_topic("tansu-jobs", 1, 1)
        .await
        .expect("create topic");
    for value in ["a", "b", "c"] {
        kafka
            .send("tansu-jobs", Some(0), None, bytes(value), Vec::new())
            .await
            .expect("send");
    }
    let mut first = kafka
        .cursor(&["tansu-jobs"], StartOffset::Earliest)
        .expect("cursor");
    let read: Vec<Bytes> = poll_records(&mut first, 2)
        .await
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(read, vec![bytes("a"), bytes("b")]);
    first.commit().await.expect("commit");
    drop(first);

    let mut second = kafka
        .cursor(&["tansu-jobs"], StartOffset::Earliest)
        .expect("cursor");
    let read: Vec<Bytes> = poll_records(&mut second, 1)
        .await
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(read, vec![bytes("c")]);
}
