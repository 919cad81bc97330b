//! The embedded log through the `Transport` trait object, as producers and consumers use it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use streamhouse_schema::transport::{
    partition_for_key, Header, MemoryLog, StartOffset, Transport, TransportError, Watermarks,
};

fn log_with_partitions(partitions: i32) -> Arc<dyn Transport> {
    match MemoryLog::builder().default_partitions(partitions).build() {
        Ok(log) => Arc::new(log),
        Err(error) => unreachable!("valid builder refused: {error}"),
    }
}

#[tokio::test]
async fn keyed_records_land_on_the_kafka_default_partition() {
    let log = log_with_partitions(6);
    // Kafka's UtilsTest vectors: murmur2 as Java computes it, then toPositive % 6.
    // toPositive(-973932308)=1173551340 %6=0; toPositive(-790332482)=1357151166 %6=0;
    // toPositive(-985981536)=1161502112 %6=2; 479470107 %6=3.
    let expected = [
        ("21", 0),
        ("foobar", 0),
        ("a-little-bit-long-string", 2),
        ("abc", 3),
    ];
    for (key, partition) in expected {
        let sent = log
            .send(
                "keyed",
                None,
                Some(Bytes::from(key)),
                Bytes::from_static(b"v"),
                Vec::new(),
            )
            .await;
        assert_eq!(sent.map(|r| r.partition), Ok(partition), "key {key}");
        assert_eq!(partition_for_key(key.as_bytes(), 6), Some(partition));
    }
    // Same key, same partition, every time.
    for _ in 0..3 {
        let sent = log
            .send(
                "keyed",
                None,
                Some(Bytes::from("abc")),
                Bytes::new(),
                Vec::new(),
            )
            .await;
        assert_eq!(sent.map(|r| r.partition), Ok(3));
    }
}

#[tokio::test]
async fn explicit_partition_wins_over_the_key() {
    let log = log_with_partitions(6);
    let sent = log
        .send(
            "t",
            Some(5),
            Some(Bytes::from("abc")),
            Bytes::new(),
            Vec::new(),
        )
        .await;
    assert_eq!(sent.map(|r| (r.partition, r.offset)), Ok((5, 0)));
}

#[tokio::test]
async fn offsets_are_dense_and_timestamps_monotone_per_partition() {
    let log = log_with_partitions(2);
    let mut results = Vec::new();
    for i in 0..10_u8 {
        let sent = log
            .send(
                "t",
                Some(i32::from(i % 2)),
                None,
                Bytes::from(vec![i]),
                Vec::new(),
            )
            .await;
        match sent {
            Ok(sent) => results.push(sent),
            Err(error) => unreachable!("send failed: {error}"),
        }
    }
    for partition in 0..2 {
        let in_partition: Vec<_> = results
            .iter()
            .filter(|r| r.partition == partition)
            .collect();
        let offsets: Vec<i64> = in_partition.iter().map(|r| r.offset).collect();
        assert_eq!(offsets, vec![0, 1, 2, 3, 4]);
        assert!(in_partition
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp));
        assert!(in_partition.iter().all(|r| &*r.topic == "t"));
    }
    assert_eq!(
        log.watermarks("t", 1).await,
        Ok(Watermarks { low: 0, high: 5 })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_producers_lose_nothing_and_never_share_an_offset() {
    let log = log_with_partitions(3);
    let producers = 4_u32;
    let per_producer = 250_u32;
    let mut tasks = Vec::new();
    for producer in 0..producers {
        let log = Arc::clone(&log);
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            for n in 0..per_producer {
                let value = format!("{producer}-{n}");
                let key = Bytes::from(format!("key-{}", n % 17));
                let result = log
                    .send(
                        "busy",
                        None,
                        Some(key),
                        Bytes::from(value.clone()),
                        Vec::new(),
                    )
                    .await;
                sent.push((value, result));
            }
            sent
        }));
    }
    let mut by_position = BTreeMap::new();
    for task in tasks {
        let sent = match task.await {
            Ok(sent) => sent,
            Err(error) => unreachable!("producer task failed: {error}"),
        };
        for (value, result) in sent {
            let result = match result {
                Ok(result) => result,
                Err(error) => unreachable!("send failed: {error}"),
            };
            let previous = by_position.insert((result.partition, result.offset), value);
            assert_eq!(
                previous, None,
                "two records got {}/{}",
                result.partition, result.offset
            );
        }
    }
    assert_eq!(by_position.len(), (producers * per_producer) as usize);
    // Every partition's offsets are 0..n without gaps, and what a fetch returns is what was sent.
    for partition in 0..3 {
        let expected: Vec<(i64, String)> = by_position
            .iter()
            .filter(|((p, _), _)| *p == partition)
            .map(|((_, offset), value)| (*offset, value.clone()))
            .collect();
        let offsets: Vec<i64> = expected.iter().map(|(offset, _)| *offset).collect();
        let dense: Vec<i64> = (0..offsets.len() as i64).collect();
        assert_eq!(offsets, dense, "partition {partition}");
        let fetched = log.fetch("busy", partition, 0, usize::MAX).await;
        let fetched: Vec<(i64, String)> = match fetched {
            Ok(records) => records
                .into_iter()
                .map(|r| (r.offset, String::from_utf8_lossy(&r.value).into_owned()))
                .collect(),
            Err(error) => unreachable!("fetch failed: {error}"),
        };
        assert_eq!(fetched, expected);
    }
}

