use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "check", expr = "message.amount > 0.0", mode = "ALWAYS"))]
struct Order {
    amount: f64,
}

fn main() {}
