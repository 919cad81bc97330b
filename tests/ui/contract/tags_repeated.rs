use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(tags("PII", "PII"))]
    card: String,
}

fn main() {}
