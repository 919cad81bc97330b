use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(metadata(owner = "billing", owner = "payments"))]
struct Order {
    id: String,
}

fn main() {}
