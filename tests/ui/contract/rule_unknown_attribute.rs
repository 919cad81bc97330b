use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "check", expression = "message.amount > 0.0"))]
struct Order {
    amount: f64,
}

fn main() {}
