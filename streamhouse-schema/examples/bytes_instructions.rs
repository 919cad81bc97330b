//! Decodes a record with a 1,000-byte `bytes` field in two loops of their own, so that
//! callgrind can count the instructions of each (exact, whatever the machine's load):
//! `run_copy` reads it from a plain `&[u8]` (the field is copied), `run_sliced` from a
//! `Bytes` frame with `from_avro_bytes` (the field is a slice of the frame). Then what the
//! frame scope itself costs a record with no `Bytes` field: `run_no_bytes_plain`
//! (`from_avro_borrowed`) against `run_no_bytes_scoped` (`from_avro_bytes`). The numbers
//! are in `BENCHMARKS.md`.
//!
//! ```sh
//! cargo build --release -p streamhouse-schema --example bytes_instructions
//! valgrind --tool=callgrind --callgrind-out-file=cg.out \
//!     target/release/examples/bytes_instructions 100000
//! callgrind_annotate --inclusive=yes cg.out | grep 'bytes_instructions::run_'
//! ```
//! Divide each `run_*` total by the iteration count for instructions per record.

use std::hint::black_box;

use bytes::Bytes;
use streamhouse_schema::{AvroBorrowDecode, AvroEncode, StreamSchema};

/// The record of the `decode_bytes_1k` bench (`benches/producer.rs`), borrowing.
#[derive(StreamSchema)]
#[stream_schema(name = "Blob", namespace = "bench.blob")]
struct BlobRef<'a> {
    id: i64,
    kind: &'a str,
    payload: Bytes,
}

/// The same record without its blob.
#[derive(StreamSchema)]
#[stream_schema(name = "Tag", namespace = "bench.blob")]
struct TagRef<'a> {
    id: i64,
    kind: &'a str,
}

#[inline(never)]
fn run_copy(frame: &Bytes, n: usize) {
    for _ in 0..n {
        black_box(BlobRef::from_avro_borrowed(black_box(frame)).ok());
    }
}

#[inline(never)]
fn run_sliced(frame: &Bytes, n: usize) {
    for _ in 0..n {
        black_box(BlobRef::from_avro_bytes(black_box(frame)).ok());
    }
}

#[inline(never)]
fn run_no_bytes_plain(frame: &Bytes, n: usize) {
    for _ in 0..n {
        black_box(TagRef::from_avro_borrowed(black_box(frame)).ok());
    }
}

#[inline(never)]
fn run_no_bytes_scoped(frame: &Bytes, n: usize) {
    for _ in 0..n {
        black_box(TagRef::from_avro_bytes(black_box(frame)).ok());
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 100_000,
    };
    let blob = BlobRef {
        id: 7,
        kind: "image/png",
        payload: Bytes::from((0..1000).map(|i| (i % 251) as u8).collect::<Vec<u8>>()),
    };
    let mut buf = Vec::new();
    blob.encode_avro(&mut buf)?;
    let frame = Bytes::from(buf);
    // Both loops decode the same value; only the sliced one shares the frame.
    let copied = BlobRef::from_avro_borrowed(&frame)?;
    let sliced = BlobRef::from_avro_bytes(&frame)?;
    if copied.payload != blob.payload
        || sliced.payload != blob.payload
        || frame.as_ptr_range().contains(&copied.payload.as_ptr())
        || !frame.as_ptr_range().contains(&sliced.payload.as_ptr())
    {
        return Err("the copy and the slice differ from what was written".into());
    }
    drop((copied, sliced));
    run_copy(&frame, n);
    run_sliced(&frame, n);
    let mut tag = Vec::new();
    TagRef {
        id: 7,
        kind: "image/png",
    }
    .encode_avro(&mut tag)?;
    let tag = Bytes::from(tag);
    if TagRef::from_avro_bytes(&tag)?.kind != "image/png" {
        return Err("the tag decodes wrong".into());
    }
    run_no_bytes_plain(&tag, n);
    run_no_bytes_scoped(&tag, n);
    println!(
        "{n} decodes each way of a {}-byte frame and a {}-byte one",
        frame.len(),
        tag.len()
    );
    Ok(())
}
