//! Runs each codec of the benchmarks' `Order` in a loop of its own (and a cached typed send
//! on the embedded log, and the log's own append), so that callgrind can count the
//! instructions each one takes. Instruction counts are exact and repeatable
//! whatever else the machine is doing, which wall-clock benchmarks on a shared 2-core
//! machine are not; `BENCHMARKS.md` reports both.
//!
//! ```sh
//! cargo build --release --example codec_instructions
//! valgrind --tool=callgrind --callgrind-out-file=cg.out \
//!     target/release/examples/codec_instructions 100000
//! callgrind_annotate --inclusive=yes cg.out | grep 'codec_instructions::run_'
//! ```
//! Divide each `run_*` total by the iteration count for instructions per message; the
//! `run_avro_decode_items_N_*` loops run `iterations / N` times (at least 10), so divide
//! those by that.

use std::hint::black_box;

use bytes::Bytes;
use streamhouse_schema::codec::avro::resolve::Resolution;
use streamhouse_schema::producer::Producer;
use streamhouse_schema::transport::{MemoryLog, Transport};
use streamhouse_schema::{
    AvroBorrowDecode, AvroDecode, AvroEncode, JsonBorrowDecode, JsonDecode, JsonEncode,
    ProtoBorrowDecode, StreamSchema,
};
use tokio::runtime::Runtime;

#[path = "../benches/support/avro_order.rs"]
mod avro_order;
#[path = "../benches/support/json_order.rs"]
mod json_order;
#[path = "../benches/support/proto_order.rs"]
mod proto_order;

#[inline(never)]
fn run_avro_encode_streamhouse(o: &avro_order::Order, buf: &mut Vec<u8>, n: usize) {
    for _ in 0..n {
        buf.clear();
        if black_box(o).encode_avro(buf).is_err() {
            return;
        }
        black_box(buf.len());
    }
}

#[inline(never)]
fn run_avro_encode_hand_written(o: &avro_order::Order, buf: &mut Vec<u8>, n: usize) {
    for _ in 0..n {
        buf.clear();
        avro_order::hand::encode(black_box(o), buf);
        black_box(buf.len());
    }
}

#[inline(never)]
fn run_avro_decode_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(avro_order::Order::decode_avro(&mut black_box(bytes)).ok());
    }
}

