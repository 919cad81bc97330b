use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "positive_amount", expr = "message.amount >"))]
struct Order {
    id: String,
    amount: f64,
}

fn main() {}
