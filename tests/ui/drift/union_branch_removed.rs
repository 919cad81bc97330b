// v1's Payment had Card, Cash and Voucher; Voucher was removed.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "union_branch_removed.avsc")]
struct Order {
    id: String,
    payment: Payment,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
enum Payment {
    Card { last4: String },
    Cash { amount: i64 },
}

fn main() {}
