//! The cached `send_typed` path allocates nothing per message beyond the frame buffer, and
//! that buffer comes from a chunked arena: counted with a counting global allocator.
//!
//! This file holds a single test so no other test's allocations are counted.

mod alloc_common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use alloc_common::{ALLOCATIONS, COUNTING};
use streamhouse_schema::producer::Producer;
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::StreamSchema;

/// A small keyless message.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(topic = "ticks", namespace = "com.acme.bench")]
struct Tick {
    seq: i64,
    source: String,
}

#[test]
fn cached_send_typed_allocates_almost_nothing_per_message() {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(error) => unreachable!("{error}"),
    };
    runtime.block_on(async {
        let log: Arc<dyn Transport> = Arc::new(MemoryLog::new());
        let built = Producer::builder()
            .schema_registry("mock://hot-path-allocations")
            .transport(log)
            .build()
            .await;
        let producer = match built {
            Ok(producer) => producer,
            Err(error) => unreachable!("{error}"),
        };
        let tick = Tick {
            seq: 7,
            source: "sensor-1".to_string(),
        };
        // Warm up: registration, caches, the log's first growth steps.
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
        // Frames are ~15 bytes, so an 8 KiB arena chunk holds hundreds of them: the only
        // allocations left are chunk refills and the log's amortised growth (5 when this
        // was written: two chunks, their two shared headers, one log resize).
        assert!(
            allocations <= MESSAGES / 100,
            "{allocations} allocations for {MESSAGES} cached sends"
        );
    });
}
