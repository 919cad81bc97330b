// v1 had `id`, `amount` and `coupon` (no default); `coupon` was removed under FORWARD.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(
    namespace = "shop",
    pin = "removed_field_forward.avsc",
    compatibility = "FORWARD"
)]
struct Order {
    id: String,
    amount: i64,
}

fn main() {}