/// The same bytes into the borrowing twin of the Order (strings as `&str`): zero-copy.
#[inline(never)]
fn run_avro_decode_borrowed_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(avro_order::borrowed::Order::from_avro_borrowed(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_avro_decode_hand_written(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(avro_order::hand::decode(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_avro_decode_resolved_v1_as_v2(plan: &Resolution, bytes: &[u8], n: usize) {
    let mut scratch = Vec::with_capacity(256);
    for _ in 0..n {
        black_box(
            plan.decode::<avro_order::v2::Order>(black_box(bytes), &mut scratch)
                .ok(),
        );
    }
}

/// v2 bytes decoded as v2: the reader type's own cost, the floor of a resolved read.
#[inline(never)]
fn run_avro_decode_streamhouse_v2(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(avro_order::v2::Order::decode_avro(&mut black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_send_typed_topic_embedded_log(
    rt: &Runtime,
    producer: &Producer,
    o: &avro_order::Order,
    n: usize,
) {
    rt.block_on(async {
        for _ in 0..n {
            let sent = producer.send_typed(black_box(o)).await;
            if sent.is_err() {
                return;
            }
        }
    });
}

#[inline(never)]
fn run_avro_decode_resolved_v1_as_v3(plan: &Resolution, bytes: &[u8], n: usize) {
    let mut scratch = Vec::with_capacity(256);
    for _ in 0..n {
        black_box(
            plan.decode::<v3::Order>(black_box(bytes), &mut scratch)
                .ok(),
        );
    }
}

/// v3 of the order: every line item changed (`quantity` an int read as a double, a field
/// added), `note` removed, a field added, so no part of a v1 payload is read unchanged.
mod v3 {
    use streamhouse_schema::StreamSchema;

    /// An order line, v3.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "LineItem", namespace = "bench")]
    pub struct LineItem {
        pub sku: String,
        pub quantity: f64,
        pub unit_price: i64,
        #[stream_schema(default = "0")]
        pub discount: i64,
    }

    /// An order, v3.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(name = "Order", namespace = "bench")]
    pub struct Order {
        pub id: i64,
        pub customer_id: String,
        pub amount: i64,
        pub currency: String,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub items: Vec<LineItem>,
        #[stream_schema(default = "\"web\"")]
        pub channel: String,
    }
}

#[inline(never)]
fn run_send_typed_embedded_log(rt: &Runtime, producer: &Producer, o: &avro_order::Order, n: usize) {
    rt.block_on(async {
        for _ in 0..n {
            let sent = producer
                .send_typed_to("orders", None::<&String>, black_box(o))
                .await;
            if sent.is_err() {
                return;
            }
        }
    });
}

#[inline(never)]
fn run_embedded_log_append(rt: &Runtime, log: &MemoryLog, frame: &Bytes, n: usize) {
    rt.block_on(async {
        for _ in 0..n {
            let sent = log
                .send("orders", None, None, black_box(frame).clone(), Vec::new())
                .await;
            if sent.is_err() {
                return;
            }
        }
    });
}

#[inline(never)]
fn run_json_encode_streamhouse(o: &json_order::Order, buf: &mut Vec<u8>, n: usize) {
    for _ in 0..n {
        buf.clear();
        if black_box(o).encode_json(buf).is_err() {
            return;
        }
        black_box(buf.len());
    }
}

#[inline(never)]
fn run_json_encode_serde_json(o: &json_order::Order, buf: &mut Vec<u8>, n: usize) {
    for _ in 0..n {
        buf.clear();
        if serde_json::to_writer(&mut *buf, black_box(o)).is_err() {
            return;
        }
        black_box(buf.len());
    }
}

#[inline(never)]
fn run_json_decode_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(json_order::Order::decode_json(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_json_decode_serde_json(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(serde_json::from_slice::<json_order::Order>(black_box(bytes)).ok());
    }
}

/// Decodes of the Order with `items` line items, generated and hand-written: one
/// `run_avro_decode_items_*` pair per size, so callgrind names each loop.
macro_rules! item_runs {
    ($($items:literal => $ours:ident, $hand:ident;)*) => {
        $(
            #[inline(never)]
            fn $ours(bytes: &[u8], n: usize) {
                for _ in 0..n {
                    black_box(avro_order::Order::decode_avro(&mut black_box(bytes)).ok());
                }
            }
            #[inline(never)]
            fn $hand(bytes: &[u8], n: usize) {
                for _ in 0..n {
                    black_box(avro_order::hand::decode(black_box(bytes)).ok());
                }
            }
        )*
        /// Runs each pair, `n / items` times (at least 10), after checking both decoders.
        fn run_avro_decode_items(n: usize) -> Result<(), Box<dyn std::error::Error>> {
            $(
                let order = avro_order::sample_with_items($items);
                let mut bytes = Vec::new();
                order.encode_avro(&mut bytes)?;
                if avro_order::hand::decode(&bytes).ok() != Some(order.clone())
                    || avro_order::Order::decode_avro(&mut bytes.as_slice())? != order
                {
                    return Err(format!("{} items: the decoders disagree", $items).into());
                }
                let times = (n / $items).max(10);
                $ours(&bytes, times);
                $hand(&bytes, times);
            )*
            Ok(())
        }
    };
}

item_runs! {
    1 => run_avro_decode_items_1_streamhouse, run_avro_decode_items_1_hand_written;
    10 => run_avro_decode_items_10_streamhouse, run_avro_decode_items_10_hand_written;
    100 => run_avro_decode_items_100_streamhouse, run_avro_decode_items_100_hand_written;
    1000 => run_avro_decode_items_1000_streamhouse, run_avro_decode_items_1000_hand_written;
}

#[inline(never)]
fn run_proto_decode_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(proto_order::Order::decode_proto(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_proto_decode_borrowed_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(proto_order::borrowed::Order::from_proto_borrowed(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_proto_decode_prost(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(<proto_order::ProstOrder as prost::Message>::decode(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_json_decode_plain_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(json_order::PlainOrder::decode_json(black_box(bytes)).ok());
    }
}

/// The same document into the borrowing twin of `PlainOrder` (strings as `&str`).
#[inline(never)]
fn run_json_decode_plain_borrowed_streamhouse(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(json_order::borrowed::PlainOrder::decode_json_borrowed(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_json_decode_plain_serde_json(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(serde_json::from_slice::<json_order::PlainOrder>(black_box(bytes)).ok());
    }
}

#[inline(never)]
fn run_json_decode_plain_sonic_rs(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(sonic_rs::from_slice::<json_order::PlainOrder>(black_box(bytes)).ok());
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 100_000,
    };
    let mut buf = Vec::with_capacity(1024);

    let order = avro_order::sample();
    let mut avro = Vec::new();
    order.encode_avro(&mut avro)?;
    let mut by_hand = Vec::new();
    avro_order::hand::encode(&order, &mut by_hand);
    if avro != by_hand {
        return Err("the hand-written Avro encoder writes other bytes".into());
    }
    run_avro_encode_streamhouse(&order, &mut buf, n);
    run_avro_encode_hand_written(&order, &mut buf, n);
    run_avro_decode_streamhouse(&avro, n);
    run_avro_decode_hand_written(&avro, n);
    match avro_order::borrowed::Order::from_avro_borrowed(&avro) {
        Ok(b) if avro_order::borrowed::same(&b, &order) => {}
        other => {
            return Err(format!("the borrowing decoder reads another order: {other:?}").into())
        }
    }
    run_avro_decode_borrowed_streamhouse(&avro, n);
    let plan = Resolution::new(
        avro_order::Order::avro_schema_json(),
        avro_order::v2::Order::avro_schema_json(),
    )?;
    match plan.decode::<avro_order::v2::Order>(&avro, &mut Vec::new()) {
        Ok(v2) if v2.channel == "web" && v2.items.len() == order.items.len() => {}
        other => return Err(format!("v1 bytes read as v2: {other:?}").into()),
    }
    run_avro_decode_resolved_v1_as_v2(&plan, &avro, n);
    let mut avro_v2 = Vec::new();
    plan.decode::<avro_order::v2::Order>(&avro, &mut Vec::new())?
        .encode_avro(&mut avro_v2)?;
    run_avro_decode_streamhouse_v2(&avro_v2, n);
    let plan = Resolution::new(
        avro_order::Order::avro_schema_json(),
        v3::Order::avro_schema_json(),
    )?;
    match plan.decode::<v3::Order>(&avro, &mut Vec::new()) {
        Ok(v3)
            if v3.channel == "web"
                && v3.items.len() == order.items.len()
                && v3
                    .items
                    .iter()
                    .zip(&order.items)
                    .all(|(a, b)| a.quantity == f64::from(b.quantity)) => {}
        other => return Err(format!("v1 bytes read as v3: {other:?}").into()),
    }
    run_avro_decode_resolved_v1_as_v3(&plan, &avro, n);

    // The producer's own cost: a cached `send_typed_to` on the embedded log, next to the
    // encode above and the log's own append of a ready frame.
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let producer = rt.block_on(
        Producer::builder()
            .schema_registry("mock://codec-instructions")
            .build(),
    )?;
    rt.block_on(producer.send_typed_to("orders", None::<&String>, &order))?;
    run_send_typed_embedded_log(&rt, &producer, &order, n);
    // `send_typed` (the type's own topic): ids from the type's memo, not the shared cache.
    rt.block_on(producer.send_typed(&order))?;
    run_send_typed_topic_embedded_log(&rt, &producer, &order, n);
    let log = MemoryLog::new();
    let frame = Bytes::from(avro.clone());
    run_embedded_log_append(&rt, &log, &frame, n);

    let order = json_order::order();
    let json = serde_json::to_vec(&order)?;
    if json_order::Order::decode_json(&json)? != order {
        return Err("the generated JSON decoder reads another value".into());
    }
    run_json_encode_streamhouse(&order, &mut buf, n);
    run_json_encode_serde_json(&order, &mut buf, n);
    run_json_decode_streamhouse(&json, n);
    run_json_decode_serde_json(&json, n);

    let plain = json_order::plain_order();
    let json = plain.to_json_vec()?;
    if json_order::PlainOrder::decode_json(&json)? != plain
        || serde_json::from_slice::<json_order::PlainOrder>(&json)? != plain
        || sonic_rs::from_slice::<json_order::PlainOrder>(&json)? != plain
    {
        return Err("the JSON decoders read another plain order".into());
    }
    run_json_decode_plain_streamhouse(&json, n);
    match json_order::borrowed::PlainOrder::decode_json_borrowed(&json) {
        Ok(b) if json_order::borrowed::same(&b, &plain) => {}
        other => {
            return Err(format!("the borrowing JSON decoder reads another order: {other:?}").into())
        }
    }
    run_json_decode_plain_borrowed_streamhouse(&json, n);
    run_json_decode_plain_serde_json(&json, n);
    run_json_decode_plain_sonic_rs(&json, n);

    let order = proto_order::order();
    let mut proto = Vec::new();
    order.encode_proto(&mut proto);
    if proto != prost::Message::encode_to_vec(&proto_order::prost_order(&order))
        || proto_order::Order::decode_proto(&proto)? != order
    {
        return Err("the Protobuf codecs disagree".into());
    }
    match proto_order::borrowed::Order::from_proto_borrowed(&proto) {
        Ok(b) if proto_order::borrowed::same(&b, &order) => {}
        other => {
            return Err(
                format!("the borrowing Protobuf decoder reads another order: {other:?}").into(),
            )
        }
    }
    run_proto_decode_streamhouse(&proto, n);
    run_proto_decode_borrowed_streamhouse(&proto, n);
    run_proto_decode_prost(&proto, n);

    run_avro_decode_items(n)?;
    println!("ran every codec {n} times");
    Ok(())
}