#[tokio::test]
async fn records_keep_key_value_and_headers() {
    let log = log_with_partitions(1);
    let headers = vec![
        Header::new("trace", Bytes::from_static(b"abc")),
        Header::new("empty", Bytes::new()),
    ];
    let sent = log
        .send(
            "t",
            None,
            Some(Bytes::from("k")),
            Bytes::from("v"),
            headers.clone(),
        )
        .await;
    assert!(sent.is_ok());
    let mut cursor = match log.subscribe(&["t"], StartOffset::Earliest) {
        Ok(cursor) => cursor,
        Err(error) => unreachable!("{error}"),
    };
    let record = cursor.poll(Duration::from_millis(100)).await.ok().flatten();
    let record = record.map(|r| (r.key, r.value, r.headers, r.partition, r.offset));
    assert_eq!(
        record,
        Some((Some(Bytes::from("k")), Bytes::from("v"), headers, 0, 0))
    );
}

#[tokio::test]
async fn bad_requests_get_typed_errors() {
    let log = log_with_partitions(2);
    let sent = log.send("t", Some(2), None, Bytes::new(), Vec::new()).await;
    assert_eq!(
        sent,
        Err(TransportError::UnknownPartition {
            topic: "t".into(),
            partition: 2,
            partitions: 2
        })
    );
    let sent = log
        .send("t", Some(-1), None, Bytes::new(), Vec::new())
        .await;
    assert!(matches!(
        sent,
        Err(TransportError::UnknownPartition { partition: -1, .. })
    ));
    let sent = log
        .send("no/slashes", None, None, Bytes::new(), Vec::new())
        .await;
    assert!(matches!(sent, Err(TransportError::InvalidTopicName { .. })));
    assert_eq!(
        log.create_topic("t", 4).await,
        Err(TransportError::TopicAlreadyExists {
            topic: "t".into(),
            partitions: 2
        })
    );
    assert_eq!(
        log.create_topic("zero", 0).await,
        Err(TransportError::InvalidPartitionCount(0))
    );
    assert_eq!(
        log.partition_count("missing").await,
        Err(TransportError::UnknownTopic("missing".into()))
    );
    assert_eq!(
        log.fetch("missing", 0, 0, 1).await,
        Err(TransportError::UnknownTopic("missing".into()))
    );
    assert_eq!(
        log.fetch("t", 0, 1, 1).await,
        Err(TransportError::OffsetOutOfRange {
            topic: "t".into(),
            partition: 0,
            offset: 1,
            low: 0,
            high: 0
        })
    );
}

#[tokio::test]
async fn explicit_topics_only_when_auto_creation_is_off() {
    let log = match MemoryLog::builder().auto_create_topics(false).build() {
        Ok(log) => log,
        Err(error) => unreachable!("{error}"),
    };
    let sent = log
        .send("orders", None, None, Bytes::new(), Vec::new())
        .await;
    assert_eq!(sent, Err(TransportError::UnknownTopic("orders".into())));
    assert_eq!(log.create_topic("orders", 3).await, Ok(()));
    assert_eq!(log.partition_count("orders").await, Ok(3));
    assert_eq!(log.topic_names(), vec!["orders".to_string()]);
    let sent = log
        .send("orders", None, None, Bytes::new(), Vec::new())
        .await;
    assert_eq!(sent.map(|r| r.offset), Ok(0));
}

#[test]
fn builder_rejects_zero_default_partitions() {
    assert!(matches!(
        MemoryLog::builder().default_partitions(0).build(),
        Err(TransportError::InvalidPartitionCount(0))
    ));
}
