// Every file of `orders-value/` is a pinned version (name order = version order). Dropping
// `note`'s default still reads v002 records (they carry a note) but not v001's, which
// BACKWARD_TRANSITIVE checks too.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(
    namespace = "shop",
    pin = "orders-value/",
    compatibility = "BACKWARD_TRANSITIVE"
)]
struct Order {
    id: String,
    amount: i64,
    note: String,
}

fn main() {}
