use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "check", expr = "message.amount > 0.0"))]
#[stream_schema(rule(name = "check", expr = "message.amount < 100.0"))]
struct Order {
    amount: f64,
}

fn main() {}
