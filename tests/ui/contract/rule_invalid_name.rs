use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "1st check", expr = "message.amount > 0.0"))]
struct Order {
    amount: f64,
}

fn main() {}
