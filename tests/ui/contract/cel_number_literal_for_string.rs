use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "known_id", expr = "1 == message.id"))]
struct Order {
    id: String,
    amount: f64,
}

fn main() {}
