use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "positive_amount"))]
struct Order {
    amount: f64,
}

fn main() {}
