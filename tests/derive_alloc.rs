//! The generated encoder allocates nothing of its own: into a reused, pre-grown buffer an
//! encode makes zero allocations. Counted with a global allocator that counts calls made
//! while this thread has counting switched on (the test harness's own threads are not
//! counted).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use streamhouse_schema::{AvroDecode, AvroEncode, StreamSchema};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    // `try_with`: the thread-local may already be gone while a thread shuts down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench")]
struct LineItem {
    sku: String,
    quantity: i32,
    unit_price: i64,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "bench")]
struct Order {
    id: i64,
    customer_id: String,
    amount: i64,
    currency: String,
    created_at: chrono::DateTime<chrono::Utc>,
    #[stream_schema(unit = "millis")]
    shipped_at: Option<chrono::DateTime<chrono::Utc>>,
    note: Option<String>,
    items: Vec<LineItem>,
    id_text: uuid::Uuid,
    #[stream_schema(decimal(precision = 12, scale = 2))]
    total: rust_decimal::Decimal,
}

fn sample() -> Order {
    let item = |sku: &str, quantity, unit_price| LineItem {
        sku: sku.to_string(),
        quantity,
        unit_price,
    };
    Order {
        id: 1_234_567_890,
        customer_id: "cust-0042".to_string(),
        amount: 12_999,
        currency: "EUR".to_string(),
        created_at: chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
        shipped_at: chrono::DateTime::from_timestamp_millis(1_764_000_100_000),
        note: Some("leave at the door".to_string()),
        items: vec![
            item("SKU-RED-MUG", 2, 1_499),
            item("SKU-BLUE-PLATE", 1, 4_999),
            item("SKU-TEA-250G", 3, 1_667),
        ],
        id_text: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        total: rust_decimal::Decimal::new(12_999, 2),
    }
}

#[test]
fn encoding_into_a_pre_grown_buffer_allocates_nothing() {
    let order = sample();
    let mut buf = Vec::with_capacity(1024);
    // Build the cached schemas outside the measurement (they are built once per type).
    let _ = Order::avro_schema();
    let n = allocations(|| {
        for _ in 0..100 {
            buf.clear();
            order.encode_avro(&mut buf).unwrap();
        }
    });
    assert_eq!(n, 0, "{n} allocations in 100 encodes");
    assert_eq!(Order::decode_value(&buf).unwrap(), order);
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the test above against a counter that never counts.
    let n = allocations(|| {
        let v: Vec<u8> = Vec::with_capacity(16);
        std::hint::black_box(v);
    });
    assert_eq!(n, 1);
}

#[test]
fn decoding_allocates_only_the_owned_values() {
    let order = sample();
    let mut bytes = Vec::new();
    order.encode_avro(&mut bytes).unwrap();
    let mut decoded = None;
    let n = allocations(|| decoded = Some(Order::decode_avro(&mut bytes.as_slice()).unwrap()));
    // customer_id, currency, note, the items Vec and the 3 skus: 7 owned buffers.
    assert_eq!(n, 7);
    assert_eq!(decoded, Some(order));
}
