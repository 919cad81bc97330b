use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    id: String,
    #[stream_schema(skip, default, tags("PII"))]
    card: String,
}

fn main() {}
